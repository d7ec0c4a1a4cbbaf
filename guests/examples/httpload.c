/*
 * httpload: an HTTP load generator for experiments inside one kernel (and
 * against real servers through a TAP bridge). `conns` threads each keep one
 * connection (keepalive=1: many requests per connection; 0: one per
 * connection, HTTP/1.0 style) and issue GET requests until `requests` in all
 * are done (or `duration_ms` passes), checking every response's status and
 * length and, for /bytes/N, every byte. Prints one summary line:
 *
 *   httpload: ok=N errors=E bytes=B elapsed_us=T rps=R mean_us=M max_us=X
 *
 *   arguments (first keyboard line, see los/args.h):
 *     host=10.0.0.1 port=80 path=/bytes/1024 conns=4 requests=1000 keepalive=1
 *     duration_ms=0 verify=1 quit=0 (quit=1: GET /quit when done)
 *     hold_ms=0 (keep each connection open, idle, this long before closing)
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"

static net_ip host;
static uint16_t port;
static const char *path;
static int keepalive, verify;
static long target;
static uint64_t deadline, hold_us;
static long issued, ok, errors;
static unsigned long long bytes, latency_sum, latency_max;
static int running;
static int is_bytes_path;
static char *expected; /* the body of /bytes/N, to compare with memcmp */
static uint32_t expected_len;
static char first_error[96];

static long fail(const char *what, int err) {
  if (!first_error[0]) snprintf(first_error, sizeof first_error, "%s (errno %d)", what, err);
  return -1;
}

/* Reads one response; returns its body length, or -1. Leftover bytes stay in buf. */
static long read_response(los_sock *s, char *buf, size_t cap, size_t *have) {
  char *end;
  while (!(end = strstr(buf, "\r\n\r\n"))) {
    if (*have >= cap) return fail("response header too long", 0);
    int n = los_recv_timeout(s, buf + *have, cap - *have, 30000000);
    if (n <= 0) return fail(n == 0 ? "connection closed before the header" : "receiving the header", errno);
    *have += (size_t)n;
    buf[*have] = 0;
  }
  int code = strncmp(buf, "HTTP/1.", 7) == 0 && buf[8] == ' ' ? atoi(buf + 9) : 0;
  if (code != 200) return fail("status not 200", code);
  long length = -1;
  for (char *h = strchr(buf, '\n'); h && h < end; h = strchr(h + 1, '\n')) {
    if ((h[1] == 'C' || h[1] == 'c') && strncasecmp(h + 1, "Content-Length:", 15) == 0) {
      length = strtol(h + 16, NULL, 10);
    }
  }
  if (length < 0) return fail("no Content-Length", 0);
  size_t head = (size_t)(end - buf) + 4;
  size_t in_buf = *have - head;
  long got = 0, bad = 0;
  /* body bytes already in the buffer */
  size_t take = in_buf < (size_t)length ? in_buf : (size_t)length;
  int check = verify && is_bytes_path && (uint32_t)length == expected_len;
  if (check && memcmp(buf + head, expected, take) != 0) bad++;
  got = (long)take;
  memmove(buf, buf + head + take, in_buf - take + 1);
  *have = in_buf - take;
  char chunk[4096];
  while (got < length) {
    size_t want = (size_t)(length - got) < sizeof chunk ? (size_t)(length - got) : sizeof chunk;
    int n = los_recv_timeout(s, chunk, want, 30000000);
    if (n <= 0) return fail(n == 0 ? "connection closed in the body" : "receiving the body", errno);
    if (check && memcmp(chunk, expected + got, (size_t)n) != 0) bad++;
    got += n;
  }
  return bad ? fail("wrong body bytes", (int)bad) : length;
}

static void client(void *arg) {
  (void)arg;
  char req[512];
  int rlen = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: load\r\n%s\r\n", path,
                      keepalive ? "" : "Connection: close\r\n");
  char *buf = malloc(8193);
  los_sock *s = NULL;
  size_t have = 0;
  while (buf) {
    if (target > 0 && issued >= target) break;
    if (deadline && los_now_us() >= deadline) break;
    issued++;
    if (!s) {
      s = los_tcp_connect(host, port);
      have = 0;
      buf[0] = 0;
      if (!s) {
        fail("connect", errno);
        errors++;
        los_sleep_us(10000);
        continue;
      }
    }
    uint64_t t0 = los_now_us();
    long n = -1;
    if (los_send(s, req, (size_t)rlen) >= 0) n = read_response(s, buf, 8192, &have);
    else fail("sending the request", errno);
    uint64_t dt = los_now_us() - t0;
    if (n < 0) {
      errors++;
      los_close(s);
      s = NULL;
      continue;
    }
    ok++;
    bytes += (unsigned long long)n;
    latency_sum += dt;
    if (dt > latency_max) latency_max = dt;
    if (!keepalive) {
      los_close(s);
      s = NULL;
    }
  }
  if (s && hold_us) los_sleep_us(hold_us); /* keep the idle connection open a while */
  if (s) los_close(s);
  free(buf);
  running--;
}

int main(void) {
  int argc;
  char **argv;
  los_args("httpload", &argc, &argv);
  host = los_ip_parse(arg_value(argc, argv, "host", "10.0.0.1"));
  port = (uint16_t)arg_long(argc, argv, "port", 80);
  path = arg_value(argc, argv, "path", "/bytes/1024");
  int conns = (int)arg_long(argc, argv, "conns", 4);
  target = arg_long(argc, argv, "requests", 1000);
  long duration_ms = arg_long(argc, argv, "duration_ms", 0);
  keepalive = (int)arg_long(argc, argv, "keepalive", 1);
  verify = (int)arg_long(argc, argv, "verify", 1);
  int quit = (int)arg_long(argc, argv, "quit", 0);
  hold_us = (uint64_t)arg_long(argc, argv, "hold_ms", 0) * 1000;
  is_bytes_path = strncmp(path, "/bytes/", 7) == 0;
  if (is_bytes_path && verify) {
    expected_len = (uint32_t)strtoul(path + 7, NULL, 10);
    expected = malloc(expected_len ? expected_len : 1);
    if (!expected) {
      printf("httpload: no memory for the expected body of %u bytes\n", expected_len);
      return 2;
    }
    for (uint32_t i = 0; i < expected_len; i++) expected[i] = http_pattern(i);
  }
  if (duration_ms > 0 && !arg_value(argc, argv, "requests", NULL)) target = 0;
  uint64_t start = los_now_us();
  if (duration_ms > 0) deadline = start + (uint64_t)duration_ms * 1000;
  for (int i = 0; i < conns; i++) {
    if (los_spawn(client, NULL, "client") == 0) running++;
  }
  while (running > 0) los_sleep_us(1000);
  uint64_t elapsed = los_now_us() - start;
  if (quit) {
    los_sock *s = los_tcp_connect(host, port);
    if (s) {
      const char *q = "GET /quit HTTP/1.0\r\n\r\n";
      los_send(s, q, strlen(q));
      char tmp[256];
      while (los_recv_timeout(s, tmp, sizeof tmp, 1000000) > 0) {
      }
      los_close(s);
    }
  }
  unsigned long long rps = elapsed ? (unsigned long long)ok * 1000000ull / elapsed : 0;
  printf("httpload: ok=%ld errors=%ld bytes=%llu elapsed_us=%llu rps=%llu mean_us=%llu max_us=%llu\n",
         ok, errors, bytes, (unsigned long long)elapsed, rps,
         ok ? latency_sum / (unsigned long long)ok : 0ull, latency_max);
  if (errors) printf("httpload: first error: %s\n", first_error);
  return errors ? 1 : 0;
}
