/* Private structures of the TCP/IP stack (guests/los/src/net). Portable C. */
#ifndef LOS_NET_INTERNAL_H
#define LOS_NET_INTERNAL_H

#include <errno.h>
#include <los/net.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ETH_HLEN 14
#define ETH_MTU 1500
#define IP_HLEN 20
#define TCP_HLEN 20
#define UDP_HLEN 8
#define TCP_MSS (ETH_MTU - IP_HLEN - TCP_HLEN)
#define UDP_MAX (ETH_MTU - IP_HLEN - UDP_HLEN)
#define ETHERTYPE_IP 0x0800
#define ETHERTYPE_ARP 0x0806
#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

#define ARP_SLOTS 256
#define ARP_PROBE 8          /* slots searched from an address's home slot */
#define ARP_QUEUE 8          /* frames waiting for one resolution */
#define ARP_RETRY_US 200000  /* between requests */
#define ARP_TRIES 5
#define ARP_TTL_US 600000000ull /* a resolved entry is refreshed after 10 minutes */
#define TCP_HASH 1024
#define TCP_MAX_RETRIES 12
#define TCP_RTO_MAX_US 10000000u
#define TCP_FIN_WAIT_2_US 10000000u
#define TCP_PERSIST_MIN_US 50000u
#define UDP_QUEUE 128
#define NO_TIME UINT64_MAX

/* Sequence-number comparisons (mod 2^32). */
#define SEQ_LT(a, b) ((int32_t)((a) - (b)) < 0)
#define SEQ_LEQ(a, b) ((int32_t)((a) - (b)) <= 0)
#define SEQ_GT(a, b) ((int32_t)((a) - (b)) > 0)
#define SEQ_GEQ(a, b) ((int32_t)((a) - (b)) >= 0)

enum { TH_FIN = 1, TH_SYN = 2, TH_RST = 4, TH_PSH = 8, TH_ACK = 16 };
enum { T_REXMT, T_PERSIST, T_DELACK, T_CLOSE, T_COUNT }; /* T_CLOSE: TIME_WAIT / FIN_WAIT_2 */

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static inline void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* A byte ring (send and receive buffers). */
struct ring {
  uint8_t *data;
  uint32_t cap, start, len;
};

/* A segment held out of order. */
struct ooo_seg {
  struct ooo_seg *next;
  uint32_t seq, len;
  int fin;
  uint8_t data[];
};

struct arp_frame {
  struct arp_frame *next;
  uint32_t len;
  uint8_t bytes[]; /* 4 bytes of headroom, then the frame */
};

struct arp_entry {
  net_ip ip;
  uint8_t mac[6];
  uint8_t state; /* 0 free, 1 incomplete, 2 resolved */
  uint8_t tries;
  uint64_t when; /* incomplete: next request; resolved: refresh */
  struct arp_frame *queue;
  uint32_t queued;
};

struct udp_dgram {
  struct udp_dgram *next;
  net_ip ip;
  uint16_t port;
  uint32_t len;
  uint8_t data[];
};

struct udp_sock {
  struct net *net;
  struct udp_sock *next;
  uint16_t port;
  void *waiter;
  struct udp_dgram *head, *tail;
  uint32_t count;
};

struct tcp_sock {
  struct net *net;
  struct tcp_sock *hnext;       /* hash chain (connections) or listener list */
  struct tcp_sock *anext, *aprev; /* every connection (timer scans) */
  struct tcp_sock *ack_next;    /* delayed-ACK list */
  struct tcp_sock *listener;    /* for connections not yet accepted */
  struct tcp_sock *accept_next; /* the listener's queue */
  enum tcp_state state;
  uint16_t lport, rport;
  net_ip rip;
  void *waiter;
  int error;
  uint8_t user_closed, fin_queued, fin_received, ack_pending, on_ack_list, in_recovery;
  uint8_t dupacks, retries, rtt_active, accepted, in_tw;
  int backlog, pending; /* listeners */
  struct tcp_sock *accept_head, *accept_tail;
  /* send side */
  uint32_t iss, snd_una, snd_nxt, snd_max, snd_wnd, snd_wl1, snd_wl2, snd_buf_seq, recover;
  uint32_t cwnd, ssthresh, mss;
  uint32_t rtt_seq;
  uint64_t rtt_start;
  int64_t srtt, rttvar; /* microseconds, scaled by 8 and 4 */
  uint32_t rto;
  struct ring snd;
  /* receive side */
  uint32_t irs, rcv_nxt, rcv_adv;
  struct ring rcv;
  struct ooo_seg *ooo;
  uint32_t ooo_bytes;
  uint64_t timer[T_COUNT];
};

struct net {
  struct net_config cfg;
  uint64_t now;
  uint64_t deadline; /* earliest timer of anything (may be early: then rescanned) */
  uint32_t ip_id;
  uint32_t iss_counter;
  uint16_t next_port;
  struct arp_entry arp[ARP_SLOTS];
  uint32_t arp_incomplete; /* entries being resolved (the timer scans only when > 0) */
  struct udp_sock *udp;
  struct tcp_sock *listeners;
  struct tcp_sock *hash[TCP_HASH];
  struct tcp_sock *all;              /* connections with timers to scan */
  struct tcp_sock *tw_head, *tw_tail; /* TIME_WAIT, oldest first (all expire in the same time) */
  struct tcp_sock *ack_list;
  void (*echo_fn)(void *ctx, net_ip from, uint16_t id, uint16_t seq);
  void *echo_ctx;
  struct net_stats stats;
  uint8_t tx[4 + ETH_HLEN + ETH_MTU + 4]; /* outgoing frame, with 4 bytes of headroom */
  uint8_t arp_tx[4 + 64];
};

/* Start of the IP payload in the transmit buffer. */
#define TX_IP_PAYLOAD(n) ((n)->tx + 4 + ETH_HLEN + IP_HLEN)

uint64_t net_now(struct net *n);
void net_arm(struct net *n, uint64_t when);
void net_wake(struct net *n, void *waiter);
uint16_t net_checksum(const uint8_t *p, uint32_t len, uint32_t sum);
uint32_t net_pseudo_sum(net_ip src, net_ip dst, uint8_t proto, uint32_t len);

/* Ethernet + ARP (arp.c) */
void arp_input(struct net *n, const uint8_t *frame, uint32_t len);
void arp_learn(struct net *n, net_ip ip, const uint8_t *mac, int create);
/* Sends the frame in n->tx (IP packet of `len` bytes after the Ethernet header) to next hop `hop`. */
void arp_output(struct net *n, net_ip hop, uint32_t len);
uint64_t arp_timers(struct net *n);

/* IPv4 + ICMP (ip.c) */
void ip_input(struct net *n, const uint8_t *frame, uint32_t len);
/* Sends the IP payload of `len` bytes already in TX_IP_PAYLOAD. 0 or -errno. */
int ip_output(struct net *n, net_ip dst, uint8_t proto, uint32_t len);
void icmp_input(struct net *n, net_ip src, const uint8_t *p, uint32_t len);
void icmp_port_unreachable(struct net *n, net_ip src, const uint8_t *ip_packet, uint32_t len);

/* UDP (udp.c) */
void udp_input(struct net *n, net_ip src, net_ip dst, const uint8_t *ip_packet, const uint8_t *p,
               uint32_t len);

/* TCP (tcp_*.c) */
void tcp_input(struct net *n, net_ip src, net_ip dst, const uint8_t *p, uint32_t len);
void tcp_output(struct tcp_sock *s);
void tcp_send_segment(struct tcp_sock *s, uint32_t seq, uint32_t len, uint8_t flags);
void tcp_send_ack(struct tcp_sock *s);
void tcp_send_reset(struct net *n, net_ip dst, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, uint8_t flags);
uint64_t tcp_timers(struct net *n);
void tcp_set_timer(struct tcp_sock *s, int which, uint64_t when);
void tcp_set_state(struct tcp_sock *s, enum tcp_state st);
/* (Re)starts TIME_WAIT's timer: the connection goes to the tail of the TIME_WAIT list. */
void tcp_time_wait(struct tcp_sock *s);
void tcp_drop(struct tcp_sock *s, int err);
void tcp_free(struct tcp_sock *s);
void tcp_hash_insert(struct tcp_sock *s);
struct tcp_sock *tcp_lookup(struct net *n, uint16_t lport, net_ip rip, uint16_t rport);
struct tcp_sock *tcp_new(struct net *n);
void tcp_release_buffers(struct tcp_sock *s);
void tcp_delay_ack(struct tcp_sock *s);
void tcp_notify(struct tcp_sock *s);
uint32_t tcp_iss(struct net *n);
uint32_t tcp_rcv_window(struct tcp_sock *s);

/* Rings */
int ring_init(struct ring *r, uint32_t cap);
void ring_free(struct ring *r);
uint32_t ring_put(struct ring *r, const uint8_t *p, uint32_t len);
uint32_t ring_get(struct ring *r, uint8_t *p, uint32_t len);
void ring_peek(const struct ring *r, uint32_t off, uint8_t *p, uint32_t len);
void ring_drop(struct ring *r, uint32_t len);

#endif
