/* 64-bit and mixed-width integer arithmetic: multiply, divide, shifts, compares, bit counts. */
#include <stdint.h>
#include <stdio.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { /* splitmix64 */
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* noinline keeps divisions by variables from being folded into constants */
__attribute__((noinline)) static int64_t sdiv(int64_t a, int64_t b) { return a / b; }
__attribute__((noinline)) static int64_t smod(int64_t a, int64_t b) { return a % b; }
__attribute__((noinline)) static uint64_t udiv(uint64_t a, uint64_t b) { return a / b; }
__attribute__((noinline)) static uint64_t umod(uint64_t a, uint64_t b) { return a % b; }
__attribute__((noinline)) static int32_t div32(int32_t a, int32_t b) { return a / b; }
__attribute__((noinline)) static int32_t mod32(int32_t a, int32_t b) { return a % b; }

static uint64_t isqrt(uint64_t n) {
  uint64_t r = 0, bit = 1ull << 62;
  while (bit > n) bit >>= 2;
  while (bit) {
    if (n >= r + bit) n -= r + bit, r = (r >> 1) + bit;
    else r >>= 1;
    bit >>= 2;
  }
  return r;
}

static uint64_t powmod(uint64_t b, uint64_t e, uint64_t m) { /* m < 2^32 */
  uint64_t r = 1;
  b %= m;
  while (e) {
    if (e & 1) r = r * b % m;
    b = b * b % m;
    e >>= 1;
  }
  return r;
}

int main(void) {
  uint64_t acc = 0;
  for (int i = 0; i < 200; i++) {
    uint64_t a = next(), b = next() >> (i % 60);
    if (b == 0) b = 1;
    int64_t sa = (int64_t)a, sb = (int64_t)(b | 1) * ((i & 1) ? -1 : 1);
    acc ^= udiv(a, b) + umod(a, b) * 3;
    acc += (uint64_t)sdiv(sa, sb) ^ (uint64_t)smod(sa, sb);
    acc = (acc << (i % 64)) | (acc >> ((64 - i % 64) % 64));
    acc += a * b;
    if ((int64_t)a < sb) acc ^= 0x5555;
    if (a > b) acc += 1;
  }
  printf("mix: %016llx\n", (unsigned long long)acc);
  printf("div: %lld %lld %lld %lld\n", sdiv(-7, 2), smod(-7, 2), sdiv(INT64_MIN + 1, -1),
         smod(7, -3));
  printf("udiv: %llu %llu\n", udiv(UINT64_MAX, 10), umod(UINT64_MAX, 10));
  printf("div32: %d %d %d %d\n", div32(-7, 2), mod32(-7, 2), div32(INT32_MAX, -1), mod32(7, -3));
  printf("isqrt: %llu %llu\n", isqrt(1000000007ull * 1000000007ull), isqrt(UINT64_MAX));
  printf("powmod: %llu %llu\n", powmod(2, 1000000, 1000000007ull), powmod(3, 0xFFFFFFFFFFull, 998244353ull));
  uint32_t v = 0x00F0A000u;
  printf("bits: clz %d ctz %d pop %d parity %d bswap %08x clzll %d ctzll %d popll %d\n",
         __builtin_clz(v), __builtin_ctz(v), __builtin_popcount(v), __builtin_parity(v),
         __builtin_bswap32(v), __builtin_clzll(0x0000001000000000ull), __builtin_ctzll(0x0000001000000000ull),
         __builtin_popcountll(0xFFFF0000FFFF0001ull));
  int64_t s = -1234567890123456789ll;
  printf("shifts: %llx %llx %llx\n", (unsigned long long)(s >> 7), (unsigned long long)((uint64_t)s >> 7),
         (unsigned long long)(s << 9));
  volatile int32_t m1 = -5, m2 = 7;
  volatile uint32_t u1 = 0xFFFFFFF0u, u2 = 3;
  printf("mixed: %lld %llu %d %u %d\n", (int64_t)m1 * m2, (uint64_t)u1 * u2, m1 >> 1, u1 >> 4,
         (int)(int8_t)(uint8_t)200);
  int64_t big = (int64_t)m1 * 1000000000000ll;
  printf("minmax: %lld %lld %llu %d %u\n", big, INT64_MIN, UINT64_MAX, INT32_MIN, UINT32_MAX);
  return 0;
}
