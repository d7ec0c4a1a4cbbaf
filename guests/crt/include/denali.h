/*
 * Denali guest interface: hypercalls (VMCALL) and port I/O, as specified in
 * kernel/ISA.md. Header-only; every function is a static inline wrapper
 * around one instruction.
 */
#ifndef DENALI_H
#define DENALI_H

#include <stdint.h>

/* Hypercall numbers (EAX). */
#define DN_TERMINATE 0u
#define DN_IDLE 1u
#define DN_YIELD 2u
#define DN_SET_FS_BASE 3u
#define DN_SET_GS_BASE 4u

/* Console ports. */
#define DN_CONSOLE_BYTE 0x100u
#define DN_CONSOLE_BUFFER 0x104u

/* Guest memory layout (kernel/layout.ts). */
#define DN_VREGS_PAGE 0x1000u
#define DN_IMAGE_BASE 0x10000u
#define DN_NO_TIMEOUT 0xFFFFFFFFu

/* Virtual registers: byte offsets in the page at DN_VREGS_PAGE (kernel/layout.ts, VREG). */
#define DN_VREG_VERSION 0x00u
#define DN_VREG_VM_ID 0x04u
#define DN_VREG_MEM_SIZE 0x08u
#define DN_VREG_CPU_KHZ 0x0cu
#define DN_VREG_TIME_LO 0x10u
#define DN_VREG_TIME_HI 0x14u
#define DN_VREG_PENDING 0x18u
#define DN_VREG_IF 0x1cu
#define DN_VREG_HANDLER 0x20u
#define DN_VREG_HANDLER_STACK 0x24u
#define DN_VREG_QUANTUM 0x28u
#define DN_VREG_WAITING 0x2cu
#define DN_VREG_MAC_LO 0x30u     /* NIC: MAC bytes 0-3 (byte 0 in the low bits) */
#define DN_VREG_MAC_HI 0x34u     /* NIC: MAC bytes 4-5 */
#define DN_VREG_DISK_COUNT 0x38u /* 1 + the highest disk index mapped (0: none) */
#define DN_VREG_DISK_BLOCKS 0x3cu /* u32 x 4: blocks of disks 0-3 */

/* Interrupt lines (kernel/ISA.md, "Device assignments"). */
#define DN_LINE_TIMER 0u
#define DN_LINE_KEYBOARD 1u
#define DN_LINE_NIC 2u
#define DN_LINE_DISK 3u

/* Timer ports (kernel/ISA.md, "Timer"); times in microseconds. */
#define DN_TIMER_ONESHOT 0x400u  /* OUT: arm one-shot; IN32: us until expiry */
#define DN_TIMER_PERIODIC 0x404u /* OUT: arm periodic (0 disarms); IN32: the period */
#define DN_TIMER_DISARM 0x408u   /* OUT: disarm; IN32: expirations since armed */

/* Keyboard ports (kernel/ISA.md, "Keyboard"). */
#define DN_KBD_DATA 0x500u    /* IN: next byte, or all ones */
#define DN_KBD_WAITING 0x504u /* IN32: bytes waiting */
#define DN_KBD_DROPPED 0x508u /* IN32: bytes dropped */
#define DN_KBD_STATUS 0x50cu  /* IN32: bit 0 = input ended */

/* NIC ports (devices/net/nic.ts). */
#define DN_NIC_TX 0x200u         /* OUT32: send {u32 len; bytes}; IN32: status of the last send */
#define DN_NIC_RX 0x204u         /* IN32: receive the next frame, returns its length or 0 */
#define DN_NIC_RX_BUFFER 0x208u  /* OUT32: register {u32 capacity; bytes} */
#define DN_NIC_RX_PENDING 0x20cu /* IN32: frames waiting */
#define DN_NIC_MAX_FRAME 1514u

/* Disk ports and request block (kernel/ISA.md, "Disk"). */
#define DN_DISK_SUBMIT 0x300u    /* OUT32: guest address of a request block */
#define DN_DISK_COMPLETED 0x304u /* IN32: tag of the oldest completion, or all ones */
#define DN_DISK_IN_FLIGHT 0x308u /* IN32: requests in flight */
#define DN_DISK_BLOCK 4096u
#define DN_DISK_READ 1u
#define DN_DISK_WRITE 2u
#define DN_DISK_FLUSH 3u
#define DN_DISK_OK 0u
#define DN_DISK_BUSY 6u
#define DN_DISK_PENDING 0xFFFFFFFFu

/* A disk request block (28 bytes, little-endian u32s). */
struct dn_disk_request {
  uint32_t op, disk, block, count, buffer;
  volatile uint32_t status;
  uint32_t tag;
};

/* The virtual register at byte offset `off` (volatile: the kernel updates it). */
#define DN_VREG(off) (*(volatile uint32_t *)(uintptr_t)(DN_VREGS_PAGE + (off)))

/* VMCALL with function `fn` and arguments in EBX, ECX, EDX; returns EAX. */
static inline uint32_t dn_vmcall(uint32_t fn, uint32_t a, uint32_t b, uint32_t c) {
  uint32_t r;
  __asm__ volatile("vmcall" : "=a"(r) : "a"(fn), "b"(a), "c"(b), "d"(c) : "memory");
  return r;
}

/* Ends the VM with `code`. */
static inline __attribute__((noreturn)) void dn_terminate(int code) {
  for (;;) dn_vmcall(DN_TERMINATE, (uint32_t)code, 0, 0);
}

/* Idles until an interrupt or `timeout_us` microseconds; 1 if woken by an interrupt. */
static inline uint32_t dn_idle(uint32_t timeout_us) {
  return dn_vmcall(DN_IDLE, timeout_us, 0, 0);
}

/* Gives up the rest of the quantum. */
static inline void dn_yield(void) { dn_vmcall(DN_YIELD, 0, 0, 0); }

static inline void dn_set_fs_base(uint32_t base) { dn_vmcall(DN_SET_FS_BASE, base, 0, 0); }
static inline void dn_set_gs_base(uint32_t base) { dn_vmcall(DN_SET_GS_BASE, base, 0, 0); }

static inline void outb(uint16_t port, uint8_t v) {
  __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void outw(uint16_t port, uint16_t v) {
  __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline void outl(uint16_t port, uint32_t v) {
  __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port) : "memory");
}
static inline uint8_t inb(uint16_t port) {
  uint8_t v;
  __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}
static inline uint16_t inw(uint16_t port) {
  uint16_t v;
  __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}
static inline uint32_t inl(uint16_t port) {
  uint32_t v;
  __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port) : "memory");
  return v;
}

/* The kernel's clock in ticks (CPU_KHZ per millisecond); current, unlike TIME_LO/HI. */
static inline uint64_t dn_rdtsc(void) {
  uint32_t lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((uint64_t)hi << 32) | lo;
}

/* Writes `len` bytes to the console (buffered; see stdio.h fflush). */
void dn_console_write(const void *bytes, uint32_t len);

/* Microseconds since the kernel started, from the tick counter (current within a quantum). */
uint64_t dn_now_us(void);

/*
 * Blocking hooks of the libc. The defaults wait for the whole VM (idle or
 * HLT); the library OS (guests/los) replaces them when it starts, so that
 * only the calling thread waits.
 */
struct dn_hooks {
  /* Reads 1..n bytes of keyboard input; 0 at end of input. */
  int (*stdin_read)(void *buf, uint32_t n);
  /* Waits `us` microseconds. */
  void (*sleep_us)(uint64_t us);
  /* Runs before exit() flushes the console and terminates (may be 0). */
  void (*at_exit)(int code);
};
extern struct dn_hooks dn_hooks;

#endif
