/* Quicksort (recursive, median of three) and insertion sort over PRNG arrays and structs. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t state = 12345;
static uint32_t next(void) { /* LCG from Numerical Recipes */
  state = state * 1664525u + 1013904223u;
  return state;
}

static void swap(int *a, int *b) {
  int t = *a;
  *a = *b;
  *b = t;
}

static void quicksort(int *a, int lo, int hi) {
  while (hi - lo > 16) {
    int mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(&a[mid], &a[lo]);
    if (a[hi] < a[lo]) swap(&a[hi], &a[lo]);
    if (a[hi] < a[mid]) swap(&a[hi], &a[mid]);
    int pivot = a[mid], i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) swap(&a[i++], &a[j--]);
    }
    if (j - lo < hi - i) quicksort(a, lo, j), lo = i;
    else quicksort(a, i, hi), hi = j;
  }
  for (int i = lo + 1; i <= hi; i++) {
    int v = a[i], k = i - 1;
    while (k >= lo && a[k] > v) a[k + 1] = a[k], k--;
    a[k + 1] = v;
  }
}

struct person {
  char name[12];
  short age;
  uint32_t id;
};

/* Generic sort by comparator (shell sort) to exercise indirect calls and struct copies. */
static void shellsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
  char *b = base;
  char tmp[64];
  for (size_t gap = n / 2; gap > 0; gap /= 2) {
    for (size_t i = gap; i < n; i++) {
      memcpy(tmp, b + i * size, size);
      size_t j = i;
      while (j >= gap && cmp(b + (j - gap) * size, tmp) > 0) {
        memcpy(b + j * size, b + (j - gap) * size, size);
        j -= gap;
      }
      memcpy(b + j * size, tmp, size);
    }
  }
}

static int by_age_then_name(const void *x, const void *y) {
  const struct person *a = x, *b = y;
  if (a->age != b->age) return a->age - b->age;
  return strcmp(a->name, b->name);
}

int main(void) {
  enum { N = 6000 };
  int *a = malloc(N * sizeof *a);
  if (!a) return 2;
  for (int i = 0; i < N; i++) a[i] = (int)(next() >> 1) - (1 << 30);
  quicksort(a, 0, N - 1);
  int sorted = 1;
  uint32_t sum = 0;
  for (int i = 0; i < N; i++) {
    if (i > 0 && a[i - 1] > a[i]) sorted = 0;
    sum = sum * 31 + (uint32_t)a[i];
  }
  printf("sorted=%d min=%d max=%d median=%d hash=%08x\n", sorted, a[0], a[N - 1], a[N / 2], sum);
  free(a);

  static const char *const names[] = {"ada", "bob", "cy", "dee", "eve", "fay", "gus", "hal"};
  struct person people[40];
  for (int i = 0; i < 40; i++) {
    struct person p;
    memset(&p, 0, sizeof p);
    snprintf(p.name, sizeof p.name, "%s%d", names[next() % 8], i % 7);
    p.age = (short)(18 + next() % 50);
    p.id = next();
    people[i] = p;
  }
  shellsort(people, 40, sizeof people[0], by_age_then_name);
  for (int i = 0; i < 40; i += 5) {
    printf("%2d %-8s age %3d id %08x\n", i, people[i].name, people[i].age, people[i].id);
  }
  return 0;
}
