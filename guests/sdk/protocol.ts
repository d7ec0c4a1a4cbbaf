/**
 * The messages between the kernel and a Worker guest (kernel/ISA.md, "Worker
 * guests"). Per quantum the kernel sends one {@linkcode BatchMessage} with
 * every event since the last one, and the guest answers with one
 * {@linkcode AnswerMessage}: the device operations to perform, in order, and
 * what the VM does next (idle with an optional timeout, yield, terminate).
 * Messages travel over a MessagePort as structured clones; byte payloads are
 * Uint8Arrays.
 *
 * This file is shared by the SDK (inside the Worker) and the kernel (which
 * validates every answer before it touches a device).
 *
 * @module
 */

/**
 * Version of the message layout.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from "./protocol.ts";
 * console.log(PROTOCOL_VERSION); // 1
 * ```
 */
export const PROTOCOL_VERSION = 1;

/**
 * Interrupt lines as in the x86 ABI; a batch's `lines` has their bits.
 *
 * @example
 * ```ts
 * import { Line } from "./protocol.ts";
 * console.log((1 << Line.NIC).toString(2)); // 100
 * ```
 */
export const Line = {
  /** The timer expired. */
  TIMER: 0,
  /** Keyboard bytes arrived, or the input ended. */
  KEYBOARD: 1,
  /** Frames arrived. */
  NIC: 2,
  /** Disk requests completed. */
  DISK: 3,
} as const;

/**
 * A completed disk request, as the kernel reports it.
 *
 * @example
 * ```ts
 * import type { DiskCompletionMessage } from "./protocol.ts";
 * const c: DiskCompletionMessage = { tag: 7, status: 0, data: new Uint8Array(4096) };
 * console.log(c.status === 0 ? "ok" : "error");
 * ```
 */
export interface DiskCompletionMessage {
  /** The tag the guest gave the request. */
  tag: number;
  /** Status as in the disk ABI: 0 OK, 1 BAD_OP, 2 BAD_DISK, 3 OUT_OF_RANGE, 4 READ_ONLY, 5 IO_ERROR, 6 BUSY. */
  status: number;
  /** The blocks read (a successful read only). */
  data?: Uint8Array;
}

/**
 * What the VM is: sent with the first batch and whenever it changes.
 *
 * @example
 * ```ts
 * import type { InfoMessage } from "./protocol.ts";
 * const i: InfoMessage = { vmId: 1, mac: new Uint8Array([2, 0, 0, 0, 0, 1]), cpuKhz: 100000, disks: [] };
 * console.log(i.vmId);
 * ```
 */
export interface InfoMessage {
  /** The VM's id. */
  vmId: number;
  /** Its MAC address (6 bytes). */
  mac: Uint8Array;
  /** CPU speed the kernel assumes, kHz. */
  cpuKhz: number;
  /** Blocks of disks 0..3 (0: no disk at that index); as long as the highest disk mapped + 1. */
  disks: number[];
  /** The host's configuration for this guest (first batch only). */
  config?: unknown;
}

/**
 * Kernel to guest: one quantum's batch of events.
 *
 * @example
 * ```ts
 * import type { BatchMessage } from "./protocol.ts";
 * function frames(b: BatchMessage): number { return b.frames.length; }
 * ```
 */
export interface BatchMessage {
  /** Message kind. */
  t: "batch";
  /** Batch number, from 1; the answer repeats it. */
  seq: number;
  /** Kernel time in microseconds when the batch was sent. */
  time: number;
  /** Interrupt lines delivered in this batch (bits of {@linkcode Line}). */
  lines: number;
  /** The VM idled with a timeout and woke because it ran out. */
  timedOut: boolean;
  /** Frames received since the last batch, oldest first. */
  frames: Uint8Array[];
  /** Status of each NIC send of the previous answer: 0 queued, 1 queue full, 2 spoofed MAC. */
  sendStatus: number[];
  /** Keyboard bytes typed since the last batch. */
  keys: Uint8Array;
  /** The keyboard input has ended. */
  keysEnded: boolean;
  /** Timer expirations since it was armed (read when the timer line is delivered; else 0). */
  timerCount: number;
  /** Disk requests completed since the last batch, in submission order. */
  disk: DiskCompletionMessage[];
  /** The VM's identity and disks: in the first batch and when they change. */
  info?: InfoMessage;
}

/**
 * A device operation of an answer.
 *
 * @example
 * ```ts
 * import type { OpMessage } from "./protocol.ts";
 * const op: OpMessage = { op: "timer", mode: "oneshot", micros: 500 };
 * console.log(op.op);
 * ```
 */
export type OpMessage =
  | { op: "send"; frame: Uint8Array }
  | { op: "console"; bytes: Uint8Array }
  | { op: "read"; tag: number; disk: number; block: number; count: number }
  | { op: "write"; tag: number; disk: number; block: number; data: Uint8Array }
  | { op: "flush"; tag: number; disk: number }
  | { op: "timer"; mode: "oneshot" | "periodic" | "cancel"; micros: number };

/**
 * What the VM does after an answer's operations.
 *
 * @example
 * ```ts
 * import type { NextMessage } from "./protocol.ts";
 * const next: NextMessage = { kind: "idle", timeoutMicros: 1000 };
 * console.log(next.kind);
 * ```
 */
export type NextMessage =
  | { kind: "idle"; timeoutMicros: number | null }
  | { kind: "yield" }
  | { kind: "terminate"; code: number };

/**
 * Guest to kernel: the answer to one batch.
 *
 * @example
 * ```ts
 * import type { AnswerMessage } from "./protocol.ts";
 * const a: AnswerMessage = { t: "answer", seq: 1, ops: [], next: { kind: "terminate", code: 0 } };
 * console.log(a.next.kind);
 * ```
 */
export interface AnswerMessage {
  /** Message kind. */
  t: "answer";
  /** The batch answered. */
  seq: number;
  /** Device operations, performed in order. */
  ops: OpMessage[];
  /** What the VM does next. */
  next: NextMessage;
}

/**
 * Kernel to guest, while no batch is out: a liveness check, answered at once
 * with a {@linkcode PongMessage} of the same number. A guest whose thread is
 * busy forever (a loop in a timer callback) cannot answer, and is stopped.
 *
 * @example
 * ```ts
 * import type { PingMessage } from "./protocol.ts";
 * const p: PingMessage = { t: "ping", n: 3 };
 * console.log(p.n);
 * ```
 */
export interface PingMessage {
  /** Message kind. */
  t: "ping";
  /** Check number. */
  n: number;
}

/**
 * Guest to kernel: the answer to a {@linkcode PingMessage}.
 *
 * @example
 * ```ts
 * import type { PongMessage } from "./protocol.ts";
 * const p: PongMessage = { t: "pong", n: 3 };
 * console.log(p.t);
 * ```
 */
export interface PongMessage {
  /** Message kind. */
  t: "pong";
  /** The check's number. */
  n: number;
}

/**
 * Guest to kernel: the guest failed (its handler threw, or its module did not load).
 *
 * @example
 * ```ts
 * import type { FaultMessage } from "./protocol.ts";
 * const f: FaultMessage = { t: "fault", detail: "Error: boom" };
 * console.log(f.detail);
 * ```
 */
export interface FaultMessage {
  /** Message kind. */
  t: "fault";
  /** What went wrong (first line of the error). */
  detail: string;
}

/**
 * Guest to jail, once, before any guest code runs: the kernel's end of the
 * guest's channel (the jail hands it to the kernel). The guest creates the
 * channel itself because Deno delivers a nested Worker's first message from
 * its parent late (about 500 ms), but the other way at once.
 *
 * @example
 * ```ts
 * import type { PortMessage } from "./protocol.ts";
 * function portOf(m: PortMessage): MessagePort { return m.port; }
 * ```
 */
export interface PortMessage {
  /** Message kind. */
  t: "port";
  /** The kernel's end of the guest's channel. */
  port: MessagePort;
}
