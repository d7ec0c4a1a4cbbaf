/*
 * Blocking sockets of the library OS over its TCP/IP stack (los/net.h) and
 * the NIC. Calls block only the calling thread. The stack starts on first
 * use with the VM's MAC and an address derived from its id (los_ip_of_vm),
 * unless los_net_configure said otherwise. Errors return -1 (or NULL) and
 * set errno.
 *
 * Addressing (the default LAN, see guests/los/README.md): VM `id` has
 * 10.0.(id >> 8).(id & 255) in 10.0.0.0/16; the gateway is 10.0.255.254
 * (the host's end of a TAP bridge, when there is one).
 */
#ifndef LOS_SOCKET_H
#define LOS_SOCKET_H

#include <los/net.h>
#include <stddef.h>
#include <stdint.h>

struct los_net_config {
  net_ip ip, netmask, gateway; /* 0: the defaults above */
  uint32_t tcp_sndbuf, tcp_rcvbuf; /* 0: the stack's defaults (16 KiB) */
  uint32_t rto_min_us;             /* 0: the stack's default */
};

/* Sets the address and buffers; call before any other network call. */
void los_net_configure(const struct los_net_config *c);
/* The stack (started on first use). */
struct net *los_net(void);
/* The default address of VM `id`, and of this VM. */
net_ip los_ip_of_vm(uint32_t id);
net_ip los_net_ip(void);
/* Formats `ip` as dotted decimal into `buf` (16 bytes); returns buf. */
char *los_ip_str(net_ip ip, char *buf);
/* Parses dotted decimal; 0 if malformed. */
net_ip los_ip_parse(const char *s);

typedef struct los_sock los_sock;

/* TCP */
los_sock *los_tcp_listen(uint16_t port, int backlog);
/* Waits for the next connection. */
los_sock *los_tcp_accept(los_sock *listener);
/* Connects, waiting until established (or refused, or timed out). */
los_sock *los_tcp_connect(net_ip ip, uint16_t port);
/* Queues all `len` bytes, waiting for buffer space; returns len, or -1. */
int los_send(los_sock *s, const void *buf, size_t len);
/* As los_send, but more follows at once (e.g. a header before its body): may be held back. */
int los_send_more(los_sock *s, const void *buf, size_t len);
/* Waits for data: returns 1..len bytes, 0 at end of stream, -1 on error. */
int los_recv(los_sock *s, void *buf, size_t len);
/* As los_recv, giving up after `timeout_us` (-1, errno ETIMEDOUT). */
int los_recv_timeout(los_sock *s, void *buf, size_t len, uint64_t timeout_us);
/* Waits until everything sent has been acknowledged (or the connection failed); 0 or -1. */
int los_flush(los_sock *s);
/* Sends FIN after the queued data; receiving goes on. */
void los_shutdown(los_sock *s);
/* Closes (orderly; the stack finishes in the background) and frees the handle. */
void los_close(los_sock *s);
/*
 * Closes and waits (up to `timeout_us`) until the peer has acknowledged
 * everything sent, FIN included: for a program about to exit, whose VM could
 * not retransmit anything afterwards. 0 if acknowledged, -1 (errno) if not.
 * Frees the handle either way.
 */
int los_close_linger(los_sock *s, uint64_t timeout_us);
/* The peer's address. */
net_ip los_peer(los_sock *s, uint16_t *port);

/* UDP */
los_sock *los_udp_open(uint16_t port);
int los_sendto(los_sock *s, net_ip ip, uint16_t port, const void *buf, size_t len);
/* Waits for a datagram (timeout 0: forever); returns its length, or -1 (ETIMEDOUT). */
int los_recvfrom(los_sock *s, void *buf, size_t cap, net_ip *ip, uint16_t *port,
                 uint64_t timeout_us);

/* The underlying stack connection (for tcp_* calls), or NULL. */
struct tcp_sock *los_sock_tcp(los_sock *s);

#endif
