/**
 * What the Worker host keeps per Worker VM: its channel, the batch in flight
 * and its answer, the device state the mailbox needs (disk requests in
 * flight), and its counters.
 *
 * Owner: the Worker runner (kernel/worker_runner.ts).
 *
 * @module
 */

import type { AnswerMessage, DiskCompletionMessage } from "../guests/sdk/protocol.ts";
import type { WorkerPort } from "./worker_guest.ts";

/**
 * Counters of one Worker guest.
 *
 * @example
 * ```ts
 * import type { WorkerStats } from "./worker_record.ts";
 * function meanMicros(s: WorkerStats): number { return s.answers ? s.wallMicros / s.answers : 0; }
 * ```
 */
export interface WorkerStats {
  /** The VM's id. */
  vmId: number;
  /** The guest module. */
  module: string;
  /** Batches sent. */
  batches: number;
  /** Answers applied. */
  answers: number;
  /** Host time from sending each batch to its answer, summed, microseconds. */
  wallMicros: number;
  /** The longest of those. */
  maxWallMicros: number;
  /** The first answer's (it includes the Worker's start when the VM started first). */
  firstWallMicros: number;
  /** Host milliseconds from starting the Worker to its first answer (-1: none yet). */
  startMillis: number;
  /** Device operations performed. */
  ops: number;
  /** Payload bytes sent to the guest (frames, keys, disk data). */
  bytesIn: number;
  /** Payload bytes the guest sent (frames, console, disk data). */
  bytesOut: number;
  /** False once the VM stopped and its Worker was terminated. */
  live: boolean;
}

/**
 * A disk request of a Worker VM in flight: where its request block is and
 * what to hand back at completion.
 *
 * @example
 * ```ts
 * import type { DiskInFlight } from "./worker_record.ts";
 * const r: DiskInFlight = { addr: 0x3000, tag: 1 };
 * console.log(r.addr.toString(16)); // 3000
 * ```
 */
export interface DiskInFlight {
  /** Guest address of the request block. */
  addr: number;
  /** The guest's tag. */
  tag: number;
  /** The buffer a read filled (reads only). */
  data?: Uint8Array;
}

/**
 * One Worker VM.
 *
 * @example
 * ```ts
 * import { WorkerVm } from "./worker_record.ts";
 * const vm = new WorkerVm(1, 0, "file:///srv/echo.ts", null as never);
 * console.log(vm.stats.live, vm.inFlight); // true 0
 * ```
 */
export class WorkerVm {
  /** The VM's id. */
  readonly id: number;
  /** Its slot. */
  readonly slot: number;
  /** The device view of its mailbox and payloads. */
  readonly port: WorkerPort;
  /** The kernel's end of its channel (null until the jail started it). */
  channel: MessagePort | null = null;
  /** A batch waiting for the channel, with its transfer list. */
  outbox: { message: unknown; transfer: Transferable[] } | null = null;
  /** Sequence number of the batch in flight (0: none). */
  inFlight = 0;
  /** Kernel tick at which the answer of the batch in flight applies (deterministic order). */
  due = 0;
  /** performance.now() when the batch in flight was posted (-1: not yet posted). */
  sentAt: number = -1;
  /** Its answer, once arrived and checked. */
  answer: AnswerMessage | null = null;
  /** Host time of that answer, microseconds. */
  answerMicros = 0;
  /** The budget timer of the batch in flight. */
  timer: ReturnType<typeof setTimeout> | undefined = undefined;
  /** Batches sent. */
  seq = 0;
  /** Lines delivered while a batch was in flight (a resumed VM), for the next batch. */
  carry = 0;
  /** Its last answer idled with a timeout. */
  idledWithTimeout = false;
  /** Statuses of the last answer's sends. */
  sendStatus: number[] = [];
  /** Completions made by the host itself (BUSY, no disk device), for the next batch. */
  early: DiskCompletionMessage[] = [];
  /** Disk requests in flight, oldest first. */
  readonly disk: DiskInFlight[] = [];
  /** Index of the oldest request block in use. */
  diskHead = 0;
  /** The NIC receive buffer is registered. */
  rxRegistered = false;
  /** The identity last sent (to send it again only when it changes). */
  infoKey = "";
  /** Host configuration, sent with the first batch. */
  config: unknown;
  /** Number of the liveness check out (0: none). */
  ping = 0;
  /** performance.now() when it was sent. */
  pingAt = 0;
  /** Resolvers of `WorkerHost.ready` waiting for the channel. */
  waiters: (() => void)[] = [];
  /** performance.now() when the Worker was started. */
  readonly startedAt: number = performance.now();
  /** Counters. */
  readonly stats: WorkerStats;

  /** The record of VM `id` in `slot`, running `module`. */
  constructor(id: number, slot: number, module: string, port: WorkerPort) {
    this.id = id;
    this.slot = slot;
    this.port = port;
    this.stats = {
      vmId: id,
      module,
      batches: 0,
      answers: 0,
      wallMicros: 0,
      maxWallMicros: 0,
      firstWallMicros: 0,
      startMillis: -1,
      ops: 0,
      bytesIn: 0,
      bytesOut: 0,
      live: true,
    };
  }
}
