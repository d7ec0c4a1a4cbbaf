/*
 * printf engine: integer conversions only (d i u x X o c s p n %), flags
 * "-0+ #", width, precision, '*', length modifiers hh h l ll z t j.
 * Output matches glibc for these conversions (tests/programs compare them).
 * %n stores the count so far. Unknown conversions are copied through verbatim.
 */
#include <stdint.h>
#include <string.h>

#include "format.h"

enum { F_LEFT = 1, F_ZERO = 2, F_PLUS = 4, F_SPACE = 8, F_ALT = 16 };

static void pad(dn_sink *sink, void *ctx, char c, int n) {
  if (n <= 0) return;
  char buf[16];
  memset(buf, c, sizeof buf);
  while (n > 0) {
    int k = n > 16 ? 16 : n;
    sink(ctx, buf, (unsigned)k);
    n -= k;
  }
}

/* Emits prefix, zero padding, digits and spaces for one field; returns its length. */
static int field(dn_sink *sink, void *ctx, const char *prefix, const char *digits, int ndigits,
                 int zeros, int flags, int width) {
  int plen = (int)strlen(prefix);
  int len = plen + zeros + ndigits;
  int fill = width > len ? width - len : 0;
  if (!(flags & F_LEFT) && !(flags & F_ZERO)) pad(sink, ctx, ' ', fill);
  sink(ctx, prefix, (unsigned)plen);
  if (!(flags & F_LEFT) && (flags & F_ZERO)) pad(sink, ctx, '0', fill);
  pad(sink, ctx, '0', zeros);
  sink(ctx, digits, (unsigned)ndigits);
  if (flags & F_LEFT) pad(sink, ctx, ' ', fill);
  return len + fill;
}

static int integer(dn_sink *sink, void *ctx, uint64_t v, int neg, int base, int upper,
                   int flags, int width, int prec, char conv) {
  char buf[24];
  int n = 0;
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  if (base == 10 && (v >> 32) == 0) {
    uint32_t w = (uint32_t)v; /* 32-bit fast path: no libgcc division */
    while (w) buf[sizeof buf - 1 - n++] = digits[w % 10], w /= 10;
  } else {
    int shift = base == 16 ? 4 : base == 8 ? 3 : 0;
    if (shift) {
      while (v) buf[sizeof buf - 1 - n++] = digits[v & (uint64_t)(base - 1)], v >>= shift;
    } else {
      while (v) buf[sizeof buf - 1 - n++] = digits[v % 10], v /= 10;
    }
  }
  int zero_value = n == 0;
  if (prec < 0) {
    if (zero_value) buf[sizeof buf - 1 - n++] = '0';
  } else {
    flags &= ~F_ZERO;
  }
  const char *prefix = "";
  if (neg) prefix = "-";
  else if (flags & F_PLUS && (conv == 'd' || conv == 'i')) prefix = "+";
  else if (flags & F_SPACE && (conv == 'd' || conv == 'i')) prefix = " ";
  else if (flags & F_ALT && conv == 'p') prefix = "0x";
  else if (flags & F_ALT && base == 16 && !zero_value) prefix = upper ? "0X" : "0x";
  int zeros = prec > n ? prec - n : 0;
  if (flags & F_ALT && base == 8 && zeros == 0 && (n == 0 || buf[sizeof buf - n] != '0')) {
    zeros = 1;
  }
  return field(sink, ctx, prefix, buf + sizeof buf - n, n, zeros, flags, width);
}

int dn_format(dn_sink *sink, void *ctx, const char *fmt, va_list ap) {
  int total = 0;
  while (*fmt) {
    const char *start = fmt;
    while (*fmt && *fmt != '%') fmt++;
    if (fmt > start) {
      sink(ctx, start, (unsigned)(fmt - start));
      total += (int)(fmt - start);
    }
    if (!*fmt) break;
    const char *spec = fmt++;
    int flags = 0, width = 0, prec = -1;
    for (;; fmt++) {
      if (*fmt == '-') flags |= F_LEFT;
      else if (*fmt == '0') flags |= F_ZERO;
      else if (*fmt == '+') flags |= F_PLUS;
      else if (*fmt == ' ') flags |= F_SPACE;
      else if (*fmt == '#') flags |= F_ALT;
      else break;
    }
    if (*fmt == '*') {
      width = va_arg(ap, int);
      if (width < 0) flags |= F_LEFT, width = -width;
      fmt++;
    } else {
      while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    }
    if (*fmt == '.') {
      fmt++;
      prec = 0;
      if (*fmt == '*') {
        prec = va_arg(ap, int);
        if (prec < 0) prec = -1;
        fmt++;
      } else {
        while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
      }
    }
    int size = 0; /* -2 hh, -1 h, 0 int, 1 long, 2 long long */
    for (;; fmt++) {
      if (*fmt == 'h') size--;
      else if (*fmt == 'l') size++;
      else if (*fmt == 'z' || *fmt == 't') size = 1;
      else if (*fmt == 'j') size = 2;
      else break;
    }
    if (flags & F_LEFT) flags &= ~F_ZERO;
    char conv = *fmt;
    if (conv) fmt++;
    switch (conv) {
    case 'd':
    case 'i': {
      int64_t v;
      if (size >= 2) v = va_arg(ap, long long);
      else if (size == 1) v = va_arg(ap, long);
      else v = va_arg(ap, int);
      if (size == -1) v = (short)v;
      else if (size <= -2) v = (signed char)v;
      uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
      total += integer(sink, ctx, mag, v < 0, 10, 0, flags, width, prec, conv);
      break;
    }
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      uint64_t v;
      if (size >= 2) v = va_arg(ap, unsigned long long);
      else if (size == 1) v = va_arg(ap, unsigned long);
      else v = va_arg(ap, unsigned int);
      if (size == -1) v = (unsigned short)v;
      else if (size <= -2) v = (unsigned char)v;
      int base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
      total += integer(sink, ctx, v, 0, base, conv == 'X', flags, width, prec, conv);
      break;
    }
    case 'p': {
      void *p = va_arg(ap, void *);
      if (!p) total += field(sink, ctx, "", "(nil)", 5, 0, flags & F_LEFT, width);
      else {
        total += integer(sink, ctx, (uintptr_t)p, 0, 16, 0, flags | F_ALT, width, prec, 'p');
      }
      break;
    }
    case 'c': {
      char c = (char)va_arg(ap, int);
      total += field(sink, ctx, "", &c, 1, 0, flags & F_LEFT, width);
      break;
    }
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = (prec < 0 || prec >= 6) ? "(null)" : "";
      int n = (int)(prec < 0 ? strlen(s) : strnlen(s, (size_t)prec));
      total += field(sink, ctx, "", s, n, 0, flags & F_LEFT, width);
      break;
    }
    case 'n': {
      void *p = va_arg(ap, void *);
      if (size >= 2) *(long long *)p = total;
      else if (size == 1) *(long *)p = total;
      else if (size == -1) *(short *)p = (short)total;
      else if (size <= -2) *(signed char *)p = (signed char)total;
      else *(int *)p = total;
      break;
    }
    case '%':
      sink(ctx, "%", 1);
      total++;
      break;
    default: /* unknown: copy the directive through */
      sink(ctx, spec, (unsigned)(fmt - spec));
      total += (int)(fmt - spec);
      break;
    }
  }
  return total;
}
