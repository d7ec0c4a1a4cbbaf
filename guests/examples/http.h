/*
 * What the example web server and load generator share: the body of the
 * generated objects /bytes/N, the archive format of objects on a disk
 * (written by guests/examples/archive.ts), and argument parsing.
 */
#ifndef EXAMPLES_HTTP_H
#define EXAMPLES_HTTP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Byte i of /bytes/N: lines of 63 letters; it repeats every HTTP_PATTERN_PERIOD bytes. */
#define HTTP_PATTERN_PERIOD 832 /* lcm(64, 26) */
static inline char http_pattern(uint32_t i) {
  return i % 64 == 63 ? '\n' : (char)('a' + i % 26);
}

/*
 * Object archive on disk 0 ("DNAR"), block 0 first:
 *   u32 magic 0x52414E44 ("DNAR" little-endian), u32 version 1, u32 count, u32 dir_blocks
 *   count entries of 64 bytes from byte 16: char name[48] (NUL-padded, e.g. "/index.html"),
 *   u32 first_block, u32 size, u32 reserved[2]
 * Each object's bytes start at its first block and are contiguous.
 */
#define DNAR_MAGIC 0x52414E44u
struct dnar_entry {
  char name[48];
  uint32_t first_block, size, reserved[2];
};

/* The value of "key=value" among the arguments, or `fallback`. */
static inline const char *arg_value(int argc, char **argv, const char *key, const char *fallback) {
  size_t n = strlen(key);
  for (int i = 1; i < argc; i++) {
    if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=') return argv[i] + n + 1;
  }
  return fallback;
}

static inline long arg_long(int argc, char **argv, const char *key, long fallback) {
  const char *v = arg_value(argc, argv, key, NULL);
  return v ? strtol(v, NULL, 0) : fallback;
}

#endif
