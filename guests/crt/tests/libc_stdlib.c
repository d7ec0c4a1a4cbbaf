/* rand, qsort, bsearch, malloc, setjmp and atexit of the libc subset; prints the same as glibc. */
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item {
  int key;
  int order;
};

static int by_key(const void *a, const void *b) {
  const struct item *x = a, *y = b;
  return (x->key > y->key) - (x->key < y->key);
}

static int by_int(const void *a, const void *b) {
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static jmp_buf env;
static int depth;

static void dive(int n) {
  depth = n;
  if (n >= 5) longjmp(env, n * 10);
  if (n < 100) dive(n + 1);
}

static void bye1(void) { printf("atexit handler 1\n"); }
static void bye2(void) { printf("atexit handler 2\n"); }

static uint32_t fnv(const unsigned char *p, size_t n, uint32_t h) {
  while (n--) h = (h ^ *p++) * 16777619u;
  return h;
}

int main(void) {
  srand(1);
  printf("rand(1):");
  for (int i = 0; i < 5; i++) printf(" %d", rand());
  srand(12345);
  printf("\nrand(12345):");
  for (int i = 0; i < 5; i++) printf(" %d", rand());
  srand(0);
  printf("\nrand(0): %d\n", rand());
  unsigned seed = 7;
  printf("rand_r:");
  for (int i = 0; i < 4; i++) printf(" %d", rand_r(&seed));
  printf("\n");

  struct item items[200];
  srand(99);
  for (int i = 0; i < 200; i++) items[i] = (struct item){rand() % 10, i};
  qsort(items, 200, sizeof items[0], by_key);
  uint32_t h = 2166136261u;
  int sorted = 1;
  for (int i = 0; i < 200; i++) {
    h = fnv((const unsigned char *)&items[i], sizeof items[i], h);
    if (i > 0 && by_key(&items[i - 1], &items[i]) > 0) sorted = 0;
  }
  printf("qsort stable hash %08x sorted %d first %d/%d last %d/%d\n", h, sorted, items[0].key,
         items[0].order, items[199].key, items[199].order);
  int nums[1000];
  for (int i = 0; i < 1000; i++) nums[i] = rand() % 5000;
  qsort(nums, 1000, sizeof nums[0], by_int);
  int want = nums[617], *found = bsearch(&want, nums, 1000, sizeof nums[0], by_int);
  int missing = -1;
  printf("bsearch %d %d %d\n", found != NULL && *found == want, nums[0] <= nums[999],
         bsearch(&missing, nums, 1000, sizeof nums[0], by_int) == NULL);

  /* malloc: random sizes, random frees, every block keeps its pattern. */
  enum { SLOTS = 300 };
  unsigned char *slot[SLOTS] = {0};
  size_t len[SLOTS] = {0};
  srand(4242);
  int bad = 0, allocs = 0;
  for (int round = 0; round < 2000; round++) {
    int i = rand() % SLOTS;
    if (slot[i]) {
      for (size_t k = 0; k < len[i]; k++) bad += slot[i][k] != (unsigned char)(i + k);
      if (rand() % 3 == 0) {
        size_t nl = (size_t)(rand() % 3000) + 1;
        unsigned char *p = realloc(slot[i], nl);
        if (!p) return 2;
        for (size_t k = 0; k < (nl < len[i] ? nl : len[i]); k++) bad += p[k] != (unsigned char)(i + k);
        for (size_t k = 0; k < nl; k++) p[k] = (unsigned char)(i + k);
        slot[i] = p;
        len[i] = nl;
        continue;
      }
      free(slot[i]);
      slot[i] = 0;
    } else {
      size_t n = rand() % 7 == 0 ? (size_t)(rand() % 20000) + 1 : (size_t)(rand() % 200) + 1;
      slot[i] = malloc(n);
      if (!slot[i] || ((uintptr_t)slot[i] & 7)) return 3;
      for (size_t k = 0; k < n; k++) slot[i][k] = (unsigned char)(i + k);
      len[i] = n;
      allocs++;
    }
  }
  for (int i = 0; i < SLOTS; i++) free(slot[i]);
  int *z = calloc(1000, sizeof(int)), zeros = 0;
  for (int i = 0; i < 1000; i++) zeros += z[i] == 0;
  free(z);
  void *al;
  int am = posix_memalign(&al, 256, 1000);
  printf("malloc %d allocations, %d corrupt bytes, calloc zeros %d, memalign %d %d\n", allocs,
         bad, zeros, am, (int)((uintptr_t)al % 256));
  free(al);

  int r = setjmp(env);
  if (r == 0) dive(0);
  printf("longjmp returned %d at depth %d\n", r, depth);

  atexit(bye1);
  atexit(bye2);
  printf("exiting with 3\n");
  exit(3);
}
