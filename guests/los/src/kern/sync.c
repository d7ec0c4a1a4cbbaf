/* Locks and condition variables over the scheduler's wait queues (los/sync.h). */
#include <errno.h>
#include <los/sync.h>
#include <stdio.h>
#include <stdlib.h>

#include "kern.h"

void los_mutex_init(los_mutex *m) {
  m->owner = NULL;
  los_list_init(&m->waiters);
}

int los_mutex_trylock(los_mutex *m) {
  if (m->owner) return 0;
  m->owner = los_self();
  return 1;
}

void los_mutex_lock(los_mutex *m) {
  los_thread *self = los_self();
  if (m->owner == self) {
    fprintf(stderr, "los: thread %s locks a mutex it holds\n", los_thread_name(self));
    abort();
  }
  /* Ownership passes directly to the woken waiter (no barging). */
  if (m->owner) los_block(&m->waiters);
  else m->owner = self;
}

void los_mutex_unlock(los_mutex *m) {
  if (los_list_empty(&m->waiters)) {
    m->owner = NULL;
    return;
  }
  los_thread *next = los_container_of(m->waiters.next, los_thread, qlink);
  m->owner = next;
  los_wake(next);
}

void los_cond_init(los_cond *c) { los_list_init(&c->waiters); }

void los_cond_wait(los_cond *c, los_mutex *m) {
  if (m) los_mutex_unlock(m);
  los_block(&c->waiters);
  if (m) los_mutex_lock(m);
}

int los_cond_timedwait(los_cond *c, los_mutex *m, uint64_t deadline) {
  if (m) los_mutex_unlock(m);
  int timed_out = los_block_until(&c->waiters, deadline);
  if (m) los_mutex_lock(m);
  return timed_out ? ETIMEDOUT : 0;
}

void los_cond_signal(los_cond *c) { los_wake_one(&c->waiters); }

void los_cond_broadcast(los_cond *c) { los_wake_all(&c->waiters); }
