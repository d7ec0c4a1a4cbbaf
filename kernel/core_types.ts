/**
 * The kernel core's contract with the code around it: what it uses of a
 * virtual CPU, how it is configured, how interrupts reach a VM, and what a
 * slice of the run loop reports. The core itself (core.ts) is the quantum
 * loop that drives these.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { ConsoleDevice } from "../devices/console.ts";
import type { JitStats } from "./cpu/mod.ts";
import type { PhysicalMemory } from "./memory/mod.ts";
import type { Scheduler } from "./scheduler.ts";

/**
 * What the kernel uses of a virtual CPU (kernel/cpu's `Cpu` satisfies it).
 *
 * @example
 * ```ts
 * import { Cpu } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import type { KernelCpu } from "@denali/kernel";
 * const cpu: KernelCpu = new Cpu(new AddressSpace(new PhysicalMemory(), 0x10000));
 * console.log(cpu.instructions); // 0
 * ```
 */
export interface KernelCpu {
  /** EAX ECX EDX EBX ESP EBP ESI EDI. */
  readonly regs: Int32Array;
  /** Instruction pointer. */
  eip: number;
  /** Full EFLAGS. */
  eflags: number;
  /** FS segment base. */
  fsBase: number;
  /** GS segment base. */
  gsBase: number;
  /** Virtual interrupt flag. */
  vif: boolean;
  /** Instructions retired. */
  readonly instructions: number;
  /** RDTSC source. */
  tsc: () => number;
  /** Details of the last stop. */
  readonly exit: {
    port: number;
    size: number;
    value: number;
    fault: string | null;
    faultAddress: number;
    faultWrite: boolean;
    detail: string;
  };
  /** Runs at most `budget` instructions; returns a Stop. */
  run(budget: number): number;
  /** Completes an IN with `value`. */
  completeIn(value: number): void;
  /** Pushes the upcall frame and jumps to `handler`; false (with exit.fault set) if a push faults. */
  upcall(handler: number): boolean;
  /** Translation counters, when the CPU has a translation tier. */
  readonly jitStats?: JitStats;
}

/**
 * How interrupts reach a VM.
 *
 * @example
 * ```ts
 * import { Kernel, type InterruptMode } from "@denali/kernel";
 * const interrupts: InterruptMode = "immediate";
 * console.log(new Kernel({ interrupts }).stats().interruptMode); // immediate
 * ```
 */
export type InterruptMode = "batched" | "immediate";

/**
 * Result of `KernelCore.runSlice` (core.ts).
 *
 * @example
 * ```ts
 * import { SliceResult } from "./core_types.ts";
 * console.log(SliceResult.Quiescent); // 2
 * ```
 */
export const SliceResult = {
  /** The slice's time ran out and VMs are still ready. */
  More: 0,
  /** No VM is ready; some wait for a timer in the future (real clock only). */
  Sleep: 1,
  /** No VM is ready and no timer is armed: only an outside event can wake a VM. */
  Quiescent: 2,
} as const;

/**
 * Settings of the core.
 *
 * @example
 * ```ts
 * import { ConsoleDevice, createClock, PhysicalMemory, RoundRobinScheduler } from "@denali/kernel";
 * import type { CoreConfig } from "./core_types.ts";
 * const config: CoreConfig = {
 *   quantum: 10_000,
 *   interrupts: "batched",
 *   clock: createClock("deterministic", 100_000),
 *   scheduler: new RoundRobinScheduler(),
 *   phys: new PhysicalMemory(),
 *   console: new ConsoleDevice(),
 * };
 * console.log(config.clock.kind); // deterministic
 * ```
 */
export interface CoreConfig {
  /** Instructions per quantum. */
  quantum: number;
  /** Clock ticks charged for each switch from one VM to another (default 0). */
  switchTicks?: number;
  /** Interrupt delivery mode. */
  interrupts: InterruptMode;
  /** The kernel's clock. */
  clock: Clock;
  /** Scheduling policy. */
  scheduler: Scheduler;
  /** Physical memory. */
  phys: PhysicalMemory;
  /** The console device. */
  console: ConsoleDevice;
}

/**
 * Called when a VM reaches a final state.
 *
 * @example
 * ```ts
 * import type { FinishListener } from "./core_types.ts";
 * const finished: number[] = [];
 * const onFinish: FinishListener = (slot) => finished.push(slot);
 * onFinish(3);
 * console.log(finished); // [ 3 ]
 * ```
 */
export type FinishListener = (slot: number) => void;
