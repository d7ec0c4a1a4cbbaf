/**
 * A double-ended ring of VM slots in typed arrays, each entry stamped with a
 * ticket so entries can be invalidated in O(1) and skipped when they reach the
 * head (lazy removal). Used by the scheduler's run queues.
 *
 * @module
 */

/**
 * Ring deque of (slot, ticket) pairs.
 *
 * @example
 * ```ts
 * import { SlotDeque } from "@denali/kernel";
 * const q = new SlotDeque();
 * q.pushBack(1, 0);
 * q.pushFront(2, 0);
 * console.log(q.popFront(), q.lastTicket); // 2 0
 * ```
 */
export class SlotDeque {
  #slot = new Int32Array(16);
  #ticket = new Int32Array(16);
  #head = 0;
  #count = 0;
  /** Ticket of the entry that {@linkcode SlotDeque.popFront} returned last. */
  lastTicket = 0;

  /** Entries held, including invalidated ones not yet skipped. */
  get count(): number {
    return this.#count;
  }

  /** Appends an entry. */
  pushBack(slot: number, ticket: number): void {
    if (this.#count === this.#slot.length) this.#grow();
    const i = (this.#head + this.#count) & (this.#slot.length - 1);
    this.#slot[i] = slot;
    this.#ticket[i] = ticket;
    this.#count++;
  }

  /** Prepends an entry. */
  pushFront(slot: number, ticket: number): void {
    if (this.#count === this.#slot.length) this.#grow();
    this.#head = (this.#head - 1) & (this.#slot.length - 1);
    this.#slot[this.#head] = slot;
    this.#ticket[this.#head] = ticket;
    this.#count++;
  }

  /** Removes the head entry and returns its slot (ticket in `lastTicket`), or -1 when empty. */
  popFront(): number {
    if (this.#count === 0) return -1;
    const i = this.#head;
    this.#head = (i + 1) & (this.#slot.length - 1);
    this.#count--;
    this.lastTicket = this.#ticket[i]!;
    return this.#slot[i]!;
  }

  #grow(): void {
    const n = this.#slot.length * 2;
    const s = new Int32Array(n), t = new Int32Array(n);
    for (let k = 0; k < this.#count; k++) {
      const i = (this.#head + k) & (this.#slot.length - 1);
      s[k] = this.#slot[i]!;
      t[k] = this.#ticket[i]!;
    }
    this.#slot = s;
    this.#ticket = t;
    this.#head = 0;
  }
}
