/* Integer helpers and string-to-number conversions of the Denali guest libc. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }
intmax_t imaxabs(intmax_t x) { return x < 0 ? -x : x; }

div_t div(int num, int den) { return (div_t){num / den, num % den}; }
ldiv_t ldiv(long num, long den) { return (ldiv_t){num / den, num % den}; }
lldiv_t lldiv(long long num, long long den) { return (lldiv_t){num / den, num % den}; }
imaxdiv_t imaxdiv(intmax_t num, intmax_t den) { return (imaxdiv_t){num / den, num % den}; }

/*
 * The magnitude of an integer in `base` (0: by prefix) after optional space and
 * sign, saturated at `max`; sets *neg, *end and *overflow as strtoull does.
 */
static uint64_t parse(const char *s, char **end, int base, uint64_t max, int *neg) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  *neg = 0;
  if (*p == '+' || *p == '-') *neg = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
      isxdigit((unsigned char)p[2])) {
    p += 2, base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  uint64_t v = 0;
  int any = 0, overflow = 0;
  if (base >= 2 && base <= 36) {
    for (;; p++) {
      int d;
      if (isdigit((unsigned char)*p)) d = *p - '0';
      else if (isalpha((unsigned char)*p)) d = tolower((unsigned char)*p) - 'a' + 10;
      else break;
      if (d >= base) break;
      if (v > (max - (uint64_t)d) / (uint64_t)base) overflow = 1;
      else v = v * (uint64_t)base + (uint64_t)d;
      any = 1;
    }
  } else {
    errno = EINVAL;
  }
  if (end) *end = (char *)(any ? p : s);
  if (overflow) {
    errno = ERANGE;
    return max;
  }
  return v;
}

unsigned long long strtoull(const char *restrict s, char **restrict end, int base) {
  int neg;
  uint64_t v = parse(s, end, base, UINT64_MAX, &neg);
  return neg ? 0 - v : v;
}

unsigned long strtoul(const char *restrict s, char **restrict end, int base) {
  int neg;
  uint64_t v = parse(s, end, base, ULONG_MAX, &neg);
  return neg ? 0 - (unsigned long)v : (unsigned long)v;
}

long long strtoll(const char *restrict s, char **restrict end, int base) {
  int neg;
  uint64_t v = parse(s, end, base, UINT64_MAX, &neg);
  uint64_t limit = neg ? (uint64_t)LLONG_MAX + 1 : (uint64_t)LLONG_MAX;
  if (v > limit) {
    errno = ERANGE;
    return neg ? LLONG_MIN : LLONG_MAX;
  }
  return neg ? (long long)(0 - v) : (long long)v;
}

long strtol(const char *restrict s, char **restrict end, int base) {
  int neg;
  uint64_t v = parse(s, end, base, UINT64_MAX, &neg);
  uint64_t limit = neg ? (uint64_t)LONG_MAX + 1 : (uint64_t)LONG_MAX;
  if (v > limit) {
    errno = ERANGE;
    return neg ? LONG_MIN : LONG_MAX;
  }
  return neg ? (long)(0 - v) : (long)v;
}

intmax_t strtoimax(const char *restrict s, char **restrict end, int base) {
  return strtoll(s, end, base);
}

uintmax_t strtoumax(const char *restrict s, char **restrict end, int base) {
  return strtoull(s, end, base);
}

int atoi(const char *s) { return (int)strtol(s, 0, 10); }
long atol(const char *s) { return strtol(s, 0, 10); }
long long atoll(const char *s) { return strtoll(s, 0, 10); }

char *getenv(const char *name) {
  (void)name;
  return 0;
}
