/* Searching and tokenizing strings (string.h). */
#include <stdint.h>
#include <string.h>

char *strstr(const char *hay, const char *needle) {
  size_t n = strlen(needle);
  if (n == 0) return (char *)hay;
  for (; (hay = strchr(hay, *needle)) != 0; hay++) {
    if (strncmp(hay, needle, n) == 0) return (char *)hay;
  }
  return 0;
}

void *memmem(const void *hay, size_t hlen, const void *needle, size_t nlen) {
  const unsigned char *h = hay;
  if (nlen == 0) return (void *)hay;
  while (hlen >= nlen) {
    const unsigned char *p = memchr(h, *(const unsigned char *)needle, hlen - nlen + 1);
    if (!p) return 0;
    if (memcmp(p, needle, nlen) == 0) return (void *)p;
    hlen -= (size_t)(p - h) + 1;
    h = p + 1;
  }
  return 0;
}

void *memrchr(const void *s, int c, size_t n) {
  const unsigned char *p = s;
  while (n--) {
    if (p[n] == (unsigned char)c) return (void *)(p + n);
  }
  return 0;
}

/* A 256-bit membership set of the bytes in `chars`. */
static void byte_set(uint32_t set[8], const char *chars) {
  memset(set, 0, 8 * sizeof set[0]);
  for (const unsigned char *p = (const unsigned char *)chars; *p; p++) set[*p >> 5] |= 1u << (*p & 31);
}

static int in_set(const uint32_t set[8], unsigned char c) { return (set[c >> 5] >> (c & 31)) & 1; }

size_t strspn(const char *s, const char *accept) {
  uint32_t set[8];
  byte_set(set, accept);
  size_t n = 0;
  while (s[n] && in_set(set, (unsigned char)s[n])) n++;
  return n;
}

size_t strcspn(const char *s, const char *reject) {
  uint32_t set[8];
  byte_set(set, reject);
  size_t n = 0;
  while (s[n] && !in_set(set, (unsigned char)s[n])) n++;
  return n;
}

char *strpbrk(const char *s, const char *accept) {
  s += strcspn(s, accept);
  return *s ? (char *)s : 0;
}

char *strtok_r(char *restrict s, const char *restrict delim, char **restrict save) {
  if (!s) s = *save;
  if (!s) return 0;
  s += strspn(s, delim);
  if (!*s) {
    *save = 0;
    return 0;
  }
  char *end = s + strcspn(s, delim);
  if (*end) *end++ = 0;
  else end = 0;
  *save = end;
  return s;
}

char *strtok(char *restrict s, const char *restrict delim) {
  static char *save;
  return strtok_r(s, delim, &save);
}

char *strsep(char **restrict sp, const char *restrict delim) {
  char *s = *sp;
  if (!s) return 0;
  char *end = s + strcspn(s, delim);
  if (*end) *end++ = 0, *sp = end;
  else *sp = 0;
  return s;
}
