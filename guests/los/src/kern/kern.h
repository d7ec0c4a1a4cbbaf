/* Private interfaces between the library OS's scheduler, interrupts and drivers. */
#ifndef LOS_KERN_H
#define LOS_KERN_H

#include <los/irq.h>
#include <los/list.h>
#include <los/sync.h>
#include <los/thread.h>
#include <los/timer.h>
#include <stdint.h>

enum { T_RUNNING, T_READY, T_BLOCKED, T_DONE };

struct los_thread {
  uint32_t esp;          /* saved stack pointer while not running */
  los_list qlink;        /* run queue or the wait queue it blocks on */
  los_callout timeout;   /* sleeps and timed waits */
  int state;
  int timed_out;         /* the last block ended by its timeout */
  uint32_t *stack;       /* lowest word holds STACK_CANARY; 0 for the main thread */
  size_t stack_size;
  void (*fn)(void *);
  void *arg;
  const char *name;
  int saved_errno;
  int detached;
  los_thread *joiner;
  los_list all;          /* every thread alive */
};

/* Makes the library OS ready (handler, hooks, main thread); idempotent. */
void los_init(void);
/* Blocks the current thread on `queue` (NULL: on nothing, e.g. a sleep) until woken. */
void los_block(los_list *queue);
/* As los_block, also waking by itself at `deadline`; returns 1 if it timed out. */
int los_block_until(los_list *queue, uint64_t deadline);
/* Makes a blocked thread runnable (no-op for others). */
void los_wake(los_thread *t);
/* Wakes the first thread of `queue`; returns 0 if it was empty. */
int los_wake_one(los_list *queue);
/* Wakes every thread of `queue`. */
void los_wake_all(los_list *queue);
/* Registers `fn` to run when the scheduler is about to idle the VM. */
void los_idle_hook(void (*fn)(void));

extern volatile uint32_t los_irq_lines;
extern volatile uint32_t los_irq_upcalls;
void los_irq_entry(void);
uint32_t los_idle_wait(uint32_t timeout_us);
/* Runs due callouts; returns the earliest remaining deadline (UINT64_MAX: none). */
uint64_t los_callouts_run(uint64_t now);
void los_timer_init(void);
void los_kbd_install(void);

#endif
