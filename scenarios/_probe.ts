/**
 * The probe: a measurement device for scenarios, not part of the guest ABI.
 * Guests report what the harness measures with one OUT each: a latency
 * sample (port 0x600, microseconds) or a timed-out request (port 0x604).
 * The harness reads the samples and counts per VM and in total.
 *
 * @module
 */

import type { Device, DeviceGuest } from "../kernel/mod.ts";

/**
 * First port of the probe (free in kernel/ISA.md's assignments).
 *
 * @example
 * ```ts
 * import { PROBE_BASE } from "./_probe.ts";
 * console.log(PROBE_BASE.toString(16)); // 600
 * ```
 */
export const PROBE_BASE = 0x600;

/**
 * Collects latency samples and timeouts.
 *
 * @example
 * ```ts
 * import { Kernel } from "../kernel/mod.ts";
 * import { Probe } from "./_probe.ts";
 * const probe = new Probe();
 * new Kernel().attach(probe);
 * console.log(probe.count, probe.timeouts); // 0 0
 * ```
 */
export class Probe implements Device {
  /** Device name. */
  readonly name: string = "probe";
  /** First port. */
  readonly base: number = PROBE_BASE;
  /** Ports used. */
  readonly size: number = 8;
  /** Samples kept (the rest are counted only). */
  readonly capacity: number;
  #samples: Float64Array;
  #count = 0;
  #timeouts = 0;
  readonly #perVm = new Map<number, number>();

  /** Keeps up to `capacity` latency samples (default 1,000,000). */
  constructor(capacity = 1_000_000) {
    this.capacity = capacity;
    this.#samples = new Float64Array(Math.min(capacity, 65536));
  }

  /** IN: all ones (nothing to read). */
  in(): number {
    return -1;
  }

  /** OUT: a latency sample (offset 0) or a timeout (offset 4). */
  out(guest: DeviceGuest, offset: number, _size: number, value: number): void {
    if (offset === 4) {
      this.#timeouts++;
      return;
    }
    if (offset !== 0) return;
    const i = this.#count++;
    this.#perVm.set(guest.vmId, (this.#perVm.get(guest.vmId) ?? 0) + 1);
    if (i >= this.capacity) return;
    if (i >= this.#samples.length) {
      const grown = new Float64Array(Math.min(this.capacity, this.#samples.length * 2));
      grown.set(this.#samples);
      this.#samples = grown;
    }
    this.#samples[i] = value >>> 0;
  }

  /** Latency samples reported. */
  get count(): number {
    return this.#count;
  }

  /** Timeouts reported. */
  get timeouts(): number {
    return this.#timeouts;
  }

  /** Samples reported by VM `id`. */
  countOf(id: number): number {
    return this.#perVm.get(id) ?? 0;
  }

  /** The kept samples from index `from` on (a copy). */
  samples(from = 0): Float64Array {
    return this.#samples.slice(from, Math.min(this.#count, this.capacity));
  }
}
