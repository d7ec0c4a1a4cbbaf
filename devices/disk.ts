/**
 * The disk device: fixed-size virtual disks of 4 KiB blocks, up to four per
 * VM, with asynchronous requests, as in kernel/ISA.md ("Disk").
 *
 * A VM names only its own disks, by index 0..3; the host maps them with
 * {@linkcode DiskDevice.map} (the same read-only base can be mapped to many
 * VMs, or each VM given a {@linkcode CowDisk} over it). The guest submits a
 * request block with one OUT32; the device checks it, does the host I/O at
 * once (synchronously, so a run on the deterministic clock is reproducible),
 * and completes the request `latencyMicros` later on the kernel's clock:
 * it writes the status word, queues the tag and raises line 3. A VM's
 * requests complete in the order it submitted them, so a flush completes
 * after every write before it is durable. With `hostIo: "async"` (for the
 * real clock) a flush's fsync runs off the event loop and the device reports
 * `busy()` until it is done.
 *
 * Every completion time of every VM sits in one {@linkcode DeadlineQueue}
 * (keyed by VM, holding its oldest request), so VMs with no I/O cost nothing.
 *
 * @module
 */

import { attached, liveSlot } from "./_host.ts";
import type { Device, DeviceGuest, DeviceHost } from "./device.ts";
import {
  DISK_BASE,
  DISK_LINE,
  DISK_PORTS,
  DISK_VREG,
  DiskOp,
  DiskPort,
  DiskRequest,
  DiskStatus,
  MAX_DISKS,
  MAX_REQUEST_BLOCKS,
} from "./disk_abi.ts";
import { BLOCK_SIZE, type BlockStore } from "./disk_store.ts";
import { type DiskMetrics, DiskVm, emptyDiskMetrics, type InFlight } from "./disk_vm.ts";
import { DeadlineQueue } from "./timer_queue.ts";

/** Options of {@linkcode DiskDevice}. */
export interface DiskDeviceOptions {
  /** Time from submission to completion of a read or write, us (default 100). */
  latencyMicros?: number;
  /** Time from submission to completion of a flush, us (default: `latencyMicros`). */
  flushLatencyMicros?: number;
  /** Requests a VM may have in flight; more get BUSY (default 32). */
  queueDepth?: number;
  /**
   * "sync" (default): all host I/O at submission, reproducible on the
   * deterministic clock. "async": flushes fsync off the event loop (use with
   * the real clock); the request completes when both the latency and the
   * fsync are done.
   */
  hostIo?: "sync" | "async";
  /** Instructions charged to the VM per request (default 100). */
  requestCost?: number;
  /** Instructions charged per 4 KiB block moved (default 256: a copy at 16 bytes per instruction). */
  blockCost?: number;
}

/**
 * A VM's disk state at one moment, for snapshot and restore. Disks are
 * referenced, not copied: their contents are their own state (a file, or a
 * memory disk that `clone()` copies). Times are relative to the snapshot.
 *
 * @example
 * ```ts
 * import { type DiskSnapshot, emptyDiskMetrics } from "@denali/kernel";
 * const s: DiskSnapshot = {
 *   disks: [null, null, null, null], inFlight: [], completed: [], metrics: emptyDiskMetrics(),
 * };
 * console.log(s.disks.length); // 4
 * ```
 */
export interface DiskSnapshot {
  /** The VM's disks by index. */
  disks: (BlockStore | null)[];
  /** Requests in flight, oldest first (their I/O is done; their completion is due). */
  inFlight: { statusAddr: number; tag: number; status: number; dueInMicros: number }[];
  /** Completion tags not yet taken, oldest first. */
  completed: number[];
  /** The VM's counters. */
  metrics: DiskMetrics;
}

/**
 * The disk device.
 *
 * @example
 * ```ts
 * import { DiskDevice, Kernel, MemoryDisk } from "@denali/kernel";
 * const disks = new DiskDevice({ latencyMicros: 50 });
 * const k = new Kernel();
 * k.attach(disks);
 * const id = k.create({ image: { flat: new Uint8Array([0xf4]) } });
 * disks.map(id, 0, new MemoryDisk(256)); // 1 MiB disk 0, before the VM starts
 * console.log(disks.disk(id, 0)?.blocks); // 256
 * ```
 */
export class DiskDevice implements Device {
  /** Device name. */
  readonly name: string = "disk";
  /** First port. */
  readonly base: number = DISK_BASE;
  /** Ports used. */
  readonly size: number = DISK_PORTS;
  readonly #latency: number;
  readonly #flushLatency: number;
  readonly #depth: number;
  readonly #async: boolean;
  readonly #requestCost: number;
  readonly #blockCost: number;
  #host: DeviceHost | null = null;
  readonly #queue = new DeadlineQueue();
  #vms: (DiskVm | null)[] = [];
  readonly #slotOfId = new Map<number, number>();
  readonly #total: DiskMetrics = emptyDiskMetrics();
  #hostOps = 0;
  readonly #word = new Uint8Array(4);
  readonly #wordView = new DataView(this.#word.buffer);
  #scratch = new Uint8Array(0);

  /** Creates the device; see {@linkcode DiskDeviceOptions}. */
  constructor(options: DiskDeviceOptions = {}) {
    const what = "create disk device";
    this.#latency = nonNegative(what, "latencyMicros", options.latencyMicros ?? 100);
    this.#flushLatency = nonNegative(
      what,
      "flushLatencyMicros",
      options.flushLatencyMicros ?? this.#latency,
    );
    const depth = options.queueDepth ?? 32;
    if (!(Number.isInteger(depth) && depth >= 1 && depth <= 4096)) {
      throw new RangeError(`Cannot ${what}: queueDepth ${depth} is not in 1..4096`);
    }
    this.#depth = depth;
    const io = options.hostIo ?? "sync";
    if (io !== "sync" && io !== "async") {
      throw new RangeError(`Cannot ${what}: hostIo "${io}" is not "sync" or "async"`);
    }
    this.#async = io === "async";
    this.#requestCost = nonNegative(what, "requestCost", options.requestCost ?? 100);
    this.#blockCost = nonNegative(what, "blockCost", options.blockCost ?? 256);
  }

  /** Called by the kernel when the device is attached. */
  bind(host: DeviceHost): void {
    this.#host = host;
  }

  // ---- the host's API: mapping disks --------------------------------------

  /**
   * Gives live VM `vmId` `store` as its disk `index` (0..3), replacing any
   * disk there, and updates its DISK_COUNT and block-count virtual registers.
   * The host keeps ownership of the store (it closes it).
   */
  map(vmId: number, index: number, store: BlockStore): void {
    const slot = this.#live("map disk to", vmId);
    checkIndex(`map disk to VM ${vmId}`, index);
    this.#vmAt(slot, vmId).disks[index] = store;
    this.#publish(slot);
  }

  /** Takes disk `index` away from live VM `vmId` (requests already submitted still complete). */
  unmap(vmId: number, index: number): void {
    const slot = this.#live("unmap disk of", vmId);
    checkIndex(`unmap disk of VM ${vmId}`, index);
    this.#vmAt(slot, vmId).disks[index] = null;
    this.#publish(slot);
  }

  /** Disk `index` of live VM `vmId`, or null. */
  disk(vmId: number, index: number): BlockStore | null {
    const slot = this.#h().slotOf(vmId);
    const vm = slot < 0 ? null : this.#vms[slot];
    return vm && vm.id === vmId ? vm.disks[index] ?? null : null;
  }

  // ---- ports ----------------------------------------------------------------

  /** Handles an IN (see {@linkcode DiskPort}). */
  in(guest: DeviceGuest, offset: number, _size: number): number {
    const vm = this.#vms[guest.slot];
    const mine = vm && vm.id === guest.vmId ? vm : null;
    if (offset === DiskPort.COMPLETED) return mine ? mine.takeCompletion() : -1;
    if (offset === DiskPort.IN_FLIGHT) return mine ? mine.queue.length : 0;
    return -1;
  }

  /** Handles an OUT: a submission at SUBMIT; other ports ignore writes. */
  out(guest: DeviceGuest, offset: number, size: number, value: number): void {
    if (offset === DiskPort.SUBMIT) this.#submit(guest, size, value >>> 0);
  }

  // ---- kernel hooks -----------------------------------------------------------

  /** The earliest completion due (Infinity: none). */
  nextDeadline(): number {
    return this.#queue.peekDeadline();
  }

  /** Completes every request due by `now`, raising line 3 once per VM. */
  advance(now: number): void {
    const q = this.#queue, host = this.#h();
    while (q.size > 0 && q.peekDeadline() <= now) {
      const slot = q.pop();
      const vm = this.#vms[slot];
      if (!vm || !vm.live) continue;
      let done = 0;
      while (vm.queue.length > 0) {
        const head = vm.queue[0]!;
        if (head.due > now || head.waiting) break;
        vm.queue.shift();
        this.#wordView.setUint32(0, head.status, true);
        host.writeGuest(slot, head.statusAddr, this.#word);
        vm.pushCompletion(head.tag);
        done++;
      }
      const next = vm.queue[0];
      if (next && !next.waiting) q.arm(slot, next.due);
      if (done > 0) host.raise(slot, DISK_LINE);
    }
  }

  /** True while asynchronous host I/O is running. */
  busy(): boolean {
    return this.#hostOps > 0;
  }

  /**
   * A VM was created in `slot`: no disks, nothing in flight, zeroed counters.
   * Its state is allocated when first used, so VMs without disks cost nothing.
   */
  vmCreated(slot: number, _id: number): void {
    const old = this.#vms[slot];
    if (!old) return;
    old.live = false;
    if (this.#slotOfId.get(old.id) === slot) this.#slotOfId.delete(old.id);
    this.#vms[slot] = null;
    this.#queue.cancel(slot);
  }

  /** The VM in `slot` stopped: its disks are unmapped and its requests dropped (counters stay). */
  vmFinished(slot: number): void {
    const vm = this.#vms[slot];
    if (!vm) return;
    vm.live = false;
    vm.disks.fill(null);
    vm.queue.length = 0;
    this.#queue.cancel(slot);
  }

  // ---- metrics and snapshots ---------------------------------------------------

  /** Counters of VM `vmId` (kept after it stops, until its slot is reused), or undefined. */
  metrics(vmId: number): DiskMetrics | undefined {
    const slot = this.#slotOfId.get(vmId);
    const vm = slot === undefined ? null : this.#vms[slot];
    return vm && vm.id === vmId ? { ...vm.metrics } : undefined;
  }

  /** Counters over every VM since the device was created. */
  totals(): DiskMetrics {
    return { ...this.#total };
  }

  /** The disk state of live VM `vmId`. Throws while its asynchronous host I/O runs. */
  snapshot(vmId: number): DiskSnapshot {
    const slot = this.#live("snapshot disks of", vmId);
    const vm = this.#vmAt(slot, vmId);
    if (vm.hostOps > 0) {
      throw new Error(`Cannot snapshot disks of VM ${vmId}: host I/O is in progress`);
    }
    const host = this.#h(), now = host.now();
    return {
      disks: [...vm.disks],
      inFlight: vm.queue.map((e) => ({
        statusAddr: e.statusAddr,
        tag: e.tag,
        status: e.status,
        dueInMicros: Math.max(0, e.due - now) / host.ticksPerMicro,
      })),
      completed: vm.completions(),
      metrics: { ...vm.metrics },
    };
  }

  /** Puts a snapshot's disk state on live VM `vmId`, replacing its own. */
  restore(vmId: number, snapshot: DiskSnapshot): void {
    const slot = this.#live("restore disks of", vmId);
    const what = `restore disks of VM ${vmId}`;
    if (snapshot.disks.length > MAX_DISKS || snapshot.inFlight.length > this.#depth) {
      throw new RangeError(`Cannot ${what}: the snapshot has too many disks or requests`);
    }
    const old = this.#vms[slot];
    if (old && old.hostOps > 0) {
      throw new Error(`Cannot ${what}: host I/O is in progress`);
    }
    const host = this.#h(), now = host.now();
    const vm = this.#fresh(slot, vmId);
    snapshot.disks.forEach((d, i) => vm.disks[i] = d);
    for (const e of snapshot.inFlight) {
      const due = Math.max(vm.lastDue, now + e.dueInMicros * host.ticksPerMicro);
      vm.queue.push({
        statusAddr: e.statusAddr,
        tag: e.tag,
        status: e.status,
        due,
        waiting: false,
      });
      vm.lastDue = due;
    }
    for (const t of snapshot.completed) vm.pushCompletion(t);
    Object.assign(vm.metrics, snapshot.metrics);
    this.#queue.cancel(slot);
    if (vm.queue.length > 0) this.#arm(slot, vm.queue[0]!.due);
    this.#publish(slot);
  }

  // ---- submission -----------------------------------------------------------

  #submit(g: DeviceGuest, size: number, addr: number): void {
    const vm = this.#vmAt(g.slot, g.vmId);
    if (size !== 4) return this.#fault(g, vm, `disk submit needs OUT32, got OUT${size * 8}`);
    const raw = g.readBytes(addr, DiskRequest.SIZE);
    if (raw === null) {
      return this.#fault(g, vm, `disk request block at 0x${hex(addr)} is outside memory`);
    }
    const v = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const statusAddr = addr + DiskRequest.STATUS;
    const full = vm.queue.length >= this.#depth;
    if (!this.#setStatus(g, statusAddr, full ? DiskStatus.BUSY : DiskStatus.PENDING)) {
      return this.#fault(g, vm, `disk request block at 0x${hex(addr)} is read-only`);
    }
    this.#bump(vm, "requests", 1);
    g.charge(this.#requestCost);
    if (full) {
      this.#bump(vm, "busy", 1);
      this.#bump(vm, "errors", 1);
      return;
    }
    const op = v.getUint32(DiskRequest.OP, true);
    const host = this.#h();
    const entry: InFlight = {
      statusAddr,
      tag: v.getUint32(DiskRequest.TAG, true),
      status: DiskStatus.OK,
      due: 0,
      waiting: false,
    };
    const status = this.#execute(g, vm, entry, op, v);
    if (status < 0) return; // the VM faulted
    entry.status = status;
    if (status !== DiskStatus.OK) this.#bump(vm, "errors", 1);
    const latency = op === DiskOp.FLUSH ? this.#flushLatency : this.#latency;
    entry.due = Math.max(vm.lastDue, host.now() + latency * host.ticksPerMicro);
    vm.lastDue = entry.due;
    vm.queue.push(entry);
    if (vm.queue.length === 1 && !entry.waiting) this.#arm(g.slot, entry.due);
  }

  /** Checks and performs a request; returns its status, or -1 if the VM faulted. */
  #execute(g: DeviceGuest, vm: DiskVm, entry: InFlight, op: number, v: DataView): number {
    if (op !== DiskOp.READ && op !== DiskOp.WRITE && op !== DiskOp.FLUSH) return DiskStatus.BAD_OP;
    const index = v.getUint32(DiskRequest.DISK, true);
    const store = index < MAX_DISKS ? vm.disks[index] : null;
    if (!store) return DiskStatus.BAD_DISK;
    if (op === DiskOp.FLUSH) return this.#flush(g.slot, vm, entry, store);
    const block = v.getUint32(DiskRequest.BLOCK, true);
    const count = v.getUint32(DiskRequest.COUNT, true);
    // INVARIANT: after this check block + count <= store.blocks (no overflow: all are < 2^32).
    if (count < 1 || count > MAX_REQUEST_BLOCKS || block > store.blocks - count) {
      return DiskStatus.OUT_OF_RANGE;
    }
    const buffer = v.getUint32(DiskRequest.BUFFER, true);
    const len = count * BLOCK_SIZE;
    g.charge(count * this.#blockCost);
    if (op === DiskOp.WRITE) {
      const data = g.readBytes(buffer, len);
      if (data === null) return this.#badBuffer(g, vm, "write", buffer, len);
      if (store.readOnly) return DiskStatus.READ_ONLY;
      try {
        store.write(block, data);
      } catch {
        return DiskStatus.IO_ERROR;
      }
      this.#bump(vm, "writes", 1);
      this.#bump(vm, "bytesWritten", len);
      return DiskStatus.OK;
    }
    // Guest memory is the contiguous range [0x1000, memSize): its two ends bound the buffer.
    if (g.readBytes(buffer, 1) === null || g.readBytes(buffer + len - 1, 1) === null) {
      return this.#badBuffer(g, vm, "read", buffer, len);
    }
    if (this.#scratch.length < len) this.#scratch = new Uint8Array(MAX_REQUEST_BLOCKS * BLOCK_SIZE);
    const data = this.#scratch.subarray(0, len);
    try {
      store.read(block, count, data);
    } catch {
      return DiskStatus.IO_ERROR;
    }
    if (!g.writeBytes(buffer, data)) return this.#badBuffer(g, vm, "read", buffer, len);
    this.#bump(vm, "reads", 1);
    this.#bump(vm, "bytesRead", len);
    return DiskStatus.OK;
  }

  #flush(slot: number, vm: DiskVm, entry: InFlight, store: BlockStore): number {
    if (!this.#async) {
      try {
        store.flush();
      } catch {
        return DiskStatus.IO_ERROR;
      }
      this.#bump(vm, "flushes", 1);
      return DiskStatus.OK;
    }
    entry.waiting = true;
    vm.hostOps++;
    this.#hostOps++;
    let work: Promise<void>;
    try {
      work = store.flushAsync ? store.flushAsync() : Promise.resolve(store.flush());
    } catch (e) {
      work = Promise.reject(e);
    }
    work.then(() => DiskStatus.OK, () => DiskStatus.IO_ERROR).then((status) => {
      vm.hostOps--;
      this.#hostOps--;
      if (!vm.live || this.#vms[slot] !== vm) return;
      entry.waiting = false;
      if (status === DiskStatus.OK) this.#bump(vm, "flushes", 1);
      else {
        entry.status = status;
        this.#bump(vm, "errors", 1);
      }
      if (vm.queue[0] === entry) this.#arm(slot, Math.max(entry.due, this.#h().now()));
      else this.#h().deadlineChanged(); // wake a sleeping run loop to re-check busy()
    });
    return DiskStatus.OK;
  }

  #badBuffer(g: DeviceGuest, vm: DiskVm, op: string, buffer: number, len: number): number {
    this.#fault(
      g,
      vm,
      `disk ${op} buffer of ${len} bytes at 0x${hex(buffer)} is outside ${
        op === "read" ? "writable " : ""
      }memory`,
    );
    return -1;
  }

  #fault(g: DeviceGuest, vm: DiskVm, detail: string): void {
    this.#bump(vm, "faults", 1);
    g.badRequest(detail);
  }

  #setStatus(g: DeviceGuest, addr: number, status: number): boolean {
    this.#wordView.setUint32(0, status, true);
    return g.writeBytes(addr, this.#word);
  }

  #arm(slot: number, due: number): void {
    const before = this.#queue.peekDeadline();
    this.#queue.arm(slot, due);
    if (this.#queue.peekDeadline() < before) this.#h().deadlineChanged();
  }

  #bump(vm: DiskVm, key: keyof DiskMetrics, n: number): void {
    vm.metrics[key] += n;
    this.#total[key] += n;
  }

  /** Writes the VM's disk virtual registers. */
  #publish(slot: number): void {
    const vm = this.#vms[slot]!, host = this.#h();
    host.setVreg(slot, DISK_VREG.COUNT, vm.diskCount);
    for (let i = 0; i < MAX_DISKS; i++) {
      host.setVreg(slot, DISK_VREG.BLOCKS + 4 * i, vm.disks[i]?.blocks ?? 0);
    }
  }

  /** The state of the VM in `slot`, created if the VM is new to the device. */
  #vmAt(slot: number, id: number): DiskVm {
    const vm = this.#vms[slot];
    return vm && vm.id === id ? vm : this.#fresh(slot, id);
  }

  #fresh(slot: number, id: number): DiskVm {
    while (this.#vms.length <= slot) this.#vms.push(null);
    this.vmCreated(slot, id);
    const vm = new DiskVm(id, this.#depth);
    this.#vms[slot] = vm;
    this.#slotOfId.set(id, slot);
    return vm;
  }

  #live(action: string, vmId: number): number {
    return liveSlot(this.#h(), action, vmId);
  }

  #h(): DeviceHost {
    return attached(this.#host, "disk device");
  }
}

function checkIndex(what: string, index: number): void {
  if (!(Number.isInteger(index) && index >= 0 && index < MAX_DISKS)) {
    throw new RangeError(`Cannot ${what}: disk index ${index} is not in 0..${MAX_DISKS - 1}`);
  }
}

function nonNegative(what: string, name: string, x: number): number {
  if (!(Number.isFinite(x) && x >= 0)) {
    throw new RangeError(`Cannot ${what}: ${name} ${x} is not >= 0`);
  }
  return x;
}

function hex(n: number): string {
  return n.toString(16);
}
