/**
 * The timer device: one-shot and periodic timer interrupts per VM on the
 * kernel's clock (interrupt line 0), as in kernel/ISA.md ("Timer").
 *
 * Each VM has at most one timer. Every armed timer sits in one
 * {@linkcode DeadlineQueue} keyed by VM slot, whose top is the device's
 * `nextDeadline()`, so a thousand idle VMs with timers cost the kernel one
 * heap read per service, and disarmed VMs cost nothing. When the kernel's
 * clock passes a deadline, `advance` raises line 0 on each due VM in deadline
 * order (ties: the order they were armed), which is the order they wake. A
 * periodic timer that fell behind (its VM was busy or paused) counts every
 * period that passed, raises once (lines merge anyway) and stays on its grid:
 * the next deadline is the first multiple of the period after now, so cost
 * per service is O(1) whatever the lag, and periods never drift.
 *
 * @module
 */

import { attached, liveSlot } from "./_host.ts";
import type { Device, DeviceGuest, DeviceHost } from "./device.ts";
import { DeadlineQueue } from "./timer_queue.ts";

/** First timer port. */
export const TIMER_BASE = 0x400;
/** Ports the timer owns (0x400-0x40F). */
export const TIMER_PORTS = 16;
/** Interrupt line of the timer. */
export const TIMER_LINE = 0;

/**
 * Port offsets of the timer (from {@linkcode TIMER_BASE}).
 *
 * @example
 * ```ts
 * import { TIMER_BASE, TimerPort } from "@denali/kernel";
 * console.log((TIMER_BASE + TimerPort.PERIODIC).toString(16)); // 404
 * ```
 */
export const TimerPort = {
  /** OUT: arm a one-shot timer `value` us from now (0: at the end of this quantum). IN32: us left. */
  ONESHOT: 0x0,
  /** OUT: arm a periodic timer of `value` us (0: disarm). IN32: the period (0: not periodic). */
  PERIODIC: 0x4,
  /** OUT: disarm. IN32: expirations since the timer was last armed. */
  CANCEL: 0x8,
} as const;

/** What IN32 at ONESHOT returns when no timer is armed. */
export const TIMER_DISARMED = 0xffffffff;

/**
 * Per-VM counters of the timer.
 *
 * @example
 * ```ts
 * import type { TimerMetrics } from "@denali/kernel";
 * const m: TimerMetrics = { arms: 1, expirations: 3, interrupts: 2 };
 * console.log(m.expirations);
 * ```
 */
export interface TimerMetrics {
  /** Times the VM armed its timer (one-shot or periodic). */
  arms: number;
  /** Expirations (a periodic timer that fell behind counts every period). */
  expirations: number;
  /** Interrupts raised (one per service, however many periods it covered). */
  interrupts: number;
}

/**
 * A VM's timer at one moment, for snapshot and restore. Times are relative to
 * the moment of the snapshot, so a restore into another kernel keeps them.
 *
 * @example
 * ```ts
 * import type { TimerSnapshot } from "@denali/kernel";
 * const s: TimerSnapshot = { armed: true, periodMicros: 100, dueInMicros: 40, count: 7 };
 * console.log(s.armed);
 * ```
 */
export interface TimerSnapshot {
  /** Whether a timer is armed. */
  armed: boolean;
  /** The period in us (0: one-shot). */
  periodMicros: number;
  /** Microseconds until the next expiry (may be fractional; 0 if due). */
  dueInMicros: number;
  /** Expirations since it was armed. */
  count: number;
}

/**
 * The timer device. Attach it with `kernel.attach(new TimerDevice())`.
 *
 * @example
 * ```ts
 * import { Kernel, TimerDevice } from "@denali/kernel";
 * const timer = new TimerDevice();
 * const k = new Kernel();
 * k.attach(timer);
 * // mov eax, 500 ; mov dx, 0x400 ; out dx, eax ; hlt ; xor eax, eax ; xor ebx, ebx ; vmcall
 * const code = new Uint8Array([
 *   0xb8, 0xf4, 0x01, 0, 0, 0x66, 0xba, 0x00, 0x04, 0xef, 0xf4,
 *   0x31, 0xc0, 0x31, 0xdb, 0x0f, 0x01, 0xc1,
 * ]);
 * const id = k.create({ image: { flat: code }, start: true });
 * await k.run();
 * console.log(k.inspect(id).state, timer.metrics(id)?.expirations); // exited 1
 * ```
 */
export class TimerDevice implements Device {
  /** Device name. */
  readonly name: string = "timer";
  /** First port. */
  readonly base: number = TIMER_BASE;
  /** Ports used. */
  readonly size: number = TIMER_PORTS;
  #host: DeviceHost | null = null;
  readonly #queue = new DeadlineQueue();
  // Per-slot state, grown on demand. A slot's deadline lives in #queue.
  #period = new Float64Array(0); // ticks; 0 = one-shot
  #count = new Float64Array(0); // expirations since armed
  #metrics: TimerMetrics[] = [];
  readonly #slotOfId = new Map<number, number>();
  #idOfSlot: number[] = [];

  /** Called by the kernel when the device is attached. */
  bind(host: DeviceHost): void {
    this.#host = host;
  }

  /** Handles an IN (see {@linkcode TimerPort}). */
  in(guest: DeviceGuest, offset: number, _size: number): number {
    const slot = this.#touch(guest);
    if (offset === TimerPort.ONESHOT) return this.#remainingMicros(slot);
    if (offset === TimerPort.PERIODIC) {
      return Math.round(this.#periodOf(slot) / this.#h().ticksPerMicro);
    }
    if (offset === TimerPort.CANCEL) return this.#countNow(slot) % 0x1_0000_0000;
    return -1;
  }

  /** Handles an OUT (see {@linkcode TimerPort}); the value is zero-extended, any size. */
  out(guest: DeviceGuest, offset: number, _size: number, value: number): void {
    const us = value >>> 0;
    const slot = this.#touch(guest);
    if (offset === TimerPort.ONESHOT) this.#arm(slot, us, false);
    else if (offset === TimerPort.PERIODIC) {
      if (us === 0) this.#disarm(slot);
      else this.#arm(slot, us, true);
    } else if (offset === TimerPort.CANCEL) this.#disarm(slot);
  }

  /** The earliest deadline of any VM's timer (Infinity: none armed). */
  nextDeadline(): number {
    return this.#queue.peekDeadline();
  }

  /** Fires every timer due by `now`, in deadline order. */
  advance(now: number): void {
    const q = this.#queue, host = this.#h();
    while (q.size > 0 && q.peekDeadline() <= now) {
      const deadline = q.peekDeadline();
      const slot = q.pop();
      const period = this.#period[slot]!;
      let k = 1;
      if (period > 0) {
        k = Math.floor((now - deadline) / period) + 1;
        q.arm(slot, deadline + k * period);
      }
      this.#count[slot]! += k;
      const m = this.#metrics[slot]!;
      m.expirations += k;
      m.interrupts++;
      host.raise(slot, TIMER_LINE);
    }
  }

  /** A VM was created in `slot`: it starts with no timer and zeroed counters. */
  vmCreated(slot: number, id: number): void {
    this.#grow(slot + 1);
    const old = this.#idOfSlot[slot];
    if (old !== undefined && this.#slotOfId.get(old) === slot) this.#slotOfId.delete(old);
    this.#idOfSlot[slot] = id;
    this.#slotOfId.set(id, slot);
    this.#queue.cancel(slot);
    this.#period[slot] = 0;
    this.#count[slot] = 0;
    this.#metrics[slot] = { arms: 0, expirations: 0, interrupts: 0 };
  }

  /** The VM in `slot` stopped: its timer is disarmed (its counters stay readable). */
  vmFinished(slot: number): void {
    this.#queue.cancel(slot);
  }

  /** Counters of VM `vmId` (kept after it stops, until its slot is reused), or undefined. */
  metrics(vmId: number): TimerMetrics | undefined {
    const slot = this.#slotOfId.get(vmId);
    return slot === undefined ? undefined : { ...this.#metrics[slot]! };
  }

  /** Number of VMs with an armed timer. */
  get armed(): number {
    return this.#queue.size;
  }

  /** The timer state of live VM `vmId`. Throws if the VM is not live. */
  snapshot(vmId: number): TimerSnapshot {
    const slot = this.#live("snapshot timer of", vmId);
    const host = this.#h();
    const armed = this.#queue.has(slot);
    return {
      armed,
      periodMicros: this.#period[slot]! / host.ticksPerMicro,
      dueInMicros: armed
        ? Math.max(0, this.#queue.deadlineOf(slot) - host.now()) / host.ticksPerMicro
        : 0,
      count: this.#count[slot]!,
    };
  }

  /** Puts a snapshot's timer state on live VM `vmId` (replacing its timer). */
  restore(vmId: number, snapshot: TimerSnapshot): void {
    const slot = this.#live("restore timer of", vmId);
    const host = this.#h();
    const { armed, periodMicros, dueInMicros, count } = snapshot;
    if (![periodMicros, dueInMicros, count].every((x) => Number.isFinite(x) && x >= 0)) {
      throw new RangeError(`Cannot restore timer of VM ${vmId}: snapshot has a bad value`);
    }
    this.#queue.cancel(slot);
    this.#period[slot] = periodMicros * host.ticksPerMicro;
    this.#count[slot] = count;
    if (armed) {
      this.#queue.arm(slot, host.now() + dueInMicros * host.ticksPerMicro);
      host.deadlineChanged();
    }
  }

  #arm(slot: number, us: number, periodic: boolean): void {
    const host = this.#h();
    const ticks = us * host.ticksPerMicro;
    this.#period[slot] = periodic ? ticks : 0;
    this.#count[slot] = 0;
    this.#metrics[slot]!.arms++;
    this.#queue.arm(slot, host.now() + ticks);
    host.deadlineChanged();
  }

  #disarm(slot: number): void {
    this.#queue.cancel(slot);
    this.#period[slot] = 0;
  }

  #periodOf(slot: number): number {
    return this.#queue.has(slot) ? this.#period[slot]! : 0;
  }

  /** Expirations since armed, counting those due but not yet serviced. */
  #countNow(slot: number): number {
    let n = this.#count[slot] ?? 0;
    if (!this.#queue.has(slot)) return n;
    const deadline = this.#queue.deadlineOf(slot), now = this.#h().now();
    if (now >= deadline) {
      const p = this.#period[slot]!;
      n += p > 0 ? Math.floor((now - deadline) / p) + 1 : 1;
    }
    return n;
  }

  #remainingMicros(slot: number): number {
    if (!this.#queue.has(slot)) return TIMER_DISARMED;
    const host = this.#h(), now = host.now();
    let deadline = this.#queue.deadlineOf(slot);
    const p = this.#period[slot]!;
    if (now >= deadline) {
      if (p === 0) return 0;
      deadline += (Math.floor((now - deadline) / p) + 1) * p;
    }
    return Math.ceil((deadline - now) / host.ticksPerMicro);
  }

  #live(action: string, vmId: number): number {
    const slot = liveSlot(this.#h(), action, vmId);
    if (this.#idOfSlot[slot] !== vmId) this.vmCreated(slot, vmId);
    return slot;
  }

  /** The guest's slot, with its state set up if the VM predates the device. */
  #touch(guest: DeviceGuest): number {
    if (this.#idOfSlot[guest.slot] !== guest.vmId) this.vmCreated(guest.slot, guest.vmId);
    return guest.slot;
  }

  #h(): DeviceHost {
    return attached(this.#host, "timer");
  }

  #grow(min: number): void {
    if (this.#period.length >= min) return;
    let n = Math.max(16, this.#period.length);
    while (n < min) n *= 2;
    const p = new Float64Array(n), c = new Float64Array(n);
    p.set(this.#period);
    c.set(this.#count);
    this.#period = p;
    this.#count = c;
  }
}
