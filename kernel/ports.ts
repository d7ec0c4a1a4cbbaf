/**
 * The port bus: programmed I/O from guests to device back-ends. A device owns
 * a range of ports and sees only offsets into it, the VM doing the I/O (as a
 * {@linkcode GuestPort}), and the operand size. Ports with no device read as
 * all ones and ignore writes, as in kernel/ISA.md.
 *
 * @module
 */

/**
 * What a device sees of the VM doing port I/O. The kernel reuses one object
 * and refills it for each access, so devices must not keep it.
 *
 * @example
 * ```ts
 * import type { GuestPort } from "@denali/kernel";
 * function first(g: GuestPort, addr: number): number {
 *   const b = g.readBytes(addr, 1);
 *   if (b === null) g.badRequest("address outside memory");
 *   return b?.[0] ?? 0;
 * }
 * ```
 */
export interface GuestPort {
  /** The VM's id. */
  readonly vmId: number;
  /** The VM's slot in the kernel's tables (for per-VM device state arrays). */
  readonly slot: number;
  /** A copy of guest memory [addr, addr+length), or null if any byte is outside the VM's memory. */
  readBytes(addr: number, length: number): Uint8Array | null;
  /** Writes guest memory; false (nothing written) if any byte is outside memory or read-only. */
  writeBytes(addr: number, bytes: Uint8Array): boolean;
  /** Charges the VM `instructions` of CPU for the work the device did for it. */
  charge(instructions: number): void;
  /** Rejects the request: the VM stops with a "bad-device-request" fault and `detail`. */
  badRequest(detail: string): void;
}

/**
 * A device back-end on the port bus.
 *
 * @example
 * ```ts
 * import { type GuestPort, type PortDevice } from "@denali/kernel";
 * const nullDevice: PortDevice = {
 *   name: "null", base: 0x200, size: 4,
 *   in: () => 0,
 *   out: (_g: GuestPort, _offset: number, _size: number, _value: number) => {},
 * };
 * console.log(nullDevice.name);
 * ```
 */
export interface PortDevice {
  /** Short name for reports. */
  readonly name: string;
  /** First port. */
  readonly base: number;
  /** Number of ports. */
  readonly size: number;
  /** IN of `size` bytes at `offset`; returns the value (masked by the bus). */
  in(guest: GuestPort, offset: number, size: number): number;
  /** OUT of `size` bytes at `offset` with `value` (zero-extended). */
  out(guest: GuestPort, offset: number, size: number, value: number): void;
}

/**
 * Maps ports to devices.
 *
 * @example
 * ```ts
 * import { PortBus } from "@denali/kernel";
 * const bus = new PortBus();
 * bus.attach({ name: "x", base: 0x300, size: 2, in: () => 7, out: () => {} });
 * console.log(bus.deviceAt(0x301)?.name, bus.deviceAt(0x302)); // x undefined
 * ```
 */
export class PortBus {
  readonly #devices: PortDevice[] = [];
  // INVARIANT: #map[port] is 0 for no device, else 1 + the device's index.
  readonly #map = new Uint8Array(65536);

  /** Attaches `device` to its ports; throws if a port is taken. */
  attach(device: PortDevice): void {
    const end = device.base + device.size;
    if (device.base < 0 || device.size <= 0 || end > 65536) {
      throw new RangeError(`Cannot attach device ${device.name}: ports outside 0..0xffff`);
    }
    for (let p = device.base; p < end; p++) {
      if (this.#map[p]) {
        throw new RangeError(
          `Cannot attach device ${device.name}: port 0x${p.toString(16)} belongs to ${
            this.deviceAt(p)!.name
          }`,
        );
      }
    }
    if (this.#devices.length >= 255) throw new RangeError("Cannot attach device: bus is full");
    this.#devices.push(device);
    this.#map.fill(this.#devices.length, device.base, end);
  }

  /** The device on `port`, if any. */
  deviceAt(port: number): PortDevice | undefined {
    const i = this.#map[port & 0xffff]!;
    return i ? this.#devices[i - 1] : undefined;
  }

  /** Performs an IN; a port with no device reads all ones. */
  in(guest: GuestPort, port: number, size: number): number {
    const p = port & 0xffff;
    const i = this.#map[p]!;
    const mask = size === 4 ? -1 : (1 << (size * 8)) - 1;
    if (!i) return mask;
    const d = this.#devices[i - 1]!;
    return d.in(guest, p - d.base, size) & mask;
  }

  /** Performs an OUT; a port with no device ignores it. */
  out(guest: GuestPort, port: number, size: number, value: number): void {
    const p = port & 0xffff;
    const i = this.#map[p]!;
    if (!i) return;
    const d = this.#devices[i - 1]!;
    d.out(guest, p - d.base, size, value);
  }
}
