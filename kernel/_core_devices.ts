/**
 * The core's side of the devices: every attached device, the ones that keep
 * deadlines, and the earliest of those deadlines, which the run loop compares
 * with the clock before each quantum (one number, so idle devices cost the
 * loop nothing). Devices reach the kernel through their DeviceHost; this is
 * the other direction, the kernel calling the devices' hooks.
 *
 * @module
 */

import type { Device, DeviceHost } from "../devices/device.ts";
import type { PortBus } from "./ports.ts";

/**
 * The devices attached to a kernel core, and their earliest deadline.
 *
 * @example
 * ```ts
 * import { PortBus } from "./ports.ts";
 * import { CoreDevices } from "./_core_devices.ts";
 * import type { Device, DeviceHost } from "../devices/device.ts";
 * let due = 100;
 * const ticker: Device = {
 *   name: "ticker", base: 0, size: 0, in: () => 0, out: () => {},
 *   nextDeadline: () => due,
 *   advance: (now) => { due = now + 100; },
 * };
 * const devices = new CoreDevices(new PortBus());
 * devices.add(ticker, {} as DeviceHost);
 * devices.service(100);
 * console.log(devices.deadline); // 200
 * ```
 */
export class CoreDevices {
  /**
   * The earliest deadline of any device (ticks), or Infinity. Kept by this
   * class; the run loop only reads it.
   */
  // INVARIANT: deadline <= every timed device's nextDeadline() (recomputed after advance).
  deadline = Infinity;
  readonly #bus: PortBus;
  readonly #all: Device[] = [];
  readonly #timed: Device[] = [];

  /** Devices with ports go on `bus`. */
  constructor(bus: PortBus) {
    this.#bus = bus;
  }

  /** Attaches a device: its ports (if any) to the bus, its hooks to the run loop. */
  add(device: Device, host: DeviceHost): void {
    if (device.size > 0) this.#bus.attach(device);
    this.#all.push(device);
    if (device.nextDeadline) this.#timed.push(device);
    device.bind?.(host);
    this.refresh();
  }

  /** Re-reads the devices' deadlines (a device's moved earlier). */
  refresh(): void {
    let d = Infinity;
    for (const dev of this.#timed) d = Math.min(d, dev.nextDeadline!());
    this.deadline = d;
  }

  /** Advances every device whose deadline is due at `now`. */
  service(now: number): void {
    for (const d of this.#timed) if (d.nextDeadline!() <= now) d.advance?.(now);
    this.refresh();
  }

  /** Advances the devices due at `now`, if the earliest deadline has come. */
  serviceDue(now: number): void {
    if (this.deadline <= now) this.service(now);
  }

  /** Whether a device waits on the host (so the kernel is not quiescent). */
  busy(): boolean {
    for (const d of this.#all) if (d.busy?.()) return true;
    return false;
  }

  /** Tells every device that a VM was created in `slot`. */
  vmCreated(slot: number, id: number): void {
    for (const d of this.#all) d.vmCreated?.(slot, id);
  }

  /** Tells every device that the VM in `slot` stopped for good. */
  vmFinished(slot: number): void {
    for (const d of this.#all) d.vmFinished?.(slot);
  }
}
