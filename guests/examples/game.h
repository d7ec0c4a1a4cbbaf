/*
 * The wire format of the example game (gameserver.c, gameclient.c): UDP
 * datagrams of little-endian structs, as a Quake-like server exchanges:
 * clients send inputs, the server simulates at a fixed tick rate and sends
 * every player a snapshot of the world each tick.
 */
#ifndef EXAMPLES_GAME_H
#define EXAMPLES_GAME_H

#include <stdint.h>

#define GAME_PORT 27960
#define GAME_MAX_PLAYERS 32
enum { MSG_JOIN = 1, MSG_WELCOME = 2, MSG_INPUT = 3, MSG_SNAPSHOT = 4, MSG_LEAVE = 5, MSG_FULL = 6 };

struct msg_join {
  uint8_t type;
  char name[15];
};

struct msg_welcome {
  uint8_t type, player;
  uint16_t tick_hz;
};

struct msg_input {
  uint8_t type, player;
  int8_t dx, dy;
  uint32_t seq;
};

struct player_state {
  uint8_t id, alive;
  int16_t x, y;
  uint16_t score;
};

struct msg_snapshot {
  uint8_t type, count;
  uint16_t pad;
  uint32_t tick;
  uint32_t ack_seq; /* the last input of the receiving player applied */
  struct player_state players[GAME_MAX_PLAYERS];
};

#endif
