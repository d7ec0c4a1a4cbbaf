/*
 * Device drivers of the library OS (kernel/ISA.md and devices/net/nic.ts give
 * the ABIs). Every blocking call blocks only the calling thread. The console
 * driver is stdio (stdout/stderr); the keyboard also backs stdin.
 */
#ifndef LOS_DEV_H
#define LOS_DEV_H

#include <denali.h>
#include <los/list.h>
#include <stdint.h>

/* ---- keyboard (line 1) ---- */

/* Reads 1..n bytes, waiting for input; returns 0 at end of input. */
int los_kbd_read(void *buf, uint32_t n);

/* ---- NIC (line 2) ---- */

/* Receives each frame; `frame` is valid during the call only. */
typedef void los_nic_rx_fn(void *ctx, const uint8_t *frame, uint32_t len);

/* Starts the NIC: registers the receive buffer and delivers every frame to `rx`. */
void los_nic_open(los_nic_rx_fn *rx, void *ctx);
/* The VM's MAC address (from the virtual registers). */
void los_nic_mac(uint8_t mac[6]);
/*
 * Sends a frame of `len` bytes (14..1514). The 4 bytes before `frame` must be
 * writable: the driver writes the length there and hands the device the
 * frame in place, with one OUT (no copy). Returns 0, or the device's send
 * status (1: transmit queue full, dropped).
 */
int los_nic_send_inplace(uint8_t *frame, uint32_t len);
/* Sends a frame from any buffer (copied). */
int los_nic_send(const void *frame, uint32_t len);

struct los_nic_stats {
  uint64_t rx_frames, rx_batches, tx_frames, tx_dropped;
};
void los_nic_stats(struct los_nic_stats *out);

/* ---- disk (line 3) ---- */

/* An asynchronous disk request. Fill op, disk, block, count and buf; keep it alive until done. */
struct los_disk_io {
  struct dn_disk_request req; /* the device's request block (status written by the device) */
  void *buf;
  void (*done)(struct los_disk_io *io); /* called from the scheduler when it completes (may be 0) */
  void *arg;
  int finished;
  los_list link;    /* driver queue */
  los_list waiters; /* threads in los_disk_wait */
};

/* Number of disk indices in use (DISK_COUNT), and the blocks of disk `i` (0: none). */
unsigned los_disk_count(void);
uint32_t los_disk_blocks(unsigned disk);
/* Queues `io` (op DN_DISK_READ/WRITE/FLUSH); returns at once. */
void los_disk_submit(struct los_disk_io *io, uint32_t op, unsigned disk, uint32_t block,
                     uint32_t count, void *buf);
/* Waits for `io` to complete; returns its status (0: OK; see DN_DISK_*). */
uint32_t los_disk_wait(struct los_disk_io *io);
/* Blocking helpers: status 0 on success. */
uint32_t los_disk_read(unsigned disk, uint32_t block, uint32_t count, void *buf);
uint32_t los_disk_write(unsigned disk, uint32_t block, uint32_t count, const void *buf);
uint32_t los_disk_flush(unsigned disk);

#endif
