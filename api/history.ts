/**
 * The kernel's load over time: every sample turns cumulative counters
 * (instructions, switches, interrupts, frames, disk requests, host CPU time)
 * into rates over the last interval, and keeps the last `capacity` samples
 * for the dashboard's plots and the API's `/v1/history`.
 *
 * @module
 */

/**
 * Cumulative counters read at one moment.
 *
 * @example
 * ```ts
 * import type { Counters } from "./history.ts";
 * const c: Counters = {
 *   hostMs: 0, cpuMicros: 0, instructions: 0, switches: 0, interrupts: 0, frames: 0,
 *   diskOps: 0, live: 0, running: 0, idle: 0, memoryBytes: 0,
 * };
 * console.log(Object.keys(c).length); // 11
 * ```
 */
export interface Counters {
  /** Host time, ms (monotonic). */
  hostMs: number;
  /** CPU time of this process, us (user + system). */
  cpuMicros: number;
  /** Instructions retired by all VMs. */
  instructions: number;
  /** Context switches. */
  switches: number;
  /** Interrupts raised. */
  interrupts: number;
  /** Frames moved by the virtual switch. */
  frames: number;
  /** Disk requests submitted. */
  diskOps: number;
  /** VMs not stopped (gauge). */
  live: number;
  /** VMs ready or running (gauge). */
  running: number;
  /** VMs idle (gauge). */
  idle: number;
  /** Guest memory in use, bytes (gauge). */
  memoryBytes: number;
}

/**
 * One point of the history: rates over the interval that ends at `t`.
 *
 * @example
 * ```ts
 * import { History } from "./history.ts";
 * const h = new History(10);
 * console.log(h.samples().length); // 0
 * ```
 */
export interface Sample {
  /** End of the interval, ms since the history started. */
  t: number;
  /** Million instructions per host second. */
  mips: number;
  /** Context switches per second. */
  switchesPerSec: number;
  /** Interrupts raised per second. */
  interruptsPerSec: number;
  /** Frames switched per second. */
  framesPerSec: number;
  /** Disk requests per second. */
  diskOpsPerSec: number;
  /** Share of one host core this process used, 0..1 (or more with helper threads). */
  cpuLoad: number;
  /** VMs not stopped. */
  live: number;
  /** VMs ready or running. */
  running: number;
  /** VMs idle. */
  idle: number;
  /** Guest memory in use, MiB. */
  memoryMiB: number;
}

/**
 * A bounded series of {@linkcode Sample}s made from successive {@linkcode Counters}.
 *
 * @example
 * ```ts
 * import { type Counters, History } from "./history.ts";
 * const zero: Counters = {
 *   hostMs: 0, cpuMicros: 0, instructions: 0, switches: 0, interrupts: 0, frames: 0,
 *   diskOps: 0, live: 1, running: 1, idle: 0, memoryBytes: 8192,
 * };
 * const h = new History(60);
 * h.add(zero);
 * h.add({ ...zero, hostMs: 1000, cpuMicros: 500_000, instructions: 2_000_000, switches: 10 });
 * const s = h.samples()[0]!;
 * console.log(s.mips, s.switchesPerSec, s.cpuLoad); // 2 10 0.5
 * ```
 */
export class History {
  /** Most samples kept. */
  readonly capacity: number;
  readonly #samples: Sample[] = [];
  #last: Counters | null = null;
  #origin = NaN;

  /** Keeps the last `capacity` samples. */
  constructor(capacity = 300) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) {
      throw new RangeError(`Cannot create history: capacity ${capacity} is not an integer >= 1`);
    }
    this.capacity = capacity;
  }

  /** Adds the counters read now; from the second call on, appends a sample. */
  add(c: Counters): Sample | null {
    const last = this.#last;
    this.#last = { ...c };
    if (Number.isNaN(this.#origin)) this.#origin = c.hostMs;
    if (last === null) return null;
    const secs = (c.hostMs - last.hostMs) / 1000;
    if (!(secs > 0)) return null;
    const rate = (now: number, before: number) => Math.max(0, now - before) / secs;
    const s: Sample = {
      t: Math.round(c.hostMs - this.#origin),
      mips: rate(c.instructions, last.instructions) / 1e6,
      switchesPerSec: rate(c.switches, last.switches),
      interruptsPerSec: rate(c.interrupts, last.interrupts),
      framesPerSec: rate(c.frames, last.frames),
      diskOpsPerSec: rate(c.diskOps, last.diskOps),
      cpuLoad: rate(c.cpuMicros, last.cpuMicros) / 1e6,
      live: c.live,
      running: c.running,
      idle: c.idle,
      memoryMiB: c.memoryBytes / (1 << 20),
    };
    this.#samples.push(s);
    if (this.#samples.length > this.capacity) this.#samples.shift();
    return s;
  }

  /** The samples kept, oldest first (a copy). */
  samples(): Sample[] {
    return this.#samples.slice();
  }

  /** The newest sample, or null. */
  latest(): Sample | null {
    return this.#samples.at(-1) ?? null;
  }
}
