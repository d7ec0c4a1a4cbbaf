/**
 * The runner of Worker VMs: the kernel's {@linkcode HostedRunner}. A quantum of
 * a Worker VM drains its devices for the lines delivered and posts one batch;
 * the VM stays running until its answer is applied. Answers are checked the
 * moment they arrive and applied at a quantum boundary (in `advance`):
 *
 * - order "dispatch" (default on the deterministic clock): in the order the
 *   batches were sent, each `latency` ticks after its dispatch; `hold` stops
 *   the kernel while the oldest answer is due and missing, so runs are
 *   reproducible whatever the host's speed;
 * - order "arrival" (default on the real clock): as they arrive.
 *
 * Each batch has a wall-clock budget; a Worker that misses it, posts a bad
 * message, throws, exits or runs out of heap stops its VM with a fault, and
 * its Worker is terminated.
 *
 * @module
 */

import type { DeviceHost } from "../devices/device.ts";
import type { BatchMessage, InfoMessage } from "../guests/sdk/protocol.ts";
import { DISK_VREG } from "../devices/disk_abi.ts";
import { NIC_VREG_MAC_LO } from "../devices/net/nic.ts";
import { VREGS_ADDRESS } from "./layout.ts";
import { type DecodeLimits, decodeMessage } from "./worker_decode.ts";
import { drain, perform } from "./worker_io.ts";
import { WorkerPort } from "./worker_guest.ts";
import { WorkerVm } from "./worker_record.ts";
import type { HostedRunner, HostedVms } from "./worker_vm.ts";

/**
 * Settings of the runner (resolved {@linkcode WorkerHostOptions}).
 *
 * @example
 * ```ts
 * import type { RunnerConfig } from "./worker_runner.ts";
 * const c: RunnerConfig = {
 *   answerBudgetMs: 1000, startBudgetMs: 10000, latencyTicks: 10000, batchCost: 1000,
 *   order: "dispatch", limits: { maxOps: 1024, maxBytes: 2 << 20 },
 * };
 * console.log(c.order);
 * ```
 */
export interface RunnerConfig {
  /** Wall-clock budget of an answer, ms. */
  answerBudgetMs: number;
  /** Wall-clock budget of the first answer (Worker start and module load), ms. */
  startBudgetMs: number;
  /** Ticks from dispatch to applying the answer (order "dispatch"). */
  latencyTicks: number;
  /** Instructions charged per batch on the deterministic clock. */
  batchCost: number;
  /** When answers apply. */
  order: "dispatch" | "arrival";
  /** Message limits. */
  limits: DecodeLimits;
}

/**
 * What the runner asks of its owner when a VM's Worker must go.
 *
 * @example
 * ```ts
 * import type { KillWorker } from "./worker_runner.ts";
 * const kill: KillWorker = (id) => console.log(`stop the Worker of VM ${id}`);
 * kill(3);
 * ```
 */
export type KillWorker = (id: number) => void;

/**
 * The runner.
 *
 * @example
 * ```ts
 * import { WorkerRunner } from "./worker_runner.ts";
 * // Created by WorkerHost, which hands it to Kernel.hostVms.
 * console.log(typeof WorkerRunner); // function
 * ```
 */
export class WorkerRunner implements HostedRunner {
  /** Device name. */
  readonly name: string = "workers";
  /** No ports. */
  readonly base: number = 0;
  /** No ports. */
  readonly size: number = 0;
  readonly #config: RunnerConfig;
  readonly #kill: KillWorker;
  #vms: HostedVms | null = null;
  #host: DeviceHost | null = null;
  readonly #bySlot: (WorkerVm | null)[] = [];
  readonly #byId = new Map<number, WorkerVm>();
  // INVARIANT: every VM with a batch in flight is in #order (dispatch order; stale entries are
  // skipped), and in #arrived once its answer has arrived (order "arrival").
  #order: { vm: WorkerVm; seq: number }[] = [];
  #orderHead = 0;
  #arrived: WorkerVm[] = [];
  #inFlight = 0;
  #pings = 0;

  /** A runner with `config`; `kill` stops a VM's Worker. */
  constructor(config: RunnerConfig, kill: KillWorker) {
    this.#config = config;
    this.#kill = kill;
  }

  /** Sets when answers apply and, for order "dispatch", how many ticks after their batch. */
  setTiming(order: "dispatch" | "arrival", latencyTicks: number): void {
    this.#config.order = order;
    this.#config.latencyTicks = latencyTicks;
  }

  /** Connects the runner to the kernel's side of hosted VMs. */
  connect(vms: HostedVms): void {
    this.#vms = vms;
  }

  // ---- VMs ----------------------------------------------------------------------

  /** Registers a new Worker VM (created in the kernel as `id`). */
  add(id: number, module: string, config: unknown): WorkerVm {
    const vms = this.#vms!, slot = vms.slotOf(id);
    const vm = new WorkerVm(id, slot, module, new WorkerPort(id, slot, this.#h()));
    vm.config = config;
    while (this.#bySlot.length <= slot) this.#bySlot.push(null);
    this.#bySlot[slot] = vm;
    this.#byId.set(id, vm);
    return vm;
  }

  /** The record of VM `id` (kept after it stops). */
  vm(id: number): WorkerVm | undefined {
    return this.#byId.get(id);
  }

  /** Every record, in creation order. */
  all(): WorkerVm[] {
    return [...this.#byId.values()];
  }

  /** The Worker of VM `id` is up: post its waiting batch. */
  channelReady(id: number, channel: MessagePort): void {
    const vm = this.#byId.get(id);
    if (vm === undefined || !vm.stats.live) {
      channel.close();
      return;
    }
    vm.channel = channel;
    for (const resolve of vm.waiters.splice(0)) resolve();
    channel.onmessage = (e: MessageEvent) => this.#message(vm, e.data);
    channel.onmessageerror = () => this.#fail(vm, "bad-message", "message cannot be read");
    if (vm.outbox !== null) {
      const { message, transfer } = vm.outbox;
      vm.outbox = null;
      vm.sentAt = performance.now();
      channel.postMessage(message, transfer);
    }
  }

  /** The Worker of VM `id` died by itself. */
  died(id: number, reason: string, detail: string): void {
    const vm = this.#byId.get(id);
    if (vm !== undefined && vm.stats.live) this.#fail(vm, reason, detail);
  }

  // ---- HostedRunner ---------------------------------------------------------------

  /** Whether `slot` holds a live Worker VM. */
  owns(slot: number): boolean {
    const vm = this.#bySlot[slot];
    return vm !== undefined && vm !== null && vm.stats.live;
  }

  /** Drains the VM's devices for `lines` and posts one batch. */
  quantum(slot: number, lines: number): void {
    const vm = this.#bySlot[slot]!, vms = this.#vms!, host = this.#h(), cfg = this.#config;
    if (vm.inFlight !== 0) {
      vm.carry |= lines; // resumed while its batch was out: the answer is still coming
      return;
    }
    lines |= vm.carry;
    vm.carry = 0;
    const port = vm.port;
    port.reset();
    const e = drain(vm, vms, host, lines);
    const charged = port.charged + (vms.clock.kind === "deterministic" ? cfg.batchCost : 0);
    if (charged > 0) vms.charge(slot, charged);
    if (port.bad !== null) return vms.fault(slot, "bad-device-request", port.bad);
    const seq = ++vm.seq;
    const batch: BatchMessage = {
      t: "batch",
      seq,
      time: vms.clock.micros(),
      lines,
      timedOut: vm.idledWithTimeout && lines === 0,
      frames: e.frames,
      sendStatus: vm.sendStatus,
      keys: e.keys,
      keysEnded: e.keysEnded,
      timerCount: e.timerCount,
      disk: e.disk,
    };
    vm.idledWithTimeout = false;
    vm.sendStatus = [];
    const info = this.#info(vm);
    if (info !== null) batch.info = info;
    const transfer: Transferable[] = e.frames.map((f) => f.buffer as ArrayBuffer);
    if (e.keys.length > 0) transfer.push(e.keys.buffer as ArrayBuffer);
    for (const c of e.disk) if (c.data !== undefined) transfer.push(c.data.buffer as ArrayBuffer);
    vm.stats.batches++;
    vm.stats.bytesIn += e.bytes;
    vm.inFlight = seq;
    vm.due = vms.clock.now() + cfg.latencyTicks;
    this.#inFlight++;
    if (this.#orderHead > 1024 && this.#orderHead * 2 > this.#order.length) {
      this.#order = this.#order.slice(this.#orderHead);
      this.#orderHead = 0;
    }
    this.#order.push({ vm, seq });
    const budget = seq === 1 ? cfg.startBudgetMs : cfg.answerBudgetMs;
    vm.timer = setTimeout(() => this.#timeout(vm, seq, budget), budget);
    if (vm.channel === null) vm.outbox = { message: batch, transfer };
    else {
      vm.sentAt = performance.now();
      vm.channel.postMessage(batch, transfer);
    }
  }

  /** True while the oldest answer is due by `now` and has not arrived (order "dispatch"). */
  hold(now: number): boolean {
    if (this.#config.order !== "dispatch") return false;
    const head = this.#head();
    return head !== null && head.due <= now && head.answer === null;
  }

  /** When the next answer may be applied: the oldest batch's due tick, or 0 for arrivals. */
  nextDeadline(): number {
    if (this.#config.order === "dispatch") return this.#head()?.due ?? Infinity;
    return this.#arrived.length > 0 ? 0 : Infinity;
  }

  /** Applies the answers due by `now`, in order. */
  advance(now: number): void {
    if (this.#config.order === "dispatch") {
      for (;;) {
        const vm = this.#head();
        if (vm === null || vm.due > now || vm.answer === null) return;
        this.#orderHead++;
        this.#apply(vm);
      }
    }
    const arrived = this.#arrived;
    this.#arrived = [];
    for (const vm of arrived) if (vm.answer !== null) this.#apply(vm);
  }

  /** True while any batch is in flight (the kernel waits rather than stopping). */
  busy(): boolean {
    return this.#inFlight > 0;
  }

  /** Device ports: none. */
  in(): number {
    return -1;
  }

  /** Device ports: none. */
  out(): void {}

  /** Called when attached. */
  bind(host: DeviceHost): void {
    this.#host = host;
  }

  /** A VM was created in `slot`: forget an older Worker VM of that slot. */
  vmCreated(slot: number, id: number): void {
    const old = this.#bySlot[slot];
    if (old !== undefined && old !== null && old.id !== id) this.#bySlot[slot] = null;
  }

  /** The VM in `slot` stopped: its Worker goes. */
  vmFinished(slot: number): void {
    const vm = this.#bySlot[slot];
    if (vm === undefined || vm === null || !vm.stats.live) return;
    vm.stats.live = false;
    clearTimeout(vm.timer);
    if (vm.inFlight !== 0) {
      vm.inFlight = 0;
      this.#inFlight--;
    }
    vm.answer = null;
    vm.outbox = null;
    vm.disk.length = 0;
    vm.channel?.close();
    vm.channel = null;
    for (const resolve of vm.waiters.splice(0)) resolve();
    this.#kill(vm.id);
    this.#host?.deadlineChanged(); // the kernel may be holding for this VM
  }

  // ---- answers ----------------------------------------------------------------------

  #message(vm: WorkerVm, data: unknown): void {
    if (!vm.stats.live) return;
    const m = decodeMessage(data, this.#config.limits);
    if (typeof m === "string") return this.#fail(vm, "bad-message", m);
    if (m.t === "fault") return this.#fail(vm, "worker-exception", m.detail);
    if (m.t === "pong") {
      if (m.n !== vm.ping) return this.#fail(vm, "bad-message", `pong ${m.n} to no check`);
      vm.ping = 0;
      return;
    }
    if (vm.inFlight === 0 || m.seq !== vm.inFlight || vm.answer !== null) {
      return this.#fail(
        vm,
        "bad-message",
        `answer to batch ${m.seq} while ${
          vm.inFlight === 0 ? "no batch" : `batch ${vm.inFlight}`
        } is out${vm.answer !== null ? " and answered" : ""}`,
      );
    }
    clearTimeout(vm.timer);
    const now = performance.now();
    vm.answerMicros = Math.round((now - vm.sentAt) * 1000);
    if (vm.stats.startMillis < 0) vm.stats.startMillis = now - vm.startedAt;
    vm.answer = m;
    if (this.#config.order === "arrival") this.#arrived.push(vm);
    this.#h().deadlineChanged();
  }

  #apply(vm: WorkerVm): void {
    const a = vm.answer!, vms = this.#vms!, host = this.#h(), slot = vm.slot, s = vm.stats;
    vm.answer = null;
    vm.inFlight = 0;
    this.#inFlight--;
    if (s.answers++ === 0) s.firstWallMicros = vm.answerMicros;
    s.wallMicros += vm.answerMicros;
    if (vm.answerMicros > s.maxWallMicros) s.maxWallMicros = vm.answerMicros;
    let charged = vms.clock.kind === "real" ? Math.round(vm.answerMicros * vms.cpuKhz / 1000) : 0;
    const port = vm.port;
    for (let i = 0; i < a.ops.length; i++) {
      const op = a.ops[i]!;
      port.reset();
      perform(vm, vms, host, op);
      charged += port.charged;
      s.ops++;
      s.bytesOut += op.op === "send"
        ? op.frame.length
        : op.op === "console"
        ? op.bytes.length
        : op.op === "write"
        ? op.data.length
        : 0;
      if (port.bad !== null) {
        vms.charge(slot, charged);
        return vms.fault(slot, "bad-device-request", `operation ${i} (${op.op}): ${port.bad}`);
      }
    }
    if (charged > 0) vms.charge(slot, charged);
    const next = a.next;
    if (next.kind === "idle") {
      vm.idledWithTimeout = next.timeoutMicros !== null;
      vms.idle(slot, next.timeoutMicros);
    } else if (next.kind === "yield") vms.ready(slot);
    else vms.exit(slot, next.code);
  }

  /**
   * The liveness check, every few seconds of host time: each Worker with no
   * batch out gets a ping; one whose previous ping went unanswered for the
   * answer budget (its thread is busy forever between batches) is stopped.
   */
  watchdog(): void {
    const now = performance.now(), budget = this.#config.answerBudgetMs;
    for (const vm of this.#byId.values()) {
      if (!vm.stats.live || vm.channel === null) continue;
      if (vm.ping !== 0) {
        if (now - vm.pingAt >= budget) {
          this.#fail(
            vm,
            "worker-timeout",
            `Worker did not answer a liveness check within its budget of ${budget} ms`,
          );
        }
      } else if (vm.inFlight === 0) {
        vm.ping = this.#pings = (this.#pings % 0xffff_fffe) + 1;
        vm.pingAt = now;
        vm.channel.postMessage({ t: "ping", n: vm.ping });
      }
    }
  }

  #timeout(vm: WorkerVm, seq: number, budget: number): void {
    if (!vm.stats.live || vm.inFlight !== seq || vm.answer !== null) return;
    this.#fail(
      vm,
      "worker-timeout",
      `Worker did not answer batch ${seq} within its budget of ${budget} ms`,
    );
  }

  #fail(vm: WorkerVm, reason: string, detail: string): void {
    if (vm.stats.live) this.#vms!.fault(vm.slot, reason, detail);
  }

  /** The oldest batch still in flight (stale entries dropped), or null. */
  #head(): WorkerVm | null {
    const order = this.#order;
    while (this.#orderHead < order.length) {
      const e = order[this.#orderHead]!;
      if (e.vm.stats.live && e.vm.inFlight === e.seq) return e.vm;
      this.#orderHead++;
    }
    order.length = 0;
    this.#orderHead = 0;
    return null;
  }

  /** The VM's identity, if it changed since last sent. */
  #info(vm: WorkerVm): InfoMessage | null {
    const host = this.#h();
    const regs = host.readGuest(vm.slot, VREGS_ADDRESS + NIC_VREG_MAC_LO, 0x1c);
    if (regs === null) return null;
    const v = new DataView(regs.buffer);
    const disks: number[] = [];
    const count = Math.min(4, v.getUint32(DISK_VREG.COUNT - NIC_VREG_MAC_LO, true));
    for (let i = 0; i < count; i++) {
      disks.push(v.getUint32(DISK_VREG.BLOCKS + 4 * i - NIC_VREG_MAC_LO, true));
    }
    const mac = regs.slice(0, 6);
    const key = `${mac.join(",")}/${disks.join(",")}`;
    if (key === vm.infoKey) return null;
    const first = vm.infoKey === "";
    vm.infoKey = key;
    const info: InfoMessage = { vmId: vm.id, mac, cpuKhz: this.#vms!.cpuKhz, disks };
    if (first) info.config = vm.config;
    return info;
  }

  #h(): DeviceHost {
    if (this.#host === null) throw new Error("Cannot run Worker VMs: the runner is not attached");
    return this.#host;
  }
}
