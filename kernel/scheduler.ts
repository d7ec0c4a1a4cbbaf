/**
 * Scheduling policy. The kernel tells the policy when VMs become ready, wake,
 * are preempted or leave, and asks it which VM runs next; everything else
 * (quanta, timers, interrupts) stays in the kernel. Idle VMs are not in the
 * policy's queues at all (they sit in the timer heap or wait for an
 * interrupt), so its cost does not grow with the number of idle VMs.
 *
 * The default policy is Denali's: round robin over ready VMs, and a VM that
 * wakes from idle gets priority for its next quantum.
 *
 * @module
 */

import { SlotDeque } from "./slot_deque.ts";

/**
 * What the kernel needs from a scheduling policy. Slots are small integers
 * (VM table indices); a slot is in the policy's queues at most once.
 *
 * @example
 * ```ts
 * import { RoundRobinScheduler, type Scheduler } from "@denali/kernel";
 * const s: Scheduler = new RoundRobinScheduler();
 * s.enqueue(0);
 * s.enqueue(1);
 * s.wake(2);
 * console.log(s.next(), s.next(), s.next()); // 2 0 1
 * ```
 */
export interface Scheduler {
  /** Number of VMs waiting to run. */
  readonly length: number;
  /** A VM is ready: created, resumed, or its quantum ended. */
  enqueue(slot: number): void;
  /** A VM woke from idle (timer or interrupt). */
  wake(slot: number): void;
  /** A VM lost the CPU before its quantum ended (immediate interrupts). */
  preempt(slot: number): void;
  /** A VM leaves the queues (paused, killed, terminated); no effect if absent. */
  remove(slot: number): void;
  /** Removes and returns the VM to run next, or -1 when none is ready. */
  next(): number;
}

/**
 * Round robin with Denali's wake-up boost: woken VMs run first, in the order
 * they woke; a preempted VM runs next among the others; everyone else waits
 * its turn.
 *
 * @example
 * ```ts
 * import { RoundRobinScheduler } from "@denali/kernel";
 * const s = new RoundRobinScheduler();
 * s.enqueue(4);
 * s.enqueue(5);
 * s.remove(4);
 * console.log(s.next(), s.length); // 5 0
 * ```
 */
export class RoundRobinScheduler implements Scheduler {
  readonly #boost = new SlotDeque();
  readonly #ready = new SlotDeque();
  // INVARIANT: a queue entry (slot, t) is live iff #queued[slot] === 1 and #ticket[slot] === t.
  #queued = new Uint8Array(16);
  #ticket = new Int32Array(16);
  #live = 0;

  /** Number of VMs waiting to run. */
  get length(): number {
    return this.#live;
  }

  /** Appends `slot` to the ready queue. */
  enqueue(slot: number): void {
    if (this.#take(slot)) this.#ready.pushBack(slot, this.#ticket[slot]!);
  }

  /** Appends `slot` to the boost queue (runs before any ready VM). */
  wake(slot: number): void {
    this.remove(slot);
    this.#take(slot);
    this.#boost.pushBack(slot, this.#ticket[slot]!);
  }

  /** Puts `slot` at the head of the ready queue. */
  preempt(slot: number): void {
    if (this.#take(slot)) this.#ready.pushFront(slot, this.#ticket[slot]!);
  }

  /** Invalidates `slot`'s queue entry. */
  remove(slot: number): void {
    if (slot < this.#queued.length && this.#queued[slot]) {
      this.#queued[slot] = 0;
      this.#ticket[slot] = (this.#ticket[slot]! + 1) | 0;
      this.#live--;
    }
  }

  /** Next VM: boosted first, then ready; -1 when none. */
  next(): number {
    const s = this.#pop(this.#boost);
    return s >= 0 ? s : this.#pop(this.#ready);
  }

  #pop(q: SlotDeque): number {
    for (;;) {
      const s = q.popFront();
      if (s < 0) return -1;
      if (this.#queued[s] && this.#ticket[s] === q.lastTicket) {
        this.#queued[s] = 0;
        this.#live--;
        return s;
      }
    }
  }

  /** Marks `slot` queued with a fresh ticket; false if it already was. */
  #take(slot: number): boolean {
    if (slot >= this.#queued.length) this.#grow(slot + 1);
    if (this.#queued[slot]) return false;
    this.#queued[slot] = 1;
    this.#ticket[slot] = (this.#ticket[slot]! + 1) | 0;
    this.#live++;
    return true;
  }

  #grow(min: number): void {
    let n = this.#queued.length;
    while (n < min) n *= 2;
    const q = new Uint8Array(n), t = new Int32Array(n);
    q.set(this.#queued);
    t.set(this.#ticket);
    this.#queued = q;
    this.#ticket = t;
  }
}
