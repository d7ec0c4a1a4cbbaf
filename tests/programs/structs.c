/*
 * Structs by value, recursion (N-queens, Hanoi, Ackermann), a dense switch (jump table),
 * function-pointer tables and a malloc'd binary search tree. Exits with the number of
 * 8-queens solutions (92) to check that exit codes pass through.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vec {
  int x, y, z;
};

struct shape {
  char kind;
  struct vec corner;
  uint16_t size;
  uint8_t color[3];
};

static struct vec vadd(struct vec a, struct vec b) { return (struct vec){a.x + b.x, a.y + b.y, a.z + b.z}; }
static struct vec vscale(struct vec a, int k) { return (struct vec){a.x * k, a.y * k, a.z * k}; }
static long long vdot(struct vec a, struct vec b) {
  return (long long)a.x * b.x + (long long)a.y * b.y + (long long)a.z * b.z;
}

static struct shape grow(struct shape s, int by) {
  s.size = (uint16_t)(s.size + by);
  s.corner = vadd(s.corner, (struct vec){-by, -by, -by});
  s.color[0] ^= 0xff;
  return s;
}

static int queens(int n, int row, uint32_t cols, uint32_t d1, uint32_t d2) {
  if (row == n) return 1;
  int count = 0;
  for (int c = 0; c < n; c++) {
    if (cols & (1u << c) || d1 & (1u << (row + c)) || d2 & (1u << (row - c + n))) continue;
    count += queens(n, row + 1, cols | 1u << c, d1 | 1u << (row + c), d2 | 1u << (row - c + n));
  }
  return count;
}

static int moves;
static void hanoi(int n, int from, int to, int via, uint32_t *trace) {
  if (n == 0) return;
  hanoi(n - 1, from, via, to, trace);
  moves++;
  *trace = *trace * 31 + (uint32_t)(from * 3 + to);
  hanoi(n - 1, via, to, from, trace);
}

static uint32_t ackermann(uint32_t m, uint32_t n) {
  if (m == 0) return n + 1;
  if (n == 0) return ackermann(m - 1, 1);
  return ackermann(m - 1, ackermann(m, n - 1));
}

/* Dense switch: gcc emits a jump table. */
static const char *classify(int c) {
  switch (c) {
  case 0: return "zero";
  case 1: return "one";
  case 2: return "two";
  case 3: return "three";
  case 4: return "four";
  case 5: return "five";
  case 6: return "six";
  case 7: return "seven";
  case 8: return "eight";
  case 9: return "nine";
  case 10: return "ten";
  case 11: return "eleven";
  case 12: return "twelve";
  default: return "many";
  }
}

/* Sparse switch: compare trees. */
static int sparse(int v) {
  switch (v) {
  case -1000: return 1;
  case 7: return 2;
  case 100: return 3;
  case 4096: return 4;
  case 65537: return 5;
  case 1 << 30: return 6;
  default: return 0;
  }
}

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
static int op_max(int a, int b) { return a > b ? a : b; }

struct node {
  int key;
  struct node *left, *right;
};

static struct node *insert(struct node *t, int key) {
  if (!t) {
    t = malloc(sizeof *t);
    t->key = key;
    t->left = t->right = 0;
  } else if (key < t->key) t->left = insert(t->left, key);
  else if (key > t->key) t->right = insert(t->right, key);
  return t;
}

static int height(const struct node *t) {
  if (!t) return 0;
  int l = height(t->left), r = height(t->right);
  return 1 + (l > r ? l : r);
}

static void inorder(const struct node *t, int *out, int *n) {
  if (!t) return;
  inorder(t->left, out, n);
  out[(*n)++] = t->key;
  inorder(t->right, out, n);
}

static void destroy(struct node *t) {
  if (!t) return;
  destroy(t->left);
  destroy(t->right);
  free(t);
}

int main(void) {
  struct vec a = {1, -2, 3}, b = {40000, 50000, -60000};
  struct vec c = vadd(vscale(a, 7), b);
  printf("vec: (%d,%d,%d) dot %lld\n", c.x, c.y, c.z, vdot(c, b));
  struct shape s = {'q', {10, 20, 30}, 5, {1, 2, 3}};
  struct shape g = grow(grow(s, 3), 4);
  printf("shape: %c (%d,%d,%d) size %u color %u,%u,%u; original size %u\n", g.kind, g.corner.x,
         g.corner.y, g.corner.z, g.size, g.color[0], g.color[1], g.color[2], s.size);

  int solutions[9];
  for (int n = 1; n <= 8; n++) solutions[n] = queens(n, 0, 0, 0, 0);
  printf("queens:");
  for (int n = 1; n <= 8; n++) printf(" %d", solutions[n]);
  printf("\n");

  uint32_t trace = 0;
  hanoi(12, 0, 2, 1, &trace);
  printf("hanoi(12): %d moves, trace %08x\n", moves, trace);
  printf("ackermann(2,3)=%u ackermann(3,4)=%u\n", ackermann(2, 3), ackermann(3, 4));

  for (int i = -1; i <= 14; i += 3) printf("%d:%s ", i, classify(i));
  printf("\n");
  int sp = 0;
  static const int probes[] = {-1000, 7, 8, 100, 4096, 65537, 1 << 30, 0};
  for (unsigned i = 0; i < sizeof probes / sizeof probes[0]; i++) sp = sp * 7 + sparse(probes[i]);
  printf("sparse: %d\n", sp);

  int (*const ops[])(int, int) = {op_add, op_sub, op_mul, op_max};
  static const char *const opnames[] = {"add", "sub", "mul", "max"};
  for (int i = 0; i < 4; i++) printf("%s(13,-4)=%d ", opnames[i], ops[i](13, -4));
  printf("\n");

  struct node *tree = 0;
  uint32_t x = 1;
  for (int i = 0; i < 500; i++) {
    x = x * 1103515245u + 12345u;
    tree = insert(tree, (int)((x >> 16) % 1000));
  }
  int keys[1000], n = 0;
  inorder(tree, keys, &n);
  int ok = 1;
  for (int i = 1; i < n; i++) ok &= keys[i - 1] < keys[i];
  printf("tree: %d distinct keys, height %d, ordered %d, first %d last %d\n", n, height(tree), ok,
         keys[0], keys[n - 1]);
  destroy(tree);
  void *p1 = malloc(24);
  void *p2 = malloc(24);
  free(p1);
  void *p3 = malloc(20);
  printf("malloc reuses freed blocks: %s\n", p3 == p1 ? "yes" : "no");
  (void)p2;
  return solutions[8];
}
