/*
 * Cooperative threads of the library OS (Denali's Ilwaco): threads run until
 * they block, yield, sleep or exit; nothing preempts them, so data shared
 * between threads needs a lock only across a blocking call. When no thread
 * can run, the scheduler idles the VM with a timeout equal to the earliest
 * pending timer (VMCALL idle-with-timeout), and an interrupt or the timer
 * wakes it. See guests/los/README.md.
 */
#ifndef LOS_THREAD_H
#define LOS_THREAD_H

#include <stddef.h>
#include <stdint.h>

typedef struct los_thread los_thread;

/* Default stack of a new thread, bytes. */
#define LOS_STACK_DEFAULT (32u * 1024)

/*
 * Starts `fn(arg)` in a new thread with a stack of `stack` bytes (0: the
 * default), runnable after the current thread next blocks or yields. The
 * thread ends when `fn` returns or it calls los_thread_exit. Returns 0 when
 * memory runs out. The handle stays valid until los_thread_join or
 * los_thread_detach.
 */
los_thread *los_thread_create(void (*fn)(void *), void *arg, size_t stack, const char *name);
/* los_thread_create + los_thread_detach: for threads nobody waits for. */
int los_spawn(void (*fn)(void *), void *arg, const char *name);
/* Waits until `t` ends and frees it. */
void los_thread_join(los_thread *t);
/* Frees `t` when it ends; the handle may not be used afterwards. */
void los_thread_detach(los_thread *t);
/* Ends the calling thread. When the last thread ends, the VM exits with 0. */
__attribute__((noreturn)) void los_thread_exit(void);
/* The calling thread. */
los_thread *los_self(void);
/* The name given at creation ("main" for the first thread). */
const char *los_thread_name(los_thread *t);
/* Lets every other runnable thread run first. */
void los_yield(void);

/* Microseconds since the kernel started (the kernel's clock, virtual under the deterministic clock). */
uint64_t los_now_us(void);
/* Blocks the calling thread for `us` microseconds. */
void los_sleep_us(uint64_t us);
/* Blocks the calling thread until los_now_us() >= `deadline`. */
void los_sleep_until(uint64_t deadline);

/*
 * How the scheduler waits when no thread can run (for experiments):
 * LOS_IDLE_TIMEOUT (default) idles the VM until the earliest callout or an
 * interrupt (idle-with-timeout); LOS_IDLE_POLL keeps the VM running while a
 * callout is pending, spinning until it is due (the ablation of Denali's
 * idle-with-timeout: without it, a VM with a pending timer burns its quanta).
 * With no callout pending both idle until an interrupt.
 */
enum { LOS_IDLE_TIMEOUT = 0, LOS_IDLE_POLL = 1 };
void los_sched_set_idle(int policy);

/* Scheduler counters (for tests and experiments). */
struct los_sched_stats {
  uint64_t switches;     /* context switches between threads */
  uint64_t idles;        /* idle-with-timeout hypercalls */
  uint64_t idle_timeouts;/* of which woke by timeout rather than by an interrupt */
  uint64_t upcalls;      /* interrupt batches taken */
  uint64_t polls;        /* spins instead of idling (LOS_IDLE_POLL) */
  uint32_t threads;      /* threads alive */
};
void los_sched_stats(struct los_sched_stats *out);

#endif
