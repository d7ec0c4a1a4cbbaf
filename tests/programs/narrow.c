/*
 * 8- and 16-bit arithmetic, bit fields, unions, packed (unaligned) structs, variadic functions,
 * variable-length arrays, computed goto, overflow builtins and a string hash table.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct flags {
  unsigned ready : 1;
  unsigned mode : 3;
  signed level : 5;
  unsigned count : 12;
  unsigned : 0;
  unsigned tail : 7;
};

struct __attribute__((packed)) record {
  uint8_t tag;
  uint32_t value;
  uint16_t port;
  uint64_t big;
};

union pun {
  uint32_t word;
  uint16_t half[2];
  uint8_t byte[4];
  int8_t sbyte[4];
};

static int sum_ints(int n, ...) {
  va_list ap;
  va_start(ap, n);
  int s = 0;
  for (int i = 0; i < n; i++) s += va_arg(ap, int) * (i + 1);
  va_end(ap);
  return s;
}

static long long sum_mixed(const char *types, ...) {
  va_list ap;
  va_start(ap, types);
  long long s = 0;
  for (const char *t = types; *t; t++) {
    if (*t == 'i') s += va_arg(ap, int);
    else if (*t == 'l') s += va_arg(ap, long long);
    else if (*t == 's') s += (long long)strlen(va_arg(ap, const char *));
  }
  va_end(ap);
  return s;
}

static uint32_t vla_work(int n) {
  uint16_t grid[n][n];
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) grid[i][j] = (uint16_t)(i * 31 + j * 17);
  uint32_t s = 0;
  for (int i = 0; i < n; i++) s = s * 3 + grid[i][n - 1 - i];
  return s;
}

static int threaded(const uint8_t *code) { /* computed goto dispatch */
  static void *const labels[] = {&&op_inc, &&op_dbl, &&op_neg, &&op_end};
  int acc = 1;
  goto *labels[*code++];
op_inc:
  acc++;
  goto *labels[*code++];
op_dbl:
  acc *= 2;
  goto *labels[*code++];
op_neg:
  acc = -acc;
  goto *labels[*code++];
op_end:
  return acc;
}

#define TABLE 64
struct entry {
  char word[16];
  int count;
};
static struct entry table[TABLE];

static unsigned hash(const char *s) {
  unsigned h = 2166136261u;
  while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
  return h;
}

static void count_word(const char *w) {
  unsigned i = hash(w) % TABLE;
  while (table[i].count && strcmp(table[i].word, w) != 0) i = (i + 1) % TABLE;
  if (!table[i].count) memcpy(table[i].word, w, strlen(w) + 1); /* words are < 16 chars */
  table[i].count++;
}

int main(void) {
  volatile uint8_t b = 250;
  volatile int8_t sb = -100;
  volatile uint16_t h = 65530;
  volatile int16_t sh = -30000;
  uint8_t b2 = (uint8_t)(b + 10);
  int8_t sb2 = (int8_t)(sb - 50);
  uint16_t h2 = (uint16_t)(h * 3);
  int16_t sh2 = (int16_t)(sh - 10000);
  printf("narrow: %u %d %u %d %d %d %u\n", b2, sb2, h2, sh2, sb < b, (int8_t)b >> 2,
         (uint16_t)(h >> 3));
  printf("mul: %d %u %d\n", (int16_t)(sh * 3), (uint8_t)(b * b), (int8_t)sb * (int8_t)sb);

  struct flags f = {1, 5, -7, 4000, 100};
  f.level += 20; /* wraps within 5 signed bits */
  f.count += 100;
  union pun p = {.word = 0x80FF7F01u};
  printf("bitfields: %u %u %d %u %u size %u\n", f.ready, f.mode, f.level, f.count, f.tail,
         (unsigned)sizeof f);
  printf("union: %04x %04x %u %u %d %d\n", p.half[0], p.half[1], p.byte[0], p.byte[3],
         p.sbyte[1], p.sbyte[3]);

  uint8_t raw[64];
  for (int i = 0; i < 64; i++) raw[i] = (uint8_t)(i * 37 + 11);
  struct record *r = (struct record *)(raw + 3); /* misaligned */
  printf("packed: size %u tag %u value %08x port %04x big %016llx\n", (unsigned)sizeof *r, r->tag,
         r->value, r->port, (unsigned long long)r->big);
  r->value = 0xCAFEBABEu;
  r->big += 0x0102030405060708ull;
  uint32_t check = 0;
  for (int i = 0; i < 64; i++) check = check * 33 + raw[i];
  printf("packed write: %08x\n", check);

  printf("varargs: %d %lld\n", sum_ints(5, 1, -2, 3, -4, 5), sum_mixed("ilsil", 7, 1LL << 40, "four", -3, -5LL));
  printf("vla: %u %u\n", vla_work(5), vla_work(23));
  static const uint8_t prog1[] = {0, 1, 1, 2, 0, 3}, prog2[] = {1, 1, 1, 1, 2, 3};
  printf("goto: %d %d\n", threaded(prog1), threaded(prog2));

  int32_t res;
  int o1 = __builtin_add_overflow(INT32_MAX, 1, &res);
  int o2 = __builtin_mul_overflow(46341, 46341, &res);
  int o3 = __builtin_mul_overflow(46340, 46340, &res);
  uint32_t ures;
  int o4 = __builtin_sub_overflow(3u, 5u, &ures);
  printf("overflow: %d %d %d %d %d %u\n", o1, o2, o3, res, o4, ures);

  const char *text = "the quick brown fox jumps over the lazy dog the fox the end dog";
  char word[16];
  int n = 0;
  for (const char *c = text;; c++) {
    if (*c == ' ' || *c == 0) {
      word[n] = 0;
      if (n) count_word(word);
      n = 0;
      if (!*c) break;
    } else if (n < 15) word[n++] = *c;
  }
  for (int i = 0; i < TABLE; i++) {
    if (table[i].count > 1) printf("word %s x%d\n", table[i].word, table[i].count);
  }
  return 0;
}
