/*
 * NIC driver (devices/net/nic.ts; line 2): one PIO per frame sent or
 * received, as in Denali. The receive buffer is registered once; line 2 is
 * raised when a frame lands in an empty receive queue, so the bottom half
 * drains the queue completely and hands every frame to the receiver.
 */
#include <los/dev.h>
#include <los/irq.h>
#include <string.h>

#include "../kern/kern.h"

static struct {
  uint32_t capacity;
  uint8_t bytes[DN_NIC_MAX_FRAME + 2];
} rx_buffer __attribute__((aligned(16)));

static struct {
  uint32_t length;
  uint8_t bytes[DN_NIC_MAX_FRAME + 2];
} tx_copy __attribute__((aligned(16)));

static los_nic_rx_fn *receiver;
static void *receiver_ctx;
static struct los_nic_stats stats;

static void nic_irq(void) {
  uint32_t n, batch = 0;
  while ((n = inl(DN_NIC_RX)) != 0) {
    batch++;
    if (receiver) receiver(receiver_ctx, rx_buffer.bytes, n);
  }
  stats.rx_frames += batch;
  if (batch) stats.rx_batches++;
}

void los_nic_open(los_nic_rx_fn *rx, void *ctx) {
  receiver = rx;
  receiver_ctx = ctx;
  rx_buffer.capacity = sizeof rx_buffer.bytes;
  outl(DN_NIC_RX_BUFFER, (uint32_t)(uintptr_t)&rx_buffer);
  los_irq_register(DN_LINE_NIC, nic_irq);
  nic_irq(); /* frames that arrived before we listened raised their line already */
}

void los_nic_mac(uint8_t mac[6]) {
  uint32_t lo = DN_VREG(DN_VREG_MAC_LO), hi = DN_VREG(DN_VREG_MAC_HI);
  for (int i = 0; i < 4; i++) mac[i] = (uint8_t)(lo >> (8 * i));
  mac[4] = (uint8_t)hi;
  mac[5] = (uint8_t)(hi >> 8);
}

int los_nic_send_inplace(uint8_t *frame, uint32_t len) {
  uint32_t *head = (uint32_t *)(void *)(frame - 4);
  *head = len;
  outl(DN_NIC_TX, (uint32_t)(uintptr_t)head);
  uint32_t status = inl(DN_NIC_TX);
  if (status == 0) stats.tx_frames++;
  else stats.tx_dropped++;
  return (int)status;
}

int los_nic_send(const void *frame, uint32_t len) {
  if (len > DN_NIC_MAX_FRAME) return -1;
  memcpy(tx_copy.bytes, frame, len);
  return los_nic_send_inplace(tx_copy.bytes, len);
}

void los_nic_stats(struct los_nic_stats *out) { *out = stats; }
