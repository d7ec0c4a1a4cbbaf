/*
 * kvstore: a key-value store that persists to its virtual disk (disk 0).
 *
 * Protocol: lines over TCP (default port 7000):
 *   SET key value...   -> OK            (durable on disk when OK is sent)
 *   GET key            -> VALUE value... | NOTFOUND
 *   DEL key            -> OK | NOTFOUND
 *   COUNT              -> COUNT n
 *   SHUTDOWN           -> BYE, then the VM exits with 0
 *
 * Disk layout: block 0 is a superblock {u32 magic "DNKV", u32 version 1,
 * u32 log_end, u32 records}; from block 1 a log of records {u32 magic "KVR1",
 * u16 key_len, u16 flags (1: delete), u32 value_len, u32 checksum (FNV-1a of
 * key and value)} + key + value, each padded to 4 bytes. At start the log is
 * replayed into an in-memory hash table (stopping at the first bad record).
 *
 * Group commit: connection threads append their records to a pending batch
 * and wait; one committer thread writes the batch's blocks, flushes, then
 * writes the superblock with the new log end and flushes again (so a record
 * is live only once its bytes are durable), and wakes every waiter. Many
 * clients' writes share two flushes.
 *
 *   arguments (first keyboard line, see los/args.h): port=7000
 */
#include <errno.h>
#include <los.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"

#define SB_MAGIC 0x564B4E44u  /* "DNKV" */
#define REC_MAGIC 0x3152564Bu /* "KVR1" */
#define BLOCK 4096u
#define MAX_KEY 255
#define MAX_VALUE 4000
#define BUCKETS 4096

struct entry {
  struct entry *next;
  char *key, *value;
};

static struct entry *table[BUCKETS];
static uint32_t live_keys;
static uint32_t disk_blocks;

/* The log: bytes [0, log_end) are durable; the last partial block is also in `tail`. */
static uint32_t log_end, records;
static uint8_t tail[BLOCK];

/* The batch being built and the commit sequence. */
static uint8_t *batch;
static uint32_t batch_len, batch_cap, batch_records;
static uint64_t batch_seq, committed_seq;
static int commit_failed;
static los_cond batch_ready, batch_done;

static uint32_t fnv(const void *p, size_t n, uint32_t h) {
  const uint8_t *b = p;
  while (n--) h = (h ^ *b++) * 16777619u;
  return h;
}

static struct entry **slot(const char *key) {
  struct entry **e = &table[fnv(key, strlen(key), 2166136261u) % BUCKETS];
  while (*e && strcmp((*e)->key, key) != 0) e = &(*e)->next;
  return e;
}

static void apply(const char *key, const char *value) {
  struct entry **e = slot(key);
  if (!value) {
    if (*e) {
      struct entry *dead = *e;
      *e = dead->next;
      free(dead->key);
      free(dead->value);
      free(dead);
      live_keys--;
    }
    return;
  }
  char *v = strdup(value);
  if (!v) return;
  if (*e) {
    free((*e)->value);
    (*e)->value = v;
    return;
  }
  struct entry *n = malloc(sizeof *n);
  if (!n || !(n->key = strdup(key))) {
    free(n);
    free(v);
    return;
  }
  n->value = v;
  n->next = NULL;
  *e = n;
  live_keys++;
}

static void write_superblock(uint8_t *block) {
  memset(block, 0, BLOCK);
  uint32_t sb[4] = {SB_MAGIC, 1, log_end, records};
  memcpy(block, sb, sizeof sb);
}

/* Reads the superblock and replays the log. */
static void recover(void) {
  uint8_t *b = malloc(BLOCK);
  if (!b || los_disk_read(0, 0, 1, b) != 0) {
    printf("kvstore: cannot read the superblock\n");
    exit(1);
  }
  uint32_t sb[4];
  memcpy(sb, b, sizeof sb);
  if (sb[0] != SB_MAGIC || sb[1] != 1) { /* a fresh disk: format it */
    log_end = records = 0;
    write_superblock(b);
    if (los_disk_write(0, 0, 1, b) != 0 || los_disk_flush(0) != 0) {
      printf("kvstore: cannot format the disk\n");
      exit(1);
    }
    free(b);
    printf("kvstore: formatted a disk of %u blocks\n", disk_blocks);
    return;
  }
  uint32_t end = sb[2], blocks = (end + BLOCK - 1) / BLOCK;
  uint8_t *log = malloc((size_t)blocks * BLOCK + 1);
  if (!log || (blocks && los_disk_read(0, 1, blocks, log) != 0)) {
    printf("kvstore: cannot read the log\n");
    exit(1);
  }
  uint32_t at = 0, n = 0;
  char key[MAX_KEY + 1];
  while (at + 16 <= end) {
    uint32_t h[4];
    memcpy(h, log + at, 16);
    uint32_t klen = h[1] & 0xffff, flags = h[1] >> 16, vlen = h[2];
    if (h[0] != REC_MAGIC || klen > MAX_KEY || vlen > MAX_VALUE || at + 16 + klen + vlen > end) break;
    const uint8_t *k = log + at + 16, *v = k + klen;
    if (fnv(v, vlen, fnv(k, klen, 2166136261u)) != h[3]) break;
    memcpy(key, k, klen);
    key[klen] = 0;
    if (flags & 1) {
      apply(key, NULL);
    } else {
      char saved = (char)v[vlen];
      ((uint8_t *)v)[vlen] = 0;
      apply(key, (const char *)v);
      ((uint8_t *)v)[vlen] = (uint8_t)saved;
    }
    at += (16 + klen + vlen + 3) & ~3u;
    n++;
  }
  log_end = at;
  records = n;
  memset(tail, 0, BLOCK);
  if (log_end % BLOCK) memcpy(tail, log + log_end / BLOCK * BLOCK, log_end % BLOCK);
  free(log);
  free(b);
  printf("kvstore: recovered %u keys from %u records (%u bytes of log)\n", live_keys, n, log_end);
}

/* Appends a record to the pending batch; returns the batch's sequence number. */
static int64_t append(const char *key, const char *value) {
  uint32_t klen = (uint32_t)strlen(key), vlen = value ? (uint32_t)strlen(value) : 0;
  uint32_t len = (16 + klen + vlen + 3) & ~3u;
  if (4096u + log_end + batch_len + len > (uint64_t)disk_blocks * BLOCK) return -1;
  if (batch_len + len > batch_cap) {
    uint32_t cap = batch_cap ? batch_cap * 2 : 65536;
    while (cap < batch_len + len) cap *= 2;
    uint8_t *p = realloc(batch, cap);
    if (!p) return -1;
    batch = p;
    batch_cap = cap;
  }
  uint32_t h[4] = {REC_MAGIC, klen | (value ? 0u : 1u << 16), vlen,
                   fnv(value ? value : "", vlen, fnv(key, klen, 2166136261u))};
  uint8_t *r = batch + batch_len;
  memcpy(r, h, 16);
  memcpy(r + 16, key, klen);
  if (vlen) memcpy(r + 16 + klen, value, vlen);
  memset(r + 16 + klen + vlen, 0, len - 16 - klen - vlen);
  batch_len += len;
  batch_records++;
  los_cond_signal(&batch_ready);
  return (int64_t)batch_seq;
}

/* Waits until the batch `seq` is durable; 0 if it is, -1 if the disk failed. */
static int wait_commit(int64_t seq) {
  while ((int64_t)committed_seq <= seq) los_cond_wait(&batch_done, NULL);
  return commit_failed ? -1 : 0;
}

static void committer(void *arg) {
  (void)arg;
  uint8_t *sb = malloc(BLOCK);
  for (;;) {
    while (batch_len == 0) los_cond_wait(&batch_ready, NULL);
    /* Take the batch; new appends start the next one. */
    uint8_t *data = batch;
    uint32_t len = batch_len, n = batch_records;
    batch = NULL;
    batch_len = batch_cap = batch_records = 0;
    batch_seq++;
    /* Blocks [first, last] of the log get the tail's old bytes plus the batch. */
    uint32_t first = log_end / BLOCK, off = log_end % BLOCK;
    uint32_t blocks = (off + len + BLOCK - 1) / BLOCK;
    uint8_t *out = malloc((size_t)blocks * BLOCK);
    int ok = out != NULL && sb != NULL;
    if (ok) {
      memset(out, 0, (size_t)blocks * BLOCK);
      memcpy(out, tail, off);
      memcpy(out + off, data, len);
      ok = los_disk_write(0, 1 + first, blocks, out) == 0 && los_disk_flush(0) == 0;
    }
    if (ok) {
      log_end += len;
      records += n;
      write_superblock(sb);
      ok = los_disk_write(0, 0, 1, sb) == 0 && los_disk_flush(0) == 0;
      memset(tail, 0, BLOCK);
      if (log_end % BLOCK) memcpy(tail, out + (size_t)(blocks - 1) * BLOCK, log_end % BLOCK);
    }
    if (!ok) {
      commit_failed = 1;
      printf("kvstore: disk write failed\n");
    }
    free(out);
    free(data);
    committed_seq = batch_seq;
    los_cond_broadcast(&batch_done);
  }
}

static void reply(los_sock *c, const char *text) { los_send(c, text, strlen(text)); }

static void session(void *arg) {
  los_sock *c = arg;
  char *line = malloc(MAX_KEY + MAX_VALUE + 16);
  char buf[1024];
  size_t have = 0, cap = MAX_KEY + MAX_VALUE + 15;
  for (;;) {
    int n = los_recv(c, buf, sizeof buf);
    if (n <= 0) break;
    for (int i = 0; i < n; i++) {
      if (buf[i] != '\n') {
        if (have < cap) line[have++] = buf[i];
        continue;
      }
      if (have && line[have - 1] == '\r') have--;
      line[have] = 0;
      have = 0;
      char *save, *cmd = strtok_r(line, " ", &save);
      char *key = cmd ? strtok_r(NULL, " ", &save) : NULL;
      char *value = save; /* the rest of the line, spaces included */
      if (!cmd) continue;
      if (strcmp(cmd, "SET") == 0 && key && value && *value && strlen(key) <= MAX_KEY &&
          strlen(value) <= MAX_VALUE) {
        int64_t seq = append(key, value);
        if (seq < 0 || wait_commit(seq) != 0) {
          reply(c, "ERR disk\n");
        } else {
          apply(key, value);
          reply(c, "OK\n");
        }
      } else if (strcmp(cmd, "GET") == 0 && key) {
        struct entry *e = *slot(key);
        if (e) {
          los_send(c, "VALUE ", 6);
          los_send(c, e->value, strlen(e->value));
          reply(c, "\n");
        } else {
          reply(c, "NOTFOUND\n");
        }
      } else if (strcmp(cmd, "DEL") == 0 && key) {
        if (!*slot(key)) {
          reply(c, "NOTFOUND\n");
          continue;
        }
        int64_t seq = append(key, NULL);
        if (seq < 0 || wait_commit(seq) != 0) reply(c, "ERR disk\n");
        else apply(key, NULL), reply(c, "OK\n");
      } else if (strcmp(cmd, "COUNT") == 0) {
        char out[32];
        snprintf(out, sizeof out, "COUNT %u\n", live_keys);
        reply(c, out);
      } else if (strcmp(cmd, "SHUTDOWN") == 0) {
        reply(c, "BYE\n");
        los_close_linger(c, 10000000); /* the answer must arrive: this VM exits next */
        printf("kvstore: shutdown with %u keys, %u records\n", live_keys, records);
        exit(0);
      } else {
        reply(c, "ERR bad command\n");
      }
    }
  }
  free(line);
  los_close(c);
}

int main(void) {
  int argc;
  char **argv;
  los_args("kvstore", &argc, &argv);
  uint16_t port = (uint16_t)arg_long(argc, argv, "port", 7000);
  disk_blocks = los_disk_blocks(0);
  if (disk_blocks < 2) {
    printf("kvstore: needs a disk at index 0\n");
    return 1;
  }
  los_cond_init(&batch_ready);
  los_cond_init(&batch_done);
  recover();
  los_spawn(committer, NULL, "committer");
  los_sock *l = los_tcp_listen(port, 64);
  if (!l) {
    printf("kvstore: cannot listen on port %u\n", port);
    return 1;
  }
  char ip[16];
  printf("kvstore: serving %u keys on %s port %u\n", live_keys, los_ip_str(los_net_ip(), ip), port);
  for (;;) {
    los_sock *c = los_tcp_accept(l);
    if (c && los_spawn(session, c, "session") != 0) los_close(c);
  }
}
