/**
 * How a Worker guest's device operations reach the same device back-ends, with
 * the same checks, as an x86 guest's port I/O: a {@linkcode DeviceGuest}
 * whose "memory" is a small real guest memory (the mailbox) plus a window
 * onto the payload of the operation being performed.
 *
 * ```
 * 0x00000000 +----------------------------+
 *            | page 0: never mapped       |
 * 0x00001000 +----------------------------+
 *            | virtual registers page     |  VM id, MAC, disk sizes (written by the kernel)
 * 0x00002000 +----------------------------+
 *            | NIC receive buffer         |  {u32 capacity = 1514; bytes}, registered once
 * 0x00003000 +----------------------------+
 *            | disk request blocks        |  128 blocks of 28 bytes, 32 apart
 * 0x00004000 +----------------------------+  memSize (16 KiB)
 *            :  unmapped                  :
 * 0x40000000 +----------------------------+
 *            | window: the operation's    |  a console or NIC buffer {u32 length; bytes},
 *            | payload (not in memory)    |  or the data of a disk read or write
 *            +----------------------------+
 * ```
 *
 * The mailbox holds what a device reads or writes outside the port access
 * (the receive buffer, the status word of a disk request at completion), so
 * it is real guest memory. Payloads are not copied into it: the window serves
 * the bytes of the answer message (a send, a console write, a disk write) or
 * a fresh buffer (a disk read), so a 1 MiB disk write costs no guest memory.
 *
 * @module
 */

import type { DeviceGuest, DeviceHost } from "../devices/device.ts";

/**
 * The mailbox layout of a Worker VM (addresses in its guest memory).
 *
 * @example
 * ```ts
 * import { Mailbox } from "./worker_guest.ts";
 * console.log(Mailbox.SIZE, Mailbox.WINDOW.toString(16)); // 16384 40000000
 * ```
 */
export const Mailbox = {
  /** Guest memory of a Worker VM. */
  SIZE: 0x4000,
  /** The NIC receive buffer `{u32 capacity; u8 bytes[1514]}`. */
  RX_BUFFER: 0x2000,
  /** First disk request block. */
  REQUESTS: 0x3000,
  /** Distance between request blocks. */
  REQUEST_STRIDE: 32,
  /** Request blocks (the most disk requests a Worker VM may have in flight). */
  REQUEST_SLOTS: 128,
  /** Address of the payload window (outside guest memory). */
  WINDOW: 0x4000_0000,
} as const;

const EMPTY = new Uint8Array(0);

/**
 * The {@linkcode DeviceGuest} of one Worker VM: reads and writes of the
 * mailbox go to its guest memory through the kernel's {@linkcode DeviceHost};
 * those of the window go to the current payload. Like the kernel's own port
 * object it collects what devices charge and whether they rejected a request.
 *
 * @example
 * ```ts
 * import { Mailbox, WorkerPort } from "./worker_guest.ts";
 * import type { DeviceHost } from "../devices/device.ts";
 * const port = new WorkerPort(1, 0, {} as DeviceHost);
 * port.setWindow(new TextEncoder().encode("hi"), true); // {u32 length; bytes}
 * console.log(port.readBytes(Mailbox.WINDOW, 6)); // Uint8Array(6) [ 2, 0, 0, 0, 104, 105 ]
 * ```
 */
export class WorkerPort implements DeviceGuest {
  /** The VM's id. */
  readonly vmId: number;
  /** Its slot. */
  readonly slot: number;
  /** Instructions the devices charged since the last {@linkcode WorkerPort.reset}. */
  charged = 0;
  /** Why a device rejected a request, or null. */
  bad: string | null = null;
  readonly #host: DeviceHost;
  #body: Uint8Array = EMPTY;
  #header = false;

  /** The port of VM `vmId` in `slot`, reaching its memory through `host`. */
  constructor(vmId: number, slot: number, host: DeviceHost) {
    this.vmId = vmId;
    this.slot = slot;
    this.#host = host;
  }

  /** Clears the charge and the rejection before an operation. */
  reset(): void {
    this.charged = 0;
    this.bad = null;
  }

  /**
   * Puts `body` in the window: after a u32 length header (a console or NIC
   * buffer) when `header` is true, else at the window's start (disk data).
   */
  setWindow(body: Uint8Array, header: boolean): void {
    this.#body = body;
    this.#header = header;
  }

  /** Empties the window (so no payload outlives its operation). */
  clearWindow(): void {
    this.#body = EMPTY;
  }

  /** Bytes of the mailbox or of the window, or null outside both. */
  readBytes(addr: number, length: number): Uint8Array | null {
    if (addr < Mailbox.WINDOW) return this.#host.readGuest(this.slot, addr, length);
    const start = addr - Mailbox.WINDOW;
    const body = this.#body;
    const skip = this.#header ? 4 : 0;
    if (!(length >= 0 && start + length <= skip + body.length)) return null;
    // The window's bytes belong to the kernel (a deserialized message or a fresh
    // buffer) and no device writes to what it read, so the body is lent, not copied.
    if (start === skip && length === body.length) return body;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      const a = start + i;
      out[i] = a < skip ? (body.length >>> (8 * a)) & 0xff : body[a - skip]!;
    }
    return out;
  }

  /** Writes the mailbox or the window's body; false outside both (or onto the header). */
  writeBytes(addr: number, bytes: Uint8Array): boolean {
    if (addr < Mailbox.WINDOW) return this.#host.writeGuest(this.slot, addr, bytes);
    const skip = this.#header ? 4 : 0;
    const start = addr - Mailbox.WINDOW - skip;
    if (!(start >= 0 && start + bytes.length <= this.#body.length)) return false;
    this.#body.set(bytes, start);
    return true;
  }

  /** Adds to the VM's bill for this operation. */
  charge(instructions: number): void {
    this.charged += instructions;
  }

  /** Rejects the operation (the first reason wins). */
  badRequest(detail: string): void {
    this.bad ??= detail;
  }
}
