/**
 * A served machine: one kernel with the standard devices attached (timer,
 * keyboard, disk, NIC and its virtual switch), the console fan-out, the load
 * history, and the run loop. The control API, the dashboard and the CLI's
 * `serve` and `run` commands all drive a kernel through this one object, so
 * what a user can do over HTTP and what the CLI does are the same code.
 *
 * @module
 */

import process from "node:process";
import {
  DiskDevice,
  type DiskMetrics,
  Kernel,
  type KernelOptions,
  type KernelStats,
  KeyboardDevice,
  type KeyboardMetrics,
  MemoryDisk,
  TimerDevice,
  type TimerMetrics,
  type VmInfo,
} from "../kernel/mod.ts";
import { FileDisk } from "../devices/disk_file.ts";
import type { BlockStore } from "../devices/disk_store.ts";
import { NicDevice, type NicStats } from "../devices/net/mod.ts";
import { WorkerHost, type WorkerHostOptions, type WorkerStats } from "../kernel/worker_host.ts";
import { ConsoleHub } from "./console_hub.ts";
import { type Counters, History, type Sample } from "./history.ts";

/**
 * Options of {@linkcode Machine}: the kernel's, plus sampling of the history.
 *
 * @example
 * ```ts
 * import type { MachineOptions } from "./machine.ts";
 * const o: MachineOptions = { clock: "real", quantum: 10_000, sampleMs: 500 };
 * console.log(o.sampleMs); // 500
 * ```
 */
export interface MachineOptions extends Omit<KernelOptions, "onConsole" | "scheduler" | "sliceMs"> {
  /** Interval between two samples of the load history, ms (default 1000; 0: no sampling). */
  sampleMs?: number;
  /** Samples kept (default 300). */
  historyLength?: number;
  /** Frames the NIC queues per VM each way (default 64). */
  nicQueue?: number;
  /** Options of the Worker host made when the first Worker guest is created. */
  workers?: WorkerHostOptions;
}

/**
 * A disk to give a VM at creation: a fresh memory disk of `blocks` 4 KiB
 * blocks, or a host file (opened read-only unless `readOnly` is false).
 *
 * @example
 * ```ts
 * import type { DiskSpec } from "./machine.ts";
 * const disks: DiskSpec[] = [{ blocks: 16 }, { path: "/tmp/base.img" }];
 * console.log(disks.length); // 2
 * ```
 */
export type DiskSpec = { blocks: number } | { path: string; readOnly?: boolean };

/**
 * What a client sends to create VMs (the body of `POST /v1/vms`).
 *
 * @example
 * ```ts
 * import type { CreateRequest } from "./machine.ts";
 * const r: CreateRequest = { image: "guest.elf", memSize: "1M", count: 10, start: true };
 * console.log(r.count); // 10
 * ```
 */
export interface CreateRequest {
  /** Path of an ELF32 or flat image on the machine that runs the kernel. */
  image?: string;
  /** The image's bytes, base64 (instead of `image`). */
  imageBase64?: string;
  /** The image's bytes (in-process callers; instead of `image`). */
  imageBytes?: Uint8Array;
  /** Load address of a flat image (default 0x10000; ELF images carry their own). */
  load?: number;
  /** Guest memory: bytes, or a size like "64K" or "1M" (default 1 MiB). */
  memSize?: number | string;
  /** Name (default `vm<id>`; with count > 1, `<name>-<i>`). */
  name?: string;
  /** Start at once (default true). */
  start?: boolean;
  /** VMs to create from the image (default 1, at most 100,000). */
  count?: number;
  /** Fault each VM (cpu-budget) after this many instructions (default: no limit). */
  maxInstructions?: number;
  /** Disks 0..3. */
  disks?: DiskSpec[];
  /**
   * Path or file: URL of a Worker guest module (a TypeScript VM in a Deno
   * Worker with no permissions; see guests/sdk) instead of an image.
   */
  worker?: string;
  /** A Worker guest's configuration (JSON), its `guest.config`. */
  config?: unknown;
}

/**
 * A VM as the API shows it: the kernel's snapshot plus its devices' counters.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const [id] = await m.create({ imageBase64: btoa("\xf4"), start: false });
 * console.log(m.vm(id!).state, m.vm(id!).nic?.mac); // created 02:00:00:00:00:01
 * await m.close();
 * ```
 */
export interface VmView extends VmInfo {
  /** NIC counters. */
  nic?: NicStats;
  /** Disk counters. */
  disk?: DiskMetrics;
  /** Timer counters. */
  timer?: TimerMetrics;
  /** Keyboard counters. */
  keyboard?: KeyboardMetrics;
  /** Worker guest counters (Worker VMs only). */
  worker?: WorkerStats;
}

/**
 * One row of the VM table (list and dashboard): the figures that change.
 *
 * @example
 * ```ts
 * import type { VmRow } from "./machine.ts";
 * const r: VmRow = {
 *   id: 1, name: "vm1", state: "idle", memSize: 65536, residentPages: 2, instructions: 10,
 *   interrupts: 0, batches: 0, framesIn: 0, framesOut: 0, diskOps: 0, exitCode: null, fault: null,
 * };
 * console.log(r.state); // idle
 * ```
 */
export interface VmRow {
  /** Id. */
  id: number;
  /** Name. */
  name: string;
  /** State name. */
  state: string;
  /** Guest memory, bytes. */
  memSize: number;
  /** Pages backed by frames. */
  residentPages: number;
  /** Instructions retired. */
  instructions: number;
  /** Interrupts raised on it. */
  interrupts: number;
  /** Upcall batches delivered. */
  batches: number;
  /** Frames received. */
  framesIn: number;
  /** Frames sent. */
  framesOut: number;
  /** Disk requests. */
  diskOps: number;
  /** Exit code, once exited. */
  exitCode: number | null;
  /** Fault reason, once faulted. */
  fault: string | null;
}

/**
 * The kernel-wide view: the kernel's counters, the devices' totals and the
 * latest rates.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * const m = new Machine({ sampleMs: 0 });
 * console.log(m.overview().kernel.vms.total); // 0
 * await m.close();
 * ```
 */
export interface Overview {
  /** The kernel's counters. */
  kernel: KernelStats;
  /** Host ms since the machine was made. */
  uptimeMs: number;
  /** The newest load sample (null until two samples were taken). */
  load: Sample | null;
  /** Disk totals. */
  disk: DiskMetrics;
  /** Frames the virtual switch moved, and its MAC table. */
  network: { frames: number; delivered: number; macs: number; ports: number };
  /** Whether the run loop is running. */
  running: boolean;
}

/**
 * A kernel with its devices, console fan-out, load history and run loop.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * const m = new Machine({ clock: "deterministic", sampleMs: 0 });
 * // mov ebx, 3 ; xor eax, eax ; vmcall  (terminate(3))
 * const code = new Uint8Array([0xbb, 3, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x01, 0xc1]);
 * const [id] = await m.create({ imageBase64: btoa(String.fromCharCode(...code)) });
 * await m.run();
 * console.log(m.vm(id!).exitCode); // 3
 * await m.close();
 * ```
 */
export class Machine {
  /** The kernel. */
  readonly kernel: Kernel;
  /** Console fan-out: follow a VM's output. */
  readonly consoles: ConsoleHub = new ConsoleHub();
  /** The load history. */
  readonly history: History;
  /** Timer device. */
  readonly timer: TimerDevice = new TimerDevice();
  /** Keyboard device. */
  readonly keyboard: KeyboardDevice = new KeyboardDevice();
  /** Disk device. */
  readonly disk: DiskDevice = new DiskDevice();
  /** NIC device (and its switch). */
  readonly nic: NicDevice;
  readonly #t0 = performance.now();
  readonly #cpu0 = cpuMicros();
  readonly #stores = new Map<number, BlockStore[]>();
  #workers: WorkerHost | null = null;
  readonly #workerOptions: WorkerHostOptions;
  #sampler: ReturnType<typeof setInterval> | undefined;
  #abort: AbortController | null = null;
  #loop: Promise<void> | null = null;
  #closed = false;

  /** Makes the kernel and attaches the devices; see {@linkcode MachineOptions}. */
  constructor(options: MachineOptions = {}) {
    const { sampleMs = 1000, historyLength = 300, nicQueue = 64, workers, ...kernelOptions } =
      options;
    this.#workerOptions = workers ?? {};
    this.kernel = new Kernel({ ...kernelOptions, onConsole: this.consoles.sink });
    this.nic = new NicDevice({ rxQueue: nicQueue, txQueue: nicQueue });
    this.kernel.attach(this.timer);
    this.kernel.attach(this.keyboard);
    this.kernel.attach(this.disk);
    this.kernel.attach(this.nic);
    this.history = new History(historyLength);
    if (sampleMs > 0) {
      this.sample();
      const timer = setInterval(() => this.sample(), sampleMs);
      Deno.unrefTimer(timer);
      this.#sampler = timer;
    }
  }

  // ---- VMs ------------------------------------------------------------------

  /**
   * Creates VMs from a {@linkcode CreateRequest}; returns their ids. Throws a
   * one-line error for a bad request, an unreadable file or a bad image
   * (nothing is created then).
   */
  async create(request: CreateRequest): Promise<number[]> {
    const what = "create VM";
    if (request.worker !== undefined) return this.#createWorkers(request);
    const bytes = await imageBytes(request);
    const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 &&
      bytes[2] === 0x4c && bytes[3] === 0x46;
    const load = request.load ?? 0x10000;
    if (!(Number.isInteger(load) && load >= 0 && load < 2 ** 32)) {
      throw new RangeError(`Cannot ${what}: load address ${load} is not a 32-bit address`);
    }
    const image = isElf ? bytes : { flat: bytes, loadAddress: load };
    const count = request.count ?? 1;
    if (!(Number.isInteger(count) && count >= 1 && count <= 100_000)) {
      throw new RangeError(`Cannot ${what}: count ${count} is not an integer in 1..100000`);
    }
    const memSize = toSize(request.memSize ?? 1 << 20);
    const disks = request.disks ?? [];
    if (!Array.isArray(disks) || disks.length > 4) {
      throw new RangeError(`Cannot ${what}: disks must be a list of at most 4`);
    }
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const name = request.name === undefined
        ? undefined
        : count > 1
        ? `${request.name}-${i + 1}`
        : request.name;
      const id = this.kernel.create({
        image,
        memSize,
        ...(name === undefined ? {} : { name }),
        ...(request.maxInstructions ? { maxInstructions: request.maxInstructions } : {}),
      });
      ids.push(id);
      try {
        this.#mapDisks(id, disks);
      } catch (e) {
        for (const made of ids) this.#discard(made);
        throw e;
      }
    }
    if (request.start ?? true) { for (const id of ids) this.kernel.start(id); }
    return ids;
  }

  /** The full view of VM `id`. */
  vm(id: number): VmView {
    const view: VmView = this.kernel.inspect(id);
    const nic = this.#nicStats(id);
    if (nic) view.nic = nic;
    const disk = this.disk.metrics(id);
    if (disk) view.disk = disk;
    const timer = this.timer.metrics(id);
    if (timer) view.timer = timer;
    const keyboard = this.keyboard.metrics(id);
    if (keyboard) view.keyboard = keyboard;
    if (this.#workers?.ids().includes(id)) view.worker = this.#workers.stats(id);
    return view;
  }

  /** One row per VM held, in creation order (at most `limit`, from VM id `after` on). */
  rows(options: { limit?: number; after?: number; state?: string } = {}): VmRow[] {
    const limit = options.limit ?? Infinity;
    const rows: VmRow[] = [];
    for (const id of this.kernel.ids()) {
      if (rows.length >= limit) break;
      if (options.after !== undefined && id <= options.after) continue;
      const v = this.kernel.inspect(id);
      if (options.state !== undefined && v.state !== options.state) continue;
      const nic = this.#nicStats(id);
      rows.push({
        id,
        name: v.name,
        state: v.state,
        memSize: v.memSize,
        residentPages: v.residentPages,
        instructions: v.stats.instructions,
        interrupts: v.stats.interruptsRaised,
        batches: v.stats.batches,
        framesIn: nic?.rxFrames ?? 0,
        framesOut: nic?.txFrames ?? 0,
        diskOps: this.disk.metrics(id)?.requests ?? 0,
        exitCode: v.exitCode ?? null,
        fault: v.fault?.reason ?? null,
      });
    }
    return rows;
  }

  /** Forgets a stopped VM and closes the host files of its disks. */
  remove(id: number): void {
    this.kernel.remove(id);
    this.#closeStores(id);
  }

  /** Kernel-wide figures. */
  overview(): Overview {
    const sw = this.nic.switch.stats();
    return {
      kernel: this.kernel.stats(),
      uptimeMs: Math.round(performance.now() - this.#t0),
      load: this.history.latest(),
      disk: this.disk.totals(),
      network: { frames: sw.switched, delivered: sw.delivered, macs: sw.macs, ports: sw.ports },
      running: this.#loop !== null,
    };
  }

  /** Reads the counters now and adds a sample to the history (the sampler calls this). */
  sample(): Sample | null {
    return this.history.add(this.counters());
  }

  /** The cumulative counters now. */
  counters(): Counters {
    const s = this.kernel.stats();
    return {
      hostMs: performance.now(),
      cpuMicros: cpuMicros() - this.#cpu0,
      instructions: s.instructions,
      switches: s.contextSwitches,
      interrupts: s.interrupts.raised,
      frames: this.nic.switch.stats().switched,
      diskOps: this.disk.totals().requests,
      live: s.vms.total - s.vms.exited - s.vms.faulted - s.vms.killed,
      running: s.vms.ready + s.vms.running,
      idle: s.vms.idle,
      memoryBytes: s.framesInUse * 4096,
    };
  }

  // ---- running ----------------------------------------------------------------

  /**
   * Runs the kernel until no VM can make progress (`forever`: until
   * {@linkcode Machine.stop} or {@linkcode Machine.close}, sleeping while
   * every VM waits). One loop at a time: a second call joins the first.
   */
  run(options: { forever?: boolean; signal?: AbortSignal } = {}): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("Cannot run machine: it is closed"));
    if (this.#loop) return this.#loop;
    const abort = this.#abort = new AbortController();
    const signal = options.signal ? AbortSignal.any([abort.signal, options.signal]) : abort.signal;
    this.#loop = this.kernel.run({ signal, forever: options.forever ?? false }).finally(() => {
      this.#loop = null;
      this.#abort = null;
    });
    return this.#loop;
  }

  /** Stops the run loop (VMs keep their state) and waits for it. */
  async stop(): Promise<void> {
    this.#abort?.abort();
    await this.#loop;
  }

  /** Stops the loop and the sampler, and closes every disk file. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#sampler !== undefined) clearInterval(this.#sampler);
    this.#sampler = undefined;
    await this.stop();
    this.#workers?.close();
    for (const id of [...this.#stores.keys()]) this.#closeStores(id);
  }

  // ---- helpers ----------------------------------------------------------------

  /** Worker guests: `count` VMs running the module, through one WorkerHost made on first use. */
  #createWorkers(r: CreateRequest): number[] {
    const what = "create Worker VM";
    if (typeof r.worker !== "string" || r.worker === "") {
      throw new RangeError(`Cannot ${what}: worker must be a module path`);
    }
    if (r.image !== undefined || r.imageBase64 !== undefined || r.imageBytes !== undefined) {
      throw new RangeError(`Cannot ${what}: give a worker module or an image, not both`);
    }
    const count = r.count ?? 1;
    if (!(Number.isInteger(count) && count >= 1 && count <= 1000)) {
      throw new RangeError(`Cannot ${what}: count ${count} is not an integer in 1..1000`);
    }
    const path = r.worker.startsWith("file:") ? new URL(r.worker) : r.worker;
    try {
      Deno.statSync(path);
    } catch {
      throw new RangeError(`Cannot read worker module ${r.worker}: no such file`);
    }
    this.#workers ??= new WorkerHost(this.kernel, this.#workerOptions);
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const name = r.name === undefined ? undefined : count > 1 ? `${r.name}-${i + 1}` : r.name;
      ids.push(this.#workers.create({
        module: path,
        ...(name === undefined ? {} : { name }),
        ...(r.config === undefined ? {} : { config: r.config }),
        ...(r.maxInstructions ? { maxInstructions: r.maxInstructions } : {}),
      }));
    }
    if (r.start ?? true) { for (const id of ids) this.kernel.start(id); }
    return ids;
  }

  #nicStats(id: number): NicStats | undefined {
    try {
      return this.nic.stats(id);
    } catch {
      return undefined;
    }
  }

  #mapDisks(id: number, specs: DiskSpec[]): void {
    specs.forEach((spec, index) => {
      let store: BlockStore;
      if (spec && typeof spec === "object" && "blocks" in spec) {
        store = new MemoryDisk(spec.blocks);
      } else if (spec && typeof spec === "object" && typeof spec.path === "string") {
        try {
          store = FileDisk.open(spec.path, { readOnly: spec.readOnly ?? true });
        } catch (e) {
          throw new RangeError(
            `Cannot open disk ${spec.path}: ${(e as Error).message.split("\n")[0]}`,
          );
        }
      } else {
        throw new RangeError(`Cannot create VM: disk ${index} is not {blocks} or {path}`);
      }
      let list = this.#stores.get(id);
      if (!list) this.#stores.set(id, list = []);
      list.push(store);
      this.disk.map(id, index, store);
    });
  }

  #discard(id: number): void {
    try {
      this.kernel.kill(id);
    } catch { /* already stopped */ }
    this.kernel.remove(id);
    this.#closeStores(id);
  }

  #closeStores(id: number): void {
    for (const s of this.#stores.get(id) ?? []) {
      (s as { close?: () => void }).close?.();
    }
    this.#stores.delete(id);
  }
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** A size in bytes from a number or a string like "64K". */
function toSize(v: number | string): number {
  if (typeof v === "number") return v;
  const m = /^(\d+)\s*([kmg])?i?b?$/i.exec(String(v).trim());
  if (!m) throw new RangeError(`Cannot create VM: memSize "${v}" is not a size like 64K or 1M`);
  const unit = (m[2] ?? "").toLowerCase();
  return Number(m[1]) * (unit === "k" ? 1024 : unit === "m" ? 1 << 20 : unit === "g" ? 1 << 30 : 1);
}

async function imageBytes(r: CreateRequest): Promise<Uint8Array> {
  const given = [r.image, r.imageBase64, r.imageBytes].filter((x) => x !== undefined).length;
  if (given !== 1) {
    throw new RangeError("Cannot create VM: give exactly one of image (a path) and imageBase64");
  }
  if (r.imageBytes instanceof Uint8Array) {
    if (r.imageBytes.length === 0) throw new RangeError("Cannot create VM: the image is empty");
    return r.imageBytes;
  }
  if (typeof r.image === "string") {
    try {
      return await Deno.readFile(r.image);
    } catch (e) {
      const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
      throw new RangeError(`Cannot read image ${r.image}: ${why.split("\n")[0]}`);
    }
  }
  if (typeof r.imageBase64 === "string") {
    let text: string;
    try {
      text = atob(r.imageBase64);
    } catch {
      throw new RangeError("Cannot create VM: imageBase64 is not valid base64");
    }
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    if (bytes.length === 0) throw new RangeError("Cannot create VM: the image is empty");
    return bytes;
  }
  throw new RangeError("Cannot create VM: image must be a path and imageBase64 a string");
}
