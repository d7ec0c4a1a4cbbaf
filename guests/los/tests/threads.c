/*
 * Threads of the library OS: creation and join, mutex hand-off, condition
 * variables (producer/consumer), timed waits, sleeps waking in deadline
 * order, and the scheduler idling the VM (idle-with-timeout) while every
 * thread sleeps. Prints one line per check and exits with the number of
 * failures.
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(cond, what)                                   \
  do {                                                      \
    if (cond) printf("ok %s\n", what);                      \
    else printf("FAIL %s (line %d)\n", what, __LINE__), failures++; \
  } while (0)

/* Producer/consumer over a small bounded queue. */
#define SLOTS 4
static int queue[SLOTS], head, count;
static los_mutex lock;
static los_cond not_empty, not_full;
static long consumed_sum;
static int consumed;

static void producer(void *arg) {
  int base = (int)(intptr_t)arg;
  for (int i = 1; i <= 100; i++) {
    los_mutex_lock(&lock);
    while (count == SLOTS) los_cond_wait(&not_full, &lock);
    queue[(head + count++) % SLOTS] = base + i;
    los_cond_signal(&not_empty);
    los_mutex_unlock(&lock);
    if (i % 7 == 0) los_yield();
  }
}

static void consumer(void *arg) {
  (void)arg;
  for (;;) {
    los_mutex_lock(&lock);
    while (count == 0) los_cond_wait(&not_empty, &lock);
    int v = queue[head];
    head = (head + 1) % SLOTS;
    count--;
    los_cond_signal(&not_full);
    los_mutex_unlock(&lock);
    if (v < 0) return;
    consumed_sum += v;
    consumed++;
  }
}

/* Sleepers record the order they wake in. */
static char order[16];
static int order_len;
static void sleeper(void *arg) {
  int ms = (int)(intptr_t)arg;
  los_sleep_us((uint64_t)ms * 1000);
  order[order_len++] = (char)('0' + ms / 10);
}

static los_mutex held;
static int handoff;
static void contender(void *arg) {
  (void)arg;
  los_mutex_lock(&held);
  handoff = 1;
  los_mutex_unlock(&held);
}

static void deep(void *arg) {
  volatile char big[8000];
  memset((char *)big, 0x41, sizeof big);
  *(int *)arg = big[7000];
}

static int short_runs;
static void short_lived(void *arg) {
  (void)arg;
  los_yield();
  short_runs++;
}

int main(void) {
  los_mutex_init(&lock);
  los_cond_init(&not_empty);
  los_cond_init(&not_full);

  los_thread *c = los_thread_create(consumer, NULL, 0, "consumer");
  los_thread *p1 = los_thread_create(producer, (void *)0, 0, "p1");
  los_thread *p2 = los_thread_create(producer, (void *)1000, 16384, "p2");
  CHECK(c && p1 && p2, "threads created");
  los_thread_join(p1);
  los_thread_join(p2);
  los_mutex_lock(&lock);
  while (count == SLOTS) los_cond_wait(&not_full, &lock);
  queue[(head + count++) % SLOTS] = -1;
  los_cond_signal(&not_empty);
  los_mutex_unlock(&lock);
  los_thread_join(c);
  CHECK(consumed == 200 && consumed_sum == 2 * 5050 + 100 * 1000, "producer/consumer");

  /* Sleeps: created in a scrambled order, they must wake in deadline order. */
  int delays[] = {50, 20, 90, 10, 70, 30};
  los_thread *s[6];
  uint64_t t0 = los_now_us();
  for (int i = 0; i < 6; i++) s[i] = los_thread_create(sleeper, (void *)(intptr_t)delays[i], 0, "sleeper");
  for (int i = 0; i < 6; i++) los_thread_join(s[i]);
  uint64_t took = los_now_us() - t0;
  order[order_len] = 0;
  printf("wake order %s\n", order);
  CHECK(strcmp(order, "123579") == 0, "sleepers wake in deadline order");
  CHECK(took >= 90000 && took < 200000, "sleeps take their time");

  struct los_sched_stats st;
  los_sched_stats(&st);
  CHECK(st.idles >= 6 && st.idle_timeouts >= 6, "the VM idled with timeouts while all slept");

  /* Timed wait: nobody signals, so it times out at the deadline. */
  los_cond never;
  los_cond_init(&never);
  uint64_t before = los_now_us();
  int r = los_cond_timedwait(&never, NULL, before + 5000);
  CHECK(r == ETIMEDOUT && los_now_us() >= before + 5000, "timed wait times out");

  /* Mutex hand-off: the waiter gets the lock when it is released. */
  los_mutex_init(&held);
  los_mutex_lock(&held);
  los_thread *w = los_thread_create(contender, NULL, 0, "contender");
  los_yield();
  CHECK(handoff == 0, "the contender waits while the lock is held");
  los_mutex_unlock(&held);
  los_thread_join(w);
  CHECK(handoff == 1, "the contender got the lock");

  /* A thread with a stack big enough for an 8000-byte frame. */
  int value = 0;
  los_thread *d = los_thread_create(deep, &value, 16384, "deep");
  los_thread_join(d);
  CHECK(value == 0x41, "deep stack");

  /* Many short-lived detached threads are reclaimed. */
  int spawned = 0;
  for (int wave = 0; wave < 10; wave++) {
    for (int i = 0; i < 50; i++) spawned += los_spawn(short_lived, NULL, "short") == 0;
    los_sleep_us(1000);
  }
  los_sched_stats(&st);
  printf("spawned %d ran %d alive %u\n", spawned, short_runs, st.threads);
  CHECK(st.threads == 1 && short_runs == 500, "detached threads ran and are gone");
  printf("switches %llu idles %llu\n", (unsigned long long)st.switches,
         (unsigned long long)st.idles);
  return failures;
}
