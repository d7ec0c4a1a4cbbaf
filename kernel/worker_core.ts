/**
 * The core's side of hosted VMs (Worker guests, see worker_vm.ts), kept apart
 * from the x86 path in core.ts: a hosted quantum does the same bookkeeping as
 * an x86 quantum and hands the slot to the runner; the transitions below apply
 * what the VM answered (idle, ready, exit, fault) and charge it.
 *
 * @module
 */

import type { KernelCore } from "./core.ts";
import { popcount } from "./_interrupts.ts";
import { IdleKind } from "./vm_table.ts";
import { isFinalState, VmState } from "./vm_state.ts";

/**
 * Transitions of hosted VMs over a {@linkcode KernelCore}'s table.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // HostedCore is internal; Worker guests use it through WorkerHost.
 * console.log(new Kernel().stats().vms.total); // 0
 * ```
 */
export class HostedCore {
  readonly #core: KernelCore;
  readonly #idle: (slot: number, deadline: number) => void;
  readonly #finish: (slot: number, state: number) => void;

  /** Binds to `core`; `idle` and `finish` are the core's own transitions. */
  constructor(
    core: KernelCore,
    idle: (slot: number, deadline: number) => void,
    finish: (slot: number, state: number) => void,
  ) {
    this.#core = core;
    this.#idle = idle;
    this.#finish = finish;
  }

  /**
   * One quantum of a hosted VM (the core has counted the switch): the same
   * bookkeeping as an x86 quantum (quanta, the budget, every pending line
   * delivered in one batch), then the runner sends the batch. The VM stays
   * running until its answer is applied.
   */
  quantum(slot: number): void {
    const core = this.#core, t = core.table;
    t.setState(slot, VmState.Running);
    t.quanta[slot]!++;
    core.quanta++;
    const limit = t.maxInstructions[slot]!;
    if (limit > 0 && t.instructions[slot]! >= limit) {
      return this.fault(slot, "cpu-budget", `instruction limit of ${limit} reached`);
    }
    const lines = t.pending[slot]!;
    if (lines !== 0) {
      t.pending[slot] = 0;
      const n = popcount(lines);
      t.delivered[slot]! += n;
      t.batches[slot]!++;
      core.deliveredTotal += n;
      core.batchesTotal++;
    }
    core.current = slot;
    try {
      core.hosted!.quantum(slot, lines);
    } finally {
      core.current = -1;
    }
  }

  /** The VM idles until an interrupt or `deadline` (ticks; -1: none); a paused VM resumes idle. */
  idle(slot: number, deadline: number): void {
    const t = this.#core.table;
    if (t.state[slot] === VmState.Paused) {
      t.pausedFrom[slot] = VmState.Idle;
      t.idleKind[slot] = IdleKind.Hlt;
      t.deadline[slot] = deadline;
      t.idleSince[slot] = this.#core.config.clock.now();
    } else if (t.state[slot] === VmState.Running) this.#idle(slot, deadline);
    this.#flush(slot);
  }

  /** The VM is ready again; a paused VM resumes ready. */
  ready(slot: number): void {
    const t = this.#core.table;
    if (t.state[slot] === VmState.Paused) t.pausedFrom[slot] = VmState.Ready;
    else if (t.state[slot] === VmState.Running) this.#core.makeReady(slot);
    this.#flush(slot);
  }

  /** The VM terminated itself. */
  exit(slot: number, code: number): void {
    const t = this.#core.table;
    if (isFinalState(t.state[slot]!)) return;
    t.exitCode[slot] = code;
    this.#finish(slot, VmState.Exited);
  }

  /** The VM stops with a fault (no EIP or instruction bytes: it has no CPU). */
  fault(slot: number, reason: string, detail: string): void {
    const t = this.#core.table;
    if (isFinalState(t.state[slot]!)) return;
    t.faults.set(slot, { reason, eip: 0, bytes: "", address: 0, write: false, detail });
    this.#finish(slot, VmState.Faulted);
  }

  /** Streams the VM's new console output (as at the end of an x86 quantum). */
  #flush(slot: number): void {
    const t = this.#core.table;
    this.#core.config.console.flush(slot, t.id[slot]!);
  }

  /** Charges the VM instructions: its stats and budget, and the deterministic clock. */
  charge(slot: number, instructions: number): void {
    const core = this.#core;
    core.table.instructions[slot]! += instructions;
    core.instructions += instructions;
    core.config.clock.advance(instructions);
  }
}
