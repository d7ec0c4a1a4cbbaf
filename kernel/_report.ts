/**
 * The kernel's reports, read off the core's tables: a snapshot of one VM
 * (state, memory, registers, counters), how a VM ended, and the kernel-wide
 * counters. Plain data (see vm_info.ts); nothing here changes a VM.
 *
 * @module
 */

import type { KernelCore } from "./core.ts";
import type { CpuOptions } from "./cpu/mod.ts";
import type { KernelStats, VmExit, VmInfo, VmStats } from "./vm_info.ts";
import { VM_STATE_COUNT, VmState, vmStateName } from "./vm_state.ts";

/**
 * Reports over a {@linkcode KernelCore}.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // KernelReport is internal; Kernel.inspect, wait and stats return its reports.
 * const k = new Kernel();
 * const id = k.create({ image: { flat: new Uint8Array([0xf4]) }, name: "halt" });
 * console.log(k.inspect(id).name, k.stats().vms.created); // halt 1
 * ```
 */
export class KernelReport {
  readonly #core: KernelCore;
  readonly #jit: CpuOptions;

  /** Reports on `core`, whose CPUs run with `jit`. */
  constructor(core: KernelCore, jit: CpuOptions) {
    this.#core = core;
    this.#jit = jit;
  }

  /** A snapshot of VM `id` in `slot`. */
  vm(slot: number, id: number): VmInfo {
    const t = this.#core.table;
    const state = t.state[slot]!;
    const space = t.spaces[slot];
    const info: VmInfo = {
      id,
      name: t.names[slot] ?? `vm${id}`,
      state: vmStateName(state),
      memSize: t.memSize[slot]!,
      residentPages: space ? space.mappedPages() : 0,
      pending: t.pending[slot]! >>> 0,
      stats: this.#statsOf(slot),
    };
    if (state === VmState.Exited) info.exitCode = t.exitCode[slot]!;
    const fault = t.faults.get(slot);
    if (fault) info.fault = { ...fault };
    const cpu = t.cpus[slot];
    if (cpu) {
      const r = cpu.regs;
      info.registers = {
        eax: r[0]! >>> 0,
        ecx: r[1]! >>> 0,
        edx: r[2]! >>> 0,
        ebx: r[3]! >>> 0,
        esp: r[4]! >>> 0,
        ebp: r[5]! >>> 0,
        esi: r[6]! >>> 0,
        edi: r[7]! >>> 0,
        eip: cpu.eip >>> 0,
        eflags: cpu.eflags >>> 0,
      };
      const jit = cpu.jitStats;
      if (jit !== undefined && this.#jit.jit) info.jit = jit;
    }
    return info;
  }

  /** How the stopped VM in `slot` ended. */
  exit(slot: number): VmExit {
    const t = this.#core.table;
    const s = t.state[slot]!;
    const exit: VmExit = {
      id: t.id[slot]!,
      state: s === VmState.Exited ? "exited" : s === VmState.Faulted ? "faulted" : "killed",
      code: s === VmState.Exited ? t.exitCode[slot]! : 0,
    };
    const f = t.faults.get(slot);
    if (f) exit.fault = { ...f };
    return exit;
  }

  /** Kernel-wide counters; `vmsCreated` VMs were created so far. */
  kernel(vmsCreated: number): KernelStats {
    const core = this.#core;
    const t = core.table;
    const phys = core.config.phys;
    const vms = { total: t.count } as KernelStats["vms"];
    for (let s = 0; s < VM_STATE_COUNT; s++) vms[vmStateName(s)] = t.byState[s]!;
    return {
      clock: core.config.clock.kind,
      interruptMode: core.config.interrupts,
      quantum: core.config.quantum,
      timeMicros: core.config.clock.micros(),
      contextSwitches: core.switches,
      quanta: core.quanta,
      instructions: core.instructions,
      runQueue: core.config.scheduler.length,
      timers: core.timers.size,
      vms,
      vmsCreated,
      interrupts: {
        raised: core.raisedTotal,
        delivered: core.deliveredTotal,
        batches: core.batchesTotal,
      },
      framesInUse: phys.framesInUse,
      framesTotal: phys.framesTotal,
      ...(this.#jit.jitCache ? { translations: this.#jit.jitCache.stats } : {}),
    };
  }

  #statsOf(slot: number): VmStats {
    const t = this.#core.table;
    const clock = this.#core.config.clock;
    let idle = t.idleTicks[slot]!;
    if (t.state[slot] === VmState.Idle) idle += clock.now() - t.idleSince[slot]!;
    const c = this.#core.config.console.counts(slot);
    return {
      instructions: t.instructions[slot]!,
      quanta: t.quanta[slot]!,
      interruptsRaised: t.raised[slot]!,
      interruptsDelivered: t.delivered[slot]!,
      batches: t.batches[slot]!,
      idleMicros: Math.floor(idle / clock.ticksPerMicro),
      faults: t.state[slot] === VmState.Faulted ? 1 : 0,
      consoleBytes: c.written,
      consoleDropped: c.dropped,
    };
  }
}
