/*
 * The library OS's network interface: one TCP/IP stack (src/net) bound to
 * the NIC driver. Frames from the NIC bottom half go to net_input; the
 * stack's timers run from one callout armed at net_deadline; right before
 * the VM idles, delayed ACKs go out (net_flush), so a reply a thread was
 * about to send carries the ACK, and an idle VM never sits on one.
 */
#include <denali.h>
#include <los/dev.h>
#include <los/socket.h>
#include <los/sync.h>
#include <los/thread.h>
#include <los/timer.h>
#include <stdio.h>
#include <stdlib.h>

#include "../kern/kern.h"
#include "sock.h"

static struct net *stack;
static struct los_net_config config;
static los_callout timer;

net_ip los_ip_of_vm(uint32_t id) { return NET_IP(10, 0, (id >> 8) & 255, id & 255); }

void los_net_configure(const struct los_net_config *c) { config = *c; }

char *los_ip_str(net_ip ip, char *buf) {
  snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
  return buf;
}

net_ip los_ip_parse(const char *s) {
  unsigned a, b, c, d;
  char tail;
  if (sscanf(s, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4) return 0;
  if (a > 255 || b > 255 || c > 255 || d > 255) return 0;
  return NET_IP(a, b, c, d);
}

static void send_frame(void *ctx, uint8_t *frame, uint32_t len) {
  (void)ctx;
  los_nic_send_inplace(frame, len);
}

static uint64_t now(void *ctx) {
  (void)ctx;
  return los_now_us();
}

static void wake(void *ctx, void *waiter) {
  (void)ctx;
  los_cond_broadcast(waiter);
}

void los_net_sync(void) {
  uint64_t d = net_deadline(stack);
  if (d == UINT64_MAX) los_callout_cancel(&timer);
  else if (!timer.armed || timer.when != d) los_callout_arm(&timer, d);
}

static void on_timer(void *arg) {
  (void)arg;
  net_poll(stack);
  los_net_sync();
}

static void on_frame(void *ctx, const uint8_t *frame, uint32_t len) {
  (void)ctx;
  net_input(stack, frame, len);
  los_net_sync();
}

static void before_idle(void) {
  net_flush(stack);
  los_net_sync();
}

struct net *los_net(void) {
  if (stack) return stack;
  los_init();
  struct net_config c = {0};
  los_nic_mac(c.mac);
  uint32_t id = DN_VREG(DN_VREG_VM_ID);
  c.ip = config.ip ? config.ip : los_ip_of_vm(id);
  c.netmask = config.netmask ? config.netmask : NET_IP(255, 255, 0, 0);
  c.gateway = config.gateway ? config.gateway : NET_IP(10, 0, 255, 254);
  c.send = send_frame;
  c.now = now;
  c.wake = wake;
  c.tcp_sndbuf = config.tcp_sndbuf;
  c.tcp_rcvbuf = config.tcp_rcvbuf;
  c.rto_min_us = config.rto_min_us;
  stack = net_create(&c);
  if (!stack) {
    fprintf(stderr, "los: cannot start the network: out of memory\n");
    abort();
  }
  los_callout_init(&timer, on_timer, 0);
  los_idle_hook(before_idle);
  los_nic_open(on_frame, 0);
  return stack;
}

net_ip los_net_ip(void) { return net_address(los_net()); }
