/**
 * The VM control blocks, stored as a struct of arrays: one typed array per
 * field, indexed by *slot*. A VM costs a few bytes in each array, its address
 * space (page table) and its CPU object, not an object graph of its own.
 * Slots are recycled through a free list; VM ids are never reused.
 *
 * Owner: the kernel actor. Nothing outside kernel/ reads these arrays.
 *
 * @module
 */

import type { AddressSpace } from "./memory/mod.ts";
import { VM_STATE_COUNT, VmState } from "./vm_state.ts";

/** How an idle VM went idle (what to write back when it wakes). */
export const IdleKind = {
  /** Not idle. */
  None: 0,
  /** HLT: registers are left as they are. */
  Hlt: 1,
  /** VMCALL idle-with-timeout: EAX gets 0 (timeout) or 1 (interrupt). */
  Vmcall: 2,
} as const;

/** Why a VM stopped with a fault. */
export interface VmFault {
  /** Fault kind: a CPU fault ("page-fault", "invalid-opcode", ...) or a kernel one
   * ("bad-device-request", "out-of-memory", "cpu-budget", "upcall-failed"). */
  reason: string;
  /** EIP of the faulting instruction. */
  eip: number;
  /** Up to 15 instruction bytes at EIP, hex, space-separated ("" if unreadable). */
  bytes: string;
  /** Faulting address (page faults) or 0. */
  address: number;
  /** The faulting access was a write (page faults). */
  write: boolean;
  /** A human-readable detail. */
  detail: string;
}

/**
 * The kind of the CPU object the table stores per VM. The kernel supplies it;
 * the table only holds references.
 */
export type CpuLike = object;

/**
 * Struct-of-arrays VM table.
 *
 * @example
 * ```ts
 * import { VmTable } from "./vm_table.ts";
 * const t = new VmTable();
 * const slot = t.alloc(1);
 * console.log(t.id[slot], t.slotOf(1) === slot); // 1 true
 * t.free(slot);
 * ```
 */
export class VmTable<C extends CpuLike = CpuLike> {
  /** VM id per slot (0 = free slot). */
  id = new Uint32Array(16);
  /** {@linkcode VmState} per slot. */
  state = new Uint8Array(16);
  /** State before a pause. */
  pausedFrom = new Uint8Array(16);
  /** {@linkcode IdleKind} per slot. */
  idleKind = new Uint8Array(16);
  /** Interrupt lines raised and not yet delivered. */
  pending = new Int32Array(16);
  /** Guest memory size in bytes. */
  memSize = new Float64Array(16);
  /** Index of the virtual registers page in physical memory, in 32-bit words. */
  vregs = new Int32Array(16);
  /** Exit code (exited VMs). */
  exitCode = new Int32Array(16);
  /** Per-VM instruction limit (0 = none); exceeding it is a "cpu-budget" fault. */
  maxInstructions = new Float64Array(16);
  /** Tick at which the VM went idle. */
  idleSince = new Float64Array(16);
  /** Deadline (ticks) of an idle VM's timer, or -1; kept across a pause. */
  deadline = new Float64Array(16);
  /** Stats: instructions retired. */
  instructions = new Float64Array(16);
  /** Stats: quanta started. */
  quanta = new Float64Array(16);
  /** Stats: interrupts raised (lines set while not already pending count once each). */
  raised = new Float64Array(16);
  /** Stats: interrupt lines delivered. */
  delivered = new Float64Array(16);
  /** Stats: deliveries (upcalls or posts), each carrying one batch of lines. */
  batches = new Float64Array(16);
  /** Stats: ticks spent idle. */
  idleTicks = new Float64Array(16);
  /** Address space per slot (null once released). */
  spaces: (AddressSpace | null)[] = [];
  /** CPU per slot (null once released). */
  cpus: (C | null)[] = [];
  /** Name per slot (undefined: the default `vm<id>`). */
  names: (string | undefined)[] = [];
  /** Fault details of faulted VMs. */
  readonly faults: Map<number, VmFault> = new Map();
  /** Number of VMs in each state. */
  readonly byState: Float64Array = new Float64Array(VM_STATE_COUNT);
  readonly #idToSlot = new Map<number, number>();
  #free = new Int32Array(16);
  #freeTop = 0;
  #used = 0;

  /** Slots in use (live VMs and stopped VMs not yet removed). */
  get count(): number {
    return this.#used;
  }

  /** Slots the arrays can hold without growing. */
  get capacity(): number {
    return this.id.length;
  }

  /** The slot of VM `id`, or -1. */
  slotOf(id: number): number {
    return this.#idToSlot.get(id) ?? -1;
  }

  /** Every slot in use, in slot order. */
  slots(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.#used + this.#freeTop && s < this.id.length; s++) {
      if (this.id[s] !== 0) out.push(s);
    }
    return out;
  }

  /** Takes a free slot for VM `id` (fields reset, state Created). */
  alloc(id: number): number {
    let slot: number;
    if (this.#freeTop > 0) slot = this.#free[--this.#freeTop]!;
    else {
      slot = this.#used;
      if (slot >= this.id.length) this.#grow(slot + 1);
    }
    this.#used++;
    this.id[slot] = id;
    this.state[slot] = VmState.Created;
    this.byState[VmState.Created]!++;
    this.pausedFrom[slot] = 0;
    this.idleKind[slot] = 0;
    this.pending[slot] = 0;
    this.memSize[slot] = 0;
    this.vregs[slot] = 0;
    this.exitCode[slot] = 0;
    this.maxInstructions[slot] = 0;
    this.idleSince[slot] = 0;
    this.deadline[slot] = -1;
    this.instructions[slot] = 0;
    this.quanta[slot] = 0;
    this.raised[slot] = 0;
    this.delivered[slot] = 0;
    this.batches[slot] = 0;
    this.idleTicks[slot] = 0;
    while (this.spaces.length <= slot) {
      this.spaces.push(null);
      this.cpus.push(null);
      this.names.push(undefined);
    }
    this.#idToSlot.set(id, slot);
    return slot;
  }

  /** Changes the state of `slot`, keeping the per-state counts. */
  setState(slot: number, state: number): void {
    this.byState[this.state[slot]!]!--;
    this.byState[state]!++;
    this.state[slot] = state;
  }

  /** Returns `slot` to the free list (its memory must already be released). */
  free(slot: number): void {
    const id = this.id[slot]!;
    if (id === 0) return;
    this.byState[this.state[slot]!]!--;
    this.#idToSlot.delete(id);
    this.faults.delete(slot);
    this.id[slot] = 0;
    this.spaces[slot] = null;
    this.cpus[slot] = null;
    this.names[slot] = undefined;
    if (this.#freeTop === this.#free.length) this.#free = grown(this.#free, this.#freeTop + 1);
    this.#free[this.#freeTop++] = slot;
    this.#used--;
  }

  #grow(min: number): void {
    let n = this.id.length;
    while (n < min) n *= 2;
    this.id = grown(this.id, n);
    this.state = grown(this.state, n);
    this.pausedFrom = grown(this.pausedFrom, n);
    this.idleKind = grown(this.idleKind, n);
    this.pending = grown(this.pending, n);
    this.memSize = grown(this.memSize, n);
    this.vregs = grown(this.vregs, n);
    this.exitCode = grown(this.exitCode, n);
    this.maxInstructions = grown(this.maxInstructions, n);
    this.idleSince = grown(this.idleSince, n);
    this.deadline = grown(this.deadline, n);
    this.instructions = grown(this.instructions, n);
    this.quanta = grown(this.quanta, n);
    this.raised = grown(this.raised, n);
    this.delivered = grown(this.delivered, n);
    this.batches = grown(this.batches, n);
    this.idleTicks = grown(this.idleTicks, n);
  }
}

type Typed = Uint8Array | Int32Array | Uint32Array | Float64Array;

function grown<T extends Typed>(a: T, min: number): T {
  let n = Math.max(a.length, 1);
  while (n < min) n *= 2;
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a as never);
  return b;
}
