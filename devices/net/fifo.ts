/**
 * A bounded first-in first-out queue: the receive and transmit queues of the
 * virtual LAN and the switch's round-robin ring of ports. Storage starts at a
 * few entries and doubles up to the bound, so the ten thousand idle VMs of a
 * scale run cost a few words each, not a full queue each.
 *
 * @module
 */

/**
 * Bounded FIFO queue.
 *
 * @example
 * ```ts
 * import { Fifo } from "@denali/kernel";
 * const q = new Fifo<string>(2);
 * console.log(q.push("a"), q.push("b"), q.push("c"), q.shift(), q.length); // true true false a 1
 * ```
 */
export class Fifo<T> {
  /** Most items held (Infinity: unbounded). */
  readonly capacity: number;
  #items: (T | undefined)[];
  #head = 0;
  #length = 0;

  /** An empty queue holding at most `capacity` items. */
  constructor(capacity: number, initial = 4) {
    if (!(capacity >= 1)) throw new RangeError(`Cannot create queue: capacity ${capacity} is < 1`);
    this.capacity = capacity;
    this.#items = new Array(Math.max(1, Math.min(initial, capacity)));
  }

  /** Items held. */
  get length(): number {
    return this.#length;
  }

  /** True when the queue holds `capacity` items. */
  get full(): boolean {
    return this.#length >= this.capacity;
  }

  /** Appends `item`; false (nothing added) when the queue is full. */
  push(item: T): boolean {
    if (this.#length >= this.capacity) return false;
    if (this.#length === this.#items.length) this.#grow();
    this.#items[(this.#head + this.#length) % this.#items.length] = item;
    this.#length++;
    return true;
  }

  /** Removes and returns the oldest item, or undefined when empty. */
  shift(): T | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.#items.length;
    this.#length--;
    return item;
  }

  /** The oldest item without removing it. */
  peek(): T | undefined {
    return this.#length === 0 ? undefined : this.#items[this.#head];
  }

  /** Empties the queue; returns how many items it held. */
  clear(): number {
    const n = this.#length;
    this.#items = new Array(Math.max(1, Math.min(4, this.capacity)));
    this.#head = 0;
    this.#length = 0;
    return n;
  }

  /** The items, oldest first (a new array; the items themselves are shared). */
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.#length; i++) {
      out.push(this.#items[(this.#head + i) % this.#items.length]!);
    }
    return out;
  }

  #grow(): void {
    const size = Math.min(this.#items.length * 2, this.capacity);
    const items: (T | undefined)[] = new Array(size);
    for (let i = 0; i < this.#length; i++) {
      items[i] = this.#items[(this.#head + i) % this.#items.length];
    }
    this.#items = items;
    this.#head = 0;
  }
}
