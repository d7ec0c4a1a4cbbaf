/*
 * Disk driver (kernel/ISA.md, "Disk"; line 3). Requests are asynchronous:
 * los_disk_submit hands the request block to the device with one OUT (or
 * queues it while the device's queue is full), and the bottom half takes
 * completion tags (the tag is the request's address), marks the requests
 * done, calls their callbacks, wakes their waiters and submits queued ones.
 */
#include <los/dev.h>
#include <los/irq.h>

#include "../kern/kern.h"

#define QUEUE_DEPTH 32 /* the device's default: more get BUSY */

static los_list queued = LOS_LIST_INIT(queued);
static unsigned in_flight;
static int installed;

static void finish(struct los_disk_io *io) {
  io->finished = 1;
  los_wake_all(&io->waiters);
  if (io->done) io->done(io);
}

static void submit_queued(void) {
  while (in_flight < QUEUE_DEPTH && !los_list_empty(&queued)) {
    struct los_disk_io *io = los_container_of(queued.next, struct los_disk_io, link);
    outl(DN_DISK_SUBMIT, (uint32_t)(uintptr_t)&io->req);
    if (io->req.status == DN_DISK_BUSY) return; /* the device is full: wait for completions */
    los_list_remove(&io->link);
    in_flight++;
  }
}

static void disk_irq(void) {
  uint32_t tag;
  while ((tag = inl(DN_DISK_COMPLETED)) != 0xFFFFFFFFu) {
    struct los_disk_io *io = (struct los_disk_io *)(uintptr_t)tag;
    if (in_flight > 0) in_flight--;
    finish(io);
  }
  submit_queued();
}

static void install(void) {
  if (installed) return;
  installed = 1;
  los_irq_register(DN_LINE_DISK, disk_irq);
}

unsigned los_disk_count(void) { return DN_VREG(DN_VREG_DISK_COUNT); }

uint32_t los_disk_blocks(unsigned disk) {
  return disk < 4 ? DN_VREG(DN_VREG_DISK_BLOCKS + 4 * disk) : 0;
}

void los_disk_submit(struct los_disk_io *io, uint32_t op, unsigned disk, uint32_t block,
                     uint32_t count, void *buf) {
  install();
  io->req.op = op;
  io->req.disk = disk;
  io->req.block = block;
  io->req.count = count;
  io->req.buffer = (uint32_t)(uintptr_t)buf;
  io->req.status = DN_DISK_PENDING;
  io->req.tag = (uint32_t)(uintptr_t)io;
  io->buf = buf;
  io->finished = 0;
  los_list_init(&io->waiters);
  los_list_push(&queued, &io->link);
  submit_queued();
}

uint32_t los_disk_wait(struct los_disk_io *io) {
  while (!io->finished) los_block(&io->waiters);
  return io->req.status;
}

static uint32_t run(uint32_t op, unsigned disk, uint32_t block, uint32_t count, void *buf) {
  struct los_disk_io io = {0};
  los_disk_submit(&io, op, disk, block, count, buf);
  return los_disk_wait(&io);
}

uint32_t los_disk_read(unsigned disk, uint32_t block, uint32_t count, void *buf) {
  return run(DN_DISK_READ, disk, block, count, buf);
}

uint32_t los_disk_write(unsigned disk, uint32_t block, uint32_t count, const void *buf) {
  return run(DN_DISK_WRITE, disk, block, count, (void *)buf);
}

uint32_t los_disk_flush(unsigned disk) { return run(DN_DISK_FLUSH, disk, 0, 0, 0); }
