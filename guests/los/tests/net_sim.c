/*
 * Hosted test of the TCP/IP stack (guests/los/src/net): stacks joined by an
 * in-memory Ethernet with latency and seeded loss, on a simulated clock.
 * Build natively: gcc -m32 -O2 -Wall -I guests/los/include
 * guests/los/tests/net_sim.c guests/los/src/net/ *.c. Each scenario prints
 * one line; the program exits with 1 if any check failed.
 *
 *   net_sim [loss-percent] [seed]   (defaults: 5 1)
 */
#include <errno.h>
#include <los/net.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NODES 3
#define LATENCY_US 50

static uint64_t clock_us;
static uint32_t loss_pct = 5, rng = 1;
static int failures;

static uint32_t next_random(void) {
  rng ^= rng << 13;
  rng ^= rng >> 17;
  rng ^= rng << 5;
  return rng;
}

#define CHECK(cond, ...)                    \
  do {                                      \
    if (!(cond)) {                          \
      printf("FAIL %s:%d: ", __FILE__, __LINE__); \
      printf(__VA_ARGS__);                  \
      printf("\n");                         \
      failures++;                           \
    }                                       \
  } while (0)

/* ---- the wire ----------------------------------------------------------- */

struct frame {
  struct frame *next;
  uint64_t due;
  int to;
  uint32_t len;
  uint8_t bytes[1514];
};

static struct frame *wire_head, *wire_tail;
static struct net *nodes[NODES];
static uint8_t macs[NODES][6];
static uint32_t sent_frames, lost_frames;
static int drop_from[NODES]; /* frames from node i to drop outright (targeted loss) */

static uint64_t now_fn(void *ctx) {
  (void)ctx;
  return clock_us;
}

static void send_fn(void *ctx, uint8_t *frame, uint32_t len) {
  int from = (int)(intptr_t)ctx;
  sent_frames++;
  if (drop_from[from] > 0) {
    drop_from[from]--;
    lost_frames++;
    return;
  }
  for (int to = 0; to < NODES; to++) {
    if (to == from || !nodes[to]) continue;
    int bcast = frame[0] == 0xff;
    if (!bcast && memcmp(frame, macs[to], 6) != 0) continue;
    if (next_random() % 100 < loss_pct) {
      lost_frames++;
      continue;
    }
    struct frame *f = malloc(sizeof *f);
    f->next = NULL;
    f->due = clock_us + LATENCY_US;
    f->to = to;
    f->len = len;
    memcpy(f->bytes, frame, len);
    if (wire_tail) wire_tail->next = f;
    else wire_head = f;
    wire_tail = f;
  }
}

static void wake_fn(void *ctx, void *waiter) {
  (void)ctx;
  (*(int *)waiter)++;
}

static void make_node(int i, uint32_t sndbuf, uint32_t rcvbuf) {
  struct net_config c;
  memset(&c, 0, sizeof c);
  uint8_t mac[6] = {2, 0, 0, 0, 0, (uint8_t)(i + 1)};
  memcpy(c.mac, mac, 6);
  memcpy(macs[i], mac, 6);
  c.ip = NET_IP(10, 0, 0, i + 1);
  c.netmask = NET_IP(255, 255, 0, 0);
  c.send = send_fn;
  c.now = now_fn;
  c.wake = wake_fn;
  c.ctx = (void *)(intptr_t)i;
  c.tcp_sndbuf = sndbuf;
  c.tcp_rcvbuf = rcvbuf;
  c.seed = next_random(); /* initial sequence numbers anywhere in the space */
  nodes[i] = net_create(&c);
}

/* Advances the simulation by one event: delivers due frames (a batch per node), runs timers. */
static void step(void) {
  uint64_t next = UINT64_MAX;
  if (wire_head) next = wire_head->due;
  for (int i = 0; i < NODES; i++) {
    if (nodes[i] && net_deadline(nodes[i]) < next) next = net_deadline(nodes[i]);
  }
  if (next == UINT64_MAX) next = clock_us + 1000;
  if (next > clock_us) clock_us = next;
  int touched[NODES] = {0};
  while (wire_head && wire_head->due <= clock_us) {
    struct frame *f = wire_head;
    wire_head = f->next;
    if (!wire_head) wire_tail = NULL;
    if (nodes[f->to]) {
      net_input(nodes[f->to], f->bytes, f->len);
      touched[f->to] = 1;
    }
    free(f);
  }
  for (int i = 0; i < NODES; i++) {
    if (!nodes[i]) continue;
    net_poll(nodes[i]);
    if (touched[i]) net_flush(nodes[i]);
  }
}

static uint8_t pattern(uint32_t stream, uint32_t i) {
  return (uint8_t)((i * 2654435761u >> 13) ^ stream * 77 ^ i);
}

/* ---- scenarios ---------------------------------------------------------- */

static int pings_seen;
static void on_reply(void *ctx, net_ip from, uint16_t id, uint16_t seq) {
  (void)ctx, (void)from, (void)id, (void)seq;
  pings_seen++;
}

static void test_ping(void) {
  net_on_echo_reply(nodes[0], on_reply, NULL);
  int sent = 0;
  for (int i = 0; i < 50; i++) {
    net_ping(nodes[0], NET_IP(10, 0, 0, 2), 7, (uint16_t)i, "ping", 4);
    sent++;
    for (int k = 0; k < 20; k++) step();
  }
  CHECK(pings_seen > 0 && pings_seen <= sent, "ping replies %d of %d", pings_seen, sent);
  printf("ping: %d of %d echo replies\n", pings_seen, sent);
}

static void test_udp(void) {
  struct udp_sock *server = udp_open(nodes[1], 7), *client = udp_open(nodes[0], 0);
  int woke = 0, got = 0, good = 0;
  udp_set_waiter(server, &woke);
  char buf[1500];
  for (int i = 0; i < 200; i++) {
    int len = snprintf(buf, sizeof buf, "datagram %d", i);
    CHECK(udp_sendto(client, NET_IP(10, 0, 0, 2), 7, buf, (uint32_t)len) == 0, "udp send");
    for (int k = 0; k < 5; k++) step();
    net_ip ip;
    uint16_t port;
    int n;
    while ((n = udp_recvfrom(server, buf, sizeof buf, &ip, &port)) >= 0) {
      udp_sendto(server, ip, port, buf, (uint32_t)n);
    }
    while ((n = udp_recvfrom(client, buf, sizeof buf - 1, &ip, &port)) >= 0) {
      buf[n] = 0;
      got++;
      int k;
      if (sscanf(buf, "datagram %d", &k) == 1 && ip == NET_IP(10, 0, 0, 2) && port == 7) good++;
    }
  }
  for (int k = 0; k < 100; k++) step();
  CHECK(got > 100 && good == got && woke > 0, "udp echoes %d good %d woke %d", got, good, woke);
  /* A datagram to a closed port gets ICMP port unreachable, not an echo. */
  struct net_stats before, after;
  net_stats(nodes[1], &before);
  for (int i = 0; i < 10; i++) {
    udp_sendto(client, NET_IP(10, 0, 0, 2), 9999, "x", 1);
    step();
  }
  for (int k = 0; k < 20; k++) step();
  net_stats(nodes[1], &after);
  CHECK(after.udp_no_port > before.udp_no_port, "no-port count");
  printf("udp: %d of 200 echoes came back intact\n", got);
  udp_close(server);
  udp_close(client);
}

/* One bulk stream: the client writes `total` bytes, the server reads and checks them. */
struct stream {
  struct tcp_sock *c, *s;
  uint32_t id, total, written, readn, bad;
  uint16_t cport;
  int c_woke, s_woke, c_closed, s_done, s_closed, s_woke_drop;
  uint32_t read_delay_until; /* the server does not read before this time (zero-window test) */
};

static int run_streams(struct net *cn, struct net *sn, struct stream *st, int count,
                       uint16_t port, uint64_t limit_us, int bidir) {
  struct tcp_sock *l = tcp_listen(sn, port, 16);
  int lwoke = 0;
  tcp_set_waiter(l, &lwoke);
  for (int i = 0; i < count; i++) {
    st[i].c = tcp_connect(cn, net_address(sn), port);
    tcp_set_waiter(st[i].c, &st[i].c_woke);
    st[i].cport = tcp_local_port(st[i].c);
  }
  uint8_t buf[4096];
  uint64_t start = clock_us;
  int done = 0;
  while (done < count && clock_us - start < limit_us) {
    step();
    struct tcp_sock *a;
    while ((a = tcp_accept(l)) != NULL) {
      uint16_t port_of;
      tcp_peer(a, &port_of);
      for (int i = 0; i < count; i++) {
        if (st[i].cport == port_of && !st[i].s) {
          st[i].s = a;
          tcp_set_waiter(a, &st[i].s_woke);
        }
      }
    }
    done = 0;
    for (int i = 0; i < count; i++) {
      struct stream *x = &st[i];
      if (x->c && !x->c_closed && tcp_state(x->c) >= TCP_ESTABLISHED) {
        while (x->written < x->total) {
          uint32_t n = x->total - x->written;
          if (n > sizeof buf) n = sizeof buf;
          for (uint32_t k = 0; k < n; k++) buf[k] = pattern(x->id, x->written + k);
          int w = tcp_send(x->c, buf, n);
          if (w <= 0) break;
          x->written += (uint32_t)w;
        }
        if (x->written == x->total && !bidir) {
          tcp_close(x->c);
          x->c_closed = 1;
          x->c = NULL;
        }
      }
      if (x->s && !x->s_done && clock_us >= x->read_delay_until) {
        if (x->read_delay_until && !x->s_woke_drop) {
          /* the window update that this first read triggers is lost */
          x->s_woke_drop = 1;
          drop_from[1] = 1;
        }
        int r;
        while ((r = tcp_recv(x->s, buf, sizeof buf)) > 0) {
          for (int k = 0; k < r; k++) x->bad += buf[k] != pattern(x->id, x->readn + (uint32_t)k);
          x->readn += (uint32_t)r;
        }
        if (bidir && x->readn == x->total && !x->s_closed) {
          /* echo side done reading: answer with our own stream, then close */
          tcp_shutdown(x->s);
          x->s_closed = 1;
        }
        if (tcp_eof(x->s) || tcp_error(x->s)) {
          x->s_done = 1;
          tcp_close(x->s);
        }
      }
      if (bidir && x->c && !x->c_closed && x->written == x->total && tcp_eof(x->c)) {
        tcp_close(x->c);
        x->c_closed = 1;
        x->c = NULL;
      }
      if (x->s_done) done++;
    }
  }
  tcp_close(l);
  return done;
}

static void test_tcp_bulk(int count, uint32_t total, const char *what) {
  struct stream st[8];
  memset(st, 0, sizeof st);
  for (int i = 0; i < count; i++) st[i].id = (uint32_t)i + 1, st[i].total = total;
  uint64_t t0 = clock_us;
  int done = run_streams(nodes[0], nodes[1], st, count, 80, 600000000ull, 0);
  uint64_t elapsed = clock_us - t0;
  uint32_t bytes = 0, bad = 0;
  for (int i = 0; i < count; i++) bytes += st[i].readn, bad += st[i].bad;
  CHECK(done == count, "%s: %d of %d streams finished", what, done, count);
  CHECK(bytes == total * (uint32_t)count && bad == 0, "%s: %u bytes, %u bad", what, bytes, bad);
  /* Let the closes finish (TIME_WAIT included), then every connection is gone. */
  for (int k = 0; k < 4000; k++) step();
  struct net_stats a, b;
  net_stats(nodes[0], &a);
  net_stats(nodes[1], &b);
  CHECK(a.tcp_conns == 0 && b.tcp_conns == 0, "%s: connections left %u %u", what, a.tcp_conns,
        b.tcp_conns);
  printf("%s: %d stream(s), %u bytes intact in %llu ms simulated; retransmits %u (fast %u, "
         "timeouts %u)\n",
         what, count, bytes, (unsigned long long)elapsed / 1000, a.tcp_retransmits,
         a.tcp_fast_retransmits, a.tcp_timeouts);
}

static void test_zero_window(void) {
  struct stream st[1];
  memset(st, 0, sizeof st);
  st[0].id = 99;
  st[0].total = 200000;
  st[0].read_delay_until = (uint32_t)(clock_us + 2000000); /* 2 s of a closed window */
  struct net_stats before;
  net_stats(nodes[0], &before);
  int done = run_streams(nodes[0], nodes[1], st, 1, 81, 600000000ull, 0);
  struct net_stats after;
  net_stats(nodes[0], &after);
  CHECK(done == 1 && st[0].readn == st[0].total && st[0].bad == 0, "zero window transfer");
  CHECK(loss_pct >= 10 || after.tcp_window_probes > before.tcp_window_probes, "zero window probes");
  for (int k = 0; k < 4000; k++) step();
  printf("zero window: %u bytes intact after a 2 s stall, %u probes\n", st[0].readn,
         after.tcp_window_probes - before.tcp_window_probes);
}

static void test_bidirectional(void) {
  struct stream st[2];
  memset(st, 0, sizeof st);
  for (int i = 0; i < 2; i++) st[i].id = 50 + (uint32_t)i, st[i].total = 100000;
  int done = run_streams(nodes[0], nodes[2], st, 2, 82, 600000000ull, 1);
  CHECK(done == 2 && st[0].bad == 0 && st[1].bad == 0, "half-close streams");
  for (int k = 0; k < 4000; k++) step();
  struct net_stats a, c;
  net_stats(nodes[0], &a);
  net_stats(nodes[2], &c);
  CHECK(a.tcp_conns == 0 && c.tcp_conns == 0, "half close: connections left %u %u",
        a.tcp_conns, c.tcp_conns);
  printf("half close: 2 streams, shutdown then close on both sides, no connection left\n");
}

static void test_refused_and_reset(void) {
  struct tcp_sock *c = tcp_connect(nodes[0], NET_IP(10, 0, 0, 2), 4444);
  int woke = 0;
  tcp_set_waiter(c, &woke);
  for (int k = 0; k < 20000 && tcp_state(c) != TCP_CLOSED; k++) step();
  CHECK(tcp_error(c) == ECONNREFUSED, "refused: error %d state %s", tcp_error(c),
        tcp_state_name(tcp_state(c)));
  tcp_close(c);
  /* An abort resets the peer. */
  struct tcp_sock *l = tcp_listen(nodes[1], 90, 4);
  c = tcp_connect(nodes[0], NET_IP(10, 0, 0, 2), 90);
  struct tcp_sock *a = NULL;
  for (int k = 0; k < 20000 && !(a = tcp_accept(l)); k++) step();
  CHECK(a != NULL, "accepted");
  for (int k = 0; k < 200; k++) step();
  tcp_abort(c);
  for (int k = 0; k < 20000 && a && tcp_state(a) != TCP_CLOSED; k++) step();
  int err = a ? tcp_error(a) : -1;
  /* The RST may be lost: then the peer finds out when it sends. */
  if (a && err == 0) {
    tcp_send(a, "hello", 5);
    for (int k = 0; k < 200000 && tcp_state(a) != TCP_CLOSED; k++) step();
    err = tcp_error(a);
  }
  CHECK(err == ECONNRESET, "reset: error %d", err);
  if (a) tcp_close(a);
  tcp_close(l);
  for (int k = 0; k < 2000; k++) step();
  printf("refused and reset: connect to a closed port fails with ECONNREFUSED, abort gives "
         "ECONNRESET\n");
}

int main(int argc, char **argv) {
  if (argc > 1) loss_pct = (uint32_t)atoi(argv[1]);
  if (argc > 2) rng = (uint32_t)atoi(argv[2]) * 2654435761u | 1;
  make_node(0, 16384, 16384);
  make_node(1, 16384, 16384);
  make_node(2, 8192, 4096);
  printf("loss %u%%\n", loss_pct);
  test_ping();
  test_udp();
  test_tcp_bulk(1, 1 << 20, "tcp 1 MiB");
  test_tcp_bulk(4, 256 << 10, "tcp 4 x 256 KiB");
  test_zero_window();
  test_bidirectional();
  test_refused_and_reset();
  printf("frames: %u sent, %u lost\n", sent_frames, lost_frames);
  printf(failures ? "FAILED %d\n" : "ALL PASSED\n", failures);
  return failures ? 1 : 0;
}
