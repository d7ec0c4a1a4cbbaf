/*
 * Ethernet output and ARP. The table is a hash of ARP_SLOTS entries with
 * short linear probing; a full probe window evicts its oldest entry. Frames
 * for an address being resolved wait in the entry (ARP_QUEUE at most); the
 * request is retried every ARP_RETRY_US, ARP_TRIES times. The stack also
 * learns a neighbour's MAC from the IPv4 frames it sends us, so a server
 * answers a new client without an ARP round trip.
 */
#include "net_internal.h"

static const uint8_t broadcast[6] = {255, 255, 255, 255, 255, 255};

static uint32_t slot_of(net_ip ip) { return (ip * 2654435761u) >> 24; }

static struct arp_entry *find(struct net *n, net_ip ip) {
  for (uint32_t i = 0, s = slot_of(ip); i < ARP_PROBE; i++, s = (s + 1) % ARP_SLOTS) {
    struct arp_entry *e = &n->arp[s];
    if (e->state && e->ip == ip) return e;
  }
  return NULL;
}

static void set_state(struct net *n, struct arp_entry *e, uint8_t state) {
  if (e->state == 1) n->arp_incomplete--;
  if (state == 1) n->arp_incomplete++;
  e->state = state;
}

static void drop_queue(struct net *n, struct arp_entry *e) {
  while (e->queue) {
    struct arp_frame *f = e->queue;
    e->queue = f->next;
    free(f);
    n->stats.arp_queued_drops++;
  }
  e->queued = 0;
}

static struct arp_entry *make(struct net *n, net_ip ip) {
  struct arp_entry *victim = NULL;
  for (uint32_t i = 0, s = slot_of(ip); i < ARP_PROBE; i++, s = (s + 1) % ARP_SLOTS) {
    struct arp_entry *e = &n->arp[s];
    if (!e->state) {
      victim = e;
      break;
    }
    if (!victim || e->when < victim->when) victim = e;
  }
  drop_queue(n, victim);
  set_state(n, victim, 0);
  memset(victim, 0, sizeof *victim);
  victim->ip = ip;
  return victim;
}

static void send_arp(struct net *n, uint16_t op, const uint8_t *mac, net_ip ip) {
  uint8_t *f = n->arp_tx + 4;
  memcpy(f, op == 1 ? broadcast : mac, 6);
  memcpy(f + 6, n->cfg.mac, 6);
  put16(f + 12, ETHERTYPE_ARP);
  uint8_t *a = f + ETH_HLEN;
  put16(a, 1);            /* Ethernet */
  put16(a + 2, ETHERTYPE_IP);
  a[4] = 6;
  a[5] = 4;
  put16(a + 6, op);
  memcpy(a + 8, n->cfg.mac, 6);
  put32(a + 14, n->cfg.ip);
  memcpy(a + 18, op == 1 ? (const uint8_t *)"\0\0\0\0\0\0" : mac, 6);
  put32(a + 24, ip);
  memset(a + 28, 0, 60 - ETH_HLEN - 28); /* pad to the Ethernet minimum */
  n->stats.tx_frames++;
  if (op == 1) n->stats.arp_requests++;
  else n->stats.arp_replies++;
  n->cfg.send(n->cfg.ctx, f, 60);
}

static void flush_queue(struct net *n, struct arp_entry *e) {
  struct arp_frame *f = e->queue;
  e->queue = NULL;
  e->queued = 0;
  while (f) {
    struct arp_frame *next = f->next;
    uint8_t *frame = f->bytes + 4;
    memcpy(frame, e->mac, 6);
    n->stats.tx_frames++;
    n->cfg.send(n->cfg.ctx, frame, f->len);
    free(f);
    f = next;
  }
}

void arp_learn(struct net *n, net_ip ip, const uint8_t *mac, int create) {
  if (ip == 0 || ip == n->cfg.ip) return;
  struct arp_entry *e = find(n, ip);
  if (!e) {
    if (!create) return;
    e = make(n, ip);
  }
  memcpy(e->mac, mac, 6);
  set_state(n, e, 2);
  e->when = n->now + ARP_TTL_US;
  if (e->queue) flush_queue(n, e);
}

void arp_input(struct net *n, const uint8_t *frame, uint32_t len) {
  const uint8_t *a = frame + ETH_HLEN;
  if (len < ETH_HLEN + 28 || get16(a) != 1 || get16(a + 2) != ETHERTYPE_IP || a[4] != 6 ||
      a[5] != 4) {
    n->stats.rx_dropped++;
    return;
  }
  uint16_t op = get16(a + 6);
  net_ip sender = get32(a + 14), target = get32(a + 24);
  int for_us = target == n->cfg.ip;
  /* RFC 826: update an existing entry; add one only if the packet is for us. */
  arp_learn(n, sender, a + 8, for_us);
  if (op == 1 && for_us) send_arp(n, 2, a + 8, sender);
}

void arp_output(struct net *n, net_ip hop, uint32_t len) {
  uint8_t *frame = n->tx + 4;
  uint32_t flen = ETH_HLEN + len;
  memcpy(frame + 6, n->cfg.mac, 6);
  put16(frame + 12, ETHERTYPE_IP);
  if (hop == 0xffffffffu || (n->cfg.netmask && hop == (n->cfg.ip | ~n->cfg.netmask))) {
    memcpy(frame, broadcast, 6);
    n->stats.tx_frames++;
    n->cfg.send(n->cfg.ctx, frame, flen);
    return;
  }
  struct arp_entry *e = find(n, hop);
  if (e && e->state == 2) {
    memcpy(frame, e->mac, 6);
    n->stats.tx_frames++;
    n->cfg.send(n->cfg.ctx, frame, flen);
    if (e->when <= n->now) { /* refresh in the background */
      e->when = n->now + ARP_RETRY_US;
      send_arp(n, 1, NULL, hop);
    }
    return;
  }
  if (!e) {
    e = make(n, hop);
    set_state(n, e, 1);
  }
  if (e->queued >= ARP_QUEUE) {
    n->stats.arp_queued_drops++;
  } else {
    struct arp_frame *f = malloc(sizeof *f + 4 + flen);
    if (f) {
      f->next = NULL;
      f->len = flen;
      memcpy(f->bytes + 4, frame, flen);
      struct arp_frame **tail = &e->queue;
      while (*tail) tail = &(*tail)->next;
      *tail = f;
      e->queued++;
    }
  }
  if (e->tries == 0) {
    e->tries = 1;
    e->when = n->now + ARP_RETRY_US;
    net_arm(n, e->when);
    send_arp(n, 1, NULL, hop);
  }
}

uint64_t arp_timers(struct net *n) {
  uint64_t next = NO_TIME;
  if (n->arp_incomplete == 0) return next;
  for (int i = 0; i < ARP_SLOTS; i++) {
    struct arp_entry *e = &n->arp[i];
    if (e->state != 1) continue;
    if (e->when <= n->now) {
      if (e->tries >= ARP_TRIES) {
        drop_queue(n, e);
        set_state(n, e, 0);
        continue;
      }
      e->tries++;
      e->when = n->now + ARP_RETRY_US;
      send_arp(n, 1, NULL, e->ip);
    }
    if (e->when < next) next = e->when;
  }
  return next;
}
