/**
 * Checks a Worker guest's message before the kernel acts on it. A message is
 * accepted only in the exact shapes of guests/sdk/protocol.ts: known fields
 * only, integers in range, Uint8Array payloads, at most `maxOps` operations
 * and `maxBytes` of payload (counted over the ArrayBuffers the message really
 * carries, so a view onto a large buffer counts as the large buffer). Anything
 * else is a one-line reason, and the kernel faults the VM with "bad-message".
 *
 * @module
 */

import type {
  AnswerMessage,
  FaultMessage,
  NextMessage,
  OpMessage,
  PongMessage,
} from "../guests/sdk/protocol.ts";
import { MAX_DETAIL } from "./worker_params.ts";

/**
 * Limits of {@linkcode decodeMessage}.
 *
 * @example
 * ```ts
 * import type { DecodeLimits } from "./worker_decode.ts";
 * const l: DecodeLimits = { maxOps: 1024, maxBytes: 2 << 20 };
 * console.log(l.maxOps);
 * ```
 */
export interface DecodeLimits {
  /** Most operations in one answer. */
  maxOps: number;
  /** Most payload bytes in one message. */
  maxBytes: number;
}

const U32 = 0xffff_ffff;
const ANSWER_KEYS = new Set(["t", "seq", "ops", "next"]);
const OP_KEYS: Record<string, readonly string[]> = {
  send: ["op", "frame"],
  console: ["op", "bytes"],
  read: ["op", "tag", "disk", "block", "count"],
  write: ["op", "tag", "disk", "block", "data"],
  flush: ["op", "tag", "disk"],
  timer: ["op", "mode", "micros"],
};
const TIMER_MODES = new Set(["oneshot", "periodic", "cancel"]);

/**
 * Checks `data` as an answer, a fault or a pong message; returns it typed, or a reason.
 *
 * @example
 * ```ts
 * import { decodeMessage } from "./worker_decode.ts";
 * const limits = { maxOps: 16, maxBytes: 4096 };
 * const ok = decodeMessage({ t: "answer", seq: 1, ops: [], next: { kind: "yield" } }, limits);
 * console.log(typeof ok === "string" ? ok : ok.t); // answer
 * console.log(decodeMessage({ t: "answer", seq: 1, ops: 3 }, limits));
 * // answer has no array of operations
 * ```
 */
export function decodeMessage(
  data: unknown,
  limits: DecodeLimits,
): AnswerMessage | FaultMessage | PongMessage | string {
  if (!isRecord(data)) return `message is ${describe(data)}, not an object`;
  if (data.t === "pong") {
    return isU32(data.n) && Object.keys(data).length === 2
      ? { t: "pong", n: data.n }
      : "pong message is not {t, n: u32}";
  }
  if (data.t === "fault") {
    const detail = data.detail;
    if (typeof detail !== "string" || Object.keys(data).length !== 2) {
      return "fault message is not {t, detail: string}";
    }
    return { t: "fault", detail: detail.slice(0, MAX_DETAIL) };
  }
  if (data.t !== "answer") return `message kind ${JSON.stringify(String(data.t))} is unknown`;
  for (const k of Object.keys(data)) if (!ANSWER_KEYS.has(k)) return `answer has a field "${k}"`;
  if (!isU32(data.seq)) return "answer has no batch number";
  const ops = data.ops;
  if (!Array.isArray(ops)) return "answer has no array of operations";
  if (ops.length > limits.maxOps) {
    return `answer has ${ops.length} operations, over the limit of ${limits.maxOps}`;
  }
  const buffers = new Set<ArrayBufferLike>();
  let bytes = 0;
  const count = (u: Uint8Array): void => {
    if (!buffers.has(u.buffer)) {
      buffers.add(u.buffer);
      bytes += u.buffer.byteLength;
    }
  };
  const out: OpMessage[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = decodeOp(ops[i], count);
    if (typeof op === "string") return `operation ${i}: ${op}`;
    if (bytes > limits.maxBytes) {
      return `answer carries at least ${bytes} bytes, over the limit of ${limits.maxBytes}`;
    }
    out.push(op);
  }
  const next = decodeNext(data.next);
  if (typeof next === "string") return next;
  return { t: "answer", seq: data.seq, ops: out, next };
}

function decodeOp(op: unknown, count: (u: Uint8Array) => void): OpMessage | string {
  if (!isRecord(op)) return `${describe(op)} is not an operation`;
  const keys = OP_KEYS[String(op.op)];
  if (keys === undefined) return `kind ${JSON.stringify(String(op.op))} is unknown`;
  for (const k of Object.keys(op)) if (!keys.includes(k)) return `${op.op} has a field "${k}"`;
  for (const k of keys) if (!(k in op)) return `${op.op} has no field "${k}"`;
  switch (op.op) {
    case "send":
    case "console": {
      const b = op.op === "send" ? op.frame : op.bytes;
      if (!(b instanceof Uint8Array)) return `${op.op} payload is not a Uint8Array`;
      count(b);
      return op.op === "send" ? { op: "send", frame: b } : { op: "console", bytes: b };
    }
    case "read":
      if (!isU32(op.tag) || !isU32(op.disk) || !isU32(op.block) || !isU32(op.count)) {
        return "read has a tag, disk, block or count that is not a u32";
      }
      return { op: "read", tag: op.tag, disk: op.disk, block: op.block, count: op.count };
    case "write": {
      if (!isU32(op.tag) || !isU32(op.disk) || !isU32(op.block)) {
        return "write has a tag, disk or block that is not a u32";
      }
      const d = op.data;
      if (!(d instanceof Uint8Array)) return "write data is not a Uint8Array";
      if (d.length === 0 || d.length % 4096 !== 0) {
        return `write data of ${d.length} bytes is not a whole number of 4 KiB blocks`;
      }
      count(d);
      return { op: "write", tag: op.tag, disk: op.disk, block: op.block, data: d };
    }
    case "flush":
      if (!isU32(op.tag) || !isU32(op.disk)) return "flush has a tag or disk that is not a u32";
      return { op: "flush", tag: op.tag, disk: op.disk };
    default: {
      const mode = String(op.mode);
      if (!TIMER_MODES.has(mode)) return `timer mode ${JSON.stringify(mode)} is unknown`;
      if (!isU32(op.micros)) return "timer micros is not a u32";
      return { op: "timer", mode: mode as "oneshot" | "periodic" | "cancel", micros: op.micros };
    }
  }
}

function decodeNext(next: unknown): NextMessage | string {
  if (!isRecord(next)) return "answer has no next step";
  const n = Object.keys(next).length;
  switch (next.kind) {
    case "idle": {
      const t = next.timeoutMicros;
      if (n !== 2 || !(t === null || isU32(t))) {
        return "idle is not {kind, timeoutMicros: u32 | null}";
      }
      return { kind: "idle", timeoutMicros: t };
    }
    case "yield":
      return n === 1 ? { kind: "yield" } : "yield is not {kind}";
    case "terminate":
      if (n !== 2 || !Number.isInteger(next.code) || Math.abs(next.code as number) > 0x7fff_ffff) {
        return "terminate is not {kind, code: i32}";
      }
      return { kind: "terminate", code: next.code as number };
    default:
      return `next step ${JSON.stringify(String(next.kind))} is unknown`;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

function isU32(x: unknown): x is number {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= U32;
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return "an array";
  return `a ${typeof x === "object" ? (x.constructor?.name ?? "object") : typeof x}`;
}
