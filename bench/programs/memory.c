/*
 * CPU benchmark, memory-heavy: a byte sieve, strided sums and array passes over 192 KiB.
 * Plain loops, no memset/memcpy: the native build would use glibc's vector versions.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef REPS
#define REPS 1
#endif

#define SIEVE 65536
#define WORDS 16384

static uint8_t composite[SIEVE];
static uint32_t a[WORDS], b[WORDS];

static uint32_t work(uint32_t seed) {
  uint8_t mark = (uint8_t)(seed % 255 + 1); /* differs from the last run's mark: no clearing */
  uint32_t primes = 0;
  for (uint32_t i = 2; i < SIEVE; i++) {
    if (composite[i] == mark) continue;
    primes++;
    for (uint32_t j = i * 2; j < SIEVE; j += i) composite[j] = mark;
  }
  for (uint32_t i = 0; i < WORDS; i++) a[i] = i * 2654435761u + seed;
  uint32_t sum = 0;
  for (uint32_t stride = 1; stride <= 64; stride *= 4) {
    for (uint32_t s = 0; s < stride; s++) {
      for (uint32_t i = s; i < WORDS; i += stride) sum += a[i] ^ (sum >> 3);
    }
  }
  for (int round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < WORDS; i++) b[i] = a[i] + (uint32_t)round;
    for (uint32_t i = 1; i < WORDS; i++) a[i] = b[i - 1] + b[WORDS - i];
  }
  return sum ^ primes ^ a[WORDS / 3];
}

int main(int argc, char **argv) {
  long reps = argc > 1 ? atoi(argv[1]) : REPS;
  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) sum += work((uint32_t)r);
  printf("memory %ld %08x\n", reps, sum);
  return 0;
}
