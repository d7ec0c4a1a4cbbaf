/* Arbitrary-precision factorials and powers: base-1e9 limbs with 64-bit products and division. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BASE 1000000000u
#define LIMBS 400

struct big {
  int n; /* limbs in use, least significant first */
  uint32_t d[LIMBS];
};

static void set(struct big *a, uint32_t v) {
  a->n = 0;
  while (v) a->d[a->n++] = v % BASE, v /= BASE;
}

static void mul_small(struct big *a, uint32_t m) {
  uint64_t carry = 0;
  for (int i = 0; i < a->n; i++) {
    uint64_t t = (uint64_t)a->d[i] * m + carry;
    a->d[i] = (uint32_t)(t % BASE);
    carry = t / BASE;
  }
  while (carry) a->d[a->n++] = (uint32_t)(carry % BASE), carry /= BASE;
}

static void add(struct big *r, const struct big *a, const struct big *b) {
  int n = a->n > b->n ? a->n : b->n;
  uint32_t carry = 0;
  for (int i = 0; i < n; i++) {
    uint32_t s = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
    carry = s >= BASE;
    r->d[i] = carry ? s - BASE : s;
  }
  r->n = n;
  if (carry) r->d[r->n++] = carry;
}

static uint32_t div_small(struct big *a, uint32_t m) { /* returns the remainder */
  uint64_t rem = 0;
  for (int i = a->n - 1; i >= 0; i--) {
    uint64_t cur = a->d[i] + rem * BASE;
    a->d[i] = (uint32_t)(cur / m);
    rem = cur % m;
  }
  while (a->n > 0 && a->d[a->n - 1] == 0) a->n--;
  return (uint32_t)rem;
}

static void print(const char *label, const struct big *a) {
  printf("%s = ", label);
  if (a->n == 0) printf("0");
  else printf("%u", a->d[a->n - 1]);
  for (int i = a->n - 2; i >= 0; i--) printf("%09u", a->d[i]);
  printf(" (%d digits)\n", a->n == 0 ? 1 : (a->n - 1) * 9 + (int)(a->d[a->n - 1] >= 100000000 ? 9 : a->d[a->n - 1] >= 10000000 ? 8 : a->d[a->n - 1] >= 1000000 ? 7 : a->d[a->n - 1] >= 100000 ? 6 : a->d[a->n - 1] >= 10000 ? 5 : a->d[a->n - 1] >= 1000 ? 4 : a->d[a->n - 1] >= 100 ? 3 : a->d[a->n - 1] >= 10 ? 2 : 1));
}

static struct big x, y, z;

int main(void) {
  set(&x, 1);
  for (uint32_t i = 2; i <= 30; i++) mul_small(&x, i);
  print("30!", &x);
  set(&x, 1);
  for (uint32_t i = 2; i <= 300; i++) mul_small(&x, i);
  print("300!", &x);
  uint32_t digit_sum = 0;
  struct big t = x;
  while (t.n > 0) digit_sum += div_small(&t, 10);
  printf("digit sum of 300! = %u\n", digit_sum);
  int zeros = 0;
  t = x;
  while (div_small(&t, 10) == 0) zeros++;
  printf("trailing zeros of 300! = %d\n", zeros);
  set(&x, 1);
  for (int i = 0; i < 200; i++) mul_small(&x, 2);
  print("2^200", &x);
  set(&y, 0);
  set(&z, 1);
  for (int i = 0; i < 400; i++) {
    add(&x, &y, &z);
    y = z;
    z = x;
  }
  print("fib(401)", &y);
  uint64_t f = 1;
  for (uint64_t i = 2; i <= 20; i++) f *= i;
  printf("20! as u64 = %llu = 0x%llx, /7 = %llu r %llu\n", (unsigned long long)f,
         (unsigned long long)f, (unsigned long long)(f / 7), (unsigned long long)(f % 7));
  return 0;
}
