/**
 * A Worker VM's device I/O, done on its behalf through the port bus with its
 * {@linkcode WorkerPort}, exactly the port operations an x86 driver would do:
 *
 * - at the start of a quantum, for each line delivered, drain the device: the
 *   NIC's receive queue (IN 0x204 until 0), the keyboard (IN 0x504, 0x500,
 *   0x50C), the disk's completion queue (IN 0x304 until none), the timer's
 *   count (IN 0x408);
 * - when an answer is applied, one operation at a time: a send (OUT 0x200
 *   with the window's `{length; frame}`, then IN 0x200 for its status), a
 *   console write (OUT 0x104), a disk request (a request block in the mailbox,
 *   OUT 0x300), a timer (OUT 0x400, 0x404 or 0x408).
 *
 * Every check and every charge is the device's own; a rejection leaves its
 * reason in `port.bad` and the caller faults the VM.
 *
 * @module
 */

import type { DeviceHost } from "../devices/device.ts";
import type { DiskCompletionMessage, OpMessage } from "../guests/sdk/protocol.ts";
import { CONSOLE_BASE, CONSOLE_BUFFER } from "../devices/console.ts";
import { DISK_BASE, DiskOp, DiskPort, DiskRequest, DiskStatus } from "../devices/disk_abi.ts";
import { KEYBOARD_BASE, KEYBOARD_ENDED, KeyboardPort } from "../devices/keyboard.ts";
import { NIC_BASE, NIC_RX, NIC_RX_BUFFER, NIC_TX } from "../devices/net/nic.ts";
import { TIMER_BASE, TimerPort } from "../devices/timer.ts";
import { Mailbox } from "./worker_guest.ts";
import type { WorkerVm } from "./worker_record.ts";
import type { HostedVms } from "./worker_vm.ts";

const MAX_FRAME = 1514;
const ALL_ONES = 0xffff_ffff;
/** Written into a request block's status before submission: still there after the OUT means no disk device. */
const UNSEEN = 0xffff_fffe;
const EMPTY = new Uint8Array(0);

/**
 * Events drained from a Worker VM's devices at the start of its quantum.
 *
 * @example
 * ```ts
 * import type { DrainedEvents } from "./worker_io.ts";
 * function count(e: DrainedEvents): number { return e.frames.length + e.keys.length; }
 * ```
 */
export interface DrainedEvents {
  /** Frames received. */
  frames: Uint8Array[];
  /** Keyboard bytes. */
  keys: Uint8Array;
  /** Input has ended. */
  keysEnded: boolean;
  /** Timer expirations since armed (0 unless line 0 was delivered). */
  timerCount: number;
  /** Disk completions. */
  disk: DiskCompletionMessage[];
  /** Payload bytes (frames, keys, read data). */
  bytes: number;
}

/**
 * Reads the devices whose lines were delivered; the port's charge and
 * rejection are left for the caller.
 *
 * @example
 * ```ts ignore
 * const events = drain(vm, vms, host, lines);
 * ```
 */
export function drain(
  vm: WorkerVm,
  vms: HostedVms,
  host: DeviceHost,
  lines: number,
): DrainedEvents {
  const port = vm.port;
  const e: DrainedEvents = {
    frames: [],
    keys: EMPTY,
    keysEnded: false,
    timerCount: 0,
    disk: vm.early,
    bytes: 0,
  };
  vm.early = [];
  if (!vm.rxRegistered) {
    host.writeGuest(vm.slot, Mailbox.RX_BUFFER, u32le(MAX_FRAME));
    vms.out(port, NIC_BASE + NIC_RX_BUFFER, 4, Mailbox.RX_BUFFER);
    vm.rxRegistered = true;
  }
  if (lines & (1 << 2)) {
    for (;;) {
      const len = vms.in(port, NIC_BASE + NIC_RX, 4) >>> 0;
      if (len === 0 || len > MAX_FRAME || port.bad !== null) break;
      const frame = host.readGuest(vm.slot, Mailbox.RX_BUFFER + 4, len);
      if (frame === null) break;
      e.frames.push(frame);
      e.bytes += len;
    }
  }
  if (lines & (1 << 1)) {
    const waiting = vms.in(port, KEYBOARD_BASE + KeyboardPort.WAITING, 4) >>> 0;
    if (waiting !== ALL_ONES) {
      const keys = new Uint8Array(waiting);
      for (let i = 0; i < waiting; i++) {
        keys[i] = vms.in(port, KEYBOARD_BASE + KeyboardPort.DATA, 1);
      }
      e.keys = keys;
      e.bytes += waiting;
      e.keysEnded = (vms.in(port, KEYBOARD_BASE + KeyboardPort.STATUS, 4) & KEYBOARD_ENDED) !== 0;
    }
  }
  if (lines & (1 << 3)) {
    for (;;) {
      const tag = vms.in(port, DISK_BASE + DiskPort.COMPLETED, 4) >>> 0;
      const req = vm.disk[0];
      if (tag === ALL_ONES || req === undefined) break;
      vm.disk.shift();
      vm.diskHead = (vm.diskHead + 1) % Mailbox.REQUEST_SLOTS;
      const word = host.readGuest(vm.slot, req.addr + DiskRequest.STATUS, 4);
      const status = word === null ? DiskStatus.IO_ERROR : readU32(word);
      const c: DiskCompletionMessage = { tag: req.tag, status };
      if (status === DiskStatus.OK && req.data !== undefined) {
        c.data = req.data;
        e.bytes += req.data.length;
      }
      e.disk.push(c);
    }
  }
  if (lines & 1) {
    const n = vms.in(port, TIMER_BASE + TimerPort.CANCEL, 4) >>> 0;
    e.timerCount = n === ALL_ONES ? 0 : n;
  }
  return e;
}

/**
 * Performs one operation of an answer through the port bus.
 *
 * @example
 * ```ts ignore
 * perform(vm, vms, host, { op: "timer", mode: "oneshot", micros: 100 });
 * if (vm.port.bad !== null) fault(vm.port.bad);
 * ```
 */
export function perform(vm: WorkerVm, vms: HostedVms, host: DeviceHost, op: OpMessage): void {
  const port = vm.port;
  switch (op.op) {
    case "send": {
      port.setWindow(op.frame, true);
      vms.out(port, NIC_BASE + NIC_TX, 4, Mailbox.WINDOW);
      if (port.bad === null) vm.sendStatus.push(vms.in(port, NIC_BASE + NIC_TX, 4) >>> 0);
      break;
    }
    case "console":
      port.setWindow(op.bytes, true);
      vms.out(port, CONSOLE_BASE + CONSOLE_BUFFER, 4, Mailbox.WINDOW);
      break;
    case "timer": {
      const offset = op.mode === "oneshot"
        ? TimerPort.ONESHOT
        : op.mode === "periodic"
        ? TimerPort.PERIODIC
        : TimerPort.CANCEL;
      vms.out(port, TIMER_BASE + offset, 4, op.micros);
      break;
    }
    default:
      submitDisk(vm, vms, host, op);
  }
  port.clearWindow();
}

function submitDisk(
  vm: WorkerVm,
  vms: HostedVms,
  host: DeviceHost,
  op: Extract<OpMessage, { op: "read" | "write" | "flush" }>,
): void {
  if (vm.disk.length >= Mailbox.REQUEST_SLOTS) {
    vm.early.push({ tag: op.tag, status: DiskStatus.BUSY });
    return;
  }
  const index = (vm.diskHead + vm.disk.length) % Mailbox.REQUEST_SLOTS;
  const addr = Mailbox.REQUESTS + index * Mailbox.REQUEST_STRIDE;
  let code: number = DiskOp.FLUSH, block = 0, count = 0;
  let data: Uint8Array = EMPTY;
  if (op.op === "read") {
    code = DiskOp.READ;
    block = op.block;
    count = op.count;
    // Only a request the device can accept gets a buffer; others fail before touching it.
    if (count >= 1 && count <= 256) data = new Uint8Array(count * 4096);
  } else if (op.op === "write") {
    code = DiskOp.WRITE;
    block = op.block;
    count = op.data.length / 4096;
    data = op.data;
  }
  const req = new Uint8Array(DiskRequest.SIZE);
  const v = new DataView(req.buffer);
  v.setUint32(DiskRequest.OP, code, true);
  v.setUint32(DiskRequest.DISK, op.disk, true);
  v.setUint32(DiskRequest.BLOCK, block, true);
  v.setUint32(DiskRequest.COUNT, count, true);
  v.setUint32(DiskRequest.BUFFER, Mailbox.WINDOW, true);
  v.setUint32(DiskRequest.STATUS, UNSEEN, true);
  v.setUint32(DiskRequest.TAG, op.tag, true);
  host.writeGuest(vm.slot, addr, req);
  vm.port.setWindow(data, false);
  vms.out(vm.port, DISK_BASE + DiskPort.SUBMIT, 4, addr);
  if (vm.port.bad !== null) return;
  const word = host.readGuest(vm.slot, addr + DiskRequest.STATUS, 4);
  const status = word === null ? UNSEEN : readU32(word);
  if (status === DiskStatus.PENDING) {
    vm.disk.push(op.op === "read" ? { addr, tag: op.tag, data } : { addr, tag: op.tag });
  } else {
    vm.early.push({ tag: op.tag, status: status === UNSEEN ? DiskStatus.BAD_DISK : status });
  }
}

function u32le(x: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x, true);
  return b;
}

function readU32(b: Uint8Array): number {
  return (b[0]! | b[1]! << 8 | b[2]! << 16 | b[3]! << 24) >>> 0;
}
