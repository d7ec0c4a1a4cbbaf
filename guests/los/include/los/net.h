/*
 * A small TCP/IP stack: Ethernet, ARP, IPv4, ICMP echo, UDP and TCP. It is
 * portable C with no dependency on the library OS: it talks to the world
 * through the callbacks in net_config (send a frame, read the clock, wake a
 * socket's waiter), and it is driven by net_input (one received frame),
 * net_poll (run due timers) and net_flush (send delayed ACKs now). The same
 * sources are tested natively (guests/los/tests/net_sim.c: two stacks over
 * lossy in-memory queues) and run in guests over the NIC driver
 * (guests/los/src/sock/, which adds blocking calls on top).
 *
 * Several stacks can live in one program (each `struct net` is independent).
 * The API never blocks: calls return what they could do at once.
 *
 * TCP: passive and active open, in-order delivery with an out-of-order
 * queue, retransmission on a timer with RTT estimation (Jacobson/Karels,
 * Karn), fast retransmit and NewReno recovery, slow start and congestion
 * avoidance, the peer's flow-control window with zero-window probes, delayed
 * ACKs, FIN (all closing states, TIME_WAIT) and RST. No IP fragments, TCP
 * options other than MSS, or window scaling.
 */
#ifndef LOS_NET_H
#define LOS_NET_H

#include <stdint.h>

/* IPv4 address in host byte order. */
typedef uint32_t net_ip;
#define NET_IP(a, b, c, d) \
  (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

struct net;
struct tcp_sock;
struct udp_sock;

struct net_config {
  uint8_t mac[6];
  net_ip ip, netmask, gateway; /* gateway 0: only the local subnet is reachable */
  /* Sends one Ethernet frame; the 4 bytes before `frame` are writable scratch. */
  void (*send)(void *ctx, uint8_t *frame, uint32_t len);
  /* The current time in microseconds (monotonic). */
  uint64_t (*now)(void *ctx);
  /* A socket's state changed (data, space, connection, close, error): wake `waiter`. */
  void (*wake)(void *ctx, void *waiter);
  void *ctx;
  /* Tunables; 0 picks the default in brackets. */
  uint32_t tcp_sndbuf;     /* send buffer per connection, bytes [16384] */
  uint32_t tcp_rcvbuf;     /* receive buffer (largest window) per connection [16384] */
  uint32_t rto_min_us;     /* least retransmission timeout [20000] */
  uint32_t rto_initial_us; /* before an RTT sample [200000] */
  uint32_t time_wait_us;   /* TIME_WAIT (2 MSL) [1000000] */
  uint32_t delack_us;      /* delayed ACK [1000] */
  uint32_t seed;           /* initial sequence numbers and ephemeral ports [from the MAC] */
};

struct net *net_create(const struct net_config *cfg);
/* Handles one received frame. */
void net_input(struct net *n, const uint8_t *frame, uint32_t len);
/* Runs the timers that are due. */
void net_poll(struct net *n);
/* When net_poll has work next (microseconds, the clock of cfg.now); UINT64_MAX: none. */
uint64_t net_deadline(struct net *n);
/* Sends every delayed ACK now (call when the program is about to idle). */
void net_flush(struct net *n);
net_ip net_address(struct net *n);

struct net_stats {
  uint32_t rx_frames, tx_frames, rx_dropped;  /* frames; dropped: malformed or not for us */
  uint32_t arp_requests, arp_replies, arp_queued_drops;
  uint32_t ip_bad, ip_fragments, icmp_echo_replies_sent, icmp_echo_replies_seen;
  uint32_t udp_in, udp_out, udp_no_port, udp_queue_drops;
  uint32_t tcp_in, tcp_out, tcp_bad_checksum, tcp_resets_sent, tcp_resets_seen;
  uint32_t tcp_retransmits, tcp_timeouts, tcp_fast_retransmits, tcp_out_of_order;
  uint32_t tcp_dup_acks, tcp_window_probes, tcp_accepts, tcp_connects;
  uint32_t tcp_conns; /* TCP sockets alive (listeners included) */
};
void net_stats(struct net *n, struct net_stats *out);

/* ---- ICMP echo ---- */

/* Sends an echo request; returns 0, or -1 if the frame could not be built. */
int net_ping(struct net *n, net_ip to, uint16_t id, uint16_t seq, const void *data,
             uint32_t len);
/* Called for every echo reply received. */
void net_on_echo_reply(struct net *n, void (*fn)(void *ctx, net_ip from, uint16_t id, uint16_t seq),
                       void *ctx);

/* ---- UDP ---- */

/* Binds `port` (0: an ephemeral port); NULL if it is taken or memory ran out. */
struct udp_sock *udp_open(struct net *n, uint16_t port);
uint16_t udp_port(struct udp_sock *s);
/* Sends one datagram (at most 1472 bytes); 0, or a negative errno. */
int udp_sendto(struct udp_sock *s, net_ip ip, uint16_t port, const void *buf, uint32_t len);
/* Takes the oldest datagram: its length (truncated to `cap`), or -1 if none is queued. */
int udp_recvfrom(struct udp_sock *s, void *buf, uint32_t cap, net_ip *ip, uint16_t *port);
/* Datagrams queued. */
int udp_pending(struct udp_sock *s);
void udp_set_waiter(struct udp_sock *s, void *waiter);
void udp_close(struct udp_sock *s);

/* ---- TCP ---- */

enum tcp_state {
  TCP_CLOSED,
  TCP_LISTEN,
  TCP_SYN_SENT,
  TCP_SYN_RCVD,
  TCP_ESTABLISHED,
  TCP_FIN_WAIT_1,
  TCP_FIN_WAIT_2,
  TCP_CLOSE_WAIT,
  TCP_CLOSING,
  TCP_LAST_ACK,
  TCP_TIME_WAIT,
};

/* Listens on `port` with room for `backlog` connections not yet accepted; NULL if taken. */
struct tcp_sock *tcp_listen(struct net *n, uint16_t port, int backlog);
/* The next established connection of a listener, or NULL. */
struct tcp_sock *tcp_accept(struct tcp_sock *listener);
/* Starts connecting (SYN_SENT); wait for ESTABLISHED or an error. NULL if out of memory. */
struct tcp_sock *tcp_connect(struct net *n, net_ip ip, uint16_t port);
/* Queues up to `len` bytes for sending; returns the bytes taken (0: buffer full), or -errno. */
int tcp_send(struct tcp_sock *s, const void *buf, uint32_t len);
/* As tcp_send, but more data follows at once: nothing is sent until the next tcp_send. */
int tcp_send_more(struct tcp_sock *s, const void *buf, uint32_t len);
/* Takes up to `len` received bytes; 0 if none now (see tcp_eof), or -errno. */
int tcp_recv(struct tcp_sock *s, void *buf, uint32_t len);
/* The peer closed its side and every byte has been read. */
int tcp_eof(struct tcp_sock *s);
/* The connection's error (ECONNREFUSED, ECONNRESET, ETIMEDOUT...) or 0. */
int tcp_error(struct tcp_sock *s);
enum tcp_state tcp_state(struct tcp_sock *s);
/* Bytes that tcp_recv can return now / that tcp_send can take now. */
uint32_t tcp_available(struct tcp_sock *s);
uint32_t tcp_space(struct tcp_sock *s);
/* Bytes queued for sending and not yet acknowledged. */
uint32_t tcp_unacked(struct tcp_sock *s);
net_ip tcp_peer(struct tcp_sock *s, uint16_t *port);
uint16_t tcp_local_port(struct tcp_sock *s);
void tcp_set_waiter(struct tcp_sock *s, void *waiter);
/* Stops sending: a FIN follows the queued data. Receiving goes on. */
void tcp_shutdown(struct tcp_sock *s);
/*
 * Closes: like tcp_shutdown, and the handle is released (the stack finishes
 * the close and frees the connection). Unread received data makes it an
 * abort (RST), as in BSD.
 */
void tcp_close(struct tcp_sock *s);
/* Resets the connection (RST) and releases the handle. */
void tcp_abort(struct tcp_sock *s);
const char *tcp_state_name(enum tcp_state st);

/* One line per TCP socket with its state and sequence variables (debugging). */
void net_debug(struct net *n, void (*out)(void *ctx, const char *line), void *ctx);

#endif
