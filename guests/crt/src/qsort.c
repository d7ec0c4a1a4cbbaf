/*
 * qsort and bsearch. qsort is a stable merge sort (as glibc's is when it can
 * allocate the scratch buffer), so elements that compare equal come out in
 * the same order as natively; without memory it falls back to an insertion
 * sort, which is stable too.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int compare_fn(const void *, const void *);

static void merge_sort(char *base, char *tmp, size_t n, size_t size, compare_fn *cmp) {
  if (n < 2) return;
  size_t half = n / 2;
  char *right = base + half * size;
  merge_sort(base, tmp, half, size, cmp);
  merge_sort(right, tmp, n - half, size, cmp);
  if (cmp(right - size, right) <= 0) return; /* already in order */
  char *a = base, *a_end = right, *b = right, *b_end = base + n * size, *out = tmp;
  while (a < a_end && b < b_end) {
    if (cmp(a, b) <= 0) memcpy(out, a, size), a += size;
    else memcpy(out, b, size), b += size;
    out += size;
  }
  memcpy(out, a, (size_t)(a_end - a));
  out += a_end - a;
  memcpy(out, b, (size_t)(b_end - b));
  memcpy(base, tmp, n * size);
}

static void insertion_sort(char *base, size_t n, size_t size, compare_fn *cmp) {
  for (size_t i = 1; i < n; i++) {
    for (size_t j = i; j > 0; j--) {
      char *x = base + (j - 1) * size, *y = x + size;
      if (cmp(x, y) <= 0) break;
      for (size_t k = 0; k < size; k++) {
        char t = x[k];
        x[k] = y[k];
        y[k] = t;
      }
    }
  }
}

void qsort(void *base, size_t count, size_t size, compare_fn *cmp) {
  if (count < 2 || size == 0) return;
  if (count > SIZE_MAX / size) return;
  char *tmp = malloc(count * size);
  if (tmp) {
    merge_sort(base, tmp, count, size, cmp);
    free(tmp);
  } else {
    insertion_sort(base, count, size, cmp);
  }
}

void *bsearch(const void *key, const void *base, size_t count, size_t size, compare_fn *cmp) {
  const char *lo = base;
  while (count > 0) {
    const char *mid = lo + (count / 2) * size;
    int c = cmp(key, mid);
    if (c == 0) return (void *)mid;
    if (c > 0) {
      lo = mid + size;
      count -= count / 2 + 1;
    } else {
      count /= 2;
    }
  }
  return 0;
}
