/*
 * TCP connections: allocation, lookup, lifecycle, timers and the socket API.
 *
 * Lifetime: the user owns a handle from tcp_connect/tcp_accept until
 * tcp_close/tcp_abort; a listener owns its connections until they are
 * accepted. After tcp_close the stack finishes the close on its own and
 * frees the connection when it reaches CLOSED. A connection that closes
 * while the user still holds it stays, in CLOSED with its error, until the
 * user closes it.
 */
#include <stdio.h>

#include "net_internal.h"

static uint32_t hash(uint16_t lport, net_ip rip, uint16_t rport) {
  return ((rip * 2654435761u) ^ ((uint32_t)lport * 40503u) ^ rport) % TCP_HASH;
}

static void list_unlink(struct tcp_sock *s);
static void link_all(struct tcp_sock *s);

const char *tcp_state_name(enum tcp_state st) {
  static const char *names[] = {"CLOSED",     "LISTEN",     "SYN_SENT",   "SYN_RCVD",
                                "ESTABLISHED", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSE_WAIT",
                                "CLOSING",    "LAST_ACK",   "TIME_WAIT"};
  return (unsigned)st <= TCP_TIME_WAIT ? names[st] : "?";
}

uint32_t tcp_iss(struct net *n) {
  n->iss_counter += 64007;
  return n->cfg.seed * 2654435761u + (uint32_t)(n->now >> 2) + n->iss_counter;
}

struct tcp_sock *tcp_new(struct net *n) {
  struct tcp_sock *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  s->net = n;
  s->mss = 536;
  s->rto = n->cfg.rto_initial_us;
  s->ssthresh = 65535;
  for (int i = 0; i < T_COUNT; i++) s->timer[i] = NO_TIME;
  link_all(s);
  n->stats.tcp_conns++; /* live connections (tcp_free takes one off) */
  return s;
}

static int make_buffers(struct tcp_sock *s) {
  struct net *n = s->net;
  if (ring_init(&s->snd, n->cfg.tcp_sndbuf) != 0) return -1;
  if (ring_init(&s->rcv, n->cfg.tcp_rcvbuf) != 0) {
    ring_free(&s->snd);
    return -1;
  }
  return 0;
}

void tcp_hash_insert(struct tcp_sock *s) {
  struct tcp_sock **b = &s->net->hash[hash(s->lport, s->rip, s->rport)];
  s->hnext = *b;
  *b = s;
}

static void hash_remove(struct tcp_sock *s) {
  for (struct tcp_sock **p = &s->net->hash[hash(s->lport, s->rip, s->rport)]; *p;
       p = &(*p)->hnext) {
    if (*p == s) {
      *p = s->hnext;
      s->hnext = NULL;
      return;
    }
  }
}

struct tcp_sock *tcp_lookup(struct net *n, uint16_t lport, net_ip rip, uint16_t rport) {
  for (struct tcp_sock *s = n->hash[hash(lport, rip, rport)]; s; s = s->hnext) {
    if (s->lport == lport && s->rip == rip && s->rport == rport) return s;
  }
  return NULL;
}

static void ack_list_remove(struct tcp_sock *s) {
  if (!s->on_ack_list) return;
  for (struct tcp_sock **p = &s->net->ack_list; *p; p = &(*p)->ack_next) {
    if (*p == s) {
      *p = s->ack_next;
      break;
    }
  }
  s->on_ack_list = 0;
}

static void free_ooo(struct tcp_sock *s) {
  while (s->ooo) {
    struct ooo_seg *o = s->ooo;
    s->ooo = o->next;
    free(o);
  }
  s->ooo_bytes = 0;
}

void tcp_release_buffers(struct tcp_sock *s) {
  ring_free(&s->snd);
  free_ooo(s);
  if (s->user_closed) ring_free(&s->rcv);
}

static void accept_queue_remove(struct tcp_sock *l, struct tcp_sock *s) {
  struct tcp_sock *prev = NULL;
  for (struct tcp_sock *c = l->accept_head; c; prev = c, c = c->accept_next) {
    if (c != s) continue;
    if (prev) prev->accept_next = c->accept_next;
    else l->accept_head = c->accept_next;
    if (l->accept_tail == c) l->accept_tail = prev;
    l->pending--;
    break;
  }
  s->accept_next = NULL;
  s->listener = NULL;
}

void tcp_free(struct tcp_sock *s) {
  struct net *n = s->net;
  if (s->state == TCP_LISTEN) {
    for (struct tcp_sock **p = &n->listeners; *p; p = &(*p)->hnext) {
      if (*p == s) {
        *p = s->hnext;
        break;
      }
    }
  } else if (s->state != TCP_CLOSED) {
    hash_remove(s);
  }
  if (s->listener) accept_queue_remove(s->listener, s);
  ack_list_remove(s);
  list_unlink(s);
  ring_free(&s->snd);
  ring_free(&s->rcv);
  free_ooo(s);
  n->stats.tcp_conns--;
  free(s);
}

/* Takes `s` off the list it is on (`all` or the TIME_WAIT list). */
static void list_unlink(struct tcp_sock *s) {
  struct net *n = s->net;
  if (s->aprev) s->aprev->anext = s->anext;
  else if (s->in_tw) n->tw_head = s->anext;
  else n->all = s->anext;
  if (s->anext) s->anext->aprev = s->aprev;
  else if (s->in_tw) n->tw_tail = s->aprev;
  s->anext = s->aprev = NULL;
  s->in_tw = 0;
}

static void link_all(struct tcp_sock *s) {
  struct net *n = s->net;
  s->aprev = NULL;
  s->anext = n->all;
  if (n->all) n->all->aprev = s;
  n->all = s;
}

void tcp_time_wait(struct tcp_sock *s) {
  struct net *n = s->net;
  list_unlink(s);
  for (int i = 0; i < T_COUNT; i++) s->timer[i] = NO_TIME;
  tcp_set_timer(s, T_CLOSE, n->now + n->cfg.time_wait_us);
  s->in_tw = 1;
  s->anext = NULL;
  s->aprev = n->tw_tail;
  if (n->tw_tail) n->tw_tail->anext = s;
  else n->tw_head = s;
  n->tw_tail = s;
}

void tcp_set_timer(struct tcp_sock *s, int which, uint64_t when) {
  s->timer[which] = when;
  if (when != NO_TIME) net_arm(s->net, when);
}

void tcp_set_state(struct tcp_sock *s, enum tcp_state st) {
  s->state = st;
  if (st == TCP_TIME_WAIT) {
    tcp_time_wait(s);
    tcp_release_buffers(s);
  }
}

void tcp_notify(struct tcp_sock *s) {
  net_wake(s->net, s->waiter);
  if (s->listener && s->state != TCP_SYN_RCVD) net_wake(s->net, s->listener->waiter);
}

void tcp_drop(struct tcp_sock *s, int err) {
  if (s->state != TCP_CLOSED && s->state != TCP_LISTEN) hash_remove(s);
  if (err && !s->error) s->error = err;
  s->state = TCP_CLOSED;
  if (s->in_tw) { /* a closed connection the user still holds has no timers: back to `all` */
    list_unlink(s);
    link_all(s);
  }
  for (int i = 0; i < T_COUNT; i++) s->timer[i] = NO_TIME;
  ack_list_remove(s);
  ring_free(&s->snd);
  free_ooo(s);
  tcp_notify(s);
  if (s->user_closed || (s->listener && !s->accepted)) tcp_free(s);
}

void tcp_delay_ack(struct tcp_sock *s) {
  struct net *n = s->net;
  if (s->ack_pending) { /* every second segment is acknowledged at once */
    tcp_send_ack(s);
    return;
  }
  s->ack_pending = 1;
  if (!s->on_ack_list) {
    s->on_ack_list = 1;
    s->ack_next = n->ack_list;
    n->ack_list = s;
  }
  tcp_set_timer(s, T_DELACK, n->now + n->cfg.delack_us);
}

/* ---- timers ------------------------------------------------------------- */

static void rexmt_timeout(struct tcp_sock *s) {
  struct net *n = s->net;
  if (++s->retries > TCP_MAX_RETRIES) {
    if (s->state != TCP_SYN_SENT) {
      tcp_send_reset(n, s->rip, s->lport, s->rport, s->snd_nxt, 0, TH_RST);
    }
    tcp_drop(s, ETIMEDOUT);
    return;
  }
  n->stats.tcp_timeouts++;
  s->rto = s->rto * 2 > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : s->rto * 2;
  s->rtt_active = 0;
  uint32_t flight = s->snd_max - s->snd_una;
  s->ssthresh = flight / 2 > 2 * s->mss ? flight / 2 : 2 * s->mss;
  s->cwnd = s->mss;
  s->dupacks = 0;
  s->in_recovery = 0;
  s->snd_nxt = s->snd_una;
  tcp_output(s);
  tcp_set_timer(s, T_REXMT, n->now + s->rto);
}

static void persist_timeout(struct tcp_sock *s) {
  struct net *n = s->net;
  uint32_t sent = s->snd_nxt - s->snd_buf_seq;
  if (s->snd_wnd != 0 || s->snd.len <= sent) return;
  n->stats.tcp_window_probes++;
  /* An old sequence number makes the peer answer with an ACK carrying its window. */
  tcp_send_segment(s, s->snd_una - 1, 0, TH_ACK);
  uint32_t next = s->rto < TCP_PERSIST_MIN_US ? TCP_PERSIST_MIN_US : s->rto;
  s->rto = s->rto * 2 > TCP_RTO_MAX_US ? TCP_RTO_MAX_US : s->rto * 2;
  tcp_set_timer(s, T_PERSIST, n->now + next);
}

uint64_t tcp_timers(struct net *n) {
  uint64_t next = NO_TIME, now = n->now;
  while (n->tw_head && n->tw_head->timer[T_CLOSE] <= now) tcp_drop(n->tw_head, 0);
  if (n->tw_head) next = n->tw_head->timer[T_CLOSE];
  struct tcp_sock *s = n->all, *after;
  for (; s; s = after) {
    after = s->anext;
    for (int i = 0; i < T_COUNT && s; i++) {
      if (s->timer[i] > now) continue;
      s->timer[i] = NO_TIME;
      switch (i) {
      case T_REXMT:
        if (s->snd_max != s->snd_una) rexmt_timeout(s);
        break;
      case T_PERSIST:
        persist_timeout(s);
        break;
      case T_DELACK:
        if (s->ack_pending) tcp_send_ack(s);
        break;
      case T_CLOSE:
        tcp_drop(s, s->state == TCP_TIME_WAIT ? 0 : ETIMEDOUT);
        s = NULL; /* may be freed */
        break;
      }
    }
    if (!s) continue;
    for (int i = 0; i < T_COUNT; i++) {
      if (s->timer[i] < next) next = s->timer[i];
    }
  }
  return next;
}

/* ---- the API ------------------------------------------------------------ */

static struct tcp_sock *find_listener(struct net *n, uint16_t port) {
  for (struct tcp_sock *l = n->listeners; l; l = l->hnext) {
    if (l->lport == port) return l;
  }
  return NULL;
}

struct tcp_sock *tcp_find_listener(struct net *n, uint16_t port) { return find_listener(n, port); }

struct tcp_sock *tcp_listen(struct net *n, uint16_t port, int backlog) {
  net_now(n);
  if (port == 0 || find_listener(n, port)) return NULL;
  struct tcp_sock *s = tcp_new(n);
  if (!s) return NULL;
  s->state = TCP_LISTEN;
  s->lport = port;
  s->backlog = backlog > 0 ? backlog : 1;
  s->hnext = n->listeners;
  n->listeners = s;
  return s;
}

struct tcp_sock *tcp_accept(struct tcp_sock *l) {
  for (struct tcp_sock *c = l->accept_head; c; c = c->accept_next) {
    if (c->state == TCP_SYN_RCVD) continue;
    accept_queue_remove(l, c);
    c->accepted = 1;
    l->net->stats.tcp_accepts++;
    return c;
  }
  return NULL;
}

/* Adds a new connection to its listener's queue (tcp_in.c). */
void tcp_enqueue_child(struct tcp_sock *l, struct tcp_sock *s) {
  s->listener = l;
  if (l->accept_tail) l->accept_tail->accept_next = s;
  else l->accept_head = s;
  l->accept_tail = s;
  l->pending++;
}

int tcp_start(struct tcp_sock *s) { return make_buffers(s); }

struct tcp_sock *tcp_connect(struct net *n, net_ip ip, uint16_t port) {
  net_now(n);
  struct tcp_sock *s = tcp_new(n);
  if (!s) return NULL;
  if (make_buffers(s) != 0) {
    tcp_free(s);
    return NULL;
  }
  s->rip = ip;
  s->rport = port;
  for (int tries = 0; tries < 16384; tries++) {
    uint16_t p = n->next_port;
    n->next_port = n->next_port == 65535 ? 49152 : n->next_port + 1;
    if (!tcp_lookup(n, p, ip, port)) {
      s->lport = p;
      break;
    }
  }
  if (s->lport == 0) {
    tcp_free(s);
    return NULL;
  }
  s->iss = tcp_iss(n);
  s->snd_una = s->snd_nxt = s->snd_max = s->iss;
  s->snd_buf_seq = s->iss + 1;
  s->mss = TCP_MSS;
  s->cwnd = 4 * s->mss;
  s->state = TCP_SYN_SENT;
  tcp_hash_insert(s);
  tcp_output(s);
  return s;
}

static int queue_data(struct tcp_sock *s, const void *buf, uint32_t len, int more);

int tcp_send(struct tcp_sock *s, const void *buf, uint32_t len) {
  return queue_data(s, buf, len, 0);
}

int tcp_send_more(struct tcp_sock *s, const void *buf, uint32_t len) {
  return queue_data(s, buf, len, 1);
}

static int queue_data(struct tcp_sock *s, const void *buf, uint32_t len, int more) {
  net_now(s->net);
  if (s->error) return -s->error;
  switch (s->state) {
  case TCP_SYN_SENT:
  case TCP_SYN_RCVD:
  case TCP_ESTABLISHED:
  case TCP_CLOSE_WAIT:
    break;
  default:
    return -(s->state == TCP_CLOSED ? ENOTCONN : EPIPE);
  }
  if (s->fin_queued) return -EPIPE;
  uint32_t n = ring_put(&s->snd, buf, len);
  /* With more to come, hold the data unless the buffer is full (then it must move). */
  if (more && n == len && s->snd.len < s->snd.cap) return (int)n;
  if (s->state != TCP_SYN_SENT && s->state != TCP_SYN_RCVD) tcp_output(s);
  return (int)n;
}

int tcp_recv(struct tcp_sock *s, void *buf, uint32_t len) {
  struct net *n = s->net;
  net_now(n);
  uint32_t before = tcp_rcv_window(s);
  uint32_t got = s->rcv.data ? ring_get(&s->rcv, buf, len) : 0;
  if (got == 0) return s->error && !s->fin_received ? -s->error : 0;
  /* Tell the peer when the window opened enough to matter (receiver SWS avoidance). */
  uint32_t after = tcp_rcv_window(s), adv = s->rcv_adv - s->rcv_nxt;
  if (s->state >= TCP_ESTABLISHED && !s->fin_received && after > adv &&
      (after - adv >= 2 * s->mss || after - adv >= s->rcv.cap / 2 || before == 0)) {
    tcp_send_ack(s);
  }
  return (int)got;
}

int tcp_eof(struct tcp_sock *s) { return s->fin_received && s->rcv.len == 0; }
int tcp_error(struct tcp_sock *s) { return s->error; }
enum tcp_state tcp_state(struct tcp_sock *s) { return s->state; }
uint32_t tcp_available(struct tcp_sock *s) { return s->rcv.len; }
uint32_t tcp_space(struct tcp_sock *s) {
  return s->fin_queued || !s->snd.data ? 0 : s->snd.cap - s->snd.len;
}
uint32_t tcp_unacked(struct tcp_sock *s) { return s->snd.len; }
net_ip tcp_peer(struct tcp_sock *s, uint16_t *port) {
  if (port) *port = s->rport;
  return s->rip;
}
uint16_t tcp_local_port(struct tcp_sock *s) { return s->lport; }
void tcp_set_waiter(struct tcp_sock *s, void *waiter) { s->waiter = waiter; }

void tcp_shutdown(struct tcp_sock *s) {
  net_now(s->net);
  if (s->fin_queued) return;
  switch (s->state) {
  case TCP_SYN_RCVD:
  case TCP_ESTABLISHED:
    s->fin_queued = 1;
    tcp_set_state(s, TCP_FIN_WAIT_1);
    break;
  case TCP_CLOSE_WAIT:
    s->fin_queued = 1;
    tcp_set_state(s, TCP_LAST_ACK);
    break;
  default:
    return;
  }
  tcp_output(s);
}

void tcp_abort(struct tcp_sock *s) {
  struct net *n = s->net;
  net_now(n);
  s->user_closed = 1;
  if (s->state == TCP_LISTEN) {
    while (s->accept_head) {
      struct tcp_sock *c = s->accept_head;
      tcp_abort(c);
    }
    tcp_free(s);
    return;
  }
  if (s->state != TCP_CLOSED && s->state != TCP_SYN_SENT && s->state != TCP_TIME_WAIT) {
    tcp_send_reset(n, s->rip, s->lport, s->rport, s->snd_nxt, 0, TH_RST);
  }
  if (s->state == TCP_CLOSED) tcp_free(s);
  else tcp_drop(s, 0);
}

void tcp_close(struct tcp_sock *s) {
  net_now(s->net);
  switch (s->state) {
  case TCP_LISTEN:
  case TCP_CLOSED:
  case TCP_SYN_SENT:
    tcp_abort(s);
    return;
  default:
    break;
  }
  if (s->rcv.len > 0) { /* unread data: abort, as BSD does */
#ifdef NET_TRACE
    printf("tcp close with %u unread bytes: abort\n", s->rcv.len);
#endif
    tcp_abort(s);
    return;
  }
  s->user_closed = 1;
  ring_free(&s->rcv);
  tcp_shutdown(s);
  if (s->state == TCP_FIN_WAIT_2) tcp_set_timer(s, T_CLOSE, s->net->now + TCP_FIN_WAIT_2_US);
}

void net_debug(struct net *n, void (*out)(void *ctx, const char *line), void *ctx) {
  char line[256];
  for (struct tcp_sock *s = n->all ? n->all : n->tw_head; s;
       s = s->anext ? s->anext : (!s->in_tw ? n->tw_head : NULL)) {
    snprintf(line, sizeof line,
             "tcp %u->%u.%u.%u.%u:%u %s una %u nxt %u max %u wnd %u cwnd %u rto %u | rcv_nxt %u "
             "buf %u/%u ooo %u | snd %u/%u timers %lld %lld %lld %lld pending %d",
             s->lport, s->rip >> 24, (s->rip >> 16) & 255, (s->rip >> 8) & 255, s->rip & 255,
             s->rport, tcp_state_name(s->state), s->snd_una - s->iss, s->snd_nxt - s->iss,
             s->snd_max - s->iss, s->snd_wnd, s->cwnd, s->rto, s->rcv_nxt - s->irs, s->rcv.len,
             s->rcv.cap, s->ooo_bytes, s->snd.len, s->snd.cap,
             (long long)(s->timer[0] == NO_TIME ? -1 : (int64_t)(s->timer[0] - n->now)),
             (long long)(s->timer[1] == NO_TIME ? -1 : (int64_t)(s->timer[1] - n->now)),
             (long long)(s->timer[2] == NO_TIME ? -1 : (int64_t)(s->timer[2] - n->now)),
             (long long)(s->timer[3] == NO_TIME ? -1 : (int64_t)(s->timer[3] - n->now)),
             s->pending);
    out(ctx, line);
  }
}
