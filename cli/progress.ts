/**
 * The live status line of long runs: one line on stderr, redrawn a few times
 * a second, with the VMs by state and the kernel's rates (MIPS, switches,
 * interrupts, frames, disk requests per second) and memory. It appears only
 * after the run has lasted a moment, only on a terminal (unless forced), and
 * is erased before console output is written and when the run ends, so the
 * terminal keeps only the guests' output and the summary.
 *
 * @module
 */

import type { Counters } from "../api/history.ts";
import type { KernelStats } from "../kernel/mod.ts";

/**
 * Formats a count compactly: 950, 12.3k, 4.56M, 1.2G.
 *
 * @example
 * ```ts
 * import { compact } from "./progress.ts";
 * console.log(compact(950), compact(12_345), compact(4_560_000)); // 950 12.3k 4.56M
 * ```
 */
export function compact(n: number): string {
  const a = Math.abs(n);
  const f = (x: number, unit: string) => `${x >= 100 ? x.toFixed(0) : x.toPrecision(3)}${unit}`;
  if (a >= 1e9) return f(n / 1e9, "G");
  if (a >= 1e6) return f(n / 1e6, "M");
  if (a >= 1e4) return f(n / 1e3, "k");
  return Math.round(n).toString();
}

/**
 * The status line for the counters now and at the previous draw.
 *
 * @example
 * ```ts
 * import { statusLine } from "./progress.ts";
 * import { Kernel } from "../kernel/mod.ts";
 * const c = {
 *   hostMs: 2000, cpuMicros: 0, instructions: 5e7, switches: 1000, interrupts: 0, frames: 0,
 *   diskOps: 0, live: 1, running: 1, idle: 0, memoryBytes: 8192,
 * };
 * const line = statusLine(new Kernel().stats(), c, { ...c, hostMs: 1000, instructions: 0, switches: 0 }, 2000);
 * console.log(line.includes("50.0 MIPS")); // true
 * ```
 */
export function statusLine(
  stats: KernelStats,
  now: Counters,
  before: Counters | null,
  elapsedMs: number,
): string {
  const v = stats.vms;
  const states = (["running", "ready", "idle", "paused", "exited", "faulted", "killed"] as const)
    .filter((s) => v[s] > 0)
    .map((s) => `${compact(v[s])} ${s}`)
    .join(", ");
  const parts = [`denali ${(elapsedMs / 1000).toFixed(1)}s`, `${compact(v.total)} VMs (${states})`];
  if (before) {
    const secs = (now.hostMs - before.hostMs) / 1000;
    const rate = (a: number, b: number) => secs > 0 ? (a - b) / secs : 0;
    parts.push(`${(rate(now.instructions, before.instructions) / 1e6).toFixed(1)} MIPS`);
    parts.push(`${compact(rate(now.switches, before.switches))} switches/s`);
    const irq = rate(now.interrupts, before.interrupts);
    if (irq > 0) parts.push(`${compact(irq)} irq/s`);
    const frames = rate(now.frames, before.frames);
    if (frames > 0) parts.push(`${compact(frames)} frames/s`);
    const disk = rate(now.diskOps, before.diskOps);
    if (disk > 0) parts.push(`${compact(disk)} disk/s`);
  }
  parts.push(`${(now.memoryBytes / (1 << 20)).toFixed(1)} MiB`);
  return parts.join(" | ");
}

/**
 * Options of {@linkcode ProgressLine}.
 *
 * @example
 * ```ts
 * import type { ProgressOptions } from "./progress.ts";
 * import { Machine } from "../api/machine.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const o: ProgressOptions = { stats: () => m.kernel.stats(), counters: () => m.counters() };
 * console.log(typeof o.stats); // function
 * await m.close();
 * ```
 */
export interface ProgressOptions {
  /** Reads the kernel's stats. */
  stats: () => KernelStats;
  /** Reads the cumulative counters. */
  counters: () => Counters;
  /** Where the line goes (default stderr). */
  write?: (bytes: Uint8Array) => void;
  /** Time before the first draw, ms (default 1000: short runs show nothing). */
  delayMs?: number;
  /** Time between draws, ms (default 250). */
  intervalMs?: number;
  /** Widest line drawn, in characters (default: the terminal's width, else 120). */
  columns?: number;
}

const enc = new TextEncoder();

/**
 * A status line that redraws itself until stopped.
 *
 * @example
 * ```ts
 * import { ProgressLine } from "./progress.ts";
 * import { Machine } from "../api/machine.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const out: Uint8Array[] = [];
 * const p = new ProgressLine({
 *   stats: () => m.kernel.stats(), counters: () => m.counters(), write: (b) => out.push(b),
 *   delayMs: 0,
 * });
 * p.draw();
 * p.stop();
 * console.log(new TextDecoder().decode(out[0]).includes("0 VMs")); // true
 * await m.close();
 * ```
 */
export class ProgressLine {
  readonly #o: ProgressOptions;
  readonly #write: (bytes: Uint8Array) => void;
  readonly #t0 = performance.now();
  readonly #columns: number;
  #before: Counters | null = null;
  #shown = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #delay: ReturnType<typeof setTimeout> | undefined;

  /** Starts drawing after `delayMs`. */
  constructor(options: ProgressOptions) {
    this.#o = options;
    this.#write = options.write ?? ((b) => writeAll(Deno.stderr, b));
    let cols = options.columns ?? 120;
    if (options.columns === undefined) {
      try {
        cols = Deno.consoleSize().columns || 120; // a pseudo-terminal may report 0
      } catch { /* not a terminal */ }
    }
    this.#columns = Math.max(20, cols - 1);
    const interval = options.intervalMs ?? 250;
    this.#delay = setTimeout(() => {
      this.#delay = undefined;
      this.draw();
      this.#timer = setInterval(() => this.draw(), interval);
      Deno.unrefTimer(this.#timer);
    }, options.delayMs ?? 1000);
    Deno.unrefTimer(this.#delay);
  }

  /** Draws the line now. */
  draw(): void {
    const now = this.#o.counters();
    let line = statusLine(this.#o.stats(), now, this.#before, performance.now() - this.#t0);
    if (line.length > this.#columns) line = line.slice(0, this.#columns);
    this.#before = now;
    this.#write(enc.encode(`\r\x1b[2K${line}`));
    this.#shown = true;
  }

  /** Erases the line (before other output); the next draw brings it back. */
  clear(): void {
    if (!this.#shown) return;
    this.#write(enc.encode("\r\x1b[2K"));
    this.#shown = false;
  }

  /** Erases the line and stops drawing. */
  stop(): void {
    if (this.#delay !== undefined) clearTimeout(this.#delay);
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#delay = this.#timer = undefined;
    this.clear();
  }
}

/**
 * Writes every byte of `bytes` to a synchronous writer.
 *
 * @example
 * ```ts
 * import { writeAll } from "./progress.ts";
 * writeAll(Deno.stdout, new TextEncoder().encode("hello\n"));
 * ```
 */
export function writeAll(w: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += w.writeSync(bytes.subarray(done));
}
