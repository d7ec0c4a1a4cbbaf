/**
 * The console device: ports 0x100 (OUT8: one byte) and 0x104 (OUT32: guest
 * address of `{u32 length; u8 bytes[length]}`), as in kernel/ISA.md. Each VM's
 * output goes to its own bounded {@linkcode ConsoleRing} (readable after exit)
 * and is streamed to the host sink when the kernel flushes it at the end of
 * the VM's quantum. Every byte costs the writing VM CPU time, so a flood of
 * output slows the guest, and the ring bound keeps it from growing the
 * kernel's memory.
 *
 * The device knows the device ABI and the {@linkcode ConsoleGuest} view of a
 * VM, not the kernel's insides.
 *
 * @module
 */

import { ConsoleRing } from "./console_ring.ts";

export { ConsoleRing } from "./console_ring.ts";

/** What the console needs of the VM doing I/O (a subset of the kernel's GuestPort). */
export interface ConsoleGuest {
  /** The VM's id. */
  readonly vmId: number;
  /** The VM's slot (index of its ring). */
  readonly slot: number;
  /** Copy of guest memory, or null when outside the VM's memory. */
  readBytes(addr: number, length: number): Uint8Array | null;
  /** Charges the VM CPU time. */
  charge(instructions: number): void;
  /** Rejects the request (the VM faults). */
  badRequest(detail: string): void;
}

/** Receives console output as it is streamed: the VM's id and a fresh copy of the bytes. */
export type ConsoleSink = (vmId: number, bytes: Uint8Array) => void;

/** Options of {@linkcode ConsoleDevice}. */
export interface ConsoleOptions {
  /** Bytes retained per VM (default 4096). */
  ringBytes?: number;
  /** Receives output as it is flushed (default: none; output is only retained). */
  sink?: ConsoleSink;
  /** Instructions charged per byte written (default 1). */
  byteCost?: number;
  /** Longest buffer one OUT32 may name (default 1 MiB). */
  maxWrite?: number;
}

/** First console port. */
export const CONSOLE_BASE = 0x100;
/** Offset of the byte port. */
export const CONSOLE_BYTE = 0;
/** Offset of the buffer port. */
export const CONSOLE_BUFFER = 4;

/**
 * Console back-end with one bounded ring per VM slot.
 *
 * @example
 * ```ts
 * import { ConsoleDevice } from "@denali/kernel";
 * const out: string[] = [];
 * const con = new ConsoleDevice({ sink: (id, b) => out.push(`${id}:${new TextDecoder().decode(b)}`) });
 * const guest = { vmId: 1, slot: 0, readBytes: () => null, charge: () => {}, badRequest: () => {} };
 * con.out(guest, 0, 1, 0x41);
 * con.flush(0, 1);
 * console.log(out); // ["1:A"]
 * ```
 */
export class ConsoleDevice {
  /** Device name. */
  readonly name: string = "console";
  /** First port. */
  readonly base: number = CONSOLE_BASE;
  /** Ports used (0x100..0x107). */
  readonly size: number = 8;
  /** Bytes retained per VM. */
  readonly ringBytes: number;
  /** Where flushed output goes, if anywhere. */
  sink: ConsoleSink | undefined;
  readonly #byteCost: number;
  readonly #maxWrite: number;
  readonly #rings: (ConsoleRing | null)[] = [];

  /** Creates the device; see {@linkcode ConsoleOptions}. */
  constructor(options: ConsoleOptions = {}) {
    this.ringBytes = options.ringBytes ?? 4096;
    this.sink = options.sink;
    this.#byteCost = options.byteCost ?? 1;
    this.#maxWrite = options.maxWrite ?? 1 << 20;
  }

  /** The console has no input: reads are all ones. */
  in(_guest: ConsoleGuest, _offset: number, _size: number): number {
    return -1;
  }

  /** Handles a console OUT. */
  out(guest: ConsoleGuest, offset: number, size: number, value: number): void {
    if (offset === CONSOLE_BYTE) {
      const r = this.#ring(guest.slot);
      // INVARIANT: with a sink, no byte is overwritten before it was streamed.
      if (this.sink && r.total - r.streamed >= this.ringBytes) this.flush(guest.slot, guest.vmId);
      r.writeByte(value & 0xff);
      guest.charge(this.#byteCost);
    } else if (offset === CONSOLE_BUFFER) {
      if (size !== 4) {
        return guest.badRequest(`console buffer write needs OUT32, got OUT${size * 8}`);
      }
      const addr = value >>> 0;
      const head = guest.readBytes(addr, 4);
      if (head === null) {
        return guest.badRequest(
          `console buffer header at 0x${addr.toString(16)} is outside memory`,
        );
      }
      const len = (head[0]! | head[1]! << 8 | head[2]! << 16 | head[3]! << 24) >>> 0;
      if (len > this.#maxWrite) {
        return guest.badRequest(
          `console buffer length ${len} is over the limit of ${this.#maxWrite}`,
        );
      }
      const bytes = guest.readBytes(addr + 4, len);
      if (bytes === null) {
        return guest.badRequest(
          `console buffer of ${len} bytes at 0x${addr.toString(16)} is outside memory`,
        );
      }
      const r = this.#ring(guest.slot);
      if (this.sink && r.total - r.streamed + len > this.ringBytes) {
        this.flush(guest.slot, guest.vmId);
        if (len > this.ringBytes) {
          // Longer than the ring: stream it whole, keep its tail.
          this.sink(guest.vmId, bytes);
          r.write(bytes);
          r.streamed = r.total;
          guest.charge(len * this.#byteCost);
          return;
        }
      }
      r.write(bytes);
      guest.charge(len * this.#byteCost);
    }
  }

  /** Streams `slot`'s new output to the sink (if any); `vmId` is passed to the sink. */
  flush(slot: number, vmId: number): void {
    const r = this.#rings[slot];
    if (!r || r.streamed === r.total) return;
    const bytes = r.takeNew();
    if (bytes && this.sink) this.sink(vmId, bytes);
  }

  /** Retained output of `slot` (oldest first; empty if it never wrote). */
  output(slot: number): Uint8Array {
    return this.#rings[slot]?.tail() ?? new Uint8Array(0);
  }

  /** Bytes `slot` ever wrote and bytes no longer retained. */
  counts(slot: number): { written: number; dropped: number } {
    const r = this.#rings[slot];
    return { written: r?.total ?? 0, dropped: r?.dropped ?? 0 };
  }

  /** Bytes of ring storage held for `slot`. */
  allocated(slot: number): number {
    return this.#rings[slot]?.allocated ?? 0;
  }

  /** Forgets `slot`'s output (the slot is being reused). */
  release(slot: number): void {
    if (slot < this.#rings.length) this.#rings[slot] = null;
  }

  #ring(slot: number): ConsoleRing {
    let r = this.#rings[slot];
    if (!r) {
      while (this.#rings.length <= slot) this.#rings.push(null);
      r = this.#rings[slot] = new ConsoleRing(this.ringBytes);
    }
    return r;
  }
}
