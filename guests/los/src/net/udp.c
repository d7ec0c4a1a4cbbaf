/* UDP sockets: each bound port keeps a bounded queue of received datagrams. */
#include "net_internal.h"

static struct udp_sock *find_port(struct net *n, uint16_t port) {
  for (struct udp_sock *s = n->udp; s; s = s->next) {
    if (s->port == port) return s;
  }
  return NULL;
}

struct udp_sock *udp_open(struct net *n, uint16_t port) {
  if (port == 0) {
    for (int tries = 0; tries < 16384; tries++) {
      uint16_t p = n->next_port;
      n->next_port = n->next_port == 65535 ? 49152 : n->next_port + 1;
      if (!find_port(n, p)) {
        port = p;
        break;
      }
    }
    if (port == 0) return NULL;
  } else if (find_port(n, port)) {
    return NULL;
  }
  struct udp_sock *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->net = n;
  s->port = port;
  s->next = n->udp;
  n->udp = s;
  return s;
}

uint16_t udp_port(struct udp_sock *s) { return s->port; }

void udp_set_waiter(struct udp_sock *s, void *waiter) { s->waiter = waiter; }

int udp_pending(struct udp_sock *s) { return (int)s->count; }

void udp_close(struct udp_sock *s) {
  struct net *n = s->net;
  for (struct udp_sock **p = &n->udp; *p; p = &(*p)->next) {
    if (*p == s) {
      *p = s->next;
      break;
    }
  }
  while (s->head) {
    struct udp_dgram *d = s->head;
    s->head = d->next;
    free(d);
  }
  free(s);
}

int udp_sendto(struct udp_sock *s, net_ip ip, uint16_t port, const void *buf, uint32_t len) {
  struct net *n = s->net;
  if (len > UDP_MAX) return -EMSGSIZE;
  net_now(n);
  uint8_t *u = TX_IP_PAYLOAD(n);
  put16(u, s->port);
  put16(u + 2, port);
  put16(u + 4, (uint16_t)(UDP_HLEN + len));
  put16(u + 6, 0);
  memcpy(u + UDP_HLEN, buf, len);
  uint16_t sum = net_checksum(u, UDP_HLEN + len,
                              net_pseudo_sum(n->cfg.ip, ip, PROTO_UDP, UDP_HLEN + len));
  put16(u + 6, sum ? sum : 0xffff);
  n->stats.udp_out++;
  return ip_output(n, ip, PROTO_UDP, UDP_HLEN + len);
}

int udp_recvfrom(struct udp_sock *s, void *buf, uint32_t cap, net_ip *ip, uint16_t *port) {
  struct udp_dgram *d = s->head;
  if (!d) return -1;
  s->head = d->next;
  if (!s->head) s->tail = NULL;
  s->count--;
  uint32_t n = d->len < cap ? d->len : cap;
  memcpy(buf, d->data, n);
  if (ip) *ip = d->ip;
  if (port) *port = d->port;
  free(d);
  return (int)n;
}

void udp_input(struct net *n, net_ip src, net_ip dst, const uint8_t *ip_packet, const uint8_t *p,
               uint32_t len) {
  if (len < UDP_HLEN || get16(p + 4) < UDP_HLEN || get16(p + 4) > len) {
    n->stats.ip_bad++;
    return;
  }
  len = get16(p + 4);
  if (get16(p + 6) != 0 && net_checksum(p, len, net_pseudo_sum(src, dst, PROTO_UDP, len)) != 0) {
    n->stats.ip_bad++;
    return;
  }
  n->stats.udp_in++;
  struct udp_sock *s = find_port(n, get16(p + 2));
  if (!s) {
    n->stats.udp_no_port++;
    if (dst == n->cfg.ip) icmp_port_unreachable(n, src, ip_packet, (uint32_t)(p - ip_packet) + len);
    return;
  }
  if (s->count >= UDP_QUEUE) {
    n->stats.udp_queue_drops++;
    return;
  }
  struct udp_dgram *d = malloc(sizeof *d + len - UDP_HLEN);
  if (!d) {
    n->stats.udp_queue_drops++;
    return;
  }
  d->next = NULL;
  d->ip = src;
  d->port = get16(p);
  d->len = len - UDP_HLEN;
  memcpy(d->data, p + UDP_HLEN, d->len);
  if (s->tail) s->tail->next = d;
  else s->head = d;
  s->tail = d;
  s->count++;
  net_wake(n, s->waiter);
}
