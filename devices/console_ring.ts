/**
 * The bounded byte ring behind one VM's console. It keeps the last `capacity`
 * bytes a VM wrote (readable after exit) and remembers how far the host has
 * streamed. Storage starts small and doubles up to `capacity`, so a VM that
 * prints a line costs tens of bytes; a VM that floods costs at most `capacity`.
 *
 * @module
 */

/**
 * Bounded console ring.
 *
 * @example
 * ```ts
 * import { ConsoleRing } from "@denali/kernel";
 * const r = new ConsoleRing(4);
 * r.write(new TextEncoder().encode("hello"));
 * console.log(new TextDecoder().decode(r.tail()), r.dropped); // ello 1
 * ```
 */
export class ConsoleRing {
  /** Most bytes retained. */
  readonly capacity: number;
  /** Bytes ever written. */
  total = 0;
  /** Bytes already handed to the host by {@linkcode ConsoleRing.takeNew}. */
  streamed = 0;
  #buf: Uint8Array;

  /** Creates an empty ring retaining at most `capacity` bytes (a power of two is not required). */
  constructor(capacity: number, initial = 64) {
    this.capacity = Math.max(1, capacity);
    this.#buf = new Uint8Array(Math.max(1, Math.min(initial, this.capacity)));
  }

  /** Bytes written that are no longer retained. */
  get dropped(): number {
    return Math.max(0, this.total - this.capacity);
  }

  /** Bytes of storage held now. */
  get allocated(): number {
    return this.#buf.length;
  }

  /** Appends one byte. */
  writeByte(b: number): void {
    if (this.total >= this.#buf.length && this.#buf.length < this.capacity) this.#grow(1);
    this.#buf[this.total % this.#buf.length] = b;
    this.total++;
  }

  /** Appends bytes; only the last `capacity` of a long write are stored. */
  write(bytes: Uint8Array): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.total + n > this.#buf.length && this.#buf.length < this.capacity) this.#grow(n);
    const size = this.#buf.length;
    let src = 0;
    if (n > size) {
      src = n - size;
      this.total += src;
    }
    while (src < n) {
      const at = this.total % size;
      const k = Math.min(n - src, size - at);
      this.#buf.set(bytes.subarray(src, src + k), at);
      src += k;
      this.total += k;
    }
  }

  /** The retained bytes, oldest first (a copy). */
  tail(): Uint8Array {
    return this.#since(this.total - Math.min(this.total, this.#buf.length));
  }

  /**
   * Bytes written since the last call (a copy), or null when there are none.
   * Bytes overwritten before they were taken are skipped.
   */
  takeNew(): Uint8Array | null {
    if (this.streamed === this.total) return null;
    const from = Math.max(this.streamed, this.total - this.#buf.length);
    this.streamed = this.total;
    return this.#since(from);
  }

  #since(from: number): Uint8Array {
    const size = this.#buf.length;
    const out = new Uint8Array(this.total - from);
    let k = 0;
    for (let pos = from; pos < this.total;) {
      const at = pos % size;
      const n = Math.min(this.total - pos, size - at);
      out.set(this.#buf.subarray(at, at + n), k);
      k += n;
      pos += n;
    }
    return out;
  }

  #grow(need: number): void {
    // Before the first wrap the ring is linear (positions 0..total), so it can grow by copying.
    let size = this.#buf.length;
    while (size < this.total + need && size < this.capacity) size *= 2;
    size = Math.min(size, this.capacity);
    const b = new Uint8Array(size);
    b.set(this.#buf.subarray(0, this.total));
    this.#buf = b;
  }
}
