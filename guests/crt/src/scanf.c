/*
 * The scanf family: integer conversions (d i u x X o), %s %c %[set] %n %%,
 * widths, assignment suppression (*) and the length modifiers hh h l ll z t
 * j, over a string (sscanf) or stdin (scanf, fscanf). Returns the number of
 * assignments, or EOF if input ended before the first conversion. No
 * floating point.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct source {
  const char *s; /* string source, or 0 for a FILE */
  FILE *f;
  int count;     /* characters consumed */
};

static int next(struct source *src) {
  int c;
  if (src->s) {
    c = *src->s ? (unsigned char)*src->s++ : EOF;
  } else {
    c = fgetc(src->f);
  }
  if (c != EOF) src->count++;
  return c;
}

static void back(struct source *src, int c) {
  if (c == EOF) return;
  src->count--;
  if (src->s) src->s--;
  else ungetc(c, src->f);
}

static int digit_value(int c) {
  if (isdigit(c)) return c - '0';
  if (isalpha(c)) return tolower(c) - 'a' + 10;
  return 99;
}

/* Reads an integer of at most `width` characters; returns 0 on a matching failure. */
static int scan_integer(struct source *src, int base, int width, uint64_t *out, int *neg) {
  int c = next(src), used = 0;
  *neg = 0;
  if ((c == '-' || c == '+') && used < width) {
    *neg = c == '-';
    used++;
    c = next(src);
  }
  if ((base == 0 || base == 16) && c == '0' && used < width) {
    used++;
    int x = next(src);
    if ((x == 'x' || x == 'X') && used < width) {
      int y = next(src);
      if (digit_value(y) < 16) {
        base = 16;
        used++;
        c = y;
      } else { /* "0x" followed by no hex digit: the value is 0, 'x' not consumed */
        back(src, y);
        back(src, x);
        *out = 0;
        return 1;
      }
    } else {
      if (base == 0) base = 8;
      back(src, x);
      c = '0';
      used--;
    }
  }
  if (base == 0) base = 10;
  uint64_t v = 0;
  int any = 0;
  while (used < width && c != EOF && digit_value(c) < base) {
    v = v * (uint64_t)base + (uint64_t)digit_value(c);
    any = 1;
    used++;
    c = next(src);
  }
  back(src, c);
  *out = v;
  return any;
}

static void store_integer(void *p, int size, uint64_t v) {
  if (size >= 2) *(uint64_t *)p = v;
  else if (size == 1) *(unsigned long *)p = (unsigned long)v;
  else if (size == -1) *(unsigned short *)p = (unsigned short)v;
  else if (size <= -2) *(unsigned char *)p = (unsigned char)v;
  else *(unsigned int *)p = (unsigned int)v;
}

static int scan(struct source *src, const char *fmt, va_list ap) {
  int assigned = 0, converted = 0;
  while (*fmt) {
    if (isspace((unsigned char)*fmt)) {
      int c;
      while ((c = next(src)) != EOF && isspace(c)) {
      }
      back(src, c);
      fmt++;
      continue;
    }
    if (*fmt != '%' || fmt[1] == '%') {
      int lit = *fmt == '%' ? (fmt += 2, '%') : (unsigned char)*fmt++;
      int c = next(src);
      if (lit == '%') {
        while (c != EOF && isspace(c)) c = next(src);
      }
      if (c != lit) {
        back(src, c);
        return c == EOF && converted == 0 ? EOF : assigned;
      }
      continue;
    }
    fmt++;
    int suppress = 0, width = 0, size = 0;
    if (*fmt == '*') suppress = 1, fmt++;
    while (isdigit((unsigned char)*fmt)) width = width * 10 + (*fmt++ - '0');
    for (;; fmt++) {
      if (*fmt == 'h') size--;
      else if (*fmt == 'l') size++;
      else if (*fmt == 'z' || *fmt == 't') size = 1;
      else if (*fmt == 'j' || *fmt == 'q' || *fmt == 'L') size = 2;
      else break;
    }
    char conv = *fmt++;
    if (conv == 'n') {
      if (!suppress) store_integer(va_arg(ap, void *), size, (uint64_t)(int64_t)src->count);
      continue;
    }
    if (conv != 'c' && conv != '[') {
      int c;
      while ((c = next(src)) != EOF && isspace(c)) {
      }
      back(src, c);
      if (c == EOF) return converted == 0 ? EOF : assigned;
    }
    switch (conv) {
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      int base = conv == 'i' ? 0 : conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
      uint64_t v;
      int neg;
      if (!scan_integer(src, base, width > 0 ? width : INT_MAX, &v, &neg)) return assigned;
      if (neg) v = 0 - v;
      if (!suppress) store_integer(va_arg(ap, void *), size, v), assigned++;
      converted++;
      break;
    }
    case 's': {
      char *d = suppress ? 0 : va_arg(ap, char *);
      int c = EOF, n = 0;
      while ((width == 0 || n < width) && (c = next(src)) != EOF && !isspace(c)) {
        if (d) d[n] = (char)c;
        n++;
      }
      if (n < width || width == 0) back(src, c);
      if (d) d[n] = 0, assigned++;
      converted++;
      break;
    }
    case 'c': {
      char *d = suppress ? 0 : va_arg(ap, char *);
      int n = width > 0 ? width : 1;
      for (int i = 0; i < n; i++) {
        int c = next(src);
        if (c == EOF) return converted == 0 && i == 0 ? EOF : assigned;
        if (d) d[i] = (char)c;
      }
      if (d) assigned++;
      converted++;
      break;
    }
    case '[': {
      unsigned char set[256];
      int invert = 0;
      memset(set, 0, sizeof set);
      if (*fmt == '^') invert = 1, fmt++;
      if (*fmt == ']') set[']'] = 1, fmt++;
      while (*fmt && *fmt != ']') {
        if (fmt[1] == '-' && fmt[2] && fmt[2] != ']') {
          for (int c = (unsigned char)fmt[0]; c <= (unsigned char)fmt[2]; c++) set[c] = 1;
          fmt += 3;
        } else {
          set[(unsigned char)*fmt++] = 1;
        }
      }
      if (*fmt == ']') fmt++;
      char *d = suppress ? 0 : va_arg(ap, char *);
      int c = EOF, n = 0;
      while ((width == 0 || n < width) && (c = next(src)) != EOF && set[c] != invert) {
        if (d) d[n] = (char)c;
        n++;
        c = EOF;
      }
      back(src, c);
      if (n == 0) return c == EOF && converted == 0 ? EOF : assigned;
      if (d) d[n] = 0, assigned++;
      converted++;
      break;
    }
    default:
      return assigned;
    }
  }
  return assigned;
}

int vsscanf(const char *restrict s, const char *restrict fmt, va_list ap) {
  struct source src = {s, 0, 0};
  return scan(&src, fmt, ap);
}

int vfscanf(FILE *restrict f, const char *restrict fmt, va_list ap) {
  struct source src = {0, f, 0};
  return scan(&src, fmt, ap);
}

int vscanf(const char *restrict fmt, va_list ap) { return vfscanf(stdin, fmt, ap); }

int sscanf(const char *restrict s, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsscanf(s, fmt, ap);
  va_end(ap);
  return n;
}

int fscanf(FILE *restrict f, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfscanf(f, fmt, ap);
  va_end(ap);
  return n;
}

int scanf(const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfscanf(stdin, fmt, ap);
  va_end(ap);
  return n;
}
