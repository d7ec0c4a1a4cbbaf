/*
 * Blocking sockets (los/socket.h). Each handle owns a condition variable
 * that the stack's wake callback broadcasts whenever the connection's state
 * changes; a blocked call re-checks the non-blocking call and waits again.
 * Threads are cooperative and the stack only runs in the scheduler's bottom
 * halves, so no lock is needed: between two waits nothing else runs.
 */
#include <errno.h>
#include <los/socket.h>
#include <los/sync.h>
#include <los/thread.h>
#include <stdlib.h>

#include "sock.h"

enum { K_TCP, K_UDP };

struct los_sock {
  int kind;
  struct tcp_sock *tcp;
  struct udp_sock *udp;
  los_cond cond;
};

static los_sock *wrap(int kind) {
  los_sock *s = calloc(1, sizeof *s);
  if (!s) {
    errno = ENOMEM;
    return NULL;
  }
  s->kind = kind;
  los_cond_init(&s->cond);
  return s;
}

struct tcp_sock *los_sock_tcp(los_sock *s) { return s->kind == K_TCP ? s->tcp : NULL; }

los_sock *los_tcp_listen(uint16_t port, int backlog) {
  struct net *n = los_net();
  los_sock *s = wrap(K_TCP);
  if (!s) return NULL;
  s->tcp = tcp_listen(n, port, backlog);
  if (!s->tcp) {
    free(s);
    errno = EADDRINUSE;
    return NULL;
  }
  tcp_set_waiter(s->tcp, &s->cond);
  return s;
}

los_sock *los_tcp_accept(los_sock *l) {
  for (;;) {
    struct tcp_sock *t = tcp_accept(l->tcp);
    if (t) {
      los_sock *s = wrap(K_TCP);
      if (!s) {
        tcp_abort(t);
        los_net_sync();
        return NULL;
      }
      s->tcp = t;
      tcp_set_waiter(t, &s->cond);
      return s;
    }
    los_cond_wait(&l->cond, NULL);
  }
}

los_sock *los_tcp_connect(net_ip ip, uint16_t port) {
  struct net *n = los_net();
  los_sock *s = wrap(K_TCP);
  if (!s) return NULL;
  s->tcp = tcp_connect(n, ip, port);
  los_net_sync();
  if (!s->tcp) {
    free(s);
    errno = ENOMEM;
    return NULL;
  }
  tcp_set_waiter(s->tcp, &s->cond);
  for (;;) {
    enum tcp_state st = tcp_state(s->tcp);
    if (st != TCP_SYN_SENT && st != TCP_SYN_RCVD) break;
    los_cond_wait(&s->cond, NULL);
  }
  if (tcp_state(s->tcp) == TCP_CLOSED) {
    errno = tcp_error(s->tcp) ? tcp_error(s->tcp) : ECONNREFUSED;
    tcp_close(s->tcp);
    free(s);
    return NULL;
  }
  return s;
}

static int send_all(los_sock *s, const void *buf, size_t len, int more) {
  const uint8_t *p = buf;
  size_t done = 0;
  while (done < len) {
    uint32_t left = (uint32_t)(len - done);
    int n = more ? tcp_send_more(s->tcp, p + done, left) : tcp_send(s->tcp, p + done, left);
    los_net_sync();
    if (n < 0) {
      errno = -n;
      return -1;
    }
    if (n == 0) los_cond_wait(&s->cond, NULL);
    done += (size_t)n;
  }
  return (int)len;
}

int los_send(los_sock *s, const void *buf, size_t len) { return send_all(s, buf, len, 0); }

int los_send_more(los_sock *s, const void *buf, size_t len) { return send_all(s, buf, len, 1); }

static int recv_until(los_sock *s, void *buf, size_t len, uint64_t deadline) {
  for (;;) {
    int n = tcp_recv(s->tcp, buf, (uint32_t)len);
    los_net_sync();
    if (n > 0) return n;
    if (n < 0) {
      errno = -n;
      return -1;
    }
    if (tcp_eof(s->tcp)) return 0;
    if (tcp_state(s->tcp) == TCP_CLOSED) {
      if (!tcp_error(s->tcp)) return 0;
      errno = tcp_error(s->tcp);
      return -1;
    }
    if (deadline == 0) {
      los_cond_wait(&s->cond, NULL);
    } else if (los_cond_timedwait(&s->cond, NULL, deadline) == ETIMEDOUT) {
      errno = ETIMEDOUT;
      return -1;
    }
  }
}

int los_recv(los_sock *s, void *buf, size_t len) { return recv_until(s, buf, len, 0); }

int los_recv_timeout(los_sock *s, void *buf, size_t len, uint64_t timeout_us) {
  return recv_until(s, buf, len, los_now_us() + (timeout_us ? timeout_us : 1));
}

int los_flush(los_sock *s) {
  while (tcp_unacked(s->tcp) > 0) {
    if (tcp_state(s->tcp) == TCP_CLOSED) {
      errno = tcp_error(s->tcp) ? tcp_error(s->tcp) : EPIPE;
      return -1;
    }
    los_cond_wait(&s->cond, NULL);
  }
  return 0;
}

void los_shutdown(los_sock *s) {
  tcp_shutdown(s->tcp);
  los_net_sync();
}

void los_close(los_sock *s) {
  if (s->kind == K_TCP) {
    tcp_set_waiter(s->tcp, NULL);
    tcp_close(s->tcp);
  } else {
    udp_close(s->udp);
  }
  los_net_sync();
  los_cond_broadcast(&s->cond);
  free(s);
}

int los_close_linger(los_sock *s, uint64_t timeout_us) {
  tcp_shutdown(s->tcp);
  los_net_sync();
  uint64_t deadline = los_now_us() + timeout_us;
  int r = 0;
  for (;;) {
    enum tcp_state st = tcp_state(s->tcp);
    if (st == TCP_FIN_WAIT_2 || st == TCP_TIME_WAIT || st == TCP_CLOSED) {
      if (st == TCP_CLOSED && tcp_error(s->tcp)) errno = tcp_error(s->tcp), r = -1;
      break;
    }
    if (st != TCP_FIN_WAIT_1 && st != TCP_CLOSING && st != TCP_LAST_ACK) break; /* not closing */
    if (los_cond_timedwait(&s->cond, NULL, deadline) == ETIMEDOUT) {
      errno = ETIMEDOUT;
      r = -1;
      break;
    }
  }
  los_close(s);
  return r;
}

net_ip los_peer(los_sock *s, uint16_t *port) { return tcp_peer(s->tcp, port); }

los_sock *los_udp_open(uint16_t port) {
  struct net *n = los_net();
  los_sock *s = wrap(K_UDP);
  if (!s) return NULL;
  s->udp = udp_open(n, port);
  if (!s->udp) {
    free(s);
    errno = EADDRINUSE;
    return NULL;
  }
  udp_set_waiter(s->udp, &s->cond);
  return s;
}

int los_sendto(los_sock *s, net_ip ip, uint16_t port, const void *buf, size_t len) {
  int r = udp_sendto(s->udp, ip, port, buf, (uint32_t)len);
  los_net_sync();
  if (r < 0) {
    errno = -r;
    return -1;
  }
  return (int)len;
}

int los_recvfrom(los_sock *s, void *buf, size_t cap, net_ip *ip, uint16_t *port,
                 uint64_t timeout_us) {
  uint64_t deadline = timeout_us ? los_now_us() + timeout_us : 0;
  for (;;) {
    int n = udp_recvfrom(s->udp, buf, (uint32_t)cap, ip, port);
    if (n >= 0) return n;
    if (deadline == 0) {
      los_cond_wait(&s->cond, NULL);
    } else if (los_cond_timedwait(&s->cond, NULL, deadline) == ETIMEDOUT) {
      errno = ETIMEDOUT;
      return -1;
    }
  }
}
