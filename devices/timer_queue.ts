/**
 * A deadline queue for devices: at most one deadline per VM slot, in a binary
 * min-heap of typed arrays with each slot's position kept, so arming,
 * re-arming and cancelling cost O(log n) and the earliest deadline is read in
 * O(1). Equal deadlines leave in the order they were armed (a sequence number
 * breaks ties), so runs stay deterministic. A device that holds thousands of
 * idle VMs pays nothing for them: the kernel only ever asks for the top.
 *
 * (The kernel uses it too, for its idle VMs with a timeout: devices sit below
 * the kernel in the layering, so the one heap lives here.)
 *
 * @module
 */

/**
 * Min-heap of (deadline, slot), one entry per slot.
 *
 * @example
 * ```ts
 * import { DeadlineQueue } from "@denali/kernel";
 * const q = new DeadlineQueue();
 * q.arm(4, 900);
 * q.arm(2, 300);
 * q.arm(7, 300);
 * console.log(q.peekSlot(), q.peekDeadline()); // 2 300
 * console.log(q.pop(), q.pop(), q.pop(), q.pop()); // 2 7 4 -1
 * ```
 */
export class DeadlineQueue {
  #slot = new Int32Array(16);
  #deadline = new Float64Array(16);
  #seq = new Float64Array(16);
  // INVARIANT: #pos[slot] is the heap index of slot, or -1 when slot has no deadline.
  #pos = new Int32Array(16).fill(-1);
  #size = 0;
  #nextSeq = 0;

  /** Number of armed slots. */
  get size(): number {
    return this.#size;
  }

  /** Whether `slot` has a deadline. */
  has(slot: number): boolean {
    return slot >= 0 && slot < this.#pos.length && this.#pos[slot]! >= 0;
  }

  /** The deadline of `slot`, or -1 if it has none. */
  deadlineOf(slot: number): number {
    return this.has(slot) ? this.#deadline[this.#pos[slot]!]! : -1;
  }

  /** Arms (or re-arms, behind equal deadlines armed before) `slot` for `deadline`. */
  arm(slot: number, deadline: number): void {
    if (this.has(slot)) this.cancel(slot);
    if (slot >= this.#pos.length) this.#growSlots(slot + 1);
    if (this.#size === this.#slot.length) this.#growHeap();
    const i = this.#size++;
    this.#slot[i] = slot;
    this.#deadline[i] = deadline;
    this.#seq[i] = this.#nextSeq++;
    this.#pos[slot] = i;
    this.#up(i);
  }

  /** Disarms `slot`; returns whether it had a deadline. */
  cancel(slot: number): boolean {
    if (!this.has(slot)) return false;
    const i = this.#pos[slot]!;
    this.#pos[slot] = -1;
    const last = --this.#size;
    if (i !== last) {
      this.#move(last, i);
      this.#down(i);
      this.#up(i);
    }
    return true;
  }

  /** The slot with the earliest deadline, or -1 when empty. */
  peekSlot(): number {
    return this.#size > 0 ? this.#slot[0]! : -1;
  }

  /** The earliest deadline, or Infinity when empty. */
  peekDeadline(): number {
    return this.#size > 0 ? this.#deadline[0]! : Infinity;
  }

  /** Removes and returns the slot with the earliest deadline (-1 when empty). */
  pop(): number {
    if (this.#size === 0) return -1;
    const s = this.#slot[0]!;
    this.cancel(s);
    return s;
  }

  #less(a: number, b: number): boolean {
    const da = this.#deadline[a]!, db = this.#deadline[b]!;
    return da < db || (da === db && this.#seq[a]! < this.#seq[b]!);
  }

  #move(from: number, to: number): void {
    const s = this.#slot[from]!;
    this.#slot[to] = s;
    this.#deadline[to] = this.#deadline[from]!;
    this.#seq[to] = this.#seq[from]!;
    this.#pos[s] = to;
  }

  #swap(a: number, b: number): void {
    const s = this.#slot[a]!, d = this.#deadline[a]!, q = this.#seq[a]!;
    this.#move(b, a);
    this.#slot[b] = s;
    this.#deadline[b] = d;
    this.#seq[b] = q;
    this.#pos[s] = b;
  }

  #up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.#less(i, p)) return;
      this.#swap(i, p);
      i = p;
    }
  }

  #down(i: number): void {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < this.#size && this.#less(l, m)) m = l;
      if (r < this.#size && this.#less(r, m)) m = r;
      if (m === i) return;
      this.#swap(i, m);
      i = m;
    }
  }

  #growHeap(): void {
    const n = this.#slot.length * 2;
    const s = new Int32Array(n), d = new Float64Array(n), q = new Float64Array(n);
    s.set(this.#slot);
    d.set(this.#deadline);
    q.set(this.#seq);
    this.#slot = s;
    this.#deadline = d;
    this.#seq = q;
  }

  #growSlots(min: number): void {
    let n = this.#pos.length;
    while (n < min) n *= 2;
    const p = new Int32Array(n).fill(-1);
    p.set(this.#pos);
    this.#pos = p;
  }
}
