/**
 * What the kernel reports about VMs and about itself: plain data, safe to
 * serialise (JSON) for the CLI and the control API.
 *
 * @module
 */

import type { ClockKind } from "./clock.ts";
import type { InterruptMode } from "./core_types.ts";
import type { JitStats, TranslationCacheStats } from "./cpu/mod.ts";
import type { VmFault } from "./vm_table.ts";
import type { VmStateName } from "./vm_state.ts";

/**
 * Per-VM counters.
 *
 * @example
 * ```ts
 * import type { VmStats } from "@denali/kernel";
 * const s: VmStats = {
 *   instructions: 0, quanta: 0, interruptsRaised: 0, interruptsDelivered: 0, batches: 0,
 *   idleMicros: 0, faults: 0, consoleBytes: 0, consoleDropped: 0,
 * };
 * console.log(Object.keys(s).length); // 9
 * ```
 */
export interface VmStats {
  /** Instructions retired. */
  instructions: number;
  /** Quanta started. */
  quanta: number;
  /** Interrupts raised on the VM. */
  interruptsRaised: number;
  /** Interrupt lines delivered to it. */
  interruptsDelivered: number;
  /** Deliveries (each carries one batch of lines). */
  batches: number;
  /** Microseconds spent idle (kernel clock). */
  idleMicros: number;
  /** 1 if it stopped with a fault, else 0. */
  faults: number;
  /** Console bytes written. */
  consoleBytes: number;
  /** Console bytes no longer retained (the ring is bounded). */
  consoleDropped: number;
}

/**
 * A VM's registers (live VMs only).
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * const k = new Kernel();
 * const id = k.create({ image: { flat: new Uint8Array([0xf4]) } });
 * console.log(k.inspect(id).registers?.esp.toString(16)); // 100000
 * ```
 */
export interface VmRegisters {
  /** EAX. */
  eax: number;
  /** ECX. */
  ecx: number;
  /** EDX. */
  edx: number;
  /** EBX. */
  ebx: number;
  /** ESP. */
  esp: number;
  /** EBP. */
  ebp: number;
  /** ESI. */
  esi: number;
  /** EDI. */
  edi: number;
  /** EIP. */
  eip: number;
  /** EFLAGS. */
  eflags: number;
}

/**
 * A snapshot of one VM.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * const k = new Kernel();
 * const id = k.create({ image: { flat: new Uint8Array([0xf4]) }, name: "halt" });
 * const info = k.inspect(id);
 * console.log(info.name, info.state, info.memSize); // halt created 1048576
 * ```
 */
export interface VmInfo {
  /** The VM's id. */
  id: number;
  /** Its name. */
  name: string;
  /** Its state. */
  state: VmStateName;
  /** Guest memory size in bytes. */
  memSize: number;
  /** Pages of guest memory backed by frames now (0 once stopped). */
  residentPages: number;
  /** Interrupt lines raised and not yet delivered. */
  pending: number;
  /** Exit code, once exited. */
  exitCode?: number;
  /** Why it faulted, once faulted. */
  fault?: VmFault;
  /** Registers, while the VM has a CPU (not once stopped). */
  registers?: VmRegisters;
  /**
   * The translation tier's counters for this VM (regions it uses, their
   * generated code size, instructions run translated), while it has an x86
   * CPU and the tier is on. Regions shared with other VMs count for each.
   */
  jit?: JitStats;
  /** Counters. */
  stats: VmStats;
}

/**
 * How a VM ended, as {@linkcode Kernel.wait} reports it.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * const k = new Kernel();
 * // mov ebx, 7; xor eax, eax; vmcall
 * const code = new Uint8Array([0xbb, 7, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x01, 0xc1]);
 * const id = k.create({ image: { flat: code }, start: true });
 * const done = k.wait(id);
 * await k.run();
 * console.log((await done).code); // 7
 * ```
 */
export interface VmExit {
  /** The VM's id. */
  id: number;
  /** How it ended. */
  state: "exited" | "faulted" | "killed";
  /** Exit code (terminate's EBX); 0 unless exited. */
  code: number;
  /** Why it faulted, if it did. */
  fault?: VmFault;
}

/**
 * Kernel-wide counters.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * const s = new Kernel().stats();
 * console.log(s.clock, s.vms.total, s.framesInUse); // deterministic 0 0
 * ```
 */
export interface KernelStats {
  /** Which clock runs. */
  clock: ClockKind;
  /** Interrupt delivery mode. */
  interruptMode: InterruptMode;
  /** Instructions per quantum. */
  quantum: number;
  /** Kernel time in microseconds. */
  timeMicros: number;
  /** Switches from one VM to another. */
  contextSwitches: number;
  /** Quanta run. */
  quanta: number;
  /** Instructions retired by all VMs. */
  instructions: number;
  /** VMs waiting in the run queue. */
  runQueue: number;
  /** Idle VMs with an armed timer. */
  timers: number;
  /** VMs by state, and the total held (stopped VMs count until removed). */
  vms: Record<VmStateName, number> & { total: number };
  /** VMs ever created. */
  vmsCreated: number;
  /** Interrupts raised, lines delivered, and deliveries, over all VMs ever run. */
  interrupts: { raised: number; delivered: number; batches: number };
  /** Physical frames handed out. */
  framesInUse: number;
  /** Physical frames held by the machine (in use or free). */
  framesTotal: number;
  /** The translation cache shared by every VM (absent with the tier off). */
  translations?: TranslationCacheStats;
}
