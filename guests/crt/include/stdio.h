/*
 * Console output of the Denali guest libc (guests/crt/src/printf.c, stdio.c).
 * stdout is the console device (ports 0x100/0x104); output is buffered and
 * flushed on newline, when the buffer fills, by fflush and at exit.
 * printf formats: %d %i %u %x %X %o %s %c %p %% with the l and ll length
 * modifiers (also h, hh, z, t, j), flags - 0 + space #, width and precision
 * (also *). No floating point.
 */
#ifndef DENALI_STDIO_H
#define DENALI_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

typedef struct dn_file FILE;
extern FILE *const stdout;
extern FILE *const stderr;

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int puts(const char *s);
int fputs(const char *restrict s, FILE *restrict f);
int putchar(int c);
int fputc(int c, FILE *f);
#define putc(c, f) fputc((c), (f))
int fflush(FILE *f);

#endif
