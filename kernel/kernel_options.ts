/**
 * What a caller may ask of the kernel: the options of a kernel, of a new VM
 * and of the run loop, with their defaults (from params.ts) and the checks
 * that reject bad values before anything is built.
 *
 * @module
 */

import type { ClockKind } from "./clock.ts";
import type { ConsoleSink } from "../devices/console.ts";
import type { InterruptMode } from "./core_types.ts";
import { type CpuOptions, TranslationCache } from "./cpu/mod.ts";
import { BadOptionError, MemoryLimitError } from "./errors.ts";
import type { ImageSource } from "./image.ts";
import { PAGE_SIZE } from "./memory/mod.ts";
import * as P from "./params.ts";
import type { Scheduler } from "./scheduler.ts";

/**
 * Options of {@linkcode Kernel}.
 *
 * @example
 * ```ts
 * import { Kernel, type KernelOptions } from "@denali/kernel";
 * const options: KernelOptions = { clock: "deterministic", quantum: 1000, interrupts: "batched" };
 * console.log(new Kernel(options).stats().quantum); // 1000
 * ```
 */
export interface KernelOptions {
  /**
   * The CPU's translation tier: on (default), off, or eager (translate at first
   * execution). One translation cache is shared by every VM of the kernel, so
   * VMs running the same image share translated code.
   */
  jit?: "on" | "off" | "eager";
  /** "deterministic" (default: virtual time, reproducible runs) or "real" (wall clock). */
  clock?: ClockKind;
  /** Instructions per quantum (default 10,000). */
  quantum?: number;
  /** "batched" (default: delivered at the VM's next quantum) or "immediate" (switch at once). */
  interrupts?: InterruptMode;
  /** CPU speed the kernel assumes, kHz (default 100,000: 100 MHz). */
  cpuKhz?: number;
  /**
   * Kernel time charged for each switch from one VM to another, in
   * microseconds (default 0). Switches here cost about 100 ns of host time
   * and nothing of kernel time; a charge models a kernel whose switches are
   * dear (Denali measured 1.4-9 us), so that batching's effect shows on the
   * deterministic clock.
   */
  switchCostMicros?: number;
  /** Most physical frames (4 KiB) guest memory may use (default 1,048,576: 4 GiB). */
  maxFrames?: number;
  /** Frames reserved up front (default 1024). */
  initialFrames?: number;
  /** Largest guest memory of one VM in bytes (default 256 MiB). */
  maxVmMemory?: number;
  /** Console bytes retained per VM (default 4096). */
  consoleRingBytes?: number;
  /** Receives console output as VMs produce it (flushed at the end of each quantum). */
  onConsole?: ConsoleSink;
  /** Scheduling policy (default: round robin with Denali's wake-up boost). */
  scheduler?: Scheduler;
  /** Host milliseconds the run loop may run before yielding to the event loop (default 5). */
  sliceMs?: number;
}

/**
 * Options of {@linkcode Kernel.create}.
 *
 * @example
 * ```ts
 * import { Kernel, type CreateOptions } from "@denali/kernel";
 * const o: CreateOptions = { image: { flat: new Uint8Array([0xf4]) }, memSize: 128 * 1024 };
 * const k = new Kernel();
 * console.log(k.inspect(k.create(o)).memSize); // 131072
 * ```
 */
export interface CreateOptions {
  /** ELF32 i386 bytes, or `{ flat, loadAddress?, entry?, bssSize? }` for a flat binary. */
  image: ImageSource;
  /** Guest memory in bytes, rounded up to 4 KiB (default 64 KiB). */
  memSize?: number;
  /** A name for listings (default `vm<id>`). */
  name?: string;
  /** Stop the VM with a "cpu-budget" fault after this many instructions (default: no limit). */
  maxInstructions?: number;
  /** Start it at once (default false: call {@linkcode Kernel.start}). */
  start?: boolean;
}

/**
 * Options of {@linkcode Kernel.run}.
 *
 * @example
 * ```ts
 * import { Kernel, type RunOptions } from "@denali/kernel";
 * const options: RunOptions = { signal: AbortSignal.abort() };
 * await new Kernel().run(options); // returns at once: the signal is aborted
 * ```
 */
export interface RunOptions {
  /** Stops the run loop (VMs keep their state; run again to continue). */
  signal?: AbortSignal;
  /**
   * Keep running when no VM can make progress, sleeping until an interrupt,
   * a start or a resume (default false: return then).
   */
  forever?: boolean;
}

/**
 * A kernel's settings: its {@linkcode KernelOptions} with the defaults
 * applied and checked (the options that only build a part, such as
 * `maxFrames` or `onConsole`, are read where that part is built).
 *
 * @example
 * ```ts
 * import { kernelSettings, type KernelSettings } from "./kernel_options.ts";
 * const s: KernelSettings = kernelSettings({ jit: "off" });
 * console.log(s.quantum, s.clock, s.jit); // 10000 deterministic { jit: false }
 * ```
 */
export interface KernelSettings {
  /** Instructions per quantum. */
  quantum: number;
  /** The kind of clock. */
  clock: ClockKind;
  /** Interrupt delivery mode. */
  interrupts: InterruptMode;
  /** CPU speed the kernel assumes, kHz. */
  cpuKhz: number;
  /** Largest guest memory of one VM in bytes. */
  maxVmMemory: number;
  /** Host milliseconds per slice of the run loop. */
  sliceMs: number;
  /** Kernel time charged per context switch, microseconds. */
  switchCostMicros: number;
  /** CPU options shared by every VM: the tier setting and one translation cache. */
  jit: CpuOptions;
}

/**
 * Applies the defaults to `options` and checks them; throws
 * {@linkcode BadOptionError} for the first bad one.
 *
 * @example
 * ```ts
 * import { kernelSettings } from "./kernel_options.ts";
 * try {
 *   kernelSettings({ quantum: 0 });
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot create kernel: quantum 0 is not an integer in 1..10000000
 * }
 * ```
 */
export function kernelSettings(options: KernelOptions): KernelSettings {
  const quantum = options.quantum ?? P.DEFAULT_QUANTUM;
  const clock = options.clock ?? "deterministic";
  const interrupts = options.interrupts ?? "batched";
  const cpuKhz = options.cpuKhz ?? P.DEFAULT_CPU_KHZ;
  const maxVmMemory = options.maxVmMemory ?? P.DEFAULT_MAX_VM_MEMORY;
  const sliceMs = options.sliceMs ?? P.DEFAULT_SLICE_MS;
  const switchCostMicros = options.switchCostMicros ?? 0;
  const what = "create kernel";
  const jit = options.jit ?? "on";
  if (jit !== "on" && jit !== "off" && jit !== "eager") {
    throw new BadOptionError(what, `jit "${jit}" is not "on", "off" or "eager"`);
  }
  const cpu: CpuOptions = jit === "off" ? { jit: false } : {
    jit: true,
    jitCache: new TranslationCache(),
    ...(jit === "eager" ? { jitThreshold: 0 } : {}),
  };
  if (!Number.isInteger(quantum) || quantum < P.MIN_QUANTUM || quantum > P.MAX_QUANTUM) {
    throw new BadOptionError(what, `quantum ${quantum} is not an integer in 1..${P.MAX_QUANTUM}`);
  }
  if (clock !== "deterministic" && clock !== "real") {
    throw new BadOptionError(what, `clock "${clock}" is not "deterministic" or "real"`);
  }
  if (interrupts !== "batched" && interrupts !== "immediate") {
    throw new BadOptionError(what, `interrupts "${interrupts}" is not "batched" or "immediate"`);
  }
  if (!(cpuKhz >= 1000 && cpuKhz <= 100_000_000)) {
    throw new BadOptionError(what, `cpuKhz ${cpuKhz} is not in 1000..100000000`);
  }
  if (!(maxVmMemory >= P.MIN_VM_MEMORY && maxVmMemory <= 0x1_0000_0000)) {
    throw new BadOptionError(what, `maxVmMemory ${maxVmMemory} is not in 12 KiB..4 GiB`);
  }
  if (!(sliceMs > 0)) throw new BadOptionError(what, `sliceMs ${sliceMs} is not > 0`);
  if (!(switchCostMicros >= 0 && switchCostMicros <= 1_000_000)) {
    throw new BadOptionError(what, `switchCostMicros ${switchCostMicros} is not in 0..1000000`);
  }
  return { quantum, clock, interrupts, cpuKhz, maxVmMemory, sliceMs, switchCostMicros, jit: cpu };
}

/**
 * Checks a VM's memory size of `bytes` and rounds it up to whole pages;
 * throws {@linkcode MemoryLimitError} if it is not a positive integer, is
 * above `maxVmMemory` or below the minimum.
 *
 * @example
 * ```ts
 * import { checkMemory } from "./kernel_options.ts";
 * console.log(checkMemory(100_000, 1 << 20)); // 102400
 * ```
 */
export function checkMemory(bytes: number, maxVmMemory: number): number {
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new MemoryLimitError(
      bytes,
      maxVmMemory,
      `memory size ${bytes} is not a positive integer`,
    );
  }
  const size = Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE;
  if (size > maxVmMemory) throw new MemoryLimitError(size, maxVmMemory);
  if (size < P.MIN_VM_MEMORY) {
    throw new MemoryLimitError(
      size,
      maxVmMemory,
      `memory of ${size} bytes is below the minimum of ${P.MIN_VM_MEMORY} bytes`,
    );
  }
  return size;
}
