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

/* Writes `len` bytes to the console (buffered; see stdio.h fflush). */
void dn_console_write(const void *bytes, uint32_t len);

#endif
