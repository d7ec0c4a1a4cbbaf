/*
 * echo: UDP and TCP echo servers (RFC 862) on one port (default 7).
 * Every TCP connection gets its own thread; one thread serves UDP.
 *
 *   arguments (first keyboard line, see los/args.h): [PORT]
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>

static uint16_t port = 7;
static unsigned tcp_conns, udp_datagrams;

static void udp_echo(void *arg) {
  (void)arg;
  los_sock *u = los_udp_open(port);
  if (!u) {
    printf("echo: cannot open UDP port %u\n", port);
    return;
  }
  char buf[1500];
  for (;;) {
    net_ip ip;
    uint16_t from;
    int n = los_recvfrom(u, buf, sizeof buf, &ip, &from, 0);
    if (n < 0) continue;
    los_sendto(u, ip, from, buf, (size_t)n);
    udp_datagrams++;
  }
}

static void tcp_echo(void *arg) {
  los_sock *c = arg;
  char buf[2048];
  int n;
  while ((n = los_recv(c, buf, sizeof buf)) > 0) {
    if (los_send(c, buf, (size_t)n) < 0) break;
  }
  los_close(c);
}

int main(void) {
  int argc;
  char **argv;
  los_args("echo", &argc, &argv);
  if (argc > 1) port = (uint16_t)atoi(argv[1]);
  char ip[16];
  los_sock *l = los_tcp_listen(port, 64);
  if (!l) {
    printf("echo: cannot listen on TCP port %u: %d\n", port, errno);
    return 1;
  }
  los_spawn(udp_echo, NULL, "udp");
  printf("echo: serving UDP and TCP on %s port %u\n", los_ip_str(los_net_ip(), ip), port);
  for (;;) {
    los_sock *c = los_tcp_accept(l);
    if (!c) continue;
    tcp_conns++;
    if (los_spawn(tcp_echo, c, "tcp") != 0) los_close(c);
  }
}
