/*
 * Time for Denali guests. The kernel's clock starts at 0 when the kernel
 * starts (kernel/ISA.md, "Virtual registers page"): time() counts seconds
 * since then, from the TIME_LO/HI virtual registers; clock() and
 * clock_gettime() read the current tick count (RDTSC) at CPU_KHZ. Under the
 * deterministic clock both are virtual time. No calendar (gmtime) support.
 */
#ifndef DENALI_TIME_H
#define DENALI_TIME_H

#include <stddef.h>
#include <sys/types.h>

#define CLOCKS_PER_SEC 1000000L
#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1

typedef int clockid_t;

struct timespec {
  time_t tv_sec;
  long tv_nsec;
};

time_t time(time_t *t);
clock_t clock(void);
int clock_gettime(clockid_t id, struct timespec *ts);
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif
