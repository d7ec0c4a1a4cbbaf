/*
 * TCP output. Data stays in the send ring until acknowledged, so a segment
 * (new or retransmitted) is built straight from the ring at its sequence
 * number into the stack's transmit buffer. tcp_output sends what the
 * smaller of the peer's window and the congestion window allows, in
 * MSS-sized segments (no Nagle: a short tail goes out at once), then the
 * FIN once all data is out.
 */
#include "net_internal.h"
#ifdef NET_TRACE
#include <stdio.h>
#endif

uint32_t tcp_rcv_window(struct tcp_sock *s) {
  uint32_t free_bytes = s->rcv.data ? s->rcv.cap - s->rcv.len : 0;
  /* Never shrink the window already advertised (INVARIANT: rcv_nxt <= rcv_adv <= rcv_nxt + 65535). */
  if (SEQ_LT(s->rcv_nxt + free_bytes, s->rcv_adv)) free_bytes = s->rcv_adv - s->rcv_nxt;
  if (free_bytes > 65535) free_bytes = 65535;
  return free_bytes;
}

static void checksum_and_send(struct net *n, net_ip dst, uint8_t *t, uint32_t len) {
  put16(t + 16, 0);
  put16(t + 16, net_checksum(t, len, net_pseudo_sum(n->cfg.ip, dst, PROTO_TCP, len)));
  n->stats.tcp_out++;
  ip_output(n, dst, PROTO_TCP, len);
}

void tcp_send_segment(struct tcp_sock *s, uint32_t seq, uint32_t len, uint8_t flags) {
  struct net *n = s->net;
  uint8_t *t = TX_IP_PAYLOAD(n);
  uint32_t hlen = TCP_HLEN + ((flags & TH_SYN) ? 4 : 0);
  put16(t, s->lport);
  put16(t + 2, s->rport);
  put32(t + 4, seq);
  put32(t + 8, (flags & TH_ACK) ? s->rcv_nxt : 0);
  t[12] = (uint8_t)((hlen / 4) << 4);
  t[13] = flags;
  uint32_t win = tcp_rcv_window(s);
  put16(t + 14, (uint16_t)win);
  put16(t + 18, 0);
  if (flags & TH_SYN) {
    t[20] = 2; /* MSS option */
    t[21] = 4;
    put16(t + 22, TCP_MSS);
  }
  if (len) ring_peek(&s->snd, seq - s->snd_buf_seq, t + hlen, len);
  if (flags & TH_ACK) {
    s->rcv_adv = s->rcv_nxt + win;
    s->ack_pending = 0;
    s->timer[T_DELACK] = NO_TIME;
  }
  checksum_and_send(n, s->rip, t, hlen + len);
  uint32_t end = seq + len + ((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
  if (end == seq) return;
  if (SEQ_GT(end, s->snd_max)) {
    if (!s->rtt_active) {
      s->rtt_active = 1;
      s->rtt_seq = seq;
      s->rtt_start = n->now;
    }
    s->snd_max = end;
  } else {
    n->stats.tcp_retransmits++;
    if (s->rtt_active && SEQ_LEQ(seq, s->rtt_seq)) s->rtt_active = 0; /* Karn */
  }
  if (SEQ_GT(end, s->snd_nxt)) s->snd_nxt = end;
  if (s->timer[T_REXMT] == NO_TIME) tcp_set_timer(s, T_REXMT, n->now + s->rto);
}

void tcp_send_ack(struct tcp_sock *s) { tcp_send_segment(s, s->snd_nxt, 0, TH_ACK); }

void tcp_send_reset(struct net *n, net_ip dst, uint16_t sport, uint16_t dport, uint32_t seq,
                    uint32_t ack, uint8_t flags) {
  uint8_t *t = TX_IP_PAYLOAD(n);
  put16(t, sport);
  put16(t + 2, dport);
  put32(t + 4, seq);
  put32(t + 8, ack);
  t[12] = (TCP_HLEN / 4) << 4;
  t[13] = flags;
  put16(t + 14, 0);
  put16(t + 18, 0);
  n->stats.tcp_resets_sent++;
#ifdef NET_TRACE
  printf("tcp rst out %u->%u seq %u ack %u flags %x\n", sport, dport, seq, ack, flags);
#endif
  checksum_and_send(n, dst, t, TCP_HLEN);
}

void tcp_output(struct tcp_sock *s) {
  struct net *n = s->net;
  if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) {
    if (s->snd_nxt == s->iss) {
      tcp_send_segment(s, s->iss, 0, s->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK);
    }
    return;
  }
  if (s->state == TCP_CLOSED || s->state == TCP_LISTEN || s->state == TCP_TIME_WAIT) return;
  uint32_t fin_seq = s->snd_buf_seq + s->snd.len;
  uint32_t win = s->snd_wnd < s->cwnd ? s->snd_wnd : s->cwnd;
  int sent = 0;
  for (;;) {
    if (s->fin_queued && SEQ_GT(s->snd_nxt, fin_seq)) break; /* everything, FIN included, is out */
    uint32_t off = s->snd_nxt - s->snd_buf_seq;
    uint32_t unsent = s->snd.len > off ? s->snd.len - off : 0;
    uint32_t flight = s->snd_nxt - s->snd_una;
    uint32_t usable = win > flight ? win - flight : 0;
    uint32_t len = unsent < usable ? unsent : usable;
    if (len > s->mss) len = s->mss;
    int fin = s->fin_queued && len == unsent;
    if (len == 0 && !fin) break;
    /* Sender SWS avoidance: a short segment only as the tail of the data. */
    if (len < s->mss && len < unsent && flight > 0) break;
    uint8_t flags = TH_ACK;
    if (len && len == unsent) flags |= TH_PSH;
    if (fin) flags |= TH_FIN;
    tcp_send_segment(s, s->snd_nxt, len, flags);
    sent = 1;
  }
  if (!sent && s->ack_pending) tcp_send_ack(s);
  uint32_t off = s->snd_nxt - s->snd_buf_seq;
  if (s->snd_wnd == 0 && s->snd.len > off && s->snd_max == s->snd_una &&
      s->timer[T_PERSIST] == NO_TIME) {
    uint32_t next = s->rto < TCP_PERSIST_MIN_US ? TCP_PERSIST_MIN_US : s->rto;
    tcp_set_timer(s, T_PERSIST, n->now + next);
  }
}
