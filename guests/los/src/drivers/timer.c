/*
 * Timer device driver (kernel/ISA.md, "Timer"; line 0). The scheduler does
 * not need it (it idles with a timeout); programs use it for periodic work.
 * The bottom half reads the expiration count and wakes the waiters.
 */
#include <los/dev.h>
#include <los/irq.h>
#include <los/timer.h>

#include "../kern/kern.h"

static los_list waiters = LOS_LIST_INIT(waiters);
static uint32_t seen, pending;
static int installed;

static void timer_irq(void) {
  uint32_t count = inl(DN_TIMER_DISARM);
  if (count != seen) {
    pending += count - seen;
    seen = count;
  }
  los_wake_all(&waiters);
}

static void install(void) {
  if (installed) return;
  installed = 1;
  los_irq_register(DN_LINE_TIMER, timer_irq);
}

void los_timer_periodic(uint32_t period_us) {
  install();
  seen = 0;
  pending = 0;
  outl(DN_TIMER_PERIODIC, period_us);
}

void los_timer_oneshot(uint32_t us) {
  install();
  seen = 0;
  pending = 0;
  outl(DN_TIMER_ONESHOT, us);
}

uint32_t los_timer_wait(void) {
  install();
  while (pending == 0) {
    uint32_t count = inl(DN_TIMER_DISARM); /* expirations may precede the upcall */
    if (count != seen) {
      pending += count - seen;
      seen = count;
      break;
    }
    los_block(&waiters);
  }
  uint32_t n = pending;
  pending = 0;
  return n;
}
