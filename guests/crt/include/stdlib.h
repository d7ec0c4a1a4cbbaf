/* Memory allocation, conversions and process exit of the Denali guest libc. */
#ifndef DENALI_STDLIB_H
#define DENALI_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);

int abs(int x);
long labs(long x);
long long llabs(long long x);
int atoi(const char *s);
long strtol(const char *restrict s, char **restrict end, int base);
unsigned long strtoul(const char *restrict s, char **restrict end, int base);

__attribute__((noreturn)) void exit(int code);
__attribute__((noreturn)) void abort(void);

#endif
