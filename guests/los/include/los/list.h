/* Intrusive circular doubly-linked lists (header-only), used by the scheduler and drivers. */
#ifndef LOS_LIST_H
#define LOS_LIST_H

#include <stddef.h>

typedef struct los_list {
  struct los_list *next, *prev;
} los_list;

#define LOS_LIST_INIT(l) {&(l), &(l)}
#define los_container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

static inline void los_list_init(los_list *l) { l->next = l->prev = l; }
static inline int los_list_empty(const los_list *l) { return l->next == l; }

/* Inserts `n` before `at` (at the tail when `at` is the list head). */
static inline void los_list_insert_before(los_list *at, los_list *n) {
  n->prev = at->prev;
  n->next = at;
  at->prev->next = n;
  at->prev = n;
}
static inline void los_list_push(los_list *l, los_list *n) { los_list_insert_before(l, n); }
static inline void los_list_remove(los_list *n) {
  n->prev->next = n->next;
  n->next->prev = n->prev;
  n->next = n->prev = n;
}
/* Removes and returns the first element, or NULL. */
static inline los_list *los_list_pop(los_list *l) {
  if (los_list_empty(l)) return NULL;
  los_list *n = l->next;
  los_list_remove(n);
  return n;
}

#endif
