/*
 * rand() and random(): the additive feedback generator that glibc uses by
 * default (its TYPE_3: x[i] = x[i-3] + x[i-31] mod 2^32, output x >> 1,
 * seeded with a Lehmer sequence and 310 discarded outputs), so a program
 * prints the same "random" numbers for the same seed as it does natively.
 * rand_r is glibc's small reentrant generator.
 */
#include <stdint.h>
#include <stdlib.h>

#define DEG 31
#define SEP 3

static uint32_t state[DEG];
static int front = SEP, rear = 0, seeded = 0;

static uint32_t step(void) {
  state[front] += state[rear];
  uint32_t out = state[front] >> 1;
  if (++front == DEG) front = 0;
  if (++rear == DEG) rear = 0;
  return out;
}

void srandom(unsigned int seed) {
  int32_t word = seed == 0 ? 1 : (int32_t)seed;
  state[0] = (uint32_t)word;
  for (int i = 1; i < DEG; i++) {
    /* word = 16807 * word mod (2^31 - 1), without overflow (Schrage's method) */
    int32_t hi = word / 127773, lo = word % 127773;
    word = 16807 * lo - 2836 * hi;
    if (word < 0) word += 2147483647;
    state[i] = (uint32_t)word;
  }
  front = SEP;
  rear = 0;
  for (int i = 0; i < 10 * DEG; i++) step();
  seeded = 1;
}

long random(void) {
  if (!seeded) srandom(1);
  return (long)step();
}

void srand(unsigned int seed) { srandom(seed); }

int rand(void) { return (int)random(); }

int rand_r(unsigned int *seed) {
  unsigned int next = *seed;
  int result;
  next *= 1103515245;
  next += 12345;
  result = (unsigned int)(next / 65536) % 2048;
  next *= 1103515245;
  next += 12345;
  result <<= 10;
  result ^= (unsigned int)(next / 65536) % 1024;
  next *= 1103515245;
  next += 12345;
  result <<= 10;
  result ^= (unsigned int)(next / 65536) % 1024;
  *seed = next;
  return result;
}
