/**
 * Copy-on-write disks: one read-only base image shared by many VMs, each VM
 * writing to its own overlay. A block a VM has written is read from its
 * overlay; every other block from the base, which is never written. So ten
 * thousand VMs can boot from one image and each sees only its own changes.
 *
 * The overlay lives in memory, or in a host file with this layout (all u32
 * little-endian), so that a VM's changes survive the process:
 *
 * ```
 * block 0                 header: "DENALCOW", version 1, blocks, mapBlocks
 * blocks 1..mapBlocks     bitmap: bit b (byte b >> 3, bit b & 7) = block b is in the overlay
 * block 1+mapBlocks+b     data of block b (the file is sparse: unwritten blocks cost nothing)
 * ```
 *
 * A write stores the data, then the bitmap blocks that changed; a flush
 * fsyncs the file, so both are durable when it returns. The base must not
 * change while overlays use it (open it read-only).
 *
 * @module
 */

import { FileDisk } from "./disk_file.ts";
import { MemoryDisk } from "./disk_memory.ts";
import { BLOCK_SIZE, blocksIn, type BlockStore, checkBlocks } from "./disk_store.ts";

const MAGIC = "DENALCOW";
const VERSION = 1;

/** Options of {@linkcode CowDisk.file}. */
export interface CowFileOptions {
  /** Create the overlay file if it does not exist (default false). */
  create?: boolean;
}

/**
 * A disk that reads a shared base and writes a private overlay.
 *
 * @example
 * ```ts
 * import { BLOCK_SIZE, CowDisk, MemoryDisk } from "@denali/kernel";
 * const base = new MemoryDisk(4, { readOnly: true, contents: new Uint8Array(BLOCK_SIZE).fill(1) });
 * const a = CowDisk.memory(base), b = CowDisk.memory(base);
 * a.write(0, new Uint8Array(BLOCK_SIZE).fill(2));
 * const out = new Uint8Array(BLOCK_SIZE);
 * a.read(0, 1, out);
 * const x = out[0];
 * b.read(0, 1, out);
 * console.log(x, out[0], a.overlayBlocks, b.overlayBlocks); // 2 1 1 0
 * ```
 */
export class CowDisk implements BlockStore {
  /** Number of blocks (the base's). */
  readonly blocks: number;
  /** Always false: writes go to the overlay. */
  readonly readOnly = false;
  /** The shared base. */
  readonly base: BlockStore;
  readonly #overlay: BlockStore;
  /** First overlay block holding data (0 in memory, past the header and bitmap in a file). */
  readonly #dataStart: number;
  /**
   * Bitmap of blocks present in the overlay (a whole number of blocks long);
   * null until the first write of a memory overlay, so VMs that never write cost nothing.
   */
  #map: Uint8Array | null;
  /** Whether bitmap changes are written to the overlay (file overlays). */
  readonly #persistMap: boolean;
  #present = 0;

  private constructor(
    base: BlockStore,
    overlay: BlockStore,
    map: Uint8Array | null,
    dataStart: number,
    persistMap: boolean,
  ) {
    this.base = base;
    this.blocks = base.blocks;
    this.#overlay = overlay;
    this.#map = map;
    this.#dataStart = dataStart;
    this.#persistMap = persistMap;
    if (map) { for (const byte of map) this.#present += popcount8(byte); }
  }

  /** An overlay in memory over `base` (lost when the process ends). */
  static memory(base: BlockStore): CowDisk {
    return new CowDisk(base, new MemoryDisk(base.blocks), null, 0, false);
  }

  /**
   * An overlay in host file `path` over `base`: a new file (with `create`)
   * starts empty; an existing one must have been made for a base of the same
   * size, and brings back the changes it holds.
   */
  static file(base: BlockStore, path: string, options: CowFileOptions = {}): CowDisk {
    const what = `open overlay ${path}`;
    const mapLen = mapBytes(base.blocks);
    const mapBlocks = mapLen / BLOCK_SIZE;
    const total = 1 + mapBlocks + base.blocks;
    let fresh = false;
    try {
      fresh = Deno.statSync(path).size === 0;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound) || !options.create) {
        throw new Error(`Cannot ${what}: ${(e as Error).message}`);
      }
      fresh = true;
    }
    const file = fresh
      ? FileDisk.open(path, { blocks: total, create: options.create ?? false })
      : FileDisk.open(path);
    try {
      const map = new Uint8Array(mapLen);
      const head = new Uint8Array(BLOCK_SIZE);
      const v = new DataView(head.buffer);
      if (fresh) {
        head.set(new TextEncoder().encode(MAGIC));
        v.setUint32(8, VERSION, true);
        v.setUint32(12, base.blocks, true);
        v.setUint32(16, mapBlocks, true);
        file.write(0, head);
      } else {
        file.read(0, 1, head);
        const magic = new TextDecoder().decode(head.subarray(0, 8));
        if (magic !== MAGIC || v.getUint32(8, true) !== VERSION) {
          throw new Error(`Cannot ${what}: not a version ${VERSION} overlay file`);
        }
        if (v.getUint32(12, true) !== base.blocks || v.getUint32(16, true) !== mapBlocks) {
          throw new Error(
            `Cannot ${what}: made for a base of ${
              v.getUint32(12, true)
            } blocks, not ${base.blocks}`,
          );
        }
        if (file.blocks !== total) {
          throw new Error(`Cannot ${what}: the file has ${file.blocks} blocks, not ${total}`);
        }
        file.read(1, mapBlocks, map);
      }
      return new CowDisk(base, file, map, 1 + mapBlocks, true);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Blocks this disk has written (held in its overlay). */
  get overlayBlocks(): number {
    return this.#present;
  }

  /** Whether `block` has been written (is read from the overlay). */
  has(block: number): boolean {
    const map = this.#map;
    return map !== null && (map[block >>> 3]! >>> (block & 7) & 1) === 1;
  }

  /** Reads `count` blocks from `block` into `into`: written ones from the overlay, others from the base. */
  read(block: number, count: number, into: Uint8Array): void {
    checkBlocks("read copy-on-write disk", this.blocks, block, count);
    for (let i = 0; i < count;) {
      const mine = this.has(block + i);
      let j = i + 1;
      while (j < count && this.has(block + j) === mine) j++;
      const dst = into.subarray(i * BLOCK_SIZE, j * BLOCK_SIZE);
      if (mine) this.#overlay.read(this.#dataStart + block + i, j - i, dst);
      else this.base.read(block + i, j - i, dst);
      i = j;
    }
  }

  /** Writes whole blocks to the overlay. */
  write(block: number, data: Uint8Array): void {
    const count = blocksIn("write copy-on-write disk", data.length);
    checkBlocks("write copy-on-write disk", this.blocks, block, count);
    this.#overlay.write(this.#dataStart + block, data);
    const map = this.#map ??= new Uint8Array(mapBytes(this.blocks));
    for (let b = block; b < block + count; b++) {
      if (!this.has(b)) {
        map[b >>> 3] = map[b >>> 3]! | (1 << (b & 7));
        this.#present++;
      }
    }
    if (this.#persistMap) {
      const first = (block >>> 3) >>> 12, last = ((block + count - 1) >>> 3) >>> 12;
      this.#overlay.write(1 + first, map.subarray(first * BLOCK_SIZE, (last + 1) * BLOCK_SIZE));
    }
  }

  /** Makes the overlay's data and bitmap durable (fsync of an overlay file). */
  flush(): void {
    this.#overlay.flush();
  }

  /** The same without blocking the event loop. */
  async flushAsync(): Promise<void> {
    await (this.#overlay.flushAsync?.() ?? this.#overlay.flush());
  }

  /** Closes the overlay (the shared base stays open: its owner closes it). */
  close(): void {
    this.#overlay.close();
  }

  /** A point-in-time copy of a memory overlay over the same base (for snapshots). */
  clone(): CowDisk {
    if (this.#persistMap) {
      throw new Error("Cannot clone copy-on-write disk: its overlay is a file (copy the file)");
    }
    const overlay = (this.#overlay as MemoryDisk).clone();
    return new CowDisk(this.base, overlay, this.#map?.slice() ?? null, 0, false);
  }
}

function mapBytes(blocks: number): number {
  return Math.ceil(Math.ceil(blocks / 8) / BLOCK_SIZE) * BLOCK_SIZE;
}

function popcount8(x: number): number {
  let n = 0;
  for (; x; x &= x - 1) n++;
  return n;
}
