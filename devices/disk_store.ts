/**
 * What a virtual disk is to the disk device: a fixed number of 4 KiB blocks
 * that can be read, written and flushed. Back-ends: memory
 * ({@linkcode MemoryDisk}), a host file ({@linkcode FileDisk}) and a
 * copy-on-write overlay over a shared read-only base ({@linkcode CowDisk}).
 * Stores are synchronous, so a run on the deterministic clock does its host
 * I/O at a reproducible point; a store may also offer an asynchronous flush
 * for the real clock.
 *
 * @module
 */

/** Bytes in a disk block. */
export const BLOCK_SIZE = 4096;

/** Most blocks a disk may have (2^32 - 1: block numbers are u32 in the ABI). */
export const MAX_DISK_BLOCKS = 0xffffffff;

/**
 * A disk back-end: `blocks` blocks of {@linkcode BLOCK_SIZE} bytes.
 *
 * @example
 * ```ts
 * import { BLOCK_SIZE, type BlockStore, MemoryDisk } from "@denali/kernel";
 * const d: BlockStore = new MemoryDisk(8);
 * d.write(3, new Uint8Array(BLOCK_SIZE).fill(7));
 * const out = new Uint8Array(BLOCK_SIZE);
 * d.read(3, 1, out);
 * console.log(out[0], d.blocks, d.readOnly); // 7 8 false
 * ```
 */
export interface BlockStore {
  /** Number of blocks. */
  readonly blocks: number;
  /** Whether writes are refused. */
  readonly readOnly: boolean;
  /** Reads `count` blocks from `block` into `into` (at least `count * BLOCK_SIZE` bytes). */
  read(block: number, count: number, into: Uint8Array): void;
  /** Writes `data` (a whole number of blocks) at `block`. */
  write(block: number, data: Uint8Array): void;
  /** Makes every write done so far durable (fsync for files) before it returns. */
  flush(): void;
  /** The same, without blocking the event loop (optional; the device falls back to `flush`). */
  flushAsync?(): Promise<void>;
  /** Releases host resources; the store is unusable afterwards. */
  close(): void;
}

/**
 * Throws a RangeError unless [block, block+count) lies inside a disk of
 * `blocks` blocks and count >= 1. Overflow-safe for any numbers.
 *
 * @example
 * ```ts
 * import { checkBlocks } from "@denali/kernel";
 * checkBlocks("read disk", 10, 8, 2); // fine
 * try { checkBlocks("read disk", 10, 9, 2); } catch (e) { console.log((e as Error).message); }
 * // Cannot read disk: blocks 9..10 are outside 0..9
 * ```
 */
export function checkBlocks(action: string, blocks: number, block: number, count: number): void {
  if (
    !(Number.isSafeInteger(block) && Number.isSafeInteger(count) && block >= 0 && count >= 1 &&
      count <= blocks && block <= blocks - count)
  ) {
    throw new RangeError(
      `Cannot ${action}: blocks ${block}..${block + count - 1} are outside 0..${blocks - 1}`,
    );
  }
}

/**
 * Throws a RangeError unless `bytes` is a whole, positive number of blocks.
 *
 * @example
 * ```ts
 * import { blocksIn } from "@denali/kernel";
 * console.log(blocksIn("write disk", 8192)); // 2
 * ```
 */
export function blocksIn(action: string, bytes: number): number {
  if (bytes <= 0 || bytes % BLOCK_SIZE !== 0) {
    throw new RangeError(`Cannot ${action}: ${bytes} bytes is not a whole number of 4 KiB blocks`);
  }
  return bytes / BLOCK_SIZE;
}

/**
 * Throws a RangeError unless `blocks` is a valid disk size.
 *
 * @example
 * ```ts
 * import { checkDiskSize } from "@denali/kernel";
 * checkDiskSize("create disk", 256); // fine
 * ```
 */
export function checkDiskSize(action: string, blocks: number): void {
  if (!(Number.isSafeInteger(blocks) && blocks >= 1 && blocks <= MAX_DISK_BLOCKS)) {
    throw new RangeError(
      `Cannot ${action}: size of ${blocks} blocks is not in 1..${MAX_DISK_BLOCKS}`,
    );
  }
}
