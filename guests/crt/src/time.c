/* Time from the kernel's clock (kernel/ISA.md, "Scheduling and time"). */
#include <denali.h>
#include <errno.h>
#include <time.h>

uint64_t dn_now_us(void) {
  uint32_t khz = DN_VREG(DN_VREG_CPU_KHZ);
  uint64_t ticks = dn_rdtsc();
  if (khz == 0 || khz % 1000 != 0) return ticks * 1000u / (khz ? khz : 100000);
  /* ticks / (ticks per microsecond) with two 32-bit DIVs instead of a 64-bit division call */
  uint32_t d = khz / 1000, hi = (uint32_t)(ticks >> 32), lo = (uint32_t)ticks;
  uint32_t qhi = hi / d, r = hi % d, qlo;
  __asm__("divl %3" : "=a"(qlo), "=d"(r) : "a"(lo), "rm"(d), "d"(r) : "cc");
  return ((uint64_t)qhi << 32) | qlo;
}

time_t time(time_t *t) {
  /* TIME_HI and TIME_LO are written together at quantum start: read until they agree. */
  uint32_t hi, lo;
  do {
    hi = DN_VREG(DN_VREG_TIME_HI);
    lo = DN_VREG(DN_VREG_TIME_LO);
  } while (hi != DN_VREG(DN_VREG_TIME_HI));
  time_t now = (time_t)((((uint64_t)hi << 32) | lo) / 1000000u);
  if (t) *t = now;
  return now;
}

clock_t clock(void) { return (clock_t)dn_now_us(); }

int clock_gettime(clockid_t id, struct timespec *ts) {
  if (id != CLOCK_REALTIME && id != CLOCK_MONOTONIC) {
    errno = EINVAL;
    return -1;
  }
  uint64_t us = dn_now_us();
  ts->tv_sec = (time_t)(us / 1000000u);
  ts->tv_nsec = (long)(us % 1000000u) * 1000;
  return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem) {
  if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= 1000000000L) {
    errno = EINVAL;
    return -1;
  }
  dn_hooks.sleep_us((uint64_t)req->tv_sec * 1000000u + (uint64_t)(req->tv_nsec + 999) / 1000);
  if (rem) rem->tv_sec = 0, rem->tv_nsec = 0;
  return 0;
}
