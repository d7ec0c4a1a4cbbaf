/**
 * One VM's disk state, owned by the disk device: its disks (indices 0..3),
 * its requests in flight in submission order, the tags of completed requests
 * it has not taken yet, and its counters.
 *
 * @module
 */

import type { BlockStore } from "./disk_store.ts";
import { DISK_NO_COMPLETION, MAX_DISKS } from "./disk_abi.ts";

/**
 * Counters of the disk device, per VM and in total.
 *
 * @example
 * ```ts
 * import { type DiskMetrics, emptyDiskMetrics } from "@denali/kernel";
 * const m: DiskMetrics = emptyDiskMetrics();
 * m.reads++;
 * console.log(m.reads, m.errors); // 1 0
 * ```
 */
export interface DiskMetrics {
  /** Requests submitted (every OUT32 that named a valid request block). */
  requests: number;
  /** Reads that succeeded. */
  reads: number;
  /** Writes that succeeded. */
  writes: number;
  /** Flushes that succeeded. */
  flushes: number;
  /** Bytes read by successful reads. */
  bytesRead: number;
  /** Bytes written by successful writes. */
  bytesWritten: number;
  /** Requests that ended with an error status (BUSY included). */
  errors: number;
  /** Requests refused with BUSY. */
  busy: number;
  /** Requests that faulted the VM (bad request block or buffer). */
  faults: number;
  /** Completion tags dropped because the VM did not take them in time. */
  completionsDropped: number;
}

/**
 * Fresh zeroed {@linkcode DiskMetrics}.
 *
 * @example
 * ```ts
 * import { emptyDiskMetrics } from "@denali/kernel";
 * console.log(emptyDiskMetrics().requests); // 0
 * ```
 */
export function emptyDiskMetrics(): DiskMetrics {
  return {
    requests: 0,
    reads: 0,
    writes: 0,
    flushes: 0,
    bytesRead: 0,
    bytesWritten: 0,
    errors: 0,
    busy: 0,
    faults: 0,
    completionsDropped: 0,
  };
}

/** A request in flight: its I/O is done (or running on the host); its completion is due. */
export interface InFlight {
  /** Guest address of the request's status word. */
  statusAddr: number;
  /** The guest's tag. */
  tag: number;
  /** Status to write at completion. */
  status: number;
  /** Tick at which it completes. */
  due: number;
  /** True while host work (an asynchronous flush) is still running. */
  waiting: boolean;
}

/**
 * The disk state of one VM.
 *
 * @example
 * ```ts
 * import { DiskVm } from "./disk_vm.ts";
 * const vm = new DiskVm(7, 4);
 * vm.pushCompletion(42);
 * console.log(vm.takeCompletion(), vm.takeCompletion().toString(16)); // 42 ffffffff
 * ```
 */
export class DiskVm {
  /** The VM's id. */
  readonly id: number;
  /** Its disks by index (null: none). */
  readonly disks: (BlockStore | null)[] = new Array(MAX_DISKS).fill(null);
  /** Requests in flight, oldest first; they complete in this order. */
  readonly queue: InFlight[] = [];
  /** Tick at which the newest request in flight completes (completions never overtake). */
  lastDue = 0;
  /** Asynchronous host operations still running. */
  hostOps = 0;
  /** False once the VM has stopped. */
  live = true;
  /** Counters. */
  readonly metrics: DiskMetrics = emptyDiskMetrics();
  readonly #tags: Uint32Array;
  #head = 0;
  #length = 0;

  /** State for VM `id`, keeping up to `completions` untaken completion tags. */
  constructor(id: number, completions: number) {
    this.id = id;
    this.#tags = new Uint32Array(completions);
  }

  /** 1 + the highest index with a disk (0: none). */
  get diskCount(): number {
    for (let i = MAX_DISKS - 1; i >= 0; i--) if (this.disks[i]) return i + 1;
    return 0;
  }

  /** Records a completed request's tag (dropping the oldest untaken one if full). */
  pushCompletion(tag: number): void {
    const cap = this.#tags.length;
    if (this.#length === cap) {
      this.#head = (this.#head + 1) % cap;
      this.#length--;
      this.metrics.completionsDropped++;
    }
    this.#tags[(this.#head + this.#length) % cap] = tag;
    this.#length++;
  }

  /** The oldest untaken completion tag, or {@linkcode DISK_NO_COMPLETION}. */
  takeCompletion(): number {
    if (this.#length === 0) return DISK_NO_COMPLETION;
    const t = this.#tags[this.#head]!;
    this.#head = (this.#head + 1) % this.#tags.length;
    this.#length--;
    return t;
  }

  /** Untaken completion tags, oldest first. */
  completions(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.#length; i++) {
      out.push(this.#tags[(this.#head + i) % this.#tags.length]!);
    }
    return out;
  }
}
