/**
 * Physical memory: one growable SharedArrayBuffer cut into 4 KiB frames, with a
 * frame allocator. Frames are handed to per-VM address spaces; the kernel owns
 * this object and every view of it.
 *
 * @module
 */

/** Bytes in one page and one frame. */
export const PAGE_SIZE = 4096;
/** log2(PAGE_SIZE). */
export const PAGE_SHIFT = 12;

/** Thrown when the machine has no free frame and may not grow further. */
export class OutOfMemoryError extends Error {
  /** Builds the error for a request of `frames` frames. */
  constructor(frames: number, max: number) {
    super(
      `Cannot allocate ${frames} frame(s): physical memory is at its limit of ${max} frames; ` +
        `raise maxFrames or run fewer VMs`,
    );
    this.name = "OutOfMemoryError";
  }
}

/** Options for {@linkcode PhysicalMemory}. */
export interface PhysicalMemoryOptions {
  /** Frames to reserve up front (default 256, 1 MiB). */
  initialFrames?: number;
  /** Most frames the buffer may grow to (default 262144, 1 GiB). */
  maxFrames?: number;
}

/**
 * Physical memory of the machine.
 *
 * @example
 * ```ts
 * import { PhysicalMemory } from "@denali/kernel/memory";
 * const phys = new PhysicalMemory({ initialFrames: 4 });
 * const f = phys.alloc();
 * phys.u8[f * 4096] = 42;
 * phys.free(f);
 * ```
 */
export class PhysicalMemory {
  /** The backing store (growable, shared). */
  readonly buffer: SharedArrayBuffer;
  // Views are fixed-length (a length-tracking view of a growable buffer costs
  // about ten times more per access); they are replaced when memory grows, so
  // read them from this object rather than keeping them.
  /** Byte view of all frames. Replaced when memory grows. */
  u8: Uint8Array;
  /** 16-bit view of all frames (little-endian host). Replaced when memory grows. */
  u16: Uint16Array;
  /** 32-bit view of all frames (little-endian host). Replaced when memory grows. */
  i32: Int32Array;
  /** Unaligned access. Replaced when memory grows. */
  view: DataView;
  /** Largest number of frames the buffer may hold. */
  readonly maxFrames: number;
  // INVARIANT: #free[0..#freeTop) lists frames below #frames that are not in use.
  #free: Int32Array;
  #freeTop = 0;
  #frames: number;
  #inUse = 0;

  /** Creates physical memory; see {@linkcode PhysicalMemoryOptions}. */
  constructor(options: PhysicalMemoryOptions = {}) {
    this.maxFrames = options.maxFrames ?? 262144;
    const initial = Math.min(options.initialFrames ?? 256, this.maxFrames);
    if (!(this.maxFrames >= 1 && this.maxFrames <= 1 << 20)) {
      throw new RangeError(`Cannot create physical memory: maxFrames must be 1..1048576`);
    }
    this.buffer = new SharedArrayBuffer(initial * PAGE_SIZE, {
      maxByteLength: this.maxFrames * PAGE_SIZE,
    });
    this.#frames = initial;
    const n = initial * PAGE_SIZE;
    this.u8 = new Uint8Array(this.buffer, 0, n);
    this.u16 = new Uint16Array(this.buffer, 0, n >>> 1);
    this.i32 = new Int32Array(this.buffer, 0, n >>> 2);
    this.view = new DataView(this.buffer, 0, n);
    this.#free = new Int32Array(Math.max(initial, 16));
    for (let f = initial - 1; f >= 0; f--) this.#free[this.#freeTop++] = f;
  }

  /** Frames currently handed out. */
  get framesInUse(): number {
    return this.#inUse;
  }

  /** Frames the buffer holds now (in use or free). */
  get framesTotal(): number {
    return this.#frames;
  }

  /** Allocates one zeroed frame and returns its number. */
  alloc(): number {
    if (this.#freeTop === 0) this.#grow(1);
    const f = this.#free[--this.#freeTop]!;
    this.#inUse++;
    return f;
  }

  /** Returns a frame to the allocator (it is zeroed for its next owner). */
  free(frame: number): void {
    this.u8.fill(0, frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE);
    if (this.#freeTop === this.#free.length) {
      const bigger = new Int32Array(this.#free.length * 2);
      bigger.set(this.#free);
      this.#free = bigger;
    }
    this.#free[this.#freeTop++] = frame;
    this.#inUse--;
  }

  #grow(need: number): void {
    if (this.#frames + need > this.maxFrames) throw new OutOfMemoryError(need, this.maxFrames);
    const add = Math.min(this.maxFrames - this.#frames, Math.max(need, this.#frames));
    this.buffer.grow((this.#frames + add) * PAGE_SIZE);
    if (this.#free.length < this.#freeTop + add) {
      const bigger = new Int32Array(Math.max(this.#free.length * 2, this.#freeTop + add));
      bigger.set(this.#free.subarray(0, this.#freeTop));
      this.#free = bigger;
    }
    for (let f = this.#frames + add - 1; f >= this.#frames; f--) this.#free[this.#freeTop++] = f;
    this.#frames += add;
    const n = this.#frames * PAGE_SIZE;
    this.u8 = new Uint8Array(this.buffer, 0, n);
    this.u16 = new Uint16Array(this.buffer, 0, n >>> 1);
    this.i32 = new Int32Array(this.buffer, 0, n >>> 2);
    this.view = new DataView(this.buffer, 0, n);
  }
}
