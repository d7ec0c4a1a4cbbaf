/*
 * stdin on the keyboard device (kernel/ISA.md, "Keyboard"), through a small
 * buffer filled by dn_hooks.stdin_read. Without the library OS that hook
 * waits for the whole VM: it polls the data port and, when nothing waits,
 * halts with IF clear (a line raised meanwhile makes HLT return at once),
 * then sets IF and yields so the kernel delivers the line; the pattern of
 * ISA.md's "Waiting without a handler".
 */
#include <denali.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"

static int poll_keyboard(void *buf, uint32_t n) {
  uint8_t *p = buf;
  uint32_t got = 0;
  for (;;) {
    __asm__ volatile("cli" ::: "memory");
    while (got < n) {
      uint32_t v = inl(DN_KBD_DATA);
      if (v == 0xFFFFFFFFu) break;
      p[got++] = (uint8_t)v;
    }
    if (got > 0 || (inl(DN_KBD_STATUS) & 1)) {
      __asm__ volatile("sti" ::: "memory");
      return (int)got;
    }
    __asm__ volatile("hlt\n\tsti" ::: "memory");
    dn_yield();
  }
}

static void idle_sleep(uint64_t us) {
  uint64_t end = dn_now_us() + us;
  for (;;) {
    uint64_t now = dn_now_us();
    if (now >= end) return;
    uint64_t left = end - now;
    dn_idle(left >= 0xFFFFFFFEu ? 0xFFFFFFFEu : (uint32_t)left);
  }
}

struct dn_hooks dn_hooks = {poll_keyboard, idle_sleep, 0};

static struct {
  uint8_t bytes[256];
  uint32_t at, end;
} input;

static int readable(FILE *f) {
  if (f->fd != 0) {
    f->error = 1;
    errno = EBADF;
    return -1;
  }
  return 0;
}

int fgetc(FILE *f) {
  if (readable(f)) return EOF;
  if (f->unget >= 0) {
    int c = f->unget;
    f->unget = -1;
    return c;
  }
  if (input.at == input.end) {
    if (f->eof) return EOF;
    fflush(stdout); /* a prompt shows before the program waits */
    int n = dn_hooks.stdin_read(input.bytes, sizeof input.bytes);
    if (n <= 0) {
      f->eof = 1;
      return EOF;
    }
    input.at = 0;
    input.end = (uint32_t)n;
  }
  return input.bytes[input.at++];
}

int getchar(void) { return fgetc(stdin); }

int ungetc(int c, FILE *f) {
  if (c == EOF || f->unget >= 0) return EOF;
  f->unget = (unsigned char)c;
  f->eof = 0;
  return (unsigned char)c;
}

char *fgets(char *restrict buf, int size, FILE *restrict f) {
  if (size <= 0) return 0;
  int n = 0;
  while (n < size - 1) {
    int c = fgetc(f);
    if (c == EOF) break;
    buf[n++] = (char)c;
    if (c == '\n') break;
  }
  if (n == 0) return 0;
  buf[n] = 0;
  return buf;
}

size_t fread(void *restrict p, size_t size, size_t count, FILE *restrict f) {
  if (size == 0 || count == 0) return 0;
  uint8_t *d = p;
  size_t want = size * count, got = 0;
  while (got < want) {
    int c = fgetc(f);
    if (c == EOF) break;
    d[got++] = (uint8_t)c;
  }
  return got / size;
}

ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f) {
  if (!line || !cap) {
    errno = EINVAL;
    return -1;
  }
  size_t n = 0;
  for (;;) {
    int c = fgetc(f);
    if (c == EOF) break;
    if (n + 2 > *cap || !*line) {
      size_t want = *cap < 64 ? 64 : *cap * 2;
      char *p = realloc(*line, want);
      if (!p) {
        errno = ENOMEM;
        return -1;
      }
      *line = p;
      *cap = want;
    }
    (*line)[n++] = (char)c;
    if (c == delim) break;
  }
  if (n == 0) return -1;
  (*line)[n] = 0;
  return (ssize_t)n;
}

ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f) {
  return getdelim(line, cap, '\n', f);
}
