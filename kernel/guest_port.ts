/**
 * The kernel's side of port I/O: the one {@linkcode GuestPort} object the
 * core refills for each IN/OUT (devices must not keep it), which gives
 * devices demand-zero access to the VM's memory and collects what they charge
 * and whether they rejected the request.
 *
 * @module
 */

import { readGuest, writeGuest } from "./guest_memory.ts";
import { type AddressSpace, OutOfMemoryError } from "./memory/mod.ts";
import type { GuestPort } from "./ports.ts";

/**
 * The one {@linkcode GuestPort} the core refills for each port access.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { CoreGuestPort } from "./guest_port.ts";
 * const port = new CoreGuestPort();
 * port.bind(1, 0, new AddressSpace(new PhysicalMemory(), 0x10000));
 * port.charge(5);
 * console.log(port.readBytes(0x2000, 2), port.charged); // Uint8Array(2) [ 0, 0 ] 5
 * ```
 */
export class CoreGuestPort implements GuestPort {
  /** Id of the VM doing I/O. */
  vmId = 0;
  /** Its slot. */
  slot = 0;
  /** Instructions the device charged for this access. */
  charged = 0;
  /** Why the device rejected the access, or null. */
  bad: string | null = null;
  #space: AddressSpace | null = null;

  /** Points the port at a VM before an access, clearing the charge and the rejection. */
  bind(vmId: number, slot: number, space: AddressSpace): void {
    this.vmId = vmId;
    this.slot = slot;
    this.#space = space;
    this.charged = 0;
    this.bad = null;
  }

  /** Guest memory with demand-zero semantics (see guest_memory.ts). */
  readBytes(addr: number, length: number): Uint8Array | null {
    return readGuest(this.#space!, addr, length);
  }

  /** Writes guest memory, mapping untouched pages; false if outside memory or out of frames. */
  writeBytes(addr: number, bytes: Uint8Array): boolean {
    try {
      return writeGuest(this.#space!, addr, bytes);
    } catch (e) {
      if (e instanceof OutOfMemoryError) return false;
      throw e;
    }
  }

  /** Adds to the VM's bill for this access. */
  charge(instructions: number): void {
    this.charged += instructions;
  }

  /** Rejects the access (the first reason wins). */
  badRequest(detail: string): void {
    this.bad ??= detail;
  }
}

/**
 * Address of the IN/OUT that just exited, given the EIP after it. Devices sit
 * on ports >= 0x100, so a bad request comes from the DX forms (EC-EF),
 * possibly with an operand-size prefix.
 * TODO(lead): replace with the CPU's record of the exiting instruction's address.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { ioStart } from "./guest_port.ts";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * space.allocate(0x2000, 0x1000, true);
 * space.writeBytes(0x2000, new Uint8Array([0x66, 0xef])); // out dx, ax
 * console.log(ioStart(space, 0x2002).toString(16)); // 2000
 * ```
 */
export function ioStart(space: AddressSpace, after: number): number {
  const p = space.translate((after - 2) >>> 0);
  return p >= 0 && space.phys.u8[p] === 0x66 ? (after - 2) >>> 0 : (after - 1) >>> 0;
}
