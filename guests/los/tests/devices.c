/*
 * The library OS's drivers: keyboard (stdin through fgets, one thread),
 * timer (periodic expirations counted by another thread), disk (writes,
 * flush, many reads in flight at once, read back and compared). The test
 * maps a disk of at least 64 blocks at index 0 and types some lines.
 */
#include <ctype.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures;
#define CHECK(cond, what)                                           \
  do {                                                              \
    if (cond) printf("ok %s\n", what);                              \
    else printf("FAIL %s (line %d)\n", what, __LINE__), failures++; \
  } while (0)

static int ticks;
static void ticker(void *arg) {
  (void)arg;
  los_timer_periodic(1000);
  while (ticks < 20) ticks += (int)los_timer_wait();
  los_timer_periodic(0);
}

static int lines;
static void reader(void *arg) {
  (void)arg;
  char line[128];
  while (fgets(line, sizeof line, stdin)) {
    for (char *p = line; *p; p++) *p = (char)toupper((unsigned char)*p);
    printf("line: %s", line);
    lines++;
  }
  printf("end of input\n");
}

static int completions;
static void count_done(struct los_disk_io *io) {
  (void)io;
  completions++;
}

int main(void) {
  los_thread *t = los_thread_create(ticker, NULL, 0, "ticker");
  los_thread *r = los_thread_create(reader, NULL, 0, "reader");

  CHECK(los_disk_count() >= 1 && los_disk_blocks(0) >= 64, "a disk is mapped");
  uint8_t *buf = malloc(16 * 4096), *back = malloc(64 * 4096);
  for (int b = 0; b < 64; b += 16) {
    for (int i = 0; i < 16 * 4096; i++) buf[i] = (uint8_t)(i * 7 + b * 13 + (i >> 12));
    CHECK(los_disk_write(0, (uint32_t)b, 16, buf) == 0, "write 16 blocks");
  }
  CHECK(los_disk_flush(0) == 0, "flush");
  /* 40 single-block reads in flight at once (more than the device's queue of 32). */
  struct los_disk_io io[64];
  memset(io, 0, sizeof io);
  for (int i = 0; i < 40; i++) {
    io[i].done = count_done;
    los_disk_submit(&io[i], DN_DISK_READ, 0, (uint32_t)i, 1, back + i * 4096);
  }
  int bad = 0;
  for (int i = 0; i < 40; i++) bad += los_disk_wait(&io[i]) != 0;
  CHECK(bad == 0 && completions == 40, "40 reads in flight complete");
  int diff = 0;
  for (int i = 0; i < 40 * 4096; i++) {
    int b = (i / 4096) / 16 * 16, k = i - b * 4096;
    diff += back[i] != (uint8_t)(k * 7 + b * 13 + (k >> 12));
  }
  CHECK(diff == 0, "read back what was written");
  CHECK(los_disk_read(0, los_disk_blocks(0), 1, back) != 0, "a read past the end fails");
  CHECK(los_disk_read(3, 0, 1, back) != 0, "a missing disk fails");

  los_thread_join(t);
  los_thread_join(r);
  CHECK(ticks >= 20, "the periodic timer ticked 20 times");
  CHECK(lines == 3, "three lines typed");
  struct los_sched_stats st;
  los_sched_stats(&st);
  printf("upcalls %llu idles %llu\n", (unsigned long long)st.upcalls, (unsigned long long)st.idles);
  return failures;
}
