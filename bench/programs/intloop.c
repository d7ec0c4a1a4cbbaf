/* CPU benchmark, integer loop: Collatz chain lengths with xorshift mixing (ALU and branches). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef REPS
#define REPS 1
#endif

static uint32_t work(uint32_t seed) {
  uint32_t acc = seed, best = 0;
  for (uint32_t n = 1; n < 6000; n++) {
    uint32_t x = n + (seed & 7), steps = 0;
    while (x != 1) {
      x = (x & 1) ? 3 * x + 1 : x >> 1;
      steps++;
    }
    acc ^= acc << 13, acc ^= acc >> 17, acc ^= acc << 5;
    acc += steps * 0x9E3779B1u;
    if (steps > best) best = steps;
  }
  return acc ^ best;
}

int main(int argc, char **argv) {
  long reps = argc > 1 ? atoi(argv[1]) : REPS;
  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) sum += work((uint32_t)r);
  printf("intloop %ld %08x\n", reps, sum);
  return 0;
}
