/* BSD string functions of the Denali guest libc. */
#ifndef DENALI_STRINGS_H
#define DENALI_STRINGS_H

#include <stddef.h>

int strcasecmp(const char *a, const char *b);
int strncasecmp(const char *a, const char *b, size_t n);
int ffs(int x);
void bzero(void *p, size_t n);

#endif
