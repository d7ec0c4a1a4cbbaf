/**
 * The SDK's engine inside a Worker guest: holds the port to the kernel, turns
 * each batch into a {@linkcode Batch} for the guest's handler, collects the
 * device operations the handler asks for, and sends them back as one answer.
 * A handler that throws (or rejects) is reported to the kernel as a fault and
 * the guest stops answering.
 *
 * @module
 */

import type {
  BatchMessage,
  DiskCompletionMessage,
  NextMessage,
  OpMessage,
  PingMessage,
} from "./protocol.ts";

/**
 * A completed disk request.
 *
 * @example
 * ```ts
 * import type { DiskCompletion } from "./_runtime.ts";
 * const c: DiskCompletion = { tag: 1, status: 0 };
 * console.log(c.status === 0); // true
 * ```
 */
export type DiskCompletion = DiskCompletionMessage;

/**
 * What the VM does after a batch: returned by {@linkcode Guest.idle} and friends.
 *
 * @example
 * ```ts
 * import type { Next } from "./_runtime.ts";
 * const next: Next = { kind: "idle", timeoutMicros: 500 };
 * console.log(next.kind); // idle
 * ```
 */
export type Next = NextMessage;

/**
 * One quantum's events, as a guest's handler sees them.
 *
 * @example
 * ```ts
 * import type { Batch } from "./mod.ts";
 * function describe(b: Batch): string {
 *   return `${b.frames.length} frames, ${b.keys.length} keys, timer ${b.timer}`;
 * }
 * ```
 */
export interface Batch {
  /** Batch number, from 1. */
  readonly seq: number;
  /** Whether this is the guest's first batch. */
  readonly first: boolean;
  /** Kernel time in microseconds when the batch was sent. */
  readonly time: number;
  /** Interrupt lines delivered (bits: 0 timer, 1 keyboard, 2 NIC, 3 disk). */
  readonly lines: number;
  /** The timer expired (line 0). */
  readonly timer: boolean;
  /** Timer expirations since it was armed (when `timer`). */
  readonly timerCount: number;
  /** The VM idled with a timeout and woke because it ran out. */
  readonly timedOut: boolean;
  /** Frames received, oldest first (whole Ethernet frames, 14-1514 bytes). */
  readonly frames: readonly Uint8Array[];
  /** Status of each NIC send of the previous answer: 0 queued, 1 queue full, 2 spoofed MAC. */
  readonly sendStatus: readonly number[];
  /** Keyboard bytes typed. */
  readonly keys: Uint8Array;
  /** The keyboard input has ended. */
  readonly keysEnded: boolean;
  /** Disk requests completed, in submission order. */
  readonly disk: readonly DiskCompletion[];
}

/**
 * The guest's devices and virtual instructions, as in the x86 ABI. Device
 * calls queue operations; the kernel performs them, in order, when the handler
 * returns. {@linkcode Guest.idle}, {@linkcode Guest.yield} and
 * {@linkcode Guest.terminate} say what the VM does next (the handler returns
 * the value; returning nothing means `idle()`).
 *
 * @example
 * ```ts
 * import type { Guest, Next } from "./mod.ts";
 * function hello(g: Guest): Next {
 *   g.console.write(`VM ${g.vmId} says hello\n`);
 *   return g.terminate(0);
 * }
 * ```
 */
export interface Guest {
  /** The VM's id. */
  readonly vmId: number;
  /** Its MAC address (6 bytes: 02:00 and the id, big-endian). */
  readonly mac: Uint8Array;
  /** CPU speed the kernel assumes, kHz. */
  readonly cpuKhz: number;
  /** The host's configuration for this guest (`WorkerHost.create({ config })`). */
  readonly config: unknown;
  /** Kernel time in microseconds at the current batch. */
  now(): number;
  /** The Ethernet NIC. */
  readonly nic: {
    /** Sends one frame (14-1514 bytes, source MAC = own MAC); its status is in the next batch. */
    send(frame: Uint8Array): void;
  };
  /** The disks (up to four, 4 KiB blocks). */
  readonly disk: {
    /** Blocks of disk `index`, 0 if there is none. */
    blocks(index: number): number;
    /** Reads `count` blocks (1-256); returns the tag. `done` runs before the handler of the batch that completes it. */
    read(
      disk: number,
      block: number,
      count: number,
      done?: (c: DiskCompletion) => void,
    ): number;
    /** Writes `data` (whole blocks) at `block`; returns the tag. */
    write(
      disk: number,
      block: number,
      data: Uint8Array,
      done?: (c: DiskCompletion) => void,
    ): number;
    /** Completes once every write submitted before it is durable; returns the tag. */
    flush(disk: number, done?: (c: DiskCompletion) => void): number;
  };
  /** The console (the VM's bounded output ring; `console.log` also lands here). */
  readonly console: {
    /** Writes text (UTF-8) or bytes. */
    write(data: string | Uint8Array): void;
  };
  /** The VM's one timer on the kernel's clock (line 0). */
  readonly timer: {
    /** Fires once, `micros` from now (replaces any timer). */
    oneShot(micros: number): void;
    /** Fires every `micros` (0 disarms). */
    periodic(micros: number): void;
    /** Disarms. */
    cancel(): void;
  };
  /** Idle until an interrupt, or at most `timeoutMicros` of kernel time. */
  idle(timeoutMicros?: number): Next;
  /** Run again at the VM's next turn. */
  yield(): Next;
  /** Stop for good with an exit code. */
  terminate(code?: number): Next;
}

/**
 * A guest's handler: called once per batch; returns what the VM does next.
 *
 * @example
 * ```ts
 * import type { Handler } from "./mod.ts";
 * const echo: Handler = (batch, g) => {
 *   for (const f of batch.frames) g.nic.send(f);
 * };
 * ```
 */
export type Handler = (batch: Batch, guest: Guest) => Next | void | Promise<Next | void>;

const encoder = new TextEncoder();

/**
 * The runtime of this Worker (one per guest).
 *
 * @example
 * ```ts
 * import { Runtime } from "./_runtime.ts";
 * const r = new Runtime(); // the SDK makes one per Worker guest
 * console.log(r.idle(10)); // { kind: "idle", timeoutMicros: 10 }
 * ```
 */
export class Runtime implements Guest {
  vmId = 0;
  mac: Uint8Array = new Uint8Array(6);
  cpuKhz = 0;
  config: unknown = undefined;
  #time = 0;
  #disks: number[] = [];
  #port: MessagePort | null = null;
  #handler: Handler | null = null;
  #ops: OpMessage[] = [];
  #done = new Map<number, (c: DiskCompletion) => void>();
  #tag = 0;
  #stopped = false;
  #loaded = false;
  #batches = 0;

  /** Connects the runtime to the kernel (the bootstrap does it when the port arrives). */
  attach(port: MessagePort): void {
    this.#port = port;
    if (this.#handler !== null) this.#listen();
    else if (this.#loaded) this.#noServe();
  }

  /** The guest's module has run (the wrapper module calls it after importing it). */
  loaded(): void {
    this.#loaded = true;
    if (this.#port !== null && this.#handler === null) this.#noServe();
  }

  /** Whether a handler was registered. */
  get serving(): boolean {
    return this.#handler !== null;
  }

  /** Registers the handler; batches are taken once the port is attached. */
  serve(handler: Handler): void {
    if (this.#handler !== null) throw new Error("Cannot serve: a handler is already registered");
    this.#handler = handler;
    if (this.#port !== null) this.#listen();
  }

  #listen(): void {
    this.#port!.onmessage = (e: MessageEvent) => {
      const m = e.data as BatchMessage | PingMessage;
      if (m?.t === "batch") this.#batch(m).catch((err) => this.fault(err));
      else if (m?.t === "ping" && !this.#stopped) this.#port!.postMessage({ t: "pong", n: m.n });
    };
  }

  #noServe(): void {
    this.fault(new Error("Cannot run guest: its module did not call serve()"));
  }

  /** Reports a failure to the kernel and stops answering. */
  fault(err: unknown): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const detail = err instanceof Error ? `${err.name}: ${err.message}` : `thrown: ${String(err)}`;
    this.#port?.postMessage({ t: "fault", detail: detail.split("\n")[0]!.slice(0, 500) });
    if (this.#port) this.#port.onmessage = null;
  }

  async #batch(m: BatchMessage): Promise<void> {
    if (this.#stopped) return;
    this.#batches++;
    this.#time = m.time;
    if (m.info) {
      this.vmId = m.info.vmId;
      this.mac = m.info.mac;
      this.cpuKhz = m.info.cpuKhz;
      this.#disks = m.info.disks;
      if (this.#batches === 1) this.config = m.info.config;
    }
    const batch: Batch = {
      seq: m.seq,
      first: this.#batches === 1,
      time: m.time,
      lines: m.lines,
      timer: (m.lines & 1) !== 0,
      timerCount: m.timerCount,
      timedOut: m.timedOut,
      frames: m.frames,
      sendStatus: m.sendStatus,
      keys: m.keys,
      keysEnded: m.keysEnded,
      disk: m.disk,
    };
    for (const c of m.disk) {
      const done = this.#done.get(c.tag);
      if (done !== undefined) {
        this.#done.delete(c.tag);
        done(c);
      }
    }
    const next = (await this.#handler!(batch, this)) ?? this.idle();
    if (this.#stopped) return;
    const ops = this.#ops;
    this.#ops = [];
    this.#port!.postMessage({ t: "answer", seq: m.seq, ops, next });
  }

  now(): number {
    return this.#time;
  }

  readonly nic = {
    send: (frame: Uint8Array): void => {
      this.#ops.push({ op: "send", frame: own(frame) });
    },
  };

  readonly disk = {
    blocks: (index: number): number => this.#disks[index] ?? 0,
    read: (disk: number, block: number, count: number, done?: (c: DiskCompletion) => void) => {
      const tag = this.#nextTag(done);
      this.#ops.push({ op: "read", tag, disk, block, count });
      return tag;
    },
    write: (disk: number, block: number, data: Uint8Array, done?: (c: DiskCompletion) => void) => {
      const tag = this.#nextTag(done);
      this.#ops.push({ op: "write", tag, disk, block, data: own(data) });
      return tag;
    },
    flush: (disk: number, done?: (c: DiskCompletion) => void) => {
      const tag = this.#nextTag(done);
      this.#ops.push({ op: "flush", tag, disk });
      return tag;
    },
  };

  readonly console = {
    write: (data: string | Uint8Array): void => {
      const bytes = typeof data === "string" ? encoder.encode(data) : own(data);
      if (bytes.length > 0) this.#ops.push({ op: "console", bytes });
    },
  };

  readonly timer = {
    oneShot: (micros: number): void => {
      this.#ops.push({ op: "timer", mode: "oneshot", micros: u32(micros) });
    },
    periodic: (micros: number): void => {
      this.#ops.push({ op: "timer", mode: "periodic", micros: u32(micros) });
    },
    cancel: (): void => {
      this.#ops.push({ op: "timer", mode: "cancel", micros: 0 });
    },
  };

  idle(timeoutMicros?: number): Next {
    return { kind: "idle", timeoutMicros: timeoutMicros === undefined ? null : u32(timeoutMicros) };
  }

  yield(): Next {
    return { kind: "yield" };
  }

  terminate(code = 0): Next {
    return { kind: "terminate", code: code | 0 };
  }

  #nextTag(done?: (c: DiskCompletion) => void): number {
    this.#tag = (this.#tag + 1) >>> 0;
    if (done !== undefined) this.#done.set(this.#tag, done);
    return this.#tag;
  }
}

/** The bytes of `u`, in a buffer of their own (so a message never carries a larger buffer). */
function own(u: Uint8Array): Uint8Array {
  return u.byteOffset === 0 && u.byteLength === u.buffer.byteLength ? u : u.slice();
}

function u32(x: number): number {
  return Math.min(0xffff_ffff, Math.max(0, Math.ceil(x)));
}

/**
 * The runtime of this Worker guest.
 *
 * @example
 * ```ts
 * import { runtime } from "./_runtime.ts";
 * console.log(runtime.serving); // false until the guest calls serve()
 * ```
 */
export const runtime: Runtime = new Runtime();
