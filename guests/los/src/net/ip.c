/* IPv4 input and output, and ICMP (echo, port unreachable). No fragments, no options sent. */
#include "net_internal.h"

static int on_link(struct net *n, net_ip ip) {
  return ((ip ^ n->cfg.ip) & n->cfg.netmask) == 0;
}

static int for_us(struct net *n, net_ip dst) {
  return dst == n->cfg.ip || dst == 0xffffffffu ||
         (n->cfg.netmask && dst == (n->cfg.ip | ~n->cfg.netmask));
}

void ip_input(struct net *n, const uint8_t *frame, uint32_t len) {
  const uint8_t *ip = frame + ETH_HLEN;
  len -= ETH_HLEN;
  if (len < IP_HLEN || (ip[0] >> 4) != 4) {
    n->stats.ip_bad++;
    return;
  }
  uint32_t hlen = (uint32_t)(ip[0] & 15) * 4, total = get16(ip + 2);
  if (hlen < IP_HLEN || total < hlen || total > len || net_checksum(ip, hlen, 0) != 0) {
    n->stats.ip_bad++;
    return;
  }
  if ((get16(ip + 6) & 0x3fff) != 0) { /* MF set or a fragment offset */
    n->stats.ip_fragments++;
    return;
  }
  net_ip src = get32(ip + 12), dst = get32(ip + 16);
  if (!for_us(n, dst)) {
    n->stats.rx_dropped++;
    return;
  }
  if (on_link(n, src)) arp_learn(n, src, frame + 6, 1);
  const uint8_t *payload = ip + hlen;
  uint32_t plen = total - hlen;
  switch (ip[9]) {
  case PROTO_ICMP:
    icmp_input(n, src, payload, plen);
    break;
  case PROTO_UDP:
    udp_input(n, src, dst, ip, payload, plen);
    break;
  case PROTO_TCP:
    if (dst == n->cfg.ip) tcp_input(n, src, dst, payload, plen);
    break;
  default:
    n->stats.rx_dropped++;
  }
}

int ip_output(struct net *n, net_ip dst, uint8_t proto, uint32_t len) {
  net_ip hop = dst;
  if (dst != 0xffffffffu && !on_link(n, dst)) {
    if (!n->cfg.gateway) return -EHOSTUNREACH;
    hop = n->cfg.gateway;
  }
  uint8_t *ip = n->tx + 4 + ETH_HLEN;
  uint32_t total = IP_HLEN + len;
  ip[0] = 0x45;
  ip[1] = 0;
  put16(ip + 2, (uint16_t)total);
  put16(ip + 4, (uint16_t)n->ip_id++);
  put16(ip + 6, proto == PROTO_TCP ? 0x4000 : 0); /* DF for TCP */
  ip[8] = 64;
  ip[9] = proto;
  put16(ip + 10, 0);
  put32(ip + 12, n->cfg.ip);
  put32(ip + 16, dst);
  put16(ip + 10, net_checksum(ip, IP_HLEN, 0));
  arp_output(n, hop, total);
  return 0;
}

void icmp_input(struct net *n, net_ip src, const uint8_t *p, uint32_t len) {
  if (len < 8 || net_checksum(p, len, 0) != 0) {
    n->stats.ip_bad++;
    return;
  }
  if (p[0] == 8 && p[1] == 0) { /* echo request: answer with the same payload */
    if (len > ETH_MTU - IP_HLEN) return;
    uint8_t *r = TX_IP_PAYLOAD(n);
    memcpy(r, p, len);
    r[0] = 0;
    put16(r + 2, 0);
    put16(r + 2, net_checksum(r, len, 0));
    n->stats.icmp_echo_replies_sent++;
    ip_output(n, src, PROTO_ICMP, len);
  } else if (p[0] == 0 && p[1] == 0) {
    n->stats.icmp_echo_replies_seen++;
    if (n->echo_fn) n->echo_fn(n->echo_ctx, src, get16(p + 4), get16(p + 6));
  }
}

int net_ping(struct net *n, net_ip to, uint16_t id, uint16_t seq, const void *data,
             uint32_t len) {
  if (len > ETH_MTU - IP_HLEN - 8) return -1;
  net_now(n);
  uint8_t *r = TX_IP_PAYLOAD(n);
  r[0] = 8;
  r[1] = 0;
  put16(r + 2, 0);
  put16(r + 4, id);
  put16(r + 6, seq);
  if (len) memcpy(r + 8, data, len);
  put16(r + 2, net_checksum(r, 8 + len, 0));
  return ip_output(n, to, PROTO_ICMP, 8 + len) == 0 ? 0 : -1;
}

void icmp_port_unreachable(struct net *n, net_ip src, const uint8_t *ip_packet, uint32_t len) {
  uint32_t hlen = (uint32_t)(ip_packet[0] & 15) * 4;
  uint32_t quote = hlen + 8 < len ? hlen + 8 : len;
  uint8_t *r = TX_IP_PAYLOAD(n);
  r[0] = 3;
  r[1] = 3;
  put16(r + 2, 0);
  put32(r + 4, 0);
  memcpy(r + 8, ip_packet, quote);
  put16(r + 2, net_checksum(r, 8 + quote, 0));
  ip_output(n, src, PROTO_ICMP, 8 + quote);
}
