/*
 * kvclient: drives kvstore over TCP. With `conns` threads it either fills
 * keys key<i> (i < count) with value-<i>-<salt>, deleting every tenth, or
 * checks that a store holds exactly that; then it may shut the store down.
 * Prints one summary line and exits with 0 if every answer was right.
 *
 *   arguments (first keyboard line, see los/args.h):
 *     host=10.0.0.1 port=7000 mode=fill|check count=200 conns=4 salt=1 shutdown=0
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

static net_ip host;
static uint16_t port;
static int fill, count, conns, salt;
static int next_key, running, wrong, done_ops;

/* Sends a command and reads one reply line into `out`; 0 on success. */
static int command(los_sock *s, const char *cmd, char *out, size_t cap) {
  if (los_send(s, cmd, strlen(cmd)) < 0) return -1;
  size_t n = 0;
  for (;;) {
    char c;
    int r = los_recv(s, &c, 1);
    if (r <= 0) return -1;
    if (c == '\n') break;
    if (n + 1 < cap) out[n++] = c;
  }
  out[n] = 0;
  return 0;
}

static void worker(void *arg) {
  (void)arg;
  los_sock *s = los_tcp_connect(host, port);
  char cmd[128], reply[128], expect[128];
  while (s && next_key < count) {
    int i = next_key++;
    int deleted = i % 10 == 9;
    snprintf(expect, sizeof expect, "value-%d-%d", i, salt);
    if (fill) {
      snprintf(cmd, sizeof cmd, "SET key%d %s\n", i, expect);
      if (command(s, cmd, reply, sizeof reply) != 0 || strcmp(reply, "OK") != 0) wrong++;
      if (deleted) {
        snprintf(cmd, sizeof cmd, "DEL key%d\n", i);
        if (command(s, cmd, reply, sizeof reply) != 0 || strcmp(reply, "OK") != 0) wrong++;
      }
    } else {
      snprintf(cmd, sizeof cmd, "GET key%d\n", i);
      if (command(s, cmd, reply, sizeof reply) != 0) wrong++;
      else if (deleted ? strcmp(reply, "NOTFOUND") != 0
                       : strncmp(reply, "VALUE ", 6) != 0 || strcmp(reply + 6, expect) != 0) {
        if (wrong < 5) printf("kvclient: key%d: got \"%s\"\n", i, reply);
        wrong++;
      }
    }
    done_ops++;
  }
  if (!s) wrong++;
  else los_close(s);
  running--;
}

int main(void) {
  int argc;
  char **argv;
  los_args("kvclient", &argc, &argv);
  host = los_ip_parse(arg_value(argc, argv, "host", "10.0.0.1"));
  port = (uint16_t)arg_long(argc, argv, "port", 7000);
  fill = strcmp(arg_value(argc, argv, "mode", "fill"), "fill") == 0;
  count = (int)arg_long(argc, argv, "count", 200);
  conns = (int)arg_long(argc, argv, "conns", 4);
  salt = (int)arg_long(argc, argv, "salt", 1);
  int shutdown = (int)arg_long(argc, argv, "shutdown", 0);
  uint64_t t0 = los_now_us();
  for (int i = 0; i < conns; i++) running += los_spawn(worker, NULL, "worker") == 0;
  while (running > 0) los_sleep_us(1000);
  uint64_t dt = los_now_us() - t0;
  char reply[64] = "";
  los_sock *s = los_tcp_connect(host, port);
  if (s) {
    command(s, "COUNT\n", reply, sizeof reply);
    if (shutdown) {
      char bye[16];
      command(s, "SHUTDOWN\n", bye, sizeof bye);
    }
    los_close(s);
  }
  int want = count - count / 10;
  char expect[32];
  snprintf(expect, sizeof expect, "COUNT %d", want);
  if (strcmp(reply, expect) != 0) wrong++;
  printf("kvclient: %s %d keys with %d connections: %d wrong, store says %s, %llu us\n",
         fill ? "filled" : "checked", done_ops, conns, wrong, reply, (unsigned long long)dt);
  return wrong ? 1 : 0;
}
