/* Integer helpers and string-to-number conversions of the Denali guest libc. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

unsigned long strtoul(const char *restrict s, char **restrict end, int base) {
  const char *p = s;
  while (isspace(*p)) p++;
  int neg = 0;
  if (*p == '+' || *p == '-') neg = *p++ == '-';
  if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
      isxdigit(p[2])) {
    p += 2, base = 16;
  } else if (base == 0) {
    base = p[0] == '0' ? 8 : 10;
  }
  unsigned long v = 0;
  int any = 0, overflow = 0;
  for (;; p++) {
    int d;
    if (isdigit(*p)) d = *p - '0';
    else if (isalpha(*p)) d = tolower(*p) - 'a' + 10;
    else break;
    if (d >= base) break;
    if (v > (ULONG_MAX - (unsigned long)d) / (unsigned long)base) overflow = 1;
    v = v * (unsigned long)base + (unsigned long)d;
    any = 1;
  }
  if (end) *end = (char *)(any ? p : s);
  if (overflow) return ULONG_MAX;
  return neg ? 0 - v : v;
}

long strtol(const char *restrict s, char **restrict end, int base) {
  const char *p = s;
  while (isspace(*p)) p++;
  int neg = *p == '-';
  unsigned long mag = strtoul(neg || *p == '+' ? p + 1 : p, end, base);
  if (end && *end == p + (neg || *p == '+')) *end = (char *)s;
  if (!neg) return mag > LONG_MAX ? LONG_MAX : (long)mag;
  return mag > (unsigned long)LONG_MAX + 1 ? LONG_MIN : (long)(0 - mag);
}

int atoi(const char *s) { return (int)strtol(s, 0, 10); }
