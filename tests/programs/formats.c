/*
 * printf/snprintf formatting and string functions. The freestanding build uses the guest
 * libc and the native build uses glibc, so identical output means the two agree.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
  printf("[%d] [%i] [%5d] [%-5d] [%05d] [%+d] [% d] [%.3d] [%8.3d] [%-8.3d|]\n", 42, -42, 42, 42,
         -42, 42, 42, 7, -7, 7);
  printf("[%u] [%x] [%X] [%#x] [%#X] [%o] [%#o] [%#o] [%08x] [%-8x|] [%#010x]\n", 3000000000u,
         0xbeefu, 0xbeefu, 255, 255, 8, 8, 0, 0xabc, 0xabc, 0x1f);
  printf("[%ld] [%lu] [%lx] [%lld] [%llu] [%llx] [%llX] [%20lld] [%-20llu|] [%020llx]\n", -1L,
         4000000000UL, 0xdeadbeefUL, LLONG_MIN, ULLONG_MAX, 0x123456789abcdefULL,
         0xfedcba987654321ULL, -9876543210LL, 9876543210ULL, 0xabcULL);
  printf("[%hhd] [%hhu] [%hd] [%hu] [%zu] [%jd]\n", (signed char)-5, (unsigned char)250,
         (short)-300, (unsigned short)65000, sizeof(long long), (intmax_t)-77);
  printf("[%s] [%10s] [%-10s|] [%.2s] [%10.3s] [%c] [%3c] [%-3c|] [%%]\n", "str", "right",
         "left", "truncate", "abcdef", 'x', 'y', 'z');
  printf("[%p] [%p] [%20p] [%-12p|]\n", (void *)0x1234, (void *)0, (void *)0xdeadbeef,
         (void *)0x10);
  printf("[%*d] [%-*d|] [%.*d] [%*.*s]\n", 6, 12, 6, 12, 4, 5, 8, 2, "stars");
  printf("[%d] [%d] [%u] [%x]\n", INT_MIN, INT_MAX, UINT_MAX, 0);
  printf("[%.0d] [%.0x] [%#.0o] [%5.0d|]\n", 0, 0, 0, 0);

  char buf[32];
  int n = snprintf(buf, sizeof buf, "%s-%d-%x", "snprintf", 12345, 0xfff);
  printf("snprintf: \"%s\" n=%d\n", buf, n);
  volatile size_t small = 8;
  n = snprintf(buf, small, "%s", "this does not fit");
  printf("truncated: \"%s\" n=%d\n", buf, n);
  n = snprintf(NULL, 0, "%lld", LLONG_MIN);
  printf("measure: n=%d\n", n);
  n = sprintf(buf, "%c%c%c", 'a', 'b', 'c');
  printf("sprintf: %s %d\n", buf, n);

  char s[64] = "hello";
  strcat(s, ", world");
  printf("strlen %u strcmp %d %d %d strncmp %d\n", (unsigned)strlen(s), strcmp("abc", "abd") < 0,
         strcmp("b", "a") > 0, strcmp("same", "same"), strncmp("prefix-a", "prefix-b", 7));
  printf("strchr %s strrchr %s memchr %s\n", strchr(s, 'o'), strrchr(s, 'o'),
         (char *)memchr(s, 'w', strlen(s)));
  printf("strchr nul %d missing %d\n", strchr(s, 0) == s + strlen(s), strchr(s, 'z') == NULL);
  char m[32] = "0123456789abcdefghij";
  memmove(m + 3, m, 10);
  printf("memmove up: %s\n", m);
  memmove(m, m + 5, 10);
  printf("memmove down: %s\n", m);
  memset(m + 2, '*', 5);
  printf("memset: %s memcmp %d %d\n", m, memcmp("abc", "abd", 3) < 0, memcmp("xyz", "xyz", 3));
  char d[16];
  strncpy(d, "abc", sizeof d);
  strcpy(d + 4, "def");
  printf("strncpy/strcpy: %s %s %d\n", d, d + 4, d[10]);
  printf("atoi %d %d strtol %ld %ld strtoul %lu\n", atoi("  -1234xyz"), atoi("+77"),
         strtol("0x7fffffff", 0, 16), strtol("-0777", 0, 0), strtoul("4294967295", 0, 10));
  char *end;
  long v = strtol("  123abc", &end, 10);
  printf("strtol end: %ld rest \"%s\" abs %d %ld %lld\n", v, end, abs(-5), labs(-6L), llabs(-7LL));
  puts("puts adds a newline");
  putchar('!');
  putchar('\n');
  fputs("fputs to stdout\n", stdout);
  return 0;
}
