/* String, conversion and formatting functions of the libc subset; prints the same as glibc. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void show_strtol(const char *s, int base) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, base);
  printf("strtol(\"%s\", %d) = %ld, rest \"%s\", errno %d\n", s, base, v, end, errno);
}

static void show_strtoull(const char *s, int base) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  printf("strtoull(\"%s\", %d) = %llu, rest \"%s\", errno %d\n", s, base, v, end, errno);
}

int main(void) {
  show_strtol("  -123abc", 10);
  show_strtol("0x1F", 0);
  show_strtol("0777", 0);
  show_strtol("zz", 36);
  show_strtol("99999999999", 10);
  show_strtol("-99999999999", 10);
  show_strtol("  +", 10);
  show_strtol("0x", 16);
  show_strtoull("18446744073709551615", 10);
  show_strtoull("18446744073709551616", 10);
  show_strtoull("-1", 10);
  errno = 0;
  printf("strtoll %lld %lld errno %d\n", strtoll("-9223372036854775808", 0, 10),
         strtoll("9223372036854775808", 0, 10), errno);
  printf("atoi %d atol %ld atoll %lld\n", atoi(" 42x"), atol("-7"), atoll("123456789012"));

  const char *hay = "the quick brown fox jumps over the lazy dog";
  printf("strstr %s | %s | %d\n", strstr(hay, "fox"), strstr(hay, ""),
         strstr(hay, "cat") == NULL);
  printf("strspn %zu strcspn %zu strpbrk %s\n", strspn(hay, "eht "), strcspn(hay, "qz"),
         strpbrk(hay, "zq"));
  printf("strchr %s strrchr %s memchr %s\n", strchr(hay, 'o'), strrchr(hay, 'o'),
         (char *)memchr(hay, 'j', strlen(hay)));
  char buf[128];
  strcpy(buf, "a,b,,c;d");
  for (char *t = strtok(buf, ",;"); t; t = strtok(NULL, ",;")) printf("[%s]", t);
  printf("\n");
  strcpy(buf, "x=1&y=2&&z");
  char *save, *sp = buf;
  for (char *t = strtok_r(buf, "&", &save); t; t = strtok_r(NULL, "&", &save)) printf("<%s>", t);
  printf("\n");
  strcpy(buf, "p:q::r");
  sp = buf;
  for (char *t; (t = strsep(&sp, ":")) != NULL;) printf("{%s}", t);
  printf("\n");
  strcpy(buf, "abc");
  strcat(buf, "def");
  strncat(buf, "ghijkl", 3);
  printf("cat %s len %zu nlen %zu\n", buf, strlen(buf), strnlen(buf, 4));
  char small[8];
  memset(small, 'X', sizeof small);
  strncpy(small, "hi", sizeof small);
  printf("strncpy %d %d %d\n", small[2], small[7], (int)strlen(small));
  char *d = strdup("duplicate"), *nd = strndup("duplicate", 3);
  printf("strdup %s strndup %s\n", d, nd);
  free(d);
  free(nd);
  printf("strcasecmp %d %d %d strncasecmp %d\n", strcasecmp("Hello", "hELLO") == 0,
         strcasecmp("a", "B") < 0, strcasecmp("b", "A") > 0, strncasecmp("ABCx", "abcy", 3));
  printf("strcmp %d %d memcmp %d\n", strcmp("abc", "abd") < 0, strcmp("b", "a") > 0,
         memcmp("\xff", "\x01", 1) > 0);
  char mv[] = "0123456789";
  memmove(mv + 2, mv, 5);
  printf("memmove %s\n", mv);
  printf("ctype:");
  for (int c = 0; c < 128; c++) {
    int bits = (!!isalpha(c)) | (!!isdigit(c)) << 1 | (!!isspace(c)) << 2 |
               (!!ispunct(c)) << 3 | (!!isupper(c)) << 4 | (!!islower(c)) << 5 |
               (!!isxdigit(c)) << 6 | (!!iscntrl(c)) << 7 | (!!isprint(c)) << 8 |
               (!!isgraph(c)) << 9 | (!!isalnum(c)) << 10 | (!!isblank(c)) << 11;
    printf(" %x", bits);
  }
  printf("\ntoupper %c tolower %c\n", toupper('q'), tolower('Q'));

  int a, b, n;
  unsigned u;
  char word[16], rest[16], ch;
  int got = sscanf("  12 -0x1f word,rest! x", "%d %i %15[a-z],%15s %c%n", &a, &b, word, rest, &ch, &n);
  printf("sscanf %d: %d %d %s %s %c %d\n", got, a, b, word, rest, ch, n);
  got = sscanf("ff 0777 4294967295", "%x %o %u", &a, &b, &u);
  printf("sscanf %d: %d %d %u\n", got, a, b, u);
  long long ll;
  short sh;
  got = sscanf("-9000000000 70000", "%lld %hd", &ll, &sh);
  printf("sscanf %d: %lld %d\n", got, ll, sh);
  printf("sscanf empty %d, mismatch %d\n", sscanf("", "%d", &a), sscanf("abc", "%d", &a));
  got = sscanf("key = value", "%s = %s", word, rest);
  printf("sscanf %d: %s %s\n", got, word, rest);

  int count;
  n = snprintf(buf, 10, "%s%n and more", "hello", &count);
  printf("snprintf %d %s %d\n", n, buf, count);
  printf("PRI %" PRId64 " %" PRIu32 " %" PRIx64 " %" PRIdMAX "\n", (int64_t)-5, (uint32_t)7,
         (uint64_t)0xabcdef0123ULL, (intmax_t)INT64_MIN);
  div_t q = div(-7, 2);
  ldiv_t lq = ldiv(7, -2);
  lldiv_t llq = lldiv(-100000000000LL, 3);
  printf("div %d %d ldiv %ld %ld lldiv %lld %lld abs %d %ld %lld\n", q.quot, q.rem, lq.quot,
         lq.rem, llq.quot, llq.rem, abs(-3), labs(-4L), llabs(-5LL));
  bool yes = true;
  printf("bool %d size_t %zu ptrdiff %td limits %d %d %u\n", yes, sizeof(size_t),
         (ptrdiff_t)(&buf[5] - &buf[1]), SCHAR_MIN, SHRT_MAX, UINT_MAX);
  printf("strerror %s | %s\n", strerror(ENOENT), strerror(ECONNRESET));
  printf("ffs %d %d\n", ffs(0), ffs(0x80));
  return 0;
}
