/**
 * The keyboard device: host input into a VM, as in kernel/ISA.md
 * ("Keyboard"). The host types bytes into a VM with
 * {@linkcode KeyboardDevice.type} (the CLI does it from stdin); they wait in
 * the VM's bounded buffer, the VM reads them one port read at a time, and each
 * arrival raises interrupt line 1 (lines merge, so a burst of keys between
 * two quanta is one upcall). Bytes that do not fit are dropped and counted, so
 * a host that types faster than a guest reads costs a bounded amount of
 * kernel memory.
 *
 * @module
 */

import { attached, liveSlot } from "./_host.ts";
import type { Device, DeviceGuest, DeviceHost } from "./device.ts";

/** First keyboard port. */
export const KEYBOARD_BASE = 0x500;
/** Ports the keyboard owns (0x500-0x50F). */
export const KEYBOARD_PORTS = 16;
/** Interrupt line of the keyboard. */
export const KEYBOARD_LINE = 1;
/** What a read of the data port returns when no byte waits (IN8 sees 0xFF). */
export const KEYBOARD_EMPTY = 0xffffffff;
/** Bytes a VM's buffer holds by default. */
export const DEFAULT_KEYBOARD_BUFFER = 256;

/**
 * Port offsets of the keyboard (from {@linkcode KEYBOARD_BASE}); every port is read-only.
 *
 * @example
 * ```ts
 * import { KEYBOARD_BASE, KeyboardPort } from "@denali/kernel";
 * console.log((KEYBOARD_BASE + KeyboardPort.WAITING).toString(16)); // 504
 * ```
 */
export const KeyboardPort = {
  /** IN: the next byte (0-255), or {@linkcode KEYBOARD_EMPTY} when none waits. */
  DATA: 0x0,
  /** IN32: bytes waiting. */
  WAITING: 0x4,
  /** IN32: bytes dropped because the buffer was full. */
  DROPPED: 0x8,
  /** IN32: flags; bit 0 = input ended (no byte will arrive after those waiting). */
  STATUS: 0xc,
} as const;

/** STATUS bit: the host ended the VM's input. */
export const KEYBOARD_ENDED = 1;

/** Options of {@linkcode KeyboardDevice}. */
export interface KeyboardOptions {
  /** Bytes buffered per VM (default 256); more are dropped and counted. */
  bufferBytes?: number;
}

/**
 * Per-VM counters of the keyboard.
 *
 * @example
 * ```ts
 * import type { KeyboardMetrics } from "@denali/kernel";
 * const m: KeyboardMetrics = { typed: 3, read: 2, dropped: 0, interrupts: 1 };
 * console.log(m.typed - m.read); // 1 byte waiting
 * ```
 */
export interface KeyboardMetrics {
  /** Bytes the host typed that fit the buffer. */
  typed: number;
  /** Bytes the VM read. */
  read: number;
  /** Bytes dropped because the buffer was full. */
  dropped: number;
  /** Interrupts raised. */
  interrupts: number;
}

/**
 * A VM's keyboard state, for snapshot and restore.
 *
 * @example
 * ```ts
 * import type { KeyboardSnapshot } from "@denali/kernel";
 * const s: KeyboardSnapshot = { waiting: new Uint8Array([104, 105]), dropped: 0, ended: false };
 * console.log(s.waiting.length);
 * ```
 */
export interface KeyboardSnapshot {
  /** Bytes waiting, oldest first. */
  waiting: Uint8Array;
  /** Bytes dropped so far. */
  dropped: number;
  /** Whether input has ended. */
  ended: boolean;
}

/** One VM's buffer: a ring of bytes. */
class KeyRing {
  readonly bytes: Uint8Array;
  head = 0;
  length = 0;
  ended = false;
  readonly m: KeyboardMetrics = { typed: 0, read: 0, dropped: 0, interrupts: 0 };
  constructor(readonly id: number, capacity: number) {
    this.bytes = new Uint8Array(capacity);
  }
  push(data: Uint8Array): number {
    const cap = this.bytes.length;
    const n = Math.min(data.length, cap - this.length);
    for (let i = 0; i < n; i++) this.bytes[(this.head + this.length + i) % cap] = data[i]!;
    this.length += n;
    this.m.typed += n;
    this.m.dropped += data.length - n;
    return n;
  }
  shift(): number {
    if (this.length === 0) return KEYBOARD_EMPTY;
    const b = this.bytes[this.head]!;
    this.head = (this.head + 1) % this.bytes.length;
    this.length--;
    this.m.read++;
    return b;
  }
  waiting(): Uint8Array {
    const out = new Uint8Array(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.bytes[(this.head + i) % this.bytes.length]!;
    return out;
  }
}

/**
 * The keyboard device. Attach it with `kernel.attach(keyboard)`, then type into VMs.
 *
 * @example
 * ```ts
 * import { Kernel, KeyboardDevice } from "@denali/kernel";
 * const kb = new KeyboardDevice();
 * const k = new Kernel();
 * k.attach(kb);
 * // hlt ; mov dx, 0x500 ; in eax, dx ; mov ebx, eax ; xor eax, eax ; vmcall  (exit code = key)
 * const code = new Uint8Array([0xf4, 0x66, 0xba, 0x00, 0x05, 0xed, 0x89, 0xc3, 0x31, 0xc0, 0x0f, 0x01, 0xc1]);
 * const id = k.create({ image: { flat: code }, start: true });
 * await k.run(); // the VM halts, waiting for a key
 * kb.type(id, "A");
 * await k.run();
 * console.log(k.inspect(id).exitCode); // 65
 * ```
 */
export class KeyboardDevice implements Device {
  /** Device name. */
  readonly name: string = "keyboard";
  /** First port. */
  readonly base: number = KEYBOARD_BASE;
  /** Ports used. */
  readonly size: number = KEYBOARD_PORTS;
  /** Bytes buffered per VM. */
  readonly bufferBytes: number;
  #host: DeviceHost | null = null;
  #rings: (KeyRing | null)[] = [];
  readonly #slotOfId = new Map<number, number>();
  readonly #encoder = new TextEncoder();

  /** Creates the device; see {@linkcode KeyboardOptions}. */
  constructor(options: KeyboardOptions = {}) {
    const n = options.bufferBytes ?? DEFAULT_KEYBOARD_BUFFER;
    if (!(Number.isInteger(n) && n >= 1 && n <= 1 << 24)) {
      throw new RangeError(`Cannot create keyboard: bufferBytes ${n} is not in 1..16777216`);
    }
    this.bufferBytes = n;
  }

  /** Called by the kernel when the device is attached. */
  bind(host: DeviceHost): void {
    this.#host = host;
  }

  /** Handles an IN (see {@linkcode KeyboardPort}). */
  in(guest: DeviceGuest, offset: number, _size: number): number {
    // A VM that was never typed to has no buffer: reads see an empty one (polling costs no memory).
    const r0 = this.#rings[guest.slot];
    const r = r0 && r0.id === guest.vmId ? r0 : null;
    switch (offset) {
      case KeyboardPort.DATA:
        return r ? r.shift() : KEYBOARD_EMPTY;
      case KeyboardPort.WAITING:
        return r ? r.length : 0;
      case KeyboardPort.DROPPED:
        return r ? r.m.dropped % 0x1_0000_0000 : 0;
      case KeyboardPort.STATUS:
        return r?.ended ? KEYBOARD_ENDED : 0;
      default:
        return -1;
    }
  }

  /** The keyboard has no output: OUTs are ignored. */
  out(_guest: DeviceGuest, _offset: number, _size: number, _value: number): void {}

  /**
   * Types `input` (bytes, or a string sent as UTF-8) into live VM `vmId` and
   * raises line 1 if any byte was buffered. Returns how many bytes fit (the
   * rest are dropped and counted); 0 if the VM is not live or its input ended.
   */
  type(vmId: number, input: Uint8Array | string): number {
    const slot = this.#h().slotOf(vmId);
    if (slot < 0) return 0;
    const r = this.#ring(slot, vmId);
    const bytes = typeof input === "string" ? this.#encoder.encode(input) : input;
    if (r.ended) {
      r.m.dropped += bytes.length;
      return 0;
    }
    const n = r.push(bytes);
    if (n > 0) this.#raise(slot, r);
    return n;
  }

  /**
   * Bytes live VM `vmId`'s buffer can take now (0 if the VM is not live or its
   * input ended). A host that must not lose input (the CLI reading a pipe)
   * types at most this much and waits for the guest to read.
   */
  room(vmId: number): number {
    const slot = this.#h().slotOf(vmId);
    if (slot < 0) return 0;
    const r = this.#rings[slot];
    if (!r || r.id !== vmId) return this.bufferBytes;
    return r.ended ? 0 : this.bufferBytes - r.length;
  }

  /** Ends live VM `vmId`'s input (STATUS bit 0) and raises line 1; later input is dropped. */
  end(vmId: number): void {
    const slot = this.#h().slotOf(vmId);
    if (slot < 0) return;
    const r = this.#ring(slot, vmId);
    if (r.ended) return;
    r.ended = true;
    this.#raise(slot, r);
  }

  /** Counters of VM `vmId` (kept after it stops, until its slot is reused), or undefined. */
  metrics(vmId: number): KeyboardMetrics | undefined {
    const slot = this.#slotOfId.get(vmId);
    const r = slot === undefined ? null : this.#rings[slot];
    return r && r.id === vmId ? { ...r.m } : undefined;
  }

  /** A VM was created in `slot`: it starts with an empty buffer (allocated on first use). */
  vmCreated(slot: number, id: number): void {
    const old = this.#rings[slot];
    if (old && this.#slotOfId.get(old.id) === slot) this.#slotOfId.delete(old.id);
    while (this.#rings.length <= slot) this.#rings.push(null);
    this.#rings[slot] = null;
    this.#slotOfId.set(id, slot);
  }

  /** The VM in `slot` stopped: its waiting bytes are dropped (its counters stay readable). */
  vmFinished(slot: number): void {
    const r = this.#rings[slot];
    if (r) {
      r.head = r.length = 0;
      r.ended = true;
    }
  }

  /** The keyboard state of live VM `vmId`. */
  snapshot(vmId: number): KeyboardSnapshot {
    const r = this.#ring(this.#live("snapshot keyboard of", vmId), vmId);
    return { waiting: r.waiting(), dropped: r.m.dropped, ended: r.ended };
  }

  /** Puts a snapshot's keyboard state on live VM `vmId` (raising line 1 if bytes wait). */
  restore(vmId: number, snapshot: KeyboardSnapshot): void {
    const slot = this.#live("restore keyboard of", vmId);
    if (snapshot.waiting.length > this.bufferBytes) {
      throw new RangeError(
        `Cannot restore keyboard of VM ${vmId}: ${snapshot.waiting.length} bytes waiting ` +
          `exceed the buffer of ${this.bufferBytes}`,
      );
    }
    const r = new KeyRing(vmId, this.bufferBytes);
    this.#rings[slot] = r;
    r.push(snapshot.waiting);
    r.m.typed = 0;
    r.m.dropped = snapshot.dropped;
    r.ended = snapshot.ended;
    if (r.length > 0) this.#raise(slot, r);
  }

  #raise(slot: number, r: KeyRing): void {
    r.m.interrupts++;
    this.#h().raise(slot, KEYBOARD_LINE);
  }

  #ring(slot: number, id: number): KeyRing {
    let r = this.#rings[slot];
    if (!r || r.id !== id) {
      if (!r) this.vmCreated(slot, id);
      else {
        this.#slotOfId.delete(r.id);
        this.#slotOfId.set(id, slot);
      }
      r = this.#rings[slot] = new KeyRing(id, this.bufferBytes);
    }
    return r;
  }

  #live(action: string, vmId: number): number {
    return liveSlot(this.#h(), action, vmId);
  }

  #h(): DeviceHost {
    return attached(this.#host, "keyboard");
  }
}
