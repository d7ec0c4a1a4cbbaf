/* Copying, comparing and duplicating strings (string.h, strings.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *stpcpy(char *restrict dst, const char *restrict src) {
  while ((*dst = *src++)) dst++;
  return dst;
}

char *strncat(char *restrict dst, const char *restrict src, size_t n) {
  char *d = dst + strlen(dst);
  while (n-- && *src) *d++ = *src++;
  *d = 0;
  return dst;
}

void *memccpy(void *restrict dst, const void *restrict src, int c, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  for (size_t i = 0; i < n; i++) {
    d[i] = s[i];
    if (s[i] == (unsigned char)c) return d + i + 1;
  }
  return 0;
}

char *strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  return d ? memcpy(d, s, n) : 0;
}

char *strndup(const char *s, size_t n) {
  n = strnlen(s, n);
  char *d = malloc(n + 1);
  if (!d) return 0;
  memcpy(d, s, n);
  d[n] = 0;
  return d;
}

int strcoll(const char *a, const char *b) { return strcmp(a, b); }

size_t strxfrm(char *restrict dst, const char *restrict src, size_t n) {
  size_t len = strlen(src);
  if (n > 0) {
    size_t k = len < n - 1 ? len : n - 1;
    memcpy(dst, src, k);
    dst[k] = 0;
  }
  return len;
}

int strcasecmp(const char *a, const char *b) {
  for (;; a++, b++) {
    int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);
    if (x != y || !x) return x - y;
  }
}

int strncasecmp(const char *a, const char *b, size_t n) {
  for (; n > 0; n--, a++, b++) {
    int x = tolower((unsigned char)*a), y = tolower((unsigned char)*b);
    if (x != y || !x) return x - y;
  }
  return 0;
}

int ffs(int x) { return __builtin_ffs(x); }

void bzero(void *p, size_t n) { memset(p, 0, n); }
