/**
 * The kernel's contract with VMs whose quanta it does not run itself: Worker
 * guests (kernel/worker_host.ts). Such a VM is an ordinary slot of the VM
 * table (id, state, stats, pending interrupts, a small guest memory with the
 * virtual registers page, its devices), but where the core would run its CPU
 * for a quantum it hands the slot to a {@linkcode HostedRunner}, which sends
 * the Worker one batch and later reports what the Worker answered through
 * {@linkcode HostedVms}.
 *
 * ```
 * scheduler --slot--> core: deliver pending lines --> runner.quantum(slot, lines)
 *                                                        | posts one batch; VM stays "running"
 * Worker answers ... runner stores it, pokes the loop      v
 * core: runner.advance(now) at a quantum boundary --> ops through the port bus,
 *                                                     then vms.idle / ready / exit / fault
 * ```
 *
 * Under the deterministic clock the runner applies answers in dispatch order,
 * each at a fixed virtual time after its dispatch, and `hold(now)` stops the
 * core (no VM runs, time does not move) while the oldest answer is due but
 * has not arrived, so a run does not depend on how fast the host's threads are.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { Device, DeviceGuest } from "../devices/device.ts";

/**
 * What the core asks of the runner of hosted VMs. It is also a
 * {@linkcode Device} (without ports), so the kernel drives its deadline,
 * `advance` (where answers are applied), `busy` (batches in flight) and the
 * VM lifecycle hooks like any device's.
 *
 * @example
 * ```ts
 * import type { HostedRunner } from "./worker_vm.ts";
 * const none: HostedRunner = {
 *   name: "none", base: 0, size: 0, in: () => -1, out: () => {},
 *   owns: () => false, quantum: () => {}, hold: () => false,
 * };
 * console.log(none.owns(0)); // false
 * ```
 */
export interface HostedRunner extends Device {
  /** Whether the VM in `slot` is hosted by this runner (not run by the CPU). */
  owns(slot: number): boolean;
  /**
   * Runs one quantum of the hosted VM in `slot`: the core has delivered
   * `lines` (taken from its pending mask) and set it running. The runner
   * sends its batch and returns at once; the VM stays running until the
   * runner reports its answer through {@linkcode HostedVms}.
   */
  quantum(slot: number, lines: number): void;
  /**
   * True when an answer due at or before `now` has not arrived: the core must
   * not run any VM nor move time until the runner pokes it.
   */
  hold(now: number): boolean;
}

/**
 * Options of {@linkcode HostedVms.create}.
 *
 * @example
 * ```ts
 * import type { HostedCreateOptions } from "./worker_vm.ts";
 * const o: HostedCreateOptions = { memSize: 16384, name: "echo" };
 * console.log(o.memSize);
 * ```
 */
export interface HostedCreateOptions {
  /** Guest memory (the VM's mailbox: virtual registers and device buffers), bytes. */
  memSize: number;
  /** A name for listings (default `vm<id>`). */
  name?: string;
  /** Charged instructions after which the VM faults with "cpu-budget" (0: no limit). */
  maxInstructions?: number;
}

/**
 * What the kernel gives the runner of hosted VMs ({@linkcode Kernel.hostVms}):
 * creating such VMs and moving them between states, charging them, and
 * programmed I/O on the same port bus as x86 guests.
 *
 * @example
 * ```ts
 * import type { HostedVms } from "./worker_vm.ts";
 * function nap(vms: HostedVms, slot: number): void {
 *   vms.idle(slot, 1000); // wake in 1 ms of kernel time, or at the next interrupt
 * }
 * ```
 */
export interface HostedVms {
  /** Creates a hosted VM (state "created") and returns its id. */
  create(options: HostedCreateOptions): number;
  /** The slot of VM `id`, or -1. */
  slotOf(id: number): number;
  /** The VM idles until an interrupt or, unless null, `timeoutMicros` of kernel time. */
  idle(slot: number, timeoutMicros: number | null): void;
  /** The VM is ready again (it yielded). */
  ready(slot: number): void;
  /** The VM terminated itself with `code`. */
  exit(slot: number, code: number): void;
  /** The VM stops with a fault of kind `reason`. */
  fault(slot: number, reason: string, detail: string): void;
  /** Charges the VM `instructions` (its stats, its budget and, on the deterministic clock, time). */
  charge(slot: number, instructions: number): void;
  /** An IN on the port bus on behalf of a hosted VM. */
  in(guest: DeviceGuest, port: number, size: number): number;
  /** An OUT on the port bus on behalf of a hosted VM. */
  out(guest: DeviceGuest, port: number, size: number, value: number): void;
  /** The kernel's clock. */
  readonly clock: Clock;
  /** Instructions per quantum. */
  readonly quantum: number;
  /** CPU speed the kernel assumes, kHz. */
  readonly cpuKhz: number;
}
