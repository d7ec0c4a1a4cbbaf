/*
 * Standard I/O of the Denali guest libc (guests/crt/src/stdio.c, stdin.c,
 * scanf.c). stdout and stderr are the console device (ports 0x100/0x104):
 * output is buffered and flushed on newline (stdout), after every call
 * (stderr), when the buffer fills, by fflush and at exit. stdin is the
 * keyboard (ports 0x500-0x50C); reads wait for input (the library OS makes
 * only the calling thread wait). There are no files: fopen fails with ENOENT.
 * printf formats: %d %i %u %x %X %o %s %c %p %n %% with the length
 * modifiers hh h l ll z t j, flags - 0 + space #, width and precision (also
 * *). scanf: %d %i %u %x %X %o %s %c %[...] %n %% with widths, * and the
 * same length modifiers. No floating point.
 */
#ifndef DENALI_STDIO_H
#define DENALI_STDIO_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define EOF (-1)
#define BUFSIZ 1024
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2
#define _IOFBF 0
#define _IOLBF 1
#define _IONBF 2

typedef struct dn_file FILE;
extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;
#define stdin stdin
#define stdout stdout
#define stderr stderr

int printf(const char *restrict fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *restrict fmt, va_list ap);
int fprintf(FILE *restrict f, const char *restrict fmt, ...) __attribute__((format(printf, 2, 3)));
int vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap);
int sprintf(char *restrict buf, const char *restrict fmt, ...)
    __attribute__((format(printf, 2, 3)));
int vsprintf(char *restrict buf, const char *restrict fmt, va_list ap);
int snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
    __attribute__((format(printf, 3, 4)));
int vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap);
int puts(const char *s);
int fputs(const char *restrict s, FILE *restrict f);
int putchar(int c);
int fputc(int c, FILE *f);
#define putc(c, f) fputc((c), (f))
size_t fwrite(const void *restrict p, size_t size, size_t count, FILE *restrict f);
int fflush(FILE *f);
void perror(const char *s);

int getchar(void);
int fgetc(FILE *f);
#define getc(f) fgetc(f)
int ungetc(int c, FILE *f);
char *fgets(char *restrict buf, int size, FILE *restrict f);
size_t fread(void *restrict p, size_t size, size_t count, FILE *restrict f);
ssize_t getline(char **restrict line, size_t *restrict cap, FILE *restrict f);
ssize_t getdelim(char **restrict line, size_t *restrict cap, int delim, FILE *restrict f);
int feof(FILE *f);
int ferror(FILE *f);
void clearerr(FILE *f);
int fileno(FILE *f);

int scanf(const char *restrict fmt, ...) __attribute__((format(scanf, 1, 2)));
int fscanf(FILE *restrict f, const char *restrict fmt, ...) __attribute__((format(scanf, 2, 3)));
int sscanf(const char *restrict s, const char *restrict fmt, ...)
    __attribute__((format(scanf, 2, 3)));
int vscanf(const char *restrict fmt, va_list ap);
int vfscanf(FILE *restrict f, const char *restrict fmt, va_list ap);
int vsscanf(const char *restrict s, const char *restrict fmt, va_list ap);

FILE *fopen(const char *restrict path, const char *restrict mode);
int fclose(FILE *f);
int setvbuf(FILE *restrict f, char *restrict buf, int mode, size_t size);
void setbuf(FILE *restrict f, char *restrict buf);
int remove(const char *path);

#endif
