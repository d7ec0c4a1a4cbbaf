/*
 * memcpy, memmove, memset, memcmp, memchr, strlen, strchr and strrchr over
 * every small length and alignment, against simple reference loops; prints a
 * hash of all results (the same as glibc's) and the number of mismatches.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t hash = 2166136261u;
static int mismatches;
static void mix(uint32_t v) { hash = (hash ^ v) * 16777619u; }

static int sign(int v) { return (v > 0) - (v < 0); }

int main(void) {
  static unsigned char a[300], b[300], ref[300];
  srand(5);
  for (int len = 0; len < 70; len++) {
    for (int da = 0; da < 4; da++) {
      for (int sa = 0; sa < 4; sa++) {
        for (int i = 0; i < 300; i++) a[i] = (unsigned char)rand(), b[i] = (unsigned char)rand();
        memcpy(ref, b, 300);
        memcpy(b + 8 + da, a + 8 + sa, (size_t)len);
        for (int i = 0; i < len; i++) ref[8 + da + i] = a[8 + sa + i];
        mismatches += memcmp(b, ref, 300) != 0;
        /* memmove both ways with overlap */
        memcpy(ref, a, 300);
        memmove(a + 20 + da, a + 20 + sa + 3, (size_t)len);
        for (int i = 0; i < len; i++) ref[20 + da + i] = ref[20 + sa + 3 + i];
        mismatches += memcmp(a, ref, 300) != 0;
        memcpy(ref, a, 300);
        memmove(a + 40 + da + 3, a + 40 + sa, (size_t)len);
        for (int i = len - 1; i >= 0; i--) ref[40 + da + 3 + i] = ref[40 + sa + i];
        mismatches += memcmp(a, ref, 300) != 0;
        /* memset */
        memcpy(ref, a, 300);
        memset(a + 5 + da, 0xA5 + len, (size_t)len);
        for (int i = 0; i < len; i++) ref[5 + da + i] = (unsigned char)(0xA5 + len);
        mismatches += memcmp(a, ref, 300) != 0;
        /* memcmp: equal, then one byte different anywhere */
        memcpy(b, a, 300);
        mix((uint32_t)sign(memcmp(a + da, b + da, (size_t)len)));
        if (len > 0) {
          int at = rand() % len;
          b[da + at] ^= (unsigned char)(1 + rand() % 255);
          int got = sign(memcmp(a + da, b + da, (size_t)len));
          int want = a[da + at] < b[da + at] ? -1 : 1;
          mismatches += got != want;
          mix((uint32_t)got);
        }
        /* memchr for a byte placed at a random spot (or absent) */
        unsigned char needle = (unsigned char)(rand() % 256);
        int where = len ? rand() % (len + 1) : 0;
        for (int i = 0; i < len; i++) if (a[sa + i] == needle) a[sa + i] ^= 1;
        if (where < len) a[sa + where] = needle;
        unsigned char *hit = memchr(a + sa, needle, (size_t)len);
        mismatches += where < len ? hit != a + sa + where : hit != NULL;
        /* strlen, strchr, strrchr on a string of `len` non-NUL bytes */
        char *s = (char *)b + sa;
        for (int i = 0; i < len; i++) s[i] = (char)('a' + (i * 7 + da) % 26);
        s[len] = 0;
        mismatches += strlen(s) != (size_t)len;
        char c = (char)('a' + (len * 3 + sa) % 26);
        char *first = NULL, *last = NULL;
        for (int i = 0; i < len; i++) {
          if (s[i] == c) {
            if (!first) first = s + i;
            last = s + i;
          }
        }
        mismatches += strchr(s, c) != first || strrchr(s, c) != last;
        mismatches += strchr(s, 0) != s + len;
        mix((uint32_t)len * 31 + (uint32_t)(first ? first - s : -1));
      }
    }
  }
  printf("memory functions: hash %08x, %d mismatches\n", hash, mismatches);
  return mismatches != 0;
}
