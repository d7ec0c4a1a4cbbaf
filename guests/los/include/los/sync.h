/*
 * Locks and condition variables for the library OS's cooperative threads.
 * Waiters queue in FIFO order. A condition wait may pass a NULL mutex: with
 * cooperative threads, code between two blocking points runs atomically.
 */
#ifndef LOS_SYNC_H
#define LOS_SYNC_H

#include <los/list.h>
#include <stdint.h>

typedef struct los_thread los_thread;

typedef struct {
  los_thread *owner;
  los_list waiters;
} los_mutex;

typedef struct {
  los_list waiters;
} los_cond;

#define LOS_MUTEX_INIT(m) {0, LOS_LIST_INIT((m).waiters)}
#define LOS_COND_INIT(c) {LOS_LIST_INIT((c).waiters)}

void los_mutex_init(los_mutex *m);
void los_mutex_lock(los_mutex *m);
/* 1 if taken, 0 if another thread holds it. */
int los_mutex_trylock(los_mutex *m);
void los_mutex_unlock(los_mutex *m);

void los_cond_init(los_cond *c);
/* Releases `m` (if not NULL), waits for a signal, retakes `m`. */
void los_cond_wait(los_cond *c, los_mutex *m);
/* As los_cond_wait, giving up at los_now_us() >= deadline: returns 0 if signalled, ETIMEDOUT if not. */
int los_cond_timedwait(los_cond *c, los_mutex *m, uint64_t deadline);
/* Wakes the longest waiter. */
void los_cond_signal(los_cond *c);
/* Wakes every waiter. */
void los_cond_broadcast(los_cond *c);

#endif
