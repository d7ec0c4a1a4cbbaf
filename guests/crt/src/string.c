/*
 * Memory and string functions. Compiled with -fno-tree-loop-distribute-patterns
 * (guests/build.ts) so gcc cannot turn these loops back into calls to
 * themselves. memcpy and memset use REP MOVS/STOS (a word per iteration).
 */
#include <stdint.h>
#include <string.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n) {
  /* REP MOVS moves a word per iteration; the kernel counts an iteration as one instruction. */
  void *d = dst;
  const void *s = src;
  size_t words = n >> 2, bytes = n & 3;
  __asm__ volatile("rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
  __asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(bytes) : : "memory");
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  if (d == s || n == 0) return dst;
  if (d < s || d >= s + n) return memcpy(dst, src, n);
  d += n - 1; /* overlapping with dst above src: copy backwards */
  s += n - 1;
  __asm__ volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(n) : : "memory", "cc");
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  void *d = dst;
  uint32_t w = (unsigned char)c * 0x01010101u;
  size_t words = n >> 2, bytes = n & 3;
  __asm__ volatile("rep stosl" : "+D"(d), "+c"(words) : "a"(w) : "memory");
  __asm__ volatile("rep stosb" : "+D"(d), "+c"(bytes) : "a"(w) : "memory");
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const unsigned char *x = a, *y = b;
  /* Skip the equal words with REPE CMPS, then find the differing byte. */
  size_t words = n >> 2;
  if (words) {
    const void *p = x, *q = y;
    size_t left = words;
    __asm__ volatile("repe cmpsl" : "+S"(p), "+D"(q), "+c"(left) : : "memory", "cc");
    size_t same = words - left;
    if (left || ((const uint32_t *)p)[-1] != ((const uint32_t *)q)[-1]) same--;
    x += same * 4;
    y += same * 4;
    n -= same * 4;
  }
  for (size_t i = 0; i < n; i++) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

void *memchr(const void *s, int c, size_t n) {
  if (n == 0) return 0;
  const unsigned char *p = s;
  size_t left = n;
  __asm__ volatile("repne scasb" : "+D"(p), "+c"(left) : "a"(c) : "memory", "cc");
  /* REPNE SCAS stops just after the match (or after the last byte). */
  return p[-1] == (unsigned char)c ? (void *)(p - 1) : 0;
}

size_t strlen(const char *s) {
  const char *p = s;
  size_t count = (size_t)-1;
  __asm__ volatile("repne scasb" : "+D"(p), "+c"(count) : "a"(0) : "memory", "cc");
  return (size_t)(p - s) - 1;
}

size_t strnlen(const char *s, size_t max) {
  size_t n = 0;
  while (n < max && s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (; n > 0; n--, a++, b++) {
    if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
    if (!*a) return 0;
  }
  return 0;
}

char *strcpy(char *restrict dst, const char *restrict src) {
  char *d = dst;
  while ((*d++ = *src++)) {
  }
  return dst;
}

char *strncpy(char *restrict dst, const char *restrict src, size_t n) {
  size_t i = 0;
  for (; i < n && src[i]; i++) dst[i] = src[i];
  for (; i < n; i++) dst[i] = 0;
  return dst;
}

char *strcat(char *restrict dst, const char *restrict src) {
  strcpy(dst + strlen(dst), src);
  return dst;
}

char *strchr(const char *s, int c) {
  const char ch = (char)c;
  /* Byte by byte up to a word boundary, then a word at a time while it holds neither c nor NUL. */
  for (; (uintptr_t)s & 3; s++) {
    if (*s == ch) return (char *)s;
    if (!*s) return 0;
  }
  uint32_t mask = (unsigned char)ch * 0x01010101u;
  for (;; s += 4) {
    uint32_t w = *(const uint32_t *)(const void *)s, x = w ^ mask;
    if (((w - 0x01010101u) & ~w & 0x80808080u) || ((x - 0x01010101u) & ~x & 0x80808080u)) break;
  }
  for (;; s++) {
    if (*s == ch) return (char *)s;
    if (!*s) return 0;
  }
}

char *strrchr(const char *s, int c) {
  const char *last = 0;
  for (;; s++) {
    if (*s == (char)c) last = s;
    if (!*s) return (char *)last;
  }
}
