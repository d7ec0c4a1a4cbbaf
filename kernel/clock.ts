/**
 * The kernel's two clocks. Both count *ticks*: one tick is one instruction at
 * the CPU speed the kernel assumes (`cpuKhz`), so timeouts, deadlines and
 * RDTSC share one unit.
 *
 * - Deterministic: time advances only with instructions executed (by any VM)
 *   and with idle periods skipped when every VM is idle. A run is a pure
 *   function of its inputs, reproducible bit for bit whatever the host's load.
 * - Real: ticks are derived from the host's monotonic clock; idle periods are
 *   slept through.
 *
 * @module
 */

/** Which clock a kernel uses. */
export type ClockKind = "deterministic" | "real";

/**
 * Time source of the kernel.
 *
 * @example
 * ```ts
 * import { DeterministicClock } from "@denali/kernel";
 * const c = new DeterministicClock(100_000); // 100 MHz: 100 ticks per us
 * c.advance(250);
 * console.log(c.now(), c.micros()); // 250 2
 * ```
 */
export interface Clock {
  /** Which clock this is. */
  readonly kind: ClockKind;
  /** Ticks per microsecond. */
  readonly ticksPerMicro: number;
  /** Current time in ticks. */
  now(): number;
  /** Current time in whole microseconds. */
  micros(): number;
  /** Accounts for `ticks` of guest execution (deterministic clocks move; real clocks ignore it). */
  advance(ticks: number): void;
  /** Every VM is idle until `ticks`: a deterministic clock jumps there; a real one does nothing. */
  skipTo(ticks: number): void;
}

/**
 * Virtual time driven by instructions executed and idle time skipped.
 *
 * @example
 * ```ts
 * import { DeterministicClock } from "@denali/kernel";
 * const c = new DeterministicClock(1000); // 1 tick per us
 * c.skipTo(5_000_000);
 * console.log(c.micros()); // 5000000
 * ```
 */
export class DeterministicClock implements Clock {
  /** Always "deterministic". */
  readonly kind = "deterministic" as const;
  /** Ticks per microsecond. */
  readonly ticksPerMicro: number;
  #ticks = 0;

  /** Creates a clock at time zero for a CPU of `cpuKhz`. */
  constructor(cpuKhz: number) {
    this.ticksPerMicro = cpuKhz / 1000;
  }

  /** Current time in ticks. */
  now(): number {
    return this.#ticks;
  }

  /** Current time in whole microseconds. */
  micros(): number {
    return Math.floor(this.#ticks / this.ticksPerMicro);
  }

  /** Moves time forward by `ticks`. */
  advance(ticks: number): void {
    this.#ticks += ticks;
  }

  /** Jumps to `ticks` if that is later than now. */
  skipTo(ticks: number): void {
    if (ticks > this.#ticks) this.#ticks = ticks;
  }
}

/**
 * Wall-clock time: the host's monotonic clock since the kernel started.
 *
 * @example
 * ```ts
 * import { RealClock } from "@denali/kernel";
 * const c = new RealClock(100_000);
 * console.log(c.micros() >= 0);
 * ```
 */
export class RealClock implements Clock {
  /** Always "real". */
  readonly kind = "real" as const;
  /** Ticks per microsecond. */
  readonly ticksPerMicro: number;
  readonly #start = performance.now();

  /** Creates a clock at time zero (now) for a CPU of `cpuKhz`. */
  constructor(cpuKhz: number) {
    this.ticksPerMicro = cpuKhz / 1000;
  }

  /** Current time in ticks. */
  now(): number {
    return Math.floor((performance.now() - this.#start) * 1000 * this.ticksPerMicro);
  }

  /** Current time in whole microseconds. */
  micros(): number {
    return Math.floor((performance.now() - this.#start) * 1000);
  }

  /** Real time does not follow execution. */
  advance(_ticks: number): void {}

  /** Real time is slept through, not skipped. */
  skipTo(_ticks: number): void {}
}

/**
 * Creates the clock of `kind`.
 *
 * @example
 * ```ts
 * import { createClock } from "@denali/kernel";
 * console.log(createClock("deterministic", 100_000).kind);
 * ```
 */
export function createClock(kind: ClockKind, cpuKhz: number): Clock {
  return kind === "real" ? new RealClock(cpuKhz) : new DeterministicClock(cpuKhz);
}
