/*
 * Portable POSIX-threads code (it builds unchanged with glibc): workers sum
 * slices of an array under a mutex, a condition variable hands work to a
 * pool, thread-specific data, once, join results. Prints only results that
 * do not depend on scheduling, so the output matches the native build's.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define N 10000
#define WORKERS 4

static int data[N];
static long total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int jobs[64], job_count, job_next, done_jobs;
static long job_sum;
static pthread_key_t key;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;

static void init_once(void) { once_runs++; }

static void *sum_slice(void *arg) {
  long id = (long)arg, local = 0;
  for (int i = (int)id * (N / WORKERS); i < (int)(id + 1) * (N / WORKERS); i++) local += data[i];
  pthread_once(&once, init_once);
  pthread_setspecific(key, (void *)(id + 100));
  sched_yield();
  long mine = (long)pthread_getspecific(key);
  pthread_mutex_lock(&lock);
  total += local;
  pthread_mutex_unlock(&lock);
  return (void *)(mine * 1000 + id);
}

static void *pool_worker(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&lock);
    while (job_next == job_count && job_count >= 0) pthread_cond_wait(&ready, &lock);
    if (job_count < 0 && job_next >= -job_count) {
      pthread_mutex_unlock(&lock);
      return NULL;
    }
    int j = jobs[job_next++];
    pthread_mutex_unlock(&lock);
    long r = (long)j * j;
    pthread_mutex_lock(&lock);
    job_sum += r;
    done_jobs++;
    pthread_mutex_unlock(&lock);
  }
}

int main(void) {
  for (int i = 0; i < N; i++) data[i] = (i * 37) % 101;
  pthread_key_create(&key, NULL);
  pthread_t t[WORKERS];
  for (long i = 0; i < WORKERS; i++) pthread_create(&t[i], NULL, sum_slice, (void *)i);
  long codes = 0;
  for (int i = 0; i < WORKERS; i++) {
    void *r;
    pthread_join(t[i], &r);
    codes += (long)r;
  }
  printf("sum %ld, join results %ld, once ran %d time(s)\n", total, codes, once_runs);

  pthread_t pool[3];
  for (int i = 0; i < 3; i++) pthread_create(&pool[i], NULL, pool_worker, NULL);
  for (int i = 1; i <= 50; i++) {
    pthread_mutex_lock(&lock);
    jobs[job_count++] = i;
    pthread_cond_signal(&ready);
    pthread_mutex_unlock(&lock);
  }
  pthread_mutex_lock(&lock);
  job_count = -job_count; /* no more jobs: workers leave when the queue is empty */
  pthread_cond_broadcast(&ready);
  pthread_mutex_unlock(&lock);
  for (int i = 0; i < 3; i++) pthread_join(pool[i], NULL);
  printf("pool: %d jobs, sum of squares %ld\n", done_jobs, job_sum);

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 65536);
  size_t size;
  pthread_attr_getstacksize(&attr, &size);
  pthread_t d;
  int rc = pthread_create(&d, &attr, sum_slice, (void *)0);
  printf("detached create %d, stack %zu\n", rc, size);
  struct timespec at;
  clock_gettime(CLOCK_REALTIME, &at);
  at.tv_nsec += 20 * 1000 * 1000;
  if (at.tv_nsec >= 1000000000) at.tv_sec++, at.tv_nsec -= 1000000000;
  pthread_mutex_lock(&lock);
  int w = pthread_cond_timedwait(&ready, &lock, &at);
  pthread_mutex_unlock(&lock);
  printf("timed wait: %s\n", w == 110 ? "timed out" : "signalled");
  return 0;
}
