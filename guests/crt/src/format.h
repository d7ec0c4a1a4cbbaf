/* The printf engine shared by the printf family (private to guests/crt/src). */
#ifndef DENALI_FORMAT_H
#define DENALI_FORMAT_H

#include <stdarg.h>

/* Receives `n` formatted bytes. */
typedef void dn_sink(void *ctx, const char *bytes, unsigned n);

/* Formats `fmt` with `ap` into `sink`; returns the number of bytes produced. */
int dn_format(dn_sink *sink, void *ctx, const char *fmt, va_list ap);

#endif
