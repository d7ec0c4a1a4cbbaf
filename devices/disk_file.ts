/**
 * A disk backed by a host file of exactly `blocks * 4096` bytes: block `b` is
 * at byte offset `b * 4096`. A new file is created sparse (truncated to its
 * size), so unwritten blocks read as zeros and cost no host disk. Flush is
 * fsync of the file; `flushAsync` runs the fsync off the event loop.
 *
 * Opening needs Deno's read permission on the path (and write unless the
 * disk is read-only).
 *
 * @module
 */

import { BLOCK_SIZE, blocksIn, type BlockStore, checkBlocks, checkDiskSize } from "./disk_store.ts";

/** Options of {@linkcode FileDisk.open}. */
export interface FileDiskOptions {
  /**
   * Size in blocks. Required to create a file; for an existing file it must
   * match the file's size (a file of 0 bytes is grown to it).
   */
  blocks?: number;
  /** Create the file if it does not exist (default false). */
  create?: boolean;
  /** Open the file read-only and refuse writes (default false): a shared base image. */
  readOnly?: boolean;
}

/**
 * A host-file disk.
 *
 * @example
 * ```ts
 * import { BLOCK_SIZE, FileDisk } from "@denali/kernel";
 * const path = await Deno.makeTempFile();
 * const d = FileDisk.open(path, { blocks: 16 });
 * d.write(2, new Uint8Array(BLOCK_SIZE).fill(9));
 * d.flush(); // fsync: durable from here on
 * d.close();
 * const again = FileDisk.open(path, { readOnly: true });
 * const out = new Uint8Array(BLOCK_SIZE);
 * again.read(2, 1, out);
 * console.log(again.blocks, out[0]); // 16 9
 * again.close();
 * ```
 */
export class FileDisk implements BlockStore {
  /** Number of blocks. */
  readonly blocks: number;
  /** Whether writes are refused. */
  readonly readOnly: boolean;
  /** The host path. */
  readonly path: string;
  #file: Deno.FsFile | null;

  private constructor(path: string, file: Deno.FsFile, blocks: number, readOnly: boolean) {
    this.path = path;
    this.#file = file;
    this.blocks = blocks;
    this.readOnly = readOnly;
  }

  /** Opens (or creates) a disk file; see {@linkcode FileDiskOptions}. */
  static open(path: string, options: FileDiskOptions = {}): FileDisk {
    const readOnly = options.readOnly ?? false;
    const what = `open disk ${path}`;
    if (options.blocks !== undefined) checkDiskSize(what, options.blocks);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(path, {
        read: true,
        write: !readOnly,
        create: !readOnly && (options.create ?? false),
      });
    } catch (e) {
      throw new Error(`Cannot ${what}: ${(e as Error).message}`);
    }
    try {
      const size = file.statSync().size;
      let blocks: number;
      if (options.blocks === undefined) {
        blocks = blocksIn(what, size);
      } else {
        blocks = options.blocks;
        if (size === 0 && !readOnly) file.truncateSync(blocks * BLOCK_SIZE);
        else if (size !== blocks * BLOCK_SIZE) {
          throw new RangeError(
            `Cannot ${what}: the file has ${size} bytes, not ${
              blocks * BLOCK_SIZE
            } (${blocks} blocks)`,
          );
        }
      }
      return new FileDisk(path, file, blocks, readOnly);
    } catch (e) {
      file.close();
      throw e;
    }
  }

  /** Reads `count` blocks from `block` into `into`. */
  read(block: number, count: number, into: Uint8Array): void {
    const f = this.#open("read");
    checkBlocks(`read disk ${this.path}`, this.blocks, block, count);
    const len = count * BLOCK_SIZE;
    f.seekSync(block * BLOCK_SIZE, Deno.SeekMode.Start);
    for (let done = 0; done < len;) {
      const n = f.readSync(into.subarray(done, len));
      if (n === null || n === 0) {
        throw new Error(
          `Cannot read disk ${this.path}: the file ends at block ${block + done / BLOCK_SIZE}`,
        );
      }
      done += n;
    }
  }

  /** Writes whole blocks at `block`. */
  write(block: number, data: Uint8Array): void {
    const f = this.#open("write");
    if (this.readOnly) throw new RangeError(`Cannot write disk ${this.path}: it is read-only`);
    const count = blocksIn(`write disk ${this.path}`, data.length);
    checkBlocks(`write disk ${this.path}`, this.blocks, block, count);
    f.seekSync(block * BLOCK_SIZE, Deno.SeekMode.Start);
    for (let done = 0; done < data.length;) done += f.writeSync(data.subarray(done));
  }

  /** fsync: every write so far is on stable storage when this returns. */
  flush(): void {
    const f = this.#open("flush");
    if (!this.readOnly) f.syncSync();
  }

  /** fsync without blocking the event loop. */
  async flushAsync(): Promise<void> {
    const f = this.#open("flush");
    if (!this.readOnly) await f.sync();
  }

  /** Closes the file (idempotent). */
  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  #open(action: string): Deno.FsFile {
    if (this.#file === null) throw new Error(`Cannot ${action} disk ${this.path}: it is closed`);
    return this.#file;
  }
}
