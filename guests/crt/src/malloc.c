/*
 * The heap: from the end of the image (_end, guests/crt/link.ld) up to
 * MEM_SIZE minus the main stack's reserve, sized from the MEM_SIZE virtual
 * register when the first allocation happens.
 *
 *   _end                         top                      limit       MEM_SIZE
 *    | blocks (in use or free) ... | wilderness (untouched) | main stack |
 *
 * Boundary-tag allocator. A block is a 4-byte header (size | flags) followed
 * by its payload; sizes are multiples of 16 and payloads are 16-byte aligned.
 * A free block also holds list links and repeats its size in its last word,
 * so freeing merges with both neighbours. Free blocks sit in segregated lists
 * by power-of-two size class; malloc takes the first fit from the smallest
 * class that can hold the request, splits off the rest, and only then carves
 * from the wilderness. Untouched wilderness pages cost no memory (the kernel
 * maps guest pages on first touch).
 */
#include <denali.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16u
#define MIN_BLOCK 16u
#define INUSE 1u
#define PREV_INUSE 2u
#define FLAGS 15u
#define CLASSES 28
#define MIN_RESERVE (64u * 1024)
#define MAX_RESERVE (1024u * 1024)

extern char _end[];

/* Bytes kept for the main thread's stack below MEM_SIZE (0: MEM_SIZE/16 within 64 KiB..1 MiB). */
size_t dn_main_stack_size;

typedef struct block {
  uint32_t head;        /* size | INUSE | PREV_INUSE */
  struct block *next;   /* free blocks only */
  struct block *prev;
} block;

static block *lists[CLASSES];
static char *heap_start, *top, *limit;

static inline uint32_t size_of(block *b) { return b->head & ~FLAGS; }
static inline block *after(block *b) { return (block *)((char *)b + size_of(b)); }
static inline void *payload(block *b) { return (char *)b + 4; }
static inline block *block_of(void *p) { return (block *)((char *)p - 4); }
static inline void set_footer(block *b) { ((uint32_t *)after(b))[-1] = size_of(b); }

static int class_of(uint32_t size) {
  int c = 31 - __builtin_clz(size) - 4;
  return c < CLASSES ? c : CLASSES - 1;
}

static void unlink_free(block *b) {
  if (b->prev) b->prev->next = b->next;
  else lists[class_of(size_of(b))] = b->next;
  if (b->next) b->next->prev = b->prev;
}

static void link_free(block *b) {
  int c = class_of(size_of(b));
  b->prev = 0;
  b->next = lists[c];
  if (b->next) b->next->prev = b;
  lists[c] = b;
}

static int init(void) {
  uintptr_t mem = DN_VREG(DN_VREG_MEM_SIZE);
  size_t reserve = dn_main_stack_size;
  if (reserve == 0) {
    reserve = mem / 16;
    if (reserve < MIN_RESERVE) reserve = MIN_RESERVE;
    if (reserve > MAX_RESERVE) reserve = MAX_RESERVE;
  }
  uintptr_t end = mem > reserve ? mem - reserve : 0;
  uintptr_t sp = (uintptr_t)__builtin_frame_address(0);
  if (sp > 16384 && end > sp - 16384) end = sp - 16384; /* never above the live stack */
  uintptr_t start = (((uintptr_t)_end + 4 + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1)) - 4;
  heap_start = top = (char *)start;
  limit = (char *)(end > start ? ((end - start) & ~(uintptr_t)(ALIGN - 1)) + start : start);
  return 1;
}

/* Marks `b` (size `size`) in use and returns the unused tail to the free lists. */
static void *take(block *b, uint32_t need) {
  uint32_t size = size_of(b);
  if (size - need >= MIN_BLOCK) {
    block *rest = (block *)((char *)b + need);
    rest->head = (size - need) | PREV_INUSE;
    set_footer(rest);
    link_free(rest);
    b->head = need | (b->head & PREV_INUSE) | INUSE;
  } else {
    b->head |= INUSE;
    if ((char *)after(b) < top) after(b)->head |= PREV_INUSE;
  }
  return payload(b);
}

static uint32_t need_for(size_t n) {
  if (n > 0x7FFFFFF0u) return 0;
  uint32_t need = ((uint32_t)n + 4 + ALIGN - 1) & ~(ALIGN - 1);
  return need < MIN_BLOCK ? MIN_BLOCK : need;
}

void *malloc(size_t n) {
  if (!heap_start) init();
  uint32_t need = need_for(n);
  if (need == 0) {
    errno = ENOMEM;
    return 0;
  }
  for (int c = class_of(need); c < CLASSES; c++) {
    for (block *b = lists[c]; b; b = b->next) {
      if (size_of(b) >= need) {
        unlink_free(b);
        return take(b, need);
      }
    }
  }
  if ((size_t)(limit - top) < need) {
    errno = ENOMEM;
    return 0;
  }
  block *b = (block *)top;
  /* The block below the wilderness is always in use (a free one merges into it). */
  b->head = need | INUSE | PREV_INUSE;
  top += need;
  return payload(b);
}

void free(void *p) {
  if (!p) return;
  block *b = block_of(p);
  if (!(b->head & INUSE) || (char *)b < heap_start || (char *)b >= top) abort();
  uint32_t size = size_of(b);
  if (!(b->head & PREV_INUSE)) { /* merge with the free block before */
    block *prev = (block *)((char *)b - ((uint32_t *)b)[-1]);
    unlink_free(prev);
    size += size_of(prev);
    b = prev;
  }
  block *next = (block *)((char *)b + size);
  if ((char *)next == top) { /* give the space back to the wilderness */
    top = (char *)b;
    return;
  }
  if (!(next->head & INUSE)) {
    unlink_free(next);
    size += size_of(next);
  }
  b->head = size | PREV_INUSE; /* the block before a free one is always in use */
  set_footer(b);
  link_free(b);
  block *following = after(b);
  if ((char *)following < top) following->head &= ~PREV_INUSE;
}

void *calloc(size_t count, size_t size) {
  if (size && count > SIZE_MAX / size) {
    errno = ENOMEM;
    return 0;
  }
  void *p = malloc(count * size);
  if (p) memset(p, 0, count * size);
  return p;
}

void *realloc(void *p, size_t n) {
  if (!p) return malloc(n);
  if (n == 0) {
    free(p);
    return 0;
  }
  block *b = block_of(p);
  uint32_t need = need_for(n), size = size_of(b);
  if (need == 0) {
    errno = ENOMEM;
    return 0;
  }
  if (need <= size) return p;
  block *next = after(b);
  if ((char *)next == top && (size_t)(limit - top) >= need - size) { /* grow into the wilderness */
    top += need - size;
    b->head = need | (b->head & FLAGS);
    return p;
  }
  if ((char *)next < top && !(next->head & INUSE) && size + size_of(next) >= need) {
    unlink_free(next);
    b->head = (size + size_of(next)) | (b->head & FLAGS);
    return take(b, need);
  }
  void *q = malloc(n);
  if (!q) return 0;
  memcpy(q, p, size - 4);
  free(p);
  return q;
}

int posix_memalign(void **out, size_t align, size_t n) {
  if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
  if (align <= ALIGN) {
    void *p = malloc(n);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
  }
  char *raw = malloc(n + align + MIN_BLOCK);
  if (!raw) return ENOMEM;
  uintptr_t aligned = ((uintptr_t)raw + MIN_BLOCK + align - 1) & ~(uintptr_t)(align - 1);
  block *b = block_of(raw), *a = block_of((void *)aligned);
  uint32_t front = (uint32_t)((char *)a - (char *)b);
  a->head = (size_of(b) - front) | INUSE;
  b->head = front | (b->head & PREV_INUSE) | INUSE;
  free(payload(b)); /* the front part becomes a free block (a gets PREV_INUSE cleared) */
  *out = (void *)aligned;
  return 0;
}

void *aligned_alloc(size_t align, size_t n) {
  void *p;
  int err = posix_memalign(&p, align, n);
  if (err) {
    errno = err;
    return 0;
  }
  return p;
}
