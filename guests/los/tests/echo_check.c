/*
 * Checks an echo server (guests/examples/echo.c): sends 100 UDP datagrams
 * (retrying lost ones) and a TCP stream of `bytes`, and compares what comes
 * back. Arguments: host=IP port=7 bytes=50000. Exits with 0 if all matched.
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../examples/http.h"

int main(void) {
  int argc;
  char **argv;
  los_args("echo_check", &argc, &argv);
  net_ip host = los_ip_parse(arg_value(argc, argv, "host", "10.0.0.1"));
  uint16_t port = (uint16_t)arg_long(argc, argv, "port", 7);
  uint32_t total = (uint32_t)arg_long(argc, argv, "bytes", 50000);
  int bad = 0;

  los_sock *u = los_udp_open(0);
  int echoed = 0;
  for (int i = 0; i < 100; i++) {
    char out[64], in[64];
    int len = snprintf(out, sizeof out, "datagram %d", i);
    for (int tries = 0; tries < 10; tries++) {
      los_sendto(u, host, port, out, (size_t)len);
      net_ip ip;
      uint16_t from;
      int n = los_recvfrom(u, in, sizeof in, &ip, &from, 50000);
      if (n == len && memcmp(in, out, (size_t)len) == 0) {
        echoed++;
        break;
      }
    }
  }
  if (echoed != 100) bad++;
  printf("echo_check: %d of 100 datagrams echoed\n", echoed);

  los_sock *s = los_tcp_connect(host, port);
  if (!s) {
    printf("echo_check: connect failed: %d\n", errno);
    return 1;
  }
  uint8_t *out = malloc(total), *in = malloc(total);
  for (uint32_t i = 0; i < total; i++) out[i] = (uint8_t)(i * 7 + (i >> 8));
  uint32_t sent = 0, got = 0;
  while (got < total) {
    if (sent < total) { /* interleave sends and receives so neither side's buffer fills */
      uint32_t n = total - sent < 3000 ? total - sent : 3000;
      if (los_send(s, out + sent, n) < 0) break;
      sent += n;
    }
    int n = los_recv_timeout(s, in + got, total - got, sent < total ? 1000 : 5000000);
    if (n > 0) got += (uint32_t)n;
    else if (n == 0 || errno != ETIMEDOUT) break;
  }
  los_close(s);
  int same = got == total && memcmp(in, out, total) == 0;
  if (!same) bad++;
  printf("echo_check: TCP %u of %u bytes echoed %s\n", got, total, same ? "intact" : "WRONG");
  return bad;
}
