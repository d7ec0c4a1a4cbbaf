/**
 * The guest memory layout and the virtual registers page, as in kernel/ISA.md.
 *
 * ```
 * 0x00000000 +------------------------+
 *            | page 0: never mapped   |  NULL dereference -> page fault
 * 0x00001000 +------------------------+
 *            | virtual registers page |  VREG_* offsets below
 * 0x00002000 +------------------------+
 *            | free (demand-zero)     |
 * 0x00010000 +------------------------+  IMAGE_BASE
 *            | image, heap ->         |
 *            |            <- stack    |
 *    memSize +------------------------+  initial ESP = memSize
 * ```
 *
 * Every page in [0x1000, memSize) that the image does not fill is demand-zero:
 * it gets a zeroed frame the first time the guest touches it.
 *
 * @module
 */

/** Guest address of the virtual registers page. */
export const VREGS_ADDRESS = 0x1000;
/** Default load address of flat images and of the guest link script. */
export const IMAGE_BASE = 0x10000;

/** Byte offsets of the virtual registers (all u32, little-endian) from {@linkcode VREGS_ADDRESS}. */
export const VREG = {
  /** ABI version of this page ({@linkcode VREGS_VERSION}). Kernel-owned. */
  VERSION: 0x00,
  /** The VM's id. Kernel-owned. */
  VM_ID: 0x04,
  /** Guest memory size in bytes. Kernel-owned. */
  MEM_SIZE: 0x08,
  /** CPU speed the kernel assumes, in kHz (instructions per millisecond). Kernel-owned. */
  CPU_KHZ: 0x0c,
  /** Current time in microseconds since the kernel started, low 32 bits. Kernel-owned. */
  TIME_LO: 0x10,
  /** Current time in microseconds, high 32 bits. Kernel-owned. */
  TIME_HI: 0x14,
  /** Interrupt lines delivered and not yet acknowledged. The kernel ORs bits in; the guest clears them. */
  PENDING: 0x18,
  /** Virtual interrupt-enable flag at quantum start (1/0). Kernel-owned mirror of EFLAGS.IF. */
  IF: 0x1c,
  /** Interrupt handler address; 0 = none (bits are posted to PENDING for polling). Guest-owned. */
  HANDLER: 0x20,
  /** Stack for the handler; 0 = the interrupted stack. Guest-owned. */
  HANDLER_STACK: 0x24,
  /** Instructions in one quantum. Kernel-owned. */
  QUANTUM: 0x28,
  /** Interrupt lines raised and still waiting in the kernel (IF clear). Kernel-owned. */
  WAITING: 0x2c,
} as const;

/** Current version of the virtual registers page layout. */
export const VREGS_VERSION = 1;
