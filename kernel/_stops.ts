/**
 * How a VM stops for good, apart from the quantum loop that notices it: a
 * fault becomes a record (reason, EIP, the instruction's bytes, the faulting
 * address), and every final stop (exit, fault, kill) takes the VM out of the
 * run and timer queues, frees its memory and CPU, flushes its console and
 * tells the devices and the public API. Cold code: it runs once per VM.
 *
 * @module
 */

import type { DeadlineQueue } from "../devices/timer_queue.ts";
import type { CoreDevices } from "./_core_devices.ts";
import type { CoreConfig, FinishListener, KernelCpu } from "./core_types.ts";
import { instructionBytes } from "./guest_memory.ts";
import { FAULT_BYTES } from "./params.ts";
import { IdleKind, type VmFault, type VmTable } from "./vm_table.ts";
import { isFinalState, VmState } from "./vm_state.ts";

/**
 * What {@linkcode VmStops} works on: the kernel core's tables and queues
 * (the core passes itself). `onFinish` is read at each stop, so it may be
 * replaced after construction.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // KernelCore is the one StopsOwner; use it through Kernel.
 * console.log(new Kernel().stats().vms.faulted); // 0
 * ```
 */
export interface StopsOwner {
  /** VM control blocks. */
  readonly table: VmTable<KernelCpu>;
  /** Idle VMs with a deadline. */
  readonly timers: DeadlineQueue;
  /** The attached devices. */
  readonly devices: CoreDevices;
  /** Settings (scheduler, clock, console). */
  readonly config: CoreConfig;
  /** Called when a VM stops for good. */
  readonly onFinish: FinishListener;
}

/**
 * Faults and final stops of VMs.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // VmStops is internal: a VM that faults or exits goes through it.
 * const k = new Kernel();
 * const id = k.create({ image: { flat: new Uint8Array([0xff, 0xff]) }, start: true });
 * await k.run();
 * console.log(k.inspect(id).state, k.inspect(id).fault?.reason); // faulted invalid-opcode
 * ```
 */
export class VmStops {
  readonly #owner: StopsOwner;

  /** Stops VMs of `owner`'s table. */
  constructor(owner: StopsOwner) {
    this.#owner = owner;
  }

  /** Records why the VM in `slot` faulted (with `cpu`'s state) and stops it. */
  fault(slot: number, cpu: KernelCpu, reason: string, detail: string): void {
    const t = this.#owner.table;
    if (isFinalState(t.state[slot]!)) return;
    const space = t.spaces[slot]!;
    const e = cpu.exit;
    const paging = reason === "page-fault";
    const f: VmFault = {
      reason,
      eip: cpu.eip >>> 0,
      bytes: instructionBytes(space, cpu.eip >>> 0, FAULT_BYTES),
      address: paging ? e.faultAddress >>> 0 : 0,
      write: paging ? e.faultWrite : false,
      detail,
    };
    t.faults.set(slot, f);
    this.finish(slot, VmState.Faulted);
  }

  /** Stops a VM for good: leaves every queue, frees its memory and CPU. */
  finish(slot: number, state: number): void {
    const o = this.#owner;
    const t = o.table;
    if (isFinalState(t.state[slot]!)) return;
    o.config.scheduler.remove(slot);
    o.timers.cancel(slot);
    if (t.state[slot] === VmState.Idle) {
      t.idleTicks[slot]! += o.config.clock.now() - t.idleSince[slot]!;
    }
    t.setState(slot, state);
    t.idleKind[slot] = IdleKind.None;
    t.deadline[slot] = -1;
    t.spaces[slot]?.release();
    t.spaces[slot] = null;
    t.cpus[slot] = null;
    o.config.console.flush(slot, t.id[slot]!);
    o.devices.vmFinished(slot);
    o.onFinish(slot);
  }
}
