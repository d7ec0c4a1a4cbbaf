/*
 * POSIX threads on the library OS's cooperative threads (los/thread.h,
 * los/sync.h), for portable code: create/join/detach/exit/self, mutexes,
 * condition variables (timed waits take CLOCK_REALTIME = the kernel's
 * clock), once, and keys for thread-specific data. Threads never preempt
 * each other: a thread runs until it blocks or yields (sched_yield).
 * Attributes other than the stack size are accepted and ignored.
 */
#ifndef LOS_PTHREAD_H
#define LOS_PTHREAD_H

#include <los/sync.h>
#include <los/thread.h>
#include <sched.h>
#include <stddef.h>
#include <time.h>

typedef los_thread *pthread_t;
typedef struct {
  size_t stack_size;
  int detached;
} pthread_attr_t;
typedef los_mutex pthread_mutex_t;
typedef int pthread_mutexattr_t;
typedef los_cond pthread_cond_t;
typedef int pthread_condattr_t;
typedef int pthread_once_t;
typedef unsigned int pthread_key_t;

#define PTHREAD_MUTEX_INITIALIZER {0, {0, 0}}
#define PTHREAD_COND_INITIALIZER {{0, 0}}
#define PTHREAD_ONCE_INIT 0
#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1
#define PTHREAD_KEYS_MAX 64

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg);
int pthread_join(pthread_t t, void **result);
int pthread_detach(pthread_t t);
__attribute__((noreturn)) void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);

int pthread_attr_init(pthread_attr_t *a);
int pthread_attr_destroy(pthread_attr_t *a);
int pthread_attr_setstacksize(pthread_attr_t *a, size_t size);
int pthread_attr_getstacksize(const pthread_attr_t *a, size_t *size);
int pthread_attr_setdetachstate(pthread_attr_t *a, int state);

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr);
int pthread_cond_destroy(pthread_cond_t *c);
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m);
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *at);
int pthread_cond_signal(pthread_cond_t *c);
int pthread_cond_broadcast(pthread_cond_t *c);

int pthread_once(pthread_once_t *once, void (*fn)(void));
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

#endif
