/**
 * The disk's guest ABI as constants, mirroring kernel/ISA.md ("Disk"): ports,
 * the request block, operations, status codes and virtual registers.
 *
 * ```
 * request block (guest memory, 28 bytes, u32 little-endian each)
 *   +0x00 op       1 read, 2 write, 3 flush
 *   +0x04 disk     0..3: the VM's own disks
 *   +0x08 block    first block
 *   +0x0C count    blocks, 1..256 (read, write; ignored by flush)
 *   +0x10 buffer   guest address of count * 4096 bytes (read, write)
 *   +0x14 status   written by the device: PENDING at submission, the result at completion
 *   +0x18 tag      the guest's; returned by the COMPLETED port when the request completes
 * ```
 *
 * @module
 */

/** First disk port. */
export const DISK_BASE = 0x300;
/** Ports the disk owns (0x300-0x30F). */
export const DISK_PORTS = 16;
/** Interrupt line raised when requests complete. */
export const DISK_LINE = 3;
/** Disks a VM may have (indices 0..3). */
export const MAX_DISKS = 4;
/** Most blocks one request may move (1 MiB). */
export const MAX_REQUEST_BLOCKS = 256;
/** What the COMPLETED port returns when no completion waits. */
export const DISK_NO_COMPLETION = 0xffffffff;

/**
 * Port offsets of the disk (from {@linkcode DISK_BASE}).
 *
 * @example
 * ```ts
 * import { DISK_BASE, DiskPort } from "@denali/kernel";
 * console.log((DISK_BASE + DiskPort.COMPLETED).toString(16)); // 304
 * ```
 */
export const DiskPort = {
  /** OUT32: submit the request block at guest address `value`. */
  SUBMIT: 0x0,
  /** IN32: tag of the oldest completed request not yet taken, or {@linkcode DISK_NO_COMPLETION}. */
  COMPLETED: 0x4,
  /** IN32: requests submitted and not yet completed. */
  IN_FLIGHT: 0x8,
} as const;

/**
 * Operations of a request block.
 *
 * @example
 * ```ts
 * import { DiskOp } from "@denali/kernel";
 * console.log(DiskOp.FLUSH); // 3
 * ```
 */
export const DiskOp = {
  /** Read `count` blocks into the buffer. */
  READ: 1,
  /** Write `count` blocks from the buffer. */
  WRITE: 2,
  /** Complete once every write submitted before it is durable. */
  FLUSH: 3,
} as const;

/**
 * Status codes the device writes into a request block.
 *
 * @example
 * ```ts
 * import { DiskStatus } from "@denali/kernel";
 * console.log(DiskStatus.OUT_OF_RANGE, DiskStatus.PENDING.toString(16)); // 3 ffffffff
 * ```
 */
export const DiskStatus = {
  /** Done. */
  OK: 0,
  /** `op` is not 1, 2 or 3. */
  BAD_OP: 1,
  /** The VM has no disk with that index. */
  BAD_DISK: 2,
  /** `count` is 0 or over 256, or the blocks run past the end of the disk. */
  OUT_OF_RANGE: 3,
  /** A write to a read-only disk. */
  READ_ONLY: 4,
  /** The host failed to read, write or flush. */
  IO_ERROR: 5,
  /** Too many requests in flight: written at once, with no interrupt and no completion entry. */
  BUSY: 6,
  /** Submitted, not yet completed. */
  PENDING: 0xffffffff,
} as const;

/**
 * Byte offsets of the request block's fields, and its size.
 *
 * @example
 * ```ts
 * import { DiskRequest } from "@denali/kernel";
 * console.log(DiskRequest.STATUS, DiskRequest.SIZE); // 20 28
 * ```
 */
export const DiskRequest = {
  /** u32 operation ({@linkcode DiskOp}). */
  OP: 0x00,
  /** u32 disk index. */
  DISK: 0x04,
  /** u32 first block. */
  BLOCK: 0x08,
  /** u32 number of blocks. */
  COUNT: 0x0c,
  /** u32 guest address of the data. */
  BUFFER: 0x10,
  /** u32 status ({@linkcode DiskStatus}), written by the device. */
  STATUS: 0x14,
  /** u32 tag, the guest's own. */
  TAG: 0x18,
  /** Bytes in a request block. */
  SIZE: 0x1c,
} as const;

/**
 * Virtual-register offsets of the disk (kernel-owned words of the VM's page at 0x1000).
 *
 * @example
 * ```ts
 * import { DISK_VREG } from "@denali/kernel";
 * console.log((DISK_VREG.BLOCKS + 4 * 2).toString(16)); // 44: blocks of disk 2
 * ```
 */
export const DISK_VREG = {
  /** u32: 1 + the highest disk index mapped (0: no disk). */
  COUNT: 0x38,
  /** u32 x 4: blocks of disks 0..3 (0: no disk at that index). */
  BLOCKS: 0x3c,
} as const;
