/*
 * stdout/stderr on the console device. Bytes collect in one buffer laid out as
 * the console's request block {u32 length; u8 bytes[]}; a flush hands its
 * guest address to port 0x104 with one OUT32 (kernel/ISA.md, "Ports"). stdout
 * is line-buffered; stderr flushes after every call. Both share the buffer, so
 * their output stays in order.
 */
#include <denali.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "file.h"
#include "format.h"

#define CONSOLE_CAP 1024

static struct {
  uint32_t length;
  uint8_t bytes[CONSOLE_CAP];
} console;

static struct dn_file in_file = {0, 0, 0, -1}, out_file = {1, 0, 0, -1}, err_file = {2, 0, 0, -1};
FILE *const stdin = &in_file;
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

/* Output to stdin is an error; returns 0 if `f` can be written. */
static int writable(FILE *f) {
  if (f->fd == 0) {
    f->error = 1;
    errno = EBADF;
    return -1;
  }
  return 0;
}

/* Flushes after a newline (stdout) or always (stderr). */
static void settle(FILE *f, const void *bytes, unsigned n) {
  if (f->fd == 2 || memchr(bytes, '\n', n)) flush_console();
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
  if (writable(f)) return -1;
  uint32_t before = console.length;
  int n = dn_format(console_sink, 0, fmt, ap);
  /* A newline may have been flushed already if the buffer filled; check the tail only. */
  if (f->fd == 2 || console.length < before ||
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

int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap) {
  return vsnprintf(buf, SIZE_MAX, fmt, ap);
}

int sprintf(char *restrict buf, const char *restrict fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, SIZE_MAX, fmt, ap);
  va_end(ap);
  return n;
}

size_t fwrite(const void *restrict p, size_t size, size_t count, FILE *restrict f) {
  if (size == 0 || count == 0 || writable(f)) return 0;
  size_t n = size * count;
  dn_console_write(p, n);
  settle(f, p, n);
  return count;
}

int fputs(const char *restrict s, FILE *restrict f) {
  if (writable(f)) return EOF;
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
  if (writable(f)) return EOF;
  unsigned char b = (unsigned char)c;
  dn_console_write(&b, 1);
  settle(f, &b, 1);
  return b;
}

int putchar(int c) { return fputc(c, stdout); }

void perror(const char *s) {
  if (s && *s) fprintf(stderr, "%s: %s\n", s, strerror(errno));
  else fprintf(stderr, "%s\n", strerror(errno));
}

FILE *fopen(const char *restrict path, const char *restrict mode) {
  (void)path, (void)mode;
  errno = ENOENT;
  return 0;
}

int fclose(FILE *f) {
  fflush(f);
  return 0;
}

int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size) {
  (void)f, (void)buf, (void)mode, (void)size;
  return 0;
}

void setbuf(FILE *restrict f, char *restrict buf) { (void)f, (void)buf; }

int remove(const char *path) {
  (void)path;
  errno = ENOENT;
  return -1;
}

int feof(FILE *f) { return f->eof; }
int ferror(FILE *f) { return f->error; }
void clearerr(FILE *f) { f->eof = f->error = 0; }
int fileno(FILE *f) { return f->fd; }
