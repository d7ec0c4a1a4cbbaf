/* CPU benchmark, call-heavy: recursive Fibonacci, Ackermann and calls through pointers. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifndef REPS
#define REPS 1
#endif

__attribute__((noinline)) static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

__attribute__((noinline)) static uint32_t ack(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

__attribute__((noinline)) static uint32_t inc(uint32_t x) { return x + 1; }
__attribute__((noinline)) static uint32_t dbl(uint32_t x) { return x * 2; }
__attribute__((noinline)) static uint32_t mix(uint32_t x) { return x ^ (x >> 3); }
static uint32_t (*const table[3])(uint32_t) = {inc, dbl, mix};

static uint32_t work(uint32_t seed) {
  uint32_t r = fib(20 + (seed & 1)) + ack(2, 300 + (seed & 3));
  uint32_t x = seed;
  for (int i = 0; i < 20000; i++) x = table[(x + (uint32_t)i) % 3](x);
  return r ^ x;
}

int main(int argc, char **argv) {
  long reps = argc > 1 ? atoi(argv[1]) : REPS;
  uint32_t sum = 0;
  for (long r = 0; r < reps; r++) sum += work((uint32_t)r);
  printf("calls %ld %08x\n", reps, sum);
  return 0;
}
