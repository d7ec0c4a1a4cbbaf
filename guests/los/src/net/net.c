/*
 * The stack's core: creation, frame dispatch, timers, checksums and byte
 * rings. Timers are kept per object (ARP entries, TCP connections); the
 * stack remembers only the earliest deadline (`n->deadline`), lowered when
 * any timer is armed and recomputed by a scan when it passes, so arming is
 * O(1) and a scan happens only when something may be due.
 */
#include "net_internal.h"

uint64_t net_now(struct net *n) {
  n->now = n->cfg.now(n->cfg.ctx);
  return n->now;
}

void net_arm(struct net *n, uint64_t when) {
  if (when < n->deadline) n->deadline = when;
}

void net_wake(struct net *n, void *waiter) {
  if (waiter && n->cfg.wake) n->cfg.wake(n->cfg.ctx, waiter);
}

struct net *net_create(const struct net_config *cfg) {
  struct net *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->cfg = *cfg;
  struct net_config *c = &n->cfg;
  if (!c->tcp_sndbuf) c->tcp_sndbuf = 16384;
  if (!c->tcp_rcvbuf) c->tcp_rcvbuf = 16384;
  if (c->tcp_rcvbuf > 65535) c->tcp_rcvbuf = 65535; /* no window scaling */
  if (!c->rto_min_us) c->rto_min_us = 20000;
  if (!c->rto_initial_us) c->rto_initial_us = 200000;
  if (!c->time_wait_us) c->time_wait_us = 1000000;
  if (!c->delack_us) c->delack_us = 1000;
  if (!c->seed) {
    c->seed = 2166136261u;
    for (int i = 0; i < 6; i++) c->seed = (c->seed ^ c->mac[i]) * 16777619u;
  }
  n->deadline = NO_TIME;
  n->next_port = (uint16_t)(49152 + c->seed % 16384);
  n->ip_id = c->seed & 0xffff;
  net_now(n);
  return n;
}

net_ip net_address(struct net *n) { return n->cfg.ip; }

void net_stats(struct net *n, struct net_stats *out) { *out = n->stats; }

void net_input(struct net *n, const uint8_t *frame, uint32_t len) {
  net_now(n);
  n->stats.rx_frames++;
  if (len < ETH_HLEN) {
    n->stats.rx_dropped++;
    return;
  }
  /* Accept frames for our MAC and broadcast (the NIC may flood others to us). */
  static const uint8_t bcast[6] = {255, 255, 255, 255, 255, 255};
  if (memcmp(frame, n->cfg.mac, 6) != 0 && memcmp(frame, bcast, 6) != 0) {
    n->stats.rx_dropped++;
    return;
  }
  uint16_t type = get16(frame + 12);
  if (type == ETHERTYPE_ARP) arp_input(n, frame, len);
  else if (type == ETHERTYPE_IP) ip_input(n, frame, len);
  else n->stats.rx_dropped++;
}

uint64_t net_deadline(struct net *n) { return n->deadline; }

void net_poll(struct net *n) {
  uint64_t now = net_now(n);
  if (now < n->deadline) return;
  n->deadline = NO_TIME;
  uint64_t a = arp_timers(n);
  uint64_t t = tcp_timers(n);
  net_arm(n, a < t ? a : t);
}

void net_flush(struct net *n) {
  net_now(n);
  while (n->ack_list) {
    struct tcp_sock *s = n->ack_list;
    n->ack_list = s->ack_next;
    s->on_ack_list = 0;
    if (s->ack_pending) tcp_send_ack(s);
  }
}

void net_on_echo_reply(struct net *n, void (*fn)(void *, net_ip, uint16_t, uint16_t),
                       void *ctx) {
  n->echo_fn = fn;
  n->echo_ctx = ctx;
}

/* ---- checksums ---------------------------------------------------------- */

/*
 * The Internet checksum of `p` plus `sum` (a partial sum of big-endian
 * 16-bit words, e.g. a pseudo-header). The data is summed 32 bits at a time
 * in the machine's byte order and swapped at the end (RFC 1071: the one's
 * complement sum does not depend on byte order, up to that swap).
 */
uint16_t net_checksum(const uint8_t *p, uint32_t len, uint32_t sum) {
  uint64_t acc = 0;
#if defined(__i386__)
  /* 32 bytes per iteration with ADC: the carries wrap around (end-around carry). */
  if (len >= 32) {
    uint32_t a = 0, blocks = len / 32;
    __asm__("clc\n"
            "1:\n\t"
            "adcl 0(%1), %0\n\tadcl 4(%1), %0\n\tadcl 8(%1), %0\n\tadcl 12(%1), %0\n\t"
            "adcl 16(%1), %0\n\tadcl 20(%1), %0\n\tadcl 24(%1), %0\n\tadcl 28(%1), %0\n\t"
            "leal 32(%1), %1\n\t" /* LEA and DEC keep CF */
            "decl %2\n\t"
            "jnz 1b\n\t"
            "adcl $0, %0"
            : "+r"(a), "+r"(p), "+r"(blocks)
            :
            : "cc", "memory");
    acc = a;
    len %= 32;
  }
#endif
  for (; len >= 16; p += 16, len -= 16) {
    uint32_t w[4];
    __builtin_memcpy(w, p, 16);
    acc += (uint64_t)w[0] + w[1] + w[2] + w[3];
  }
  for (; len >= 4; p += 4, len -= 4) {
    uint32_t w;
    __builtin_memcpy(&w, p, 4);
    acc += w;
  }
  for (; len >= 2; p += 2, len -= 2) {
    uint16_t h;
    __builtin_memcpy(&h, p, 2);
    acc += h;
  }
  if (len) {
    uint16_t last = 0;
    __builtin_memcpy(&last, p, 1); /* the byte followed by a zero pad, in memory order */
    acc += last;
  }
  while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
  uint32_t host = (uint32_t)acc;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  host = ((host >> 8) | (host << 8)) & 0xffff;
#endif
  uint32_t total = host + sum;
  while (total >> 16) total = (total & 0xffff) + (total >> 16);
  return (uint16_t)~total;
}

uint32_t net_pseudo_sum(net_ip src, net_ip dst, uint8_t proto, uint32_t len) {
  return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + proto + len;
}

/* ---- rings -------------------------------------------------------------- */

int ring_init(struct ring *r, uint32_t cap) {
  r->data = malloc(cap);
  r->cap = r->data ? cap : 0;
  r->start = r->len = 0;
  return r->data ? 0 : -1;
}

void ring_free(struct ring *r) {
  free(r->data);
  r->data = NULL;
  r->cap = r->start = r->len = 0;
}

uint32_t ring_put(struct ring *r, const uint8_t *p, uint32_t len) {
  uint32_t room = r->cap - r->len;
  if (len > room) len = room;
  uint32_t end = (r->start + r->len) % (r->cap ? r->cap : 1);
  uint32_t first = r->cap - end < len ? r->cap - end : len;
  memcpy(r->data + end, p, first);
  memcpy(r->data, p + first, len - first);
  r->len += len;
  return len;
}

void ring_peek(const struct ring *r, uint32_t off, uint8_t *p, uint32_t len) {
  uint32_t at = (r->start + off) % r->cap;
  uint32_t first = r->cap - at < len ? r->cap - at : len;
  memcpy(p, r->data + at, first);
  memcpy(p + first, r->data, len - first);
}

void ring_drop(struct ring *r, uint32_t len) {
  if (len > r->len) len = r->len;
  r->len -= len;
  r->start = r->len == 0 ? 0 : (r->start + len) % r->cap;
}

uint32_t ring_get(struct ring *r, uint8_t *p, uint32_t len) {
  if (len > r->len) len = r->len;
  if (len) ring_peek(r, 0, p, len);
  ring_drop(r, len);
  return len;
}
