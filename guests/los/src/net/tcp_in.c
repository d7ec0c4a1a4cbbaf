/*
 * TCP input, after RFC 793's "SEGMENT ARRIVES" with RFC 5681 (slow start,
 * congestion avoidance, fast retransmit) and RFC 6582 (NewReno recovery),
 * RFC 6298 (retransmission timer). Out-of-order segments wait in a sorted
 * list (bounded by the receive buffer) and are merged when the hole fills.
 */
#include "net_internal.h"
#ifdef NET_TRACE
#include <stdio.h>
#endif

struct tcp_sock *tcp_find_listener(struct net *n, uint16_t port);
void tcp_enqueue_child(struct tcp_sock *l, struct tcp_sock *s);
int tcp_start(struct tcp_sock *s);

struct segment {
  uint32_t seq, ack, win, len;
  uint8_t flags;
  const uint8_t *data;
};

static uint32_t parse_mss(const uint8_t *p, uint32_t off) {
  const uint8_t *o = p + TCP_HLEN, *end = p + off;
  while (o < end) {
    if (*o == 0) break;
    if (*o == 1) {
      o++;
      continue;
    }
    if (o + 1 >= end || o[1] < 2 || o + o[1] > end) break;
    if (o[0] == 2 && o[1] == 4) return get16(o + 2);
    o += o[1];
  }
  return 0;
}

static void rtt_sample(struct tcp_sock *s, int64_t m) {
  struct net *n = s->net;
  if (m < 1) m = 1;
  if (s->srtt == 0) {
    s->srtt = m << 3;
    s->rttvar = m << 1;
  } else {
    int64_t delta = m - (s->srtt >> 3);
    s->srtt += delta;
    if (delta < 0) delta = -delta;
    s->rttvar += delta - (s->rttvar >> 2);
  }
  int64_t rto = (s->srtt >> 3) + s->rttvar;
  if (rto < n->cfg.rto_min_us) rto = n->cfg.rto_min_us;
  if (rto > TCP_RTO_MAX_US) rto = TCP_RTO_MAX_US;
  s->rto = (uint32_t)rto;
}

/* Resends the first unacknowledged segment (fast retransmit, NewReno partial ACKs). */
static void retransmit_first(struct tcp_sock *s) {
  uint32_t off = s->snd_una - s->snd_buf_seq;
  uint32_t left = s->snd.len > off ? s->snd.len - off : 0;
  uint32_t len = left < s->mss ? left : s->mss;
  uint8_t flags = TH_ACK;
  if (s->fin_queued && len == left && SEQ_GT(s->snd_max, s->snd_buf_seq + s->snd.len)) {
    flags |= TH_FIN;
  }
  if (len == 0 && !(flags & TH_FIN)) return;
  tcp_send_segment(s, s->snd_una, len, flags);
}

static void store_ooo(struct tcp_sock *s, const struct segment *g) {
  if (s->ooo_bytes + g->len > s->rcv.cap) return;
  struct ooo_seg **p = &s->ooo;
  while (*p && SEQ_LT((*p)->seq, g->seq)) p = &(*p)->next;
  if (*p && (*p)->seq == g->seq && (*p)->len >= g->len) return; /* a duplicate */
  struct ooo_seg *o = malloc(sizeof *o + g->len);
  if (!o) return;
  o->seq = g->seq;
  o->len = g->len;
  o->fin = (g->flags & TH_FIN) != 0;
  memcpy(o->data, g->data, g->len);
  o->next = *p;
  *p = o;
  s->ooo_bytes += g->len;
}

/* Moves segments that now continue the stream into the ring; returns 1 if a FIN came in order. */
static int pull_ooo(struct tcp_sock *s) {
  int fin = 0;
  while (s->ooo && SEQ_LEQ(s->ooo->seq, s->rcv_nxt)) {
    struct ooo_seg *o = s->ooo;
    s->ooo = o->next;
    s->ooo_bytes -= o->len;
    uint32_t end = o->seq + o->len;
    if (SEQ_GT(end, s->rcv_nxt)) {
      uint32_t skip = s->rcv_nxt - o->seq;
      s->rcv_nxt += ring_put(&s->rcv, o->data + skip, o->len - skip);
    }
    if (o->fin && end == s->rcv_nxt) fin = 1;
    free(o);
  }
  return fin;
}

static void fin_arrived(struct tcp_sock *s) {
  struct net *n = s->net;
  s->rcv_nxt++;
  s->fin_received = 1;
  switch (s->state) {
  case TCP_SYN_RCVD:
  case TCP_ESTABLISHED:
    tcp_set_state(s, TCP_CLOSE_WAIT);
    break;
  case TCP_FIN_WAIT_1: /* our FIN is not acknowledged yet (else we would be in FIN_WAIT_2) */
    tcp_set_state(s, TCP_CLOSING);
    break;
  case TCP_FIN_WAIT_2:
    tcp_set_state(s, TCP_TIME_WAIT);
    break;
  default:
    break;
  }
  (void)n;
  tcp_send_ack(s);
  tcp_notify(s);
}

/* Data and FIN in ESTABLISHED, FIN_WAIT_1 and FIN_WAIT_2. Returns 0 if `s` was freed. */
static int receive(struct tcp_sock *s, struct segment *g) {
  struct net *n = s->net;
  if (g->len && s->user_closed) { /* data after close: nobody will read it */
    tcp_send_reset(n, s->rip, s->lport, s->rport, s->snd_nxt, 0, TH_RST);
    tcp_drop(s, 0);
    return 0;
  }
  if (g->seq != s->rcv_nxt) {
    if (g->len || (g->flags & TH_FIN)) {
      n->stats.tcp_out_of_order++;
      store_ooo(s, g);
    }
    tcp_send_ack(s); /* a duplicate ACK tells the sender about the hole */
    return 1;
  }
  int had_ooo = s->ooo != NULL;
  if (g->len) s->rcv_nxt += ring_put(&s->rcv, g->data, g->len);
  int fin = (g->flags & TH_FIN) != 0;
  if (had_ooo) fin |= pull_ooo(s);
  if (fin) {
    fin_arrived(s);
    return 1;
  }
  if (g->len) {
    if (had_ooo) tcp_send_ack(s);
    else tcp_delay_ack(s);
    tcp_notify(s);
  }
  return 1;
}

/* ACK processing in synchronized states. Returns 0 if `s` was freed. */
static int process_ack(struct tcp_sock *s, const struct segment *g) {
  struct net *n = s->net;
  uint32_t ack = g->ack;
  if (SEQ_GT(ack, s->snd_max)) { /* acknowledges something never sent */
    tcp_send_ack(s);
    return 1;
  }
  if (SEQ_LEQ(ack, s->snd_una)) {
    if (g->len == 0 && !(g->flags & TH_FIN) && g->win == s->snd_wnd && ack == s->snd_una &&
        s->snd_max != s->snd_una) {
      n->stats.tcp_dup_acks++;
      if (++s->dupacks == 3 && !s->in_recovery) {
        uint32_t flight = s->snd_max - s->snd_una;
        s->ssthresh = flight / 2 > 2 * s->mss ? flight / 2 : 2 * s->mss;
        s->recover = s->snd_max;
        s->in_recovery = 1;
        s->rtt_active = 0;
        n->stats.tcp_fast_retransmits++;
        retransmit_first(s);
        s->cwnd = s->ssthresh + 3 * s->mss;
        tcp_set_timer(s, T_REXMT, n->now + s->rto);
      } else if (s->dupacks > 3 && s->in_recovery) {
        s->cwnd += s->mss; /* each duplicate means a segment left the network */
      }
    }
  } else {
    uint32_t acked = ack - s->snd_una;
    if (s->rtt_active && SEQ_GT(ack, s->rtt_seq)) {
      s->rtt_active = 0;
      rtt_sample(s, (int64_t)(n->now - s->rtt_start));
    }
    if (SEQ_GT(ack, s->snd_buf_seq) && s->snd.data) {
      uint32_t k = ack - s->snd_buf_seq;
      if (k > s->snd.len) k = s->snd.len;
      ring_drop(&s->snd, k);
      s->snd_buf_seq += k;
    }
    s->snd_una = ack;
    if (SEQ_LT(s->snd_nxt, ack)) s->snd_nxt = ack;
    s->retries = 0;
    if (s->in_recovery) {
      if (SEQ_GEQ(ack, s->recover)) {
        s->in_recovery = 0;
        s->cwnd = s->ssthresh;
        s->dupacks = 0;
      } else { /* partial ACK: the next hole is lost too */
        retransmit_first(s);
        s->cwnd = s->cwnd > acked ? s->cwnd - acked + s->mss : s->mss;
      }
    } else {
      s->dupacks = 0;
      if (s->cwnd < s->ssthresh) s->cwnd += acked < s->mss ? acked : s->mss;
      else s->cwnd += s->mss * s->mss / s->cwnd > 0 ? s->mss * s->mss / s->cwnd : 1;
      if (s->cwnd > (1u << 20)) s->cwnd = 1u << 20;
    }
    tcp_set_timer(s, T_REXMT, s->snd_una == s->snd_max ? NO_TIME : n->now + s->rto);
    tcp_notify(s);
  }
  if (SEQ_LT(s->snd_wl1, g->seq) || (s->snd_wl1 == g->seq && SEQ_LEQ(s->snd_wl2, ack))) {
    s->snd_wnd = g->win;
    s->snd_wl1 = g->seq;
    s->snd_wl2 = ack;
    if (g->win > 0) s->timer[T_PERSIST] = NO_TIME;
  }
  if (s->fin_queued && s->snd_una == s->snd_buf_seq + s->snd.len + 1) { /* our FIN is acked */
    switch (s->state) {
    case TCP_FIN_WAIT_1:
      tcp_set_state(s, TCP_FIN_WAIT_2);
      if (s->user_closed) tcp_set_timer(s, T_CLOSE, n->now + TCP_FIN_WAIT_2_US);
      break;
    case TCP_CLOSING:
      tcp_set_state(s, TCP_TIME_WAIT);
      break;
    case TCP_LAST_ACK:
      tcp_drop(s, 0);
      return 0;
    default:
      break;
    }
  }
  return 1;
}

/* A SYN for a listener: a new connection in SYN_RCVD. */
static void passive_open(struct net *n, struct tcp_sock *l, net_ip src, uint16_t sport,
                         const struct segment *g, uint32_t mss) {
  if (l->pending >= l->backlog) return; /* the client will retry */
  struct tcp_sock *s = tcp_new(n);
  if (!s) return;
  if (tcp_start(s) != 0) {
    tcp_free(s);
    return;
  }
  s->lport = l->lport;
  s->rip = src;
  s->rport = sport;
  s->irs = g->seq;
  s->rcv_nxt = s->rcv_adv = g->seq + 1;
  s->iss = tcp_iss(n);
  s->snd_una = s->snd_nxt = s->snd_max = s->iss;
  s->snd_buf_seq = s->iss + 1;
  s->snd_wnd = g->win;
  s->snd_wl1 = g->seq;
  s->snd_wl2 = s->iss;
  s->mss = mss ? (mss < TCP_MSS ? mss : TCP_MSS) : 536;
  s->cwnd = 4 * s->mss;
  s->state = TCP_SYN_RCVD;
  tcp_hash_insert(s);
  tcp_enqueue_child(l, s);
  tcp_output(s);
}

static void reset_for(struct net *n, net_ip src, uint16_t sport, uint16_t dport,
                      const struct segment *g) {
  if (g->flags & TH_RST) return;
  if (g->flags & TH_ACK) {
    tcp_send_reset(n, src, dport, sport, g->ack, 0, TH_RST);
  } else {
    uint32_t len = g->len + ((g->flags & TH_SYN) ? 1 : 0) + ((g->flags & TH_FIN) ? 1 : 0);
    tcp_send_reset(n, src, dport, sport, 0, g->seq + len, TH_RST | TH_ACK);
  }
}

void tcp_input(struct net *n, net_ip src, net_ip dst, const uint8_t *p, uint32_t len) {
  if (len < TCP_HLEN) {
    n->stats.ip_bad++;
    return;
  }
  if (net_checksum(p, len, net_pseudo_sum(src, dst, PROTO_TCP, len)) != 0) {
    n->stats.tcp_bad_checksum++;
    return;
  }
  n->stats.tcp_in++;
  uint16_t sport = get16(p), dport = get16(p + 2);
  uint32_t off = (uint32_t)(p[12] >> 4) * 4;
  if (off < TCP_HLEN || off > len) {
    n->stats.ip_bad++;
    return;
  }
  struct segment g = {get32(p + 4), get32(p + 8), get16(p + 14), len - off, p[13] & 0x3f,
                      p + off};
  uint32_t mss = (g.flags & TH_SYN) ? parse_mss(p, off) : 0;
#ifdef NET_TRACE
  printf("tcp in %u<-%u seq %u ack %u win %u len %u flags %x\n", dport, sport, g.seq, g.ack, g.win,
         g.len, g.flags);
#endif

  struct tcp_sock *s = tcp_lookup(n, dport, src, sport);
  if (s && s->state == TCP_TIME_WAIT && (g.flags & TH_SYN) && !(g.flags & TH_ACK) &&
      SEQ_GT(g.seq, s->rcv_nxt)) {
    tcp_drop(s, 0); /* a new incarnation of the connection (RFC 1122 4.2.2.13) */
    s = NULL;
  }
  if (!s) {
    struct tcp_sock *l = tcp_find_listener(n, dport);
    if (!l || (g.flags & (TH_RST | TH_ACK)) || !(g.flags & TH_SYN)) {
      reset_for(n, src, sport, dport, &g);
      return;
    }
    passive_open(n, l, src, sport, &g, mss);
    return;
  }

  if (s->state == TCP_SYN_SENT) {
    if ((g.flags & TH_ACK) && (SEQ_LEQ(g.ack, s->iss) || SEQ_GT(g.ack, s->snd_max))) {
      reset_for(n, src, sport, dport, &g);
      return;
    }
    if (g.flags & TH_RST) {
      if (g.flags & TH_ACK) {
        n->stats.tcp_resets_seen++;
        tcp_drop(s, ECONNREFUSED);
      }
      return;
    }
    if (!(g.flags & TH_SYN)) return;
    s->irs = g.seq;
    s->rcv_nxt = s->rcv_adv = g.seq + 1;
    s->mss = mss ? (mss < TCP_MSS ? mss : TCP_MSS) : 536;
    s->cwnd = 4 * s->mss;
    s->snd_wnd = g.win;
    s->snd_wl1 = g.seq;
    s->snd_wl2 = g.ack;
    if (g.flags & TH_ACK) {
      if (s->rtt_active) {
        s->rtt_active = 0;
        rtt_sample(s, (int64_t)(n->now - s->rtt_start));
      }
      s->snd_una = g.ack;
      s->retries = 0;
      s->timer[T_REXMT] = NO_TIME;
      s->state = TCP_ESTABLISHED;
      n->stats.tcp_connects++;
      tcp_send_ack(s);
      tcp_output(s);
      tcp_notify(s);
    } else { /* simultaneous open */
      s->state = TCP_SYN_RCVD;
      s->snd_nxt = s->iss;
      tcp_output(s);
    }
    return;
  }

  if ((g.flags & TH_SYN) && !(g.flags & TH_ACK) && s->state == TCP_SYN_RCVD && g.seq == s->irs) {
    s->snd_nxt = s->iss; /* our SYN-ACK was lost: send it again */
    tcp_output(s);
    return;
  }

  /* Acceptability (RFC 793): does the segment overlap the receive window? */
  uint32_t wnd = tcp_rcv_window(s);
  uint32_t seglen = g.len + ((g.flags & TH_SYN) ? 1 : 0) + ((g.flags & TH_FIN) ? 1 : 0);
  int ok;
  if (seglen == 0) {
    ok = wnd == 0 ? g.seq == s->rcv_nxt
                  : SEQ_GEQ(g.seq, s->rcv_nxt) && SEQ_LT(g.seq, s->rcv_nxt + wnd);
  } else {
    ok = wnd != 0 && ((SEQ_GEQ(g.seq, s->rcv_nxt) && SEQ_LT(g.seq, s->rcv_nxt + wnd)) ||
                      (SEQ_GEQ(g.seq + seglen - 1, s->rcv_nxt) &&
                       SEQ_LT(g.seq + seglen - 1, s->rcv_nxt + wnd)));
    /* A FIN or ACK exactly at rcv_nxt with a closed window still counts. */
    if (!ok && wnd == 0 && g.len == 0 && g.seq == s->rcv_nxt) ok = 1;
  }
  if (!ok) {
    if (!(g.flags & TH_RST)) {
      if (s->state == TCP_TIME_WAIT) tcp_time_wait(s);
      tcp_send_ack(s);
    }
    /* An ACK on an old segment (e.g. a window probe) still updates the send side. */
    if ((g.flags & TH_ACK) && !(g.flags & TH_RST) && s->state != TCP_TIME_WAIT &&
        s->state != TCP_SYN_RCVD && g.len == 0) {
      if (!process_ack(s, &g)) return;
      tcp_output(s);
    }
    return;
  }
  /* Trim to the window. */
  if (SEQ_LT(g.seq, s->rcv_nxt)) {
    uint32_t drop = s->rcv_nxt - g.seq;
    if (g.flags & TH_SYN) {
      g.flags &= (uint8_t)~TH_SYN;
      g.seq++;
      drop--;
    }
    if (drop > g.len) {
      drop = g.len;
      g.flags &= (uint8_t)~TH_FIN;
    }
    g.data += drop;
    g.len -= drop;
    g.seq += drop;
  }
  if (SEQ_GT(g.seq + g.len, s->rcv_nxt + wnd)) {
    uint32_t excess = g.seq + g.len - (s->rcv_nxt + wnd);
    if (excess > g.len) excess = g.len;
    g.len -= excess;
    g.flags &= (uint8_t)~TH_FIN;
  }

  if (g.flags & TH_RST) {
    n->stats.tcp_resets_seen++;
    int closing = s->state == TCP_CLOSING || s->state == TCP_LAST_ACK ||
                  s->state == TCP_TIME_WAIT;
    tcp_drop(s, closing ? 0 : s->state == TCP_SYN_RCVD ? ECONNREFUSED : ECONNRESET);
    return;
  }
  if (g.flags & TH_SYN) { /* a SYN inside the window: answer with an ACK (RFC 5961) */
    tcp_send_ack(s);
    return;
  }
  if (!(g.flags & TH_ACK)) return;

  if (s->state == TCP_SYN_RCVD) {
    if (SEQ_LEQ(g.ack, s->snd_una) || SEQ_GT(g.ack, s->snd_max)) {
      reset_for(n, src, sport, dport, &g);
      return;
    }
    s->state = TCP_ESTABLISHED;
    s->snd_wnd = g.win;
    s->snd_wl1 = g.seq;
    s->snd_wl2 = g.ack;
    tcp_notify(s);
  }
  if (s->state == TCP_TIME_WAIT) {
    if (g.flags & TH_FIN) {
      tcp_send_ack(s);
      tcp_time_wait(s);
    }
    return;
  }
  if (!process_ack(s, &g)) return;
  if (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT_1 || s->state == TCP_FIN_WAIT_2) {
    if ((g.len || (g.flags & TH_FIN)) && !receive(s, &g)) return;
  }
  tcp_output(s);
}
