/*
 * TCP transfer check over the virtual switch.
 *   server PORT CONNS          accepts CONNS connections; for each, reads the pattern to the end
 *                              of stream, checks every byte, and answers with the byte count and
 *                              a checksum; exits when all are done
 *   client IP PORT BYTES       sends BYTES of the pattern, half-closes, prints the server's answer
 * The pattern depends on the client's port so that streams cannot be confused.
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t pattern(uint32_t stream, uint32_t i) {
  return (uint8_t)((i * 2654435761u >> 13) ^ stream * 77 ^ i);
}

static int remaining;
static los_sock *watched;

/* Reports a stuck connection (debugging aid): every 5 s of guest time while not done. */
static void print_line(void *ctx, const char *line) {
  (void)ctx;
  printf("  %s\n", line);
}

static void watchdog(void *arg) {
  (void)arg;
  for (;;) {
    los_sleep_us(5000000);
    if (!watched) continue;
    struct tcp_sock *t = los_sock_tcp(watched);
    struct net_stats st;
    net_stats(los_net(), &st);
    printf("watchdog: state %s unacked %u available %u space %u error %d; rx %u tx %u\n",
           tcp_state_name(tcp_state(t)), tcp_unacked(t), tcp_available(t), tcp_space(t),
           tcp_error(t), st.rx_frames, st.tx_frames);
    net_debug(los_net(), print_line, NULL);
  }
}
static int failures;

static void serve(void *arg) {
  los_sock *c = arg;
  uint16_t port;
  los_peer(c, &port);
  uint8_t buf[2048];
  uint32_t got = 0, bad = 0, sum = 0;
  int n;
  while ((n = los_recv(c, buf, sizeof buf)) > 0) {
    for (int k = 0; k < n; k++) {
      bad += buf[k] != pattern(port, got + (uint32_t)k);
      sum = sum * 31 + buf[k];
    }
    got += (uint32_t)n;
  }
  if (n < 0) printf("server: recv error %d\n", errno);
  char reply[96];
  int len = snprintf(reply, sizeof reply, "received %u bytes, %u bad, sum %08x\n", got, bad, sum);
  los_send(c, reply, (size_t)len);
  /* Wait until the client has acknowledged the reply and our FIN: the server's VM may exit
     right after, and could not retransmit a lost segment any more. */
  los_close_linger(c, 60000000);
  printf("server: port %u %s", port, reply);
  if (bad || n < 0) failures++;
  remaining--;
}

int main(void) {
  int argc;
  char **argv;
  los_args("tcp_xfer", &argc, &argv);
  if (argc >= 3 && strcmp(argv[1], "server") == 0) {
    remaining = atoi(argv[3 > argc - 1 ? argc - 1 : 3]);
    los_sock *l = los_tcp_listen((uint16_t)atoi(argv[2]), 16);
    int conns = remaining;
    for (int i = 0; i < conns; i++) {
      los_sock *c = los_tcp_accept(l);
      los_spawn(serve, c, "serve");
    }
    while (remaining > 0) {
      los_sleep_us(10000);
      static int rounds;
      if (++rounds % 500 == 0) net_debug(los_net(), print_line, NULL);
    }
    los_close(l);
    struct net_stats st;
    net_stats(los_net(), &st);
    printf("server: done; retransmits %u, out of order %u\n", st.tcp_retransmits,
           st.tcp_out_of_order);
    return failures;
  }
  if (argc >= 5 && strcmp(argv[1], "client") == 0) {
    net_ip ip = los_ip_parse(argv[2]);
    uint32_t total = (uint32_t)atoi(argv[4]);
    los_spawn(watchdog, NULL, "watchdog");
    los_sock *s = los_tcp_connect(ip, (uint16_t)atoi(argv[3]));
    watched = s;
    if (!s) {
      printf("client: connect failed: %d\n", errno);
      return 2;
    }
    uint16_t me = tcp_local_port(los_sock_tcp(s));
    uint8_t buf[4096];
    uint32_t sum = 0;
    for (uint32_t sent = 0; sent < total;) {
      uint32_t n = total - sent < sizeof buf ? total - sent : (uint32_t)sizeof buf;
      for (uint32_t k = 0; k < n; k++) {
        buf[k] = pattern(me, sent + k);
        sum = sum * 31 + buf[k];
      }
      if (los_send(s, buf, n) < 0) {
        printf("client: send error %d\n", errno);
        return 3;
      }
      sent += n;
    }
    los_shutdown(s);
    char reply[128];
    int n, len = 0;
    while ((n = los_recv(s, reply + len, sizeof reply - 1 - (size_t)len)) > 0) len += n;
    reply[len] = 0;
    watched = NULL;
    los_close(s);
    char expect[96];
    snprintf(expect, sizeof expect, "received %u bytes, 0 bad, sum %08x\n", total, sum);
    printf("client: %s", reply);
    struct net_stats st;
    net_stats(los_net(), &st);
    printf("client: retransmits %u (fast %u, timeouts %u)\n", st.tcp_retransmits,
           st.tcp_fast_retransmits, st.tcp_timeouts);
    return strcmp(reply, expect) == 0 ? 0 : 1;
  }
  printf("usage: server PORT CONNS | client IP PORT BYTES\n");
  return 2;
}
