/*
 * A small allocator over the heap that starts at _end (guests/crt/link.ld) and
 * grows towards the stack. Blocks come in power-of-two size classes with one
 * free list per class; freed blocks are reused for the same class and never
 * split or merged. Simple and bounded: at most 2x internal fragmentation.
 * The heap stops STACK_RESERVE bytes below the current stack pointer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MIN_SHIFT 4 /* smallest block: 16 bytes including the header */
#define CLASSES 28
#define STACK_RESERVE (64 * 1024)
#define MAGIC 0xD3A11u

extern char _end[];

struct header {
  uint32_t klass;
  uint32_t magic; /* MAGIC while allocated; catches double and wild frees */
};

struct free_block {
  struct header h;
  struct free_block *next;
};

static struct free_block *free_lists[CLASSES];
static char *brk_ptr;

static int class_of(size_t n) {
  size_t need = n + sizeof(struct header);
  int k = MIN_SHIFT;
  while (k < MIN_SHIFT + CLASSES && ((size_t)1 << k) < need) k++;
  return k - MIN_SHIFT;
}

void *malloc(size_t n) {
  if (n > ((size_t)1 << (MIN_SHIFT + CLASSES - 1)) - sizeof(struct header)) return 0;
  int k = class_of(n);
  struct free_block *b = free_lists[k];
  if (b) {
    free_lists[k] = b->next;
  } else {
    if (!brk_ptr) brk_ptr = (char *)(((uintptr_t)_end + 15) & ~(uintptr_t)15);
    size_t size = (size_t)1 << (k + MIN_SHIFT);
    char *limit = (char *)__builtin_frame_address(0) - STACK_RESERVE;
    if (brk_ptr > limit || size > (size_t)(limit - brk_ptr)) return 0;
    b = (struct free_block *)brk_ptr;
    brk_ptr += size;
  }
  b->h.klass = (uint32_t)k;
  b->h.magic = MAGIC;
  return (char *)b + sizeof(struct header);
}

void free(void *p) {
  if (!p) return;
  struct free_block *b = (struct free_block *)((char *)p - sizeof(struct header));
  if (b->h.magic != MAGIC || b->h.klass >= CLASSES) abort();
  b->h.magic = 0;
  b->next = free_lists[b->h.klass];
  free_lists[b->h.klass] = b;
}

void *calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) return 0;
  void *p = malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  struct header *h = (struct header *)((char *)p - sizeof(struct header));
  size_t room = ((size_t)1 << (h->klass + MIN_SHIFT)) - sizeof(struct header);
  if (n <= room) return p;
  void *q = malloc(n);
  if (!q) return 0;
  memcpy(q, p, room);
  free(p);
  return q;
}
