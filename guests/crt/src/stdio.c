/*
 * stdout/stderr on the console device. Bytes collect in one buffer laid out as
 * the console's request block {u32 length; u8 bytes[]}; a flush hands its
 * guest address to port 0x104 with one OUT32 (kernel/ISA.md, "Ports"). stdout
 * is line-buffered; stderr flushes after every call.
 */
#include <denali.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "format.h"

#define CONSOLE_CAP 1024

struct dn_file {
  int unbuffered;
};

static struct {
  uint32_t length;
  uint8_t bytes[CONSOLE_CAP];
} console;

static struct dn_file out_file = {0}, err_file = {1};
FILE *const stdout = &out_file;
FILE *const stderr = &err_file;

static void flush_console(void) {
  if (console.length == 0) return;
  outl(DN_CONSOLE_BUFFER, (uint32_t)(uintptr_t)&console);
  console.length = 0;
}

void dn_console_write(const void *bytes, uint32_t len) {
  const uint8_t *p = bytes;
  while (len > 0) {
    if (console.length == CONSOLE_CAP) flush_console();
    uint32_t n = CONSOLE_CAP - console.length;
    if (n > len) n = len;
    memcpy(console.bytes + console.length, p, n);
    console.length += n;
    p += n;
    len -= n;
  }
}

/* Flushes after a newline (stdout) or always (stderr). */
static void settle(FILE *f, const void *bytes, unsigned n) {
  if (f->unbuffered || memchr(bytes, '\n', n)) flush_console();
}

static void console_sink(void *ctx, const char *bytes, unsigned n) {
  (void)ctx;
  dn_console_write(bytes, n);
}

int fflush(FILE *f) {
  (void)f;
  flush_console();
  return 0;
}

int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap) {
  uint32_t before = console.length;
  int n = dn_format(console_sink, 0, fmt, ap);
  /* A newline may have been flushed already if the buffer filled; check the tail only. */
  if (f->unbuffered || console.length < before ||
      memchr(console.bytes + before, '\n', console.length - before)) {
    flush_console();
  }
  return n;
}

int vprintf(const char *restrict fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int printf(const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(stdout, fmt, ap);
  va_end(ap);
  return n;
}

int fprintf(FILE *restrict f, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vfprintf(f, fmt, ap);
  va_end(ap);
  return n;
}

struct buffer {
  char *p;
  size_t left; /* room for bytes, excluding the terminating NUL */
};

static void buffer_sink(void *ctx, const char *bytes, unsigned n) {
  struct buffer *b = ctx;
  unsigned k = n < b->left ? n : (unsigned)b->left;
  memcpy(b->p, bytes, k);
  b->p += k;
  b->left -= k;
}

int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap) {
  struct buffer b = {buf, size > 0 ? size - 1 : 0};
  int n = dn_format(buffer_sink, &b, fmt, ap);
  if (size > 0) *b.p = 0;
  return n;
}

int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

int sprintf(char *restrict buf, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, SIZE_MAX, fmt, ap);
  va_end(ap);
  return n;
}

int fputs(const char *restrict s, FILE *restrict f) {
  size_t n = strlen(s);
  dn_console_write(s, n);
  settle(f, s, n);
  return 0;
}

int puts(const char *s) {
  dn_console_write(s, strlen(s));
  dn_console_write("\n", 1);
  flush_console();
  return 0;
}

int fputc(int c, FILE *f) {
  unsigned char b = (unsigned char)c;
  dn_console_write(&b, 1);
  settle(f, &b, 1);
  return b;
}

int putchar(int c) { return fputc(c, stdout); }
