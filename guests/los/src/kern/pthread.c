/*
 * POSIX threads over the library OS's threads (pthread.h). A pthread is a
 * los_thread running a trampoline that stores the start routine's result;
 * thread-specific data lives in a small per-thread table found by thread.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "kern.h"

struct start {
  void *(*fn)(void *);
  void *arg;
  void *result;
  los_thread *thread;
  int detached; /* nobody joins: the thread forgets its start record when it ends */
  void *specific[PTHREAD_KEYS_MAX];
  struct start *next;
};

static struct start *starts; /* one per pthread alive or not yet joined */
static void (*destructors[PTHREAD_KEYS_MAX])(void *);
static unsigned char key_used[PTHREAD_KEYS_MAX];
static struct start main_start;

static struct start *start_of(los_thread *t) {
  for (struct start *s = starts; s; s = s->next) {
    if (s->thread == t) return s;
  }
  if (!main_start.thread) main_start.thread = los_self();
  return t == main_start.thread ? &main_start : NULL;
}

static void forget(struct start *st) {
  for (struct start **p = &starts; *p; p = &(*p)->next) {
    if (*p == st) {
      *p = st->next;
      break;
    }
  }
  free(st);
}

static void run_destructors(struct start *st) {
  for (int k = 0; k < PTHREAD_KEYS_MAX; k++) {
    void *v = st->specific[k];
    if (v && key_used[k] && destructors[k]) {
      st->specific[k] = NULL;
      destructors[k](v);
    }
  }
}

static void trampoline(void *arg) {
  struct start *st = arg;
  st->result = st->fn(st->arg);
  run_destructors(st);
  if (st->detached) forget(st);
}

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  struct start *st = calloc(1, sizeof *st);
  if (!st) return EAGAIN;
  st->fn = fn;
  st->arg = arg;
  los_thread *th = los_thread_create(trampoline, st, attr ? attr->stack_size : 0, "pthread");
  if (!th) {
    free(st);
    return EAGAIN;
  }
  st->thread = th;
  st->next = starts;
  starts = st;
  *t = th;
  if (attr && attr->detached) pthread_detach(th);
  return 0;
}

int pthread_join(pthread_t t, void **result) {
  struct start *st = start_of(t);
  if (!st || st == &main_start) return ESRCH;
  if (t == los_self()) return EDEADLK;
  los_thread_join(t);
  if (result) *result = st->result;
  forget(st);
  return 0;
}

int pthread_detach(pthread_t t) {
  struct start *st = start_of(t);
  if (!st || st == &main_start) return ESRCH;
  if (t->state == T_DONE) forget(st);
  else st->detached = 1; /* the trampoline forgets it when the thread ends */
  los_thread_detach(t);
  return 0;
}

void pthread_exit(void *result) {
  struct start *st = start_of(los_self());
  if (st) {
    st->result = result;
    run_destructors(st);
    if (st->detached) forget(st);
  }
  los_thread_exit();
}

pthread_t pthread_self(void) { return los_self(); }
int pthread_equal(pthread_t a, pthread_t b) { return a == b; }

int pthread_attr_init(pthread_attr_t *a) {
  a->stack_size = 0;
  a->detached = 0;
  return 0;
}
int pthread_attr_destroy(pthread_attr_t *a) {
  (void)a;
  return 0;
}
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size) {
  if (size < 4096) return EINVAL;
  a->stack_size = size;
  return 0;
}
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size) {
  *size = a->stack_size ? a->stack_size : LOS_STACK_DEFAULT;
  return 0;
}
int pthread_attr_setdetachstate(pthread_attr_t *a, int state) {
  a->detached = state == PTHREAD_CREATE_DETACHED;
  return 0;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  (void)attr;
  los_mutex_init(m);
  return 0;
}
int pthread_mutex_destroy(pthread_mutex_t *m) { return m->owner ? EBUSY : 0; }

/* A statically initialized mutex or condition has zeroed links: make them empty lists. */
static void fix_list(los_list *l) {
  if (!l->next) los_list_init(l);
}

int pthread_mutex_lock(pthread_mutex_t *m) {
  fix_list(&m->waiters);
  if (m->owner == los_self()) return EDEADLK;
  los_mutex_lock(m);
  return 0;
}
int pthread_mutex_trylock(pthread_mutex_t *m) {
  fix_list(&m->waiters);
  return los_mutex_trylock(m) ? 0 : EBUSY;
}
int pthread_mutex_unlock(pthread_mutex_t *m) {
  fix_list(&m->waiters);
  if (m->owner != los_self()) return EPERM;
  los_mutex_unlock(m);
  return 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr) {
  (void)attr;
  los_cond_init(c);
  return 0;
}
int pthread_cond_destroy(pthread_cond_t *c) { return los_list_empty(&c->waiters) ? 0 : EBUSY; }
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  fix_list(&c->waiters);
  fix_list(&m->waiters);
  los_cond_wait(c, m);
  return 0;
}
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *at) {
  fix_list(&c->waiters);
  fix_list(&m->waiters);
  uint64_t deadline = (uint64_t)at->tv_sec * 1000000u + (uint64_t)at->tv_nsec / 1000;
  return los_cond_timedwait(c, m, deadline);
}
int pthread_cond_signal(pthread_cond_t *c) {
  fix_list(&c->waiters);
  los_cond_signal(c);
  return 0;
}
int pthread_cond_broadcast(pthread_cond_t *c) {
  fix_list(&c->waiters);
  los_cond_broadcast(c);
  return 0;
}

int pthread_once(pthread_once_t *once, void (*fn)(void)) {
  if (*once == 0) {
    *once = 1;
    fn();
  }
  return 0;
}

int pthread_key_create(pthread_key_t *key, void (*destructor)(void *)) {
  for (unsigned k = 0; k < PTHREAD_KEYS_MAX; k++) {
    if (!key_used[k]) {
      key_used[k] = 1;
      destructors[k] = destructor;
      *key = k;
      return 0;
    }
  }
  return EAGAIN;
}

int pthread_key_delete(pthread_key_t key) {
  if (key >= PTHREAD_KEYS_MAX || !key_used[key]) return EINVAL;
  key_used[key] = 0;
  for (struct start *s = starts; s; s = s->next) s->specific[key] = NULL;
  main_start.specific[key] = NULL;
  return 0;
}

void *pthread_getspecific(pthread_key_t key) {
  struct start *st = start_of(los_self());
  return st && key < PTHREAD_KEYS_MAX ? st->specific[key] : NULL;
}

int pthread_setspecific(pthread_key_t key, const void *value) {
  struct start *st = start_of(los_self());
  if (!st || key >= PTHREAD_KEYS_MAX || !key_used[key]) return EINVAL;
  st->specific[key] = (void *)value;
  return 0;
}

int sched_yield(void) {
  los_yield();
  return 0;
}
