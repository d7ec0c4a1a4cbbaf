/**
 * The shape every device back-end shares, and what it may ask of the kernel
 * that hosts it. A device sees port offsets, never where it sits on the bus,
 * and VM slots, never the kernel's tables. Per-VM device state is indexed by
 * slot; slots are reused after `vmFinished`.
 *
 * Time: a device that must act at a future time (a timer, a disk latency, a
 * queued frame) reports it from `nextDeadline()`; the kernel calls
 * `advance(now)` once its clock reaches that tick, and counts the deadline
 * when deciding how long it may sleep (real clock) or how far it may skip
 * (deterministic clock). Work that waits on the host (a file, a TAP device)
 * is reported by `busy()`, so the kernel does not declare itself quiescent.
 *
 * @module
 */

/** What a device sees of the VM doing port I/O (the kernel reuses one object per access). */
export interface DeviceGuest {
  /** The VM's id. */
  readonly vmId: number;
  /** The VM's slot. */
  readonly slot: number;
  /** A copy of guest memory, or null if any byte is outside the VM's memory. */
  readBytes(addr: number, length: number): Uint8Array | null;
  /** Writes guest memory; false (nothing written) if any byte is outside memory or read-only. */
  writeBytes(addr: number, bytes: Uint8Array): boolean;
  /** Charges the VM `instructions` of CPU for the work the device did for it. */
  charge(instructions: number): void;
  /** Rejects the request: the VM stops with a "bad-device-request" fault and `detail`. */
  badRequest(detail: string): void;
}

/** What the kernel offers the devices attached to it. */
export interface DeviceHost {
  /** Kernel time in ticks (one tick is one instruction at the assumed CPU speed). */
  now(): number;
  /** Ticks per microsecond. */
  readonly ticksPerMicro: number;
  /** Raises interrupt `line` (0..31) on the VM in `slot`; false if it has stopped. */
  raise(slot: number, line: number): boolean;
  /** Tells the kernel that this device's `nextDeadline()` may have moved earlier. */
  deadlineChanged(): void;
  /** The id of the VM in `slot`, or -1 if the slot holds no live VM. */
  vmId(slot: number): number;
  /** The slot of live VM `id`, or -1. */
  slotOf(id: number): number;
  /** Reads guest memory of a live VM outside port I/O (untouched pages read as zero). */
  readGuest(slot: number, addr: number, length: number): Uint8Array | null;
  /** Writes guest memory of a live VM outside port I/O; false if outside memory or read-only. */
  writeGuest(slot: number, addr: number, bytes: Uint8Array): boolean;
  /** Writes a u32 of the VM's virtual registers page at `offset` (0x30 and up are for devices). */
  setVreg(slot: number, offset: number, value: number): void;
}

/**
 * A device back-end: ports plus optional hooks.
 *
 * @example
 * ```ts
 * import type { Device, DeviceGuest } from "@denali/kernel";
 * const zero: Device = {
 *   name: "zero", base: 0x600, size: 4,
 *   in: (_g: DeviceGuest, _offset: number, _size: number) => 0,
 *   out: () => {},
 * };
 * console.log(zero.name);
 * ```
 */
export interface Device {
  /** Short name for reports. */
  readonly name: string;
  /** First port (ignored when `size` is 0). */
  readonly base: number;
  /** Number of ports (0: the device has no ports). */
  readonly size: number;
  /** IN of `size` bytes at `offset`. */
  in(guest: DeviceGuest, offset: number, size: number): number;
  /** OUT of `size` bytes at `offset` with `value` (zero-extended). */
  out(guest: DeviceGuest, offset: number, size: number, value: number): void;
  /** Called once when attached. */
  bind?(host: DeviceHost): void;
  /** The earliest tick at which `advance` must run (Infinity: none). */
  nextDeadline?(): number;
  /** Called when the kernel's clock has reached `nextDeadline()` (or later). */
  advance?(now: number): void;
  /** True while host-side work is outstanding (the kernel then sleeps instead of stopping). */
  busy?(): boolean;
  /** A VM was created in `slot`. */
  vmCreated?(slot: number, id: number): void;
  /** The VM in `slot` stopped for good: drop its device state. */
  vmFinished?(slot: number): void;
}
