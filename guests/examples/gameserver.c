/*
 * gameserver: the paper's Quake II stand-in. Players join over UDP, send
 * inputs (a move per input); the server advances the world at `hz` ticks a
 * second on the timer device (a periodic timer, line 0), applies the inputs
 * received since the last tick, scores players who reach the centre, and
 * sends each player a snapshot of every player with the sequence number of
 * its last input applied (so clients can measure latency). Players silent
 * for two seconds are dropped.
 *
 *   arguments (first keyboard line, see los/args.h): port=27960 hz=20 ticks=0 (0: forever)
 */
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "game.h"
#include "http.h"

struct player {
  int used;
  net_ip ip;
  uint16_t port;
  char name[16];
  int x, y, dx, dy;
  uint16_t score;
  uint32_t last_seq;
  uint64_t last_heard;
};

static struct player players[GAME_MAX_PLAYERS];
static los_sock *sock;
static unsigned long inputs, snapshots;

static struct player *find(net_ip ip, uint16_t port) {
  for (int i = 0; i < GAME_MAX_PLAYERS; i++) {
    if (players[i].used && players[i].ip == ip && players[i].port == port) return &players[i];
  }
  return NULL;
}

static void receiver(void *arg) {
  (void)arg;
  uint8_t buf[256];
  for (;;) {
    net_ip ip;
    uint16_t port;
    int n = los_recvfrom(sock, buf, sizeof buf, &ip, &port, 0);
    if (n < 1) continue;
    struct player *p = find(ip, port);
    if (buf[0] == MSG_JOIN && n >= (int)sizeof(struct msg_join)) {
      if (!p) {
        for (int i = 0; i < GAME_MAX_PLAYERS && !p; i++) {
          if (!players[i].used) {
            p = &players[i];
            memset(p, 0, sizeof *p);
            p->used = 1;
            p->ip = ip;
            p->port = port;
            memcpy(p->name, ((struct msg_join *)buf)->name, 15);
            p->x = (i * 37) % 200 - 100;
            p->y = (i * 91) % 200 - 100;
          }
        }
      }
      if (!p) {
        uint8_t full = MSG_FULL;
        los_sendto(sock, ip, port, &full, 1);
        continue;
      }
      p->last_heard = los_now_us();
      struct msg_welcome w = {MSG_WELCOME, (uint8_t)(p - players), 0};
      los_sendto(sock, ip, port, &w, sizeof w);
    } else if (buf[0] == MSG_INPUT && p && n >= (int)sizeof(struct msg_input)) {
      struct msg_input *in = (struct msg_input *)buf;
      if (in->seq > p->last_seq) {
        p->dx = in->dx;
        p->dy = in->dy;
        p->last_seq = in->seq;
      }
      p->last_heard = los_now_us();
      inputs++;
    } else if (buf[0] == MSG_LEAVE && p) {
      p->used = 0;
    }
  }
}

static void tick(uint32_t t) {
  struct msg_snapshot s;
  memset(&s, 0, sizeof s);
  s.type = MSG_SNAPSHOT;
  s.tick = t;
  uint64_t now = los_now_us();
  for (int i = 0; i < GAME_MAX_PLAYERS; i++) {
    struct player *p = &players[i];
    if (!p->used) continue;
    if (now - p->last_heard > 2000000) {
      p->used = 0;
      continue;
    }
    p->x += p->dx;
    p->y += p->dy;
    if (p->x < -1000) p->x = -1000;
    if (p->x > 1000) p->x = 1000;
    if (p->y < -1000) p->y = -1000;
    if (p->y > 1000) p->y = 1000;
    if (abs(p->x) < 5 && abs(p->y) < 5) p->score++;
    s.players[s.count++] = (struct player_state){(uint8_t)i, 1, (int16_t)p->x, (int16_t)p->y, p->score};
  }
  size_t len = sizeof s - sizeof s.players + s.count * sizeof s.players[0];
  for (int i = 0; i < GAME_MAX_PLAYERS; i++) {
    struct player *p = &players[i];
    if (!p->used) continue;
    s.ack_seq = p->last_seq;
    los_sendto(sock, p->ip, p->port, &s, len);
    snapshots++;
  }
}

int main(void) {
  int argc;
  char **argv;
  los_args("gameserver", &argc, &argv);
  uint16_t port = (uint16_t)arg_long(argc, argv, "port", GAME_PORT);
  uint32_t hz = (uint32_t)arg_long(argc, argv, "hz", 20);
  uint32_t ticks = (uint32_t)arg_long(argc, argv, "ticks", 0);
  sock = los_udp_open(port);
  if (!sock || hz == 0) {
    printf("gameserver: cannot open UDP port %u\n", port);
    return 1;
  }
  char ip[16];
  printf("gameserver: %u Hz on %s port %u\n", hz, los_ip_str(los_net_ip(), ip), port);
  los_spawn(receiver, NULL, "receiver");
  los_timer_periodic(1000000 / hz);
  uint32_t t = 0, late = 0;
  while (ticks == 0 || t < ticks) {
    uint32_t n = los_timer_wait(); /* more than one: the server fell behind */
    late += n - 1;
    t += n;
    tick(t);
  }
  los_timer_periodic(0);
  printf("gameserver: %u ticks (%u late), %lu inputs, %lu snapshots\n", t, late, inputs, snapshots);
  return 0;
}
