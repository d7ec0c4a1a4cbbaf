/*
 * Callouts: functions run by the scheduler at a time (on the kernel's clock,
 * in microseconds). The scheduler idles the VM until the earliest callout
 * or an interrupt. Callbacks run on the scheduler's path: they must not
 * block (they may wake threads). Also the timer device (line 0).
 */
#ifndef LOS_TIMER_H
#define LOS_TIMER_H

#include <los/list.h>
#include <stdint.h>

typedef struct los_callout {
  los_list link;
  uint64_t when;
  void (*fn)(void *arg);
  void *arg;
  int armed;
} los_callout;

void los_callout_init(los_callout *c, void (*fn)(void *), void *arg);
/* Arms (or re-arms) `c` to run at `when`. */
void los_callout_arm(los_callout *c, uint64_t when);
void los_callout_cancel(los_callout *c);

/* The timer device: arms a periodic timer of `period_us` (0 disarms). */
void los_timer_periodic(uint32_t period_us);
/* Arms a one-shot device timer `us` from now. */
void los_timer_oneshot(uint32_t us);
/* Blocks until the device timer expires; returns the expirations since the last call. */
uint32_t los_timer_wait(void);

#endif
