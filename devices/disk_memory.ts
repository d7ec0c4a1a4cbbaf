/**
 * A memory-backed disk. Blocks are allocated when first written, so a large
 * disk that a guest barely touches costs only what it wrote; unwritten blocks
 * read as zeros. Flush has nothing to make durable and returns at once.
 *
 * @module
 */

import { BLOCK_SIZE, blocksIn, type BlockStore, checkBlocks, checkDiskSize } from "./disk_store.ts";

/** Options of {@linkcode MemoryDisk}. */
export interface MemoryDiskOptions {
  /** Refuse writes (default false). */
  readOnly?: boolean;
  /** Initial contents from block 0 (at most the disk's size; the rest reads as zeros). */
  contents?: Uint8Array;
}

/**
 * A sparse in-memory disk.
 *
 * @example
 * ```ts
 * import { BLOCK_SIZE, MemoryDisk } from "@denali/kernel";
 * const d = new MemoryDisk(1024, { contents: new TextEncoder().encode("boot") });
 * const out = new Uint8Array(BLOCK_SIZE);
 * d.read(0, 1, out);
 * console.log(new TextDecoder().decode(out.subarray(0, 4)), d.allocatedBlocks); // boot 1
 * ```
 */
export class MemoryDisk implements BlockStore {
  /** Number of blocks. */
  readonly blocks: number;
  /** Whether writes are refused. */
  readonly readOnly: boolean;
  readonly #data = new Map<number, Uint8Array>();
  #closed = false;

  /** Creates a zeroed disk of `blocks` blocks; see {@linkcode MemoryDiskOptions}. */
  constructor(blocks: number, options: MemoryDiskOptions = {}) {
    checkDiskSize("create memory disk", blocks);
    this.blocks = blocks;
    this.readOnly = options.readOnly ?? false;
    const c = options.contents;
    if (c) {
      if (c.length > blocks * BLOCK_SIZE) {
        throw new RangeError(
          `Cannot create memory disk: ${c.length} bytes of contents exceed ${blocks} blocks`,
        );
      }
      for (let b = 0; b * BLOCK_SIZE < c.length; b++) {
        const blk = new Uint8Array(BLOCK_SIZE);
        blk.set(c.subarray(b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE));
        this.#data.set(b, blk);
      }
    }
  }

  /** Blocks that hold memory (written at least once). */
  get allocatedBlocks(): number {
    return this.#data.size;
  }

  /** Reads `count` blocks from `block` into `into`. */
  read(block: number, count: number, into: Uint8Array): void {
    this.#check("read memory disk");
    checkBlocks("read memory disk", this.blocks, block, count);
    for (let i = 0; i < count; i++) {
      const blk = this.#data.get(block + i);
      const at = i * BLOCK_SIZE;
      if (blk) into.set(blk, at);
      else into.fill(0, at, at + BLOCK_SIZE);
    }
  }

  /** Writes whole blocks at `block`. */
  write(block: number, data: Uint8Array): void {
    this.#check("write memory disk");
    if (this.readOnly) throw new RangeError("Cannot write memory disk: it is read-only");
    const count = blocksIn("write memory disk", data.length);
    checkBlocks("write memory disk", this.blocks, block, count);
    for (let i = 0; i < count; i++) {
      const src = data.subarray(i * BLOCK_SIZE, (i + 1) * BLOCK_SIZE);
      const blk = this.#data.get(block + i);
      if (blk) blk.set(src);
      else this.#data.set(block + i, src.slice());
    }
  }

  /** Nothing to make durable. */
  flush(): void {
    this.#check("flush memory disk");
  }

  /** Frees the blocks. */
  close(): void {
    this.#data.clear();
    this.#closed = true;
  }

  /** A point-in-time copy (for snapshots): same size and flags, its own blocks. */
  clone(): MemoryDisk {
    this.#check("clone memory disk");
    const d = new MemoryDisk(this.blocks, { readOnly: this.readOnly });
    for (const [b, blk] of this.#data) d.#data.set(b, blk.slice());
    return d;
  }

  #check(action: string): void {
    if (this.#closed) throw new Error(`Cannot ${action}: it is closed`);
  }
}
