/*
 * gameclient: a player for gameserver. Joins, sends an input every tick
 * (moving towards the centre), and for `seconds` counts snapshots and
 * measures latency: from sending input k to the first snapshot that says
 * input k was applied. Prints one summary line.
 *
 *   arguments (first keyboard line, see los/args.h):
 *     host=10.0.0.1 port=27960 hz=20 seconds=5 name=player
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "game.h"
#include "http.h"

#define HISTORY 1024

static los_sock *sock;
static net_ip host;
static uint16_t port;
static int player = -1;
static int16_t x, y;
static uint32_t acked, snapshots, samples;
static uint64_t sent_at[HISTORY], latency_sum, latency_max;
static int done;

static void receiver(void *arg) {
  (void)arg;
  struct msg_snapshot s;
  while (!done) {
    int n = los_recvfrom(sock, &s, sizeof s, NULL, NULL, 200000);
    if (n < 1) continue;
    if (s.type == MSG_WELCOME) player = ((struct msg_welcome *)&s)->player;
    if (s.type != MSG_SNAPSHOT || n < 12) continue;
    snapshots++;
    for (int i = 0; i < s.count && i < GAME_MAX_PLAYERS; i++) {
      if (s.players[i].id == player) x = s.players[i].x, y = s.players[i].y;
    }
    if (s.ack_seq > acked) {
      uint64_t dt = los_now_us() - sent_at[s.ack_seq % HISTORY];
      latency_sum += dt;
      if (dt > latency_max) latency_max = dt;
      samples++;
      acked = s.ack_seq;
    }
  }
}

int main(void) {
  int argc;
  char **argv;
  los_args("gameclient", &argc, &argv);
  host = los_ip_parse(arg_value(argc, argv, "host", "10.0.0.1"));
  port = (uint16_t)arg_long(argc, argv, "port", GAME_PORT);
  uint32_t hz = (uint32_t)arg_long(argc, argv, "hz", 20);
  uint32_t seconds = (uint32_t)arg_long(argc, argv, "seconds", 5);
  const char *name = arg_value(argc, argv, "name", "player");
  sock = los_udp_open(0);
  los_thread *r = los_thread_create(receiver, NULL, 0, "receiver");
  struct msg_join j = {MSG_JOIN, {0}};
  strncpy(j.name, name, sizeof j.name - 1);
  for (int tries = 0; player < 0 && tries < 50; tries++) {
    los_sendto(sock, host, port, &j, sizeof j);
    los_sleep_us(100000);
  }
  if (player < 0) {
    printf("gameclient: no welcome from the server\n");
    done = 1;
    los_thread_join(r);
    return 1;
  }
  uint64_t period = 1000000 / hz, next = los_now_us();
  uint32_t seq = 0, total = seconds * hz;
  for (uint32_t i = 0; i < total; i++) {
    struct msg_input in = {MSG_INPUT, (uint8_t)player, (int8_t)(x < 0 ? 3 : x > 0 ? -3 : 0),
                           (int8_t)(y < 0 ? 3 : y > 0 ? -3 : 0), ++seq};
    sent_at[seq % HISTORY] = los_now_us();
    los_sendto(sock, host, port, &in, sizeof in);
    next += period;
    los_sleep_until(next);
  }
  los_sleep_us(300000); /* the last snapshots */
  done = 1;
  uint8_t leave = MSG_LEAVE;
  los_sendto(sock, host, port, &leave, 1);
  los_thread_join(r);
  printf("gameclient %s: player %d, %u inputs, %u snapshots, latency mean %llu us max %llu us\n",
         name, player, seq, snapshots, samples ? latency_sum / samples : 0ull, latency_max);
  return snapshots > 0 && samples > 0 ? 0 : 1;
}
