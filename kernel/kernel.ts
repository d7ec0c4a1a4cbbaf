/**
 * The kernel actor: owns physical memory, every VM's control block, page
 * table and CPU, the scheduler, timers and devices, and runs x86 guests
 * quantum by quantum. This file is the public API (VM lifecycle, stats, the
 * async run loop); the hot path is in core.ts, the options and their checks
 * in kernel_options.ts, the reports in _report.ts and what devices see of the
 * kernel in _device_host.ts.
 *
 * Responsiveness: the kernel runs on the caller's thread and its run loop
 * yields to the event loop between slices of a few milliseconds (and sleeps
 * through idle time on the real clock). One actor owns the SharedArrayBuffer
 * of guest memory and every table, so the API is plain synchronous calls with
 * no message passing, no copies and no locks, and a whole run stays
 * deterministic. A caller that needs the kernel off its thread can host it in
 * a Worker and talk to it with messages; nothing here depends on where it runs.
 *
 * @module
 */

import { createClock } from "./clock.ts";
import { ConsoleDevice } from "../devices/console.ts";
import type { Device, DeviceHost } from "../devices/device.ts";
import { deviceHost } from "./_device_host.ts";
import { yieldToEventLoop } from "./_event_loop.ts";
import { KernelReport } from "./_report.ts";
import { KernelCore } from "./core.ts";
import { type KernelCpu, SliceResult } from "./core_types.ts";
import { Cpu, type CpuOptions } from "./cpu/mod.ts";
import { BadOptionError, KernelError, UnknownVmError, VmStateError } from "./errors.ts";
import { loadImage } from "./image.ts";
import {
  checkMemory,
  type CreateOptions,
  type KernelOptions,
  kernelSettings,
  type RunOptions,
} from "./kernel_options.ts";
import { VREG, VREGS_ADDRESS, VREGS_VERSION } from "./layout.ts";
import { AddressSpace, PAGE_SIZE, PhysicalMemory } from "./memory/mod.ts";
import * as P from "./params.ts";
import { RoundRobinScheduler } from "./scheduler.ts";
import type { KernelStats, VmExit, VmInfo } from "./vm_info.ts";
import { isFinalState, VmState, vmStateName } from "./vm_state.ts";
import type { HostedCreateOptions, HostedRunner, HostedVms } from "./worker_vm.ts";

/**
 * The kernel actor.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // writes "A" to the console port 0x100, then terminate(0)
 * const code = new Uint8Array([
 *   0x66, 0xba, 0x00, 0x01, // mov dx, 0x100
 *   0xb0, 0x41, 0xee,       // mov al, 'A'; out dx, al
 *   0x31, 0xdb, 0x31, 0xc0, 0x0f, 0x01, 0xc1, // xor ebx, ebx; xor eax, eax; vmcall
 * ]);
 * const k = new Kernel();
 * const id = k.create({ image: { flat: code }, start: true });
 * await k.run();
 * console.log(k.consoleText(id), k.inspect(id).state); // A exited
 * ```
 */
export class Kernel {
  /** Guest memory of every VM. */
  readonly phys: PhysicalMemory;
  /** The console device. */
  readonly console: ConsoleDevice;
  readonly #core: KernelCore;
  readonly #maxVmMemory: number;
  readonly #cpuKhz: number;
  readonly #sliceMs: number;
  /** CPU options shared by every VM: the tier setting and one translation cache. */
  readonly #jit: CpuOptions;
  readonly #report: KernelReport;
  readonly #waiters = new Map<number, ((exit: VmExit) => void)[]>();
  #nextId = 1;
  #running: Promise<void> | null = null;
  #wakeUp: (() => void) | null = null;

  /** Creates a kernel with no VMs; see {@linkcode KernelOptions}. */
  constructor(options: KernelOptions = {}) {
    const settings = kernelSettings(options);
    this.#cpuKhz = settings.cpuKhz;
    this.#maxVmMemory = settings.maxVmMemory;
    this.#sliceMs = settings.sliceMs;
    this.#jit = settings.jit;
    this.phys = new PhysicalMemory({
      maxFrames: options.maxFrames ?? P.DEFAULT_MAX_FRAMES,
      initialFrames: options.initialFrames ?? P.DEFAULT_INITIAL_FRAMES,
    });
    const consoleOptions = {
      ringBytes: options.consoleRingBytes ?? P.DEFAULT_CONSOLE_RING,
      byteCost: P.CONSOLE_BYTE_COST,
      maxWrite: P.MAX_CONSOLE_WRITE,
    };
    this.console = new ConsoleDevice(
      options.onConsole ? { ...consoleOptions, sink: options.onConsole } : consoleOptions,
    );
    const clock = createClock(settings.clock, this.#cpuKhz);
    this.#core = new KernelCore({
      quantum: settings.quantum,
      switchTicks: Math.round(settings.switchCostMicros * clock.ticksPerMicro),
      interrupts: settings.interrupts,
      clock,
      scheduler: options.scheduler ?? new RoundRobinScheduler(),
      phys: this.phys,
      console: this.console,
    });
    this.#core.onFinish = (slot) => this.#finished(slot);
    this.#report = new KernelReport(this.#core, this.#jit);
  }

  // ---- lifecycle ----------------------------------------------------------

  /**
   * Creates a VM from an image and returns its id. The image is checked and
   * loaded; the VM starts at the image's entry with ESP = memSize, EFLAGS.IF
   * set, and every other register zero. Throws ImageError for a bad image and
   * {@linkcode MemoryLimitError} for a bad memory size.
   */
  create(options: CreateOptions): number {
    const memSize = checkMemory(options.memSize ?? P.DEFAULT_VM_MEMORY, this.#maxVmMemory);
    const maxInstructions = options.maxInstructions ?? 0;
    if (!(Number.isSafeInteger(maxInstructions) && maxInstructions >= 0)) {
      throw new BadOptionError(
        "create VM",
        `maxInstructions ${maxInstructions} is not an integer >= 0`,
      );
    }
    const space = new AddressSpace(this.phys, memSize);
    let entry: number;
    try {
      entry = loadImage(options.image, space).entry;
      space.allocate(VREGS_ADDRESS, PAGE_SIZE, true);
    } catch (e) {
      space.release();
      throw e;
    }
    const core = this.#core;
    const cpu: KernelCpu = new Cpu(space, { tsc: core.tsc, ...this.#jit });
    cpu.eip = entry >>> 0;
    cpu.regs[4] = memSize | 0;
    cpu.eflags = 0x202;
    const id = this.#nextId++;
    const t = core.table;
    const slot = t.alloc(id);
    t.memSize[slot] = memSize;
    t.maxInstructions[slot] = maxInstructions;
    t.spaces[slot] = space;
    t.cpus[slot] = cpu;
    t.names[slot] = options.name;
    this.console.release(slot);
    this.#initVregs(slot, space, id, memSize);
    core.devices.vmCreated(slot, id);
    if (options.start) this.start(id);
    return id;
  }

  /** Writes the kernel's constant words of a new VM's virtual registers page. */
  #initVregs(slot: number, space: AddressSpace, id: number, memSize: number): void {
    const base = space.translate(VREGS_ADDRESS, true);
    this.#core.table.vregs[slot] = base >>> 2;
    const v = this.phys.view;
    v.setUint32(base + VREG.VERSION, VREGS_VERSION, true);
    v.setUint32(base + VREG.VM_ID, id, true);
    v.setUint32(base + VREG.MEM_SIZE, memSize % 0x1_0000_0000, true);
    v.setUint32(base + VREG.CPU_KHZ, this.#cpuKhz, true);
    v.setUint32(base + VREG.QUANTUM, this.#core.config.quantum, true);
  }

  // ---- hosted VMs (Worker guests; kernel/worker_vm.ts) ---------------------

  /**
   * Hands the quanta of hosted VMs to `runner` (Worker guests: see
   * kernel/worker_host.ts), attaches it as a device for its hooks, and returns
   * what the runner may do with its VMs. One runner per kernel. For
   * `WorkerHost`, not for applications.
   *
   * @ignore
   */
  hostVms(runner: HostedRunner): HostedVms {
    const core = this.#core;
    if (core.hosted !== null) {
      throw new KernelError("busy", "Cannot host VMs: the kernel already has a runner");
    }
    this.attach(runner);
    core.hosted = runner;
    const h = core.hostedCore, clock = core.config.clock;
    return {
      create: (o) => this.#createHosted(o),
      slotOf: (id) => core.table.slotOf(id),
      idle: (slot, us) => h.idle(slot, us === null ? -1 : clock.now() + us * clock.ticksPerMicro),
      ready: (slot) => h.ready(slot),
      exit: (slot, code) => h.exit(slot, code),
      fault: (slot, reason, detail) => h.fault(slot, reason, detail),
      charge: (slot, n) => h.charge(slot, n),
      in: (g, port, size) => core.bus.in(g, port, size),
      out: (g, port, size, value) => core.bus.out(g, port, size, value),
      clock,
      quantum: core.config.quantum,
      cpuKhz: this.#cpuKhz,
    };
  }

  #createHosted(options: HostedCreateOptions): number {
    const memSize = checkMemory(options.memSize, this.#maxVmMemory);
    const maxInstructions = options.maxInstructions ?? 0;
    if (!(Number.isSafeInteger(maxInstructions) && maxInstructions >= 0)) {
      throw new BadOptionError("create VM", `maxInstructions ${maxInstructions} is not >= 0`);
    }
    const space = new AddressSpace(this.phys, memSize);
    space.allocate(VREGS_ADDRESS, PAGE_SIZE, true);
    const id = this.#nextId++;
    const t = this.#core.table;
    const slot = t.alloc(id);
    t.memSize[slot] = memSize;
    t.maxInstructions[slot] = maxInstructions;
    t.spaces[slot] = space;
    t.cpus[slot] = null;
    t.names[slot] = options.name;
    this.console.release(slot);
    this.#initVregs(slot, space, id, memSize);
    this.#core.devices.vmCreated(slot, id);
    return id;
  }

  /** Starts a created VM. */
  start(id: number): void {
    const slot = this.#slot("start", id);
    const s = this.#core.table.state[slot]!;
    if (s !== VmState.Created) throw new VmStateError("start", id, vmStateName(s));
    this.#core.makeReady(slot);
    this.#poke();
  }

  /** Pauses a live VM: it keeps its memory and state and does not run until resumed. */
  pause(id: number): void {
    const slot = this.#slot("pause", id);
    const s = this.#core.table.state[slot]!;
    if (s === VmState.Paused || isFinalState(s)) {
      throw new VmStateError("pause", id, vmStateName(s));
    }
    this.#core.pause(slot);
  }

  /** Resumes a paused VM where it was (an idle VM goes back to waiting for its timer). */
  resume(id: number): void {
    const slot = this.#slot("resume", id);
    const s = this.#core.table.state[slot]!;
    if (s !== VmState.Paused) throw new VmStateError("resume", id, vmStateName(s));
    this.#core.resume(slot);
    this.#poke();
  }

  /** Stops a live VM for good and frees its memory; its console and stats stay until removed. */
  kill(id: number): void {
    const slot = this.#slot("kill", id);
    const s = this.#core.table.state[slot]!;
    if (isFinalState(s)) throw new VmStateError("kill", id, vmStateName(s));
    this.#core.kill(slot);
  }

  /** Forgets a stopped VM (exited, faulted or killed): its id becomes unknown. */
  remove(id: number): void {
    const slot = this.#slot("remove", id);
    const s = this.#core.table.state[slot]!;
    if (!isFinalState(s)) throw new VmStateError("remove", id, vmStateName(s));
    this.console.release(slot);
    this.#core.table.free(slot);
  }

  /** Resolves when the VM stops for good (at once if it already has). */
  wait(id: number): Promise<VmExit> {
    const slot = this.#slot("wait for", id);
    if (isFinalState(this.#core.table.state[slot]!)) {
      return Promise.resolve(this.#report.exit(slot));
    }
    return new Promise((resolve) => {
      const list = this.#waiters.get(slot);
      if (list) list.push(resolve);
      else this.#waiters.set(slot, [resolve]);
    });
  }

  /**
   * Raises interrupt `line` (0..31) on a VM. Returns false if the VM has
   * stopped. See kernel/ISA.md for batched and immediate delivery.
   */
  raise(id: number, line: number): boolean {
    const slot = this.#slot("interrupt", id);
    if (!(Number.isInteger(line) && line >= 0 && line <= 31)) {
      throw new BadOptionError(`interrupt VM ${id}`, `line ${line} is not in 0..31`);
    }
    const ok = this.#core.raise(slot, line);
    this.#poke();
    return ok;
  }

  /**
   * Attaches a device back-end: its ports to the bus (they must be free; the
   * console holds 0x100-0x107) and its hooks (deadlines, VM lifecycle) to the
   * run loop. The device reaches the kernel only through the
   * {@linkcode DeviceHost} it is bound to.
   */
  attach(device: Device): void {
    this.#core.devices.add(device, this.#host());
  }

  #deviceHost: DeviceHost | null = null;

  #host(): DeviceHost {
    return this.#deviceHost ??= deviceHost(this.#core, () => this.#poke());
  }

  // ---- inspection ---------------------------------------------------------

  /** Ids of every VM held, in creation order. */
  ids(): number[] {
    const t = this.#core.table;
    return t.slots().map((s) => t.id[s]!).sort((a, b) => a - b);
  }

  /** A snapshot of every VM held, in creation order. */
  list(): VmInfo[] {
    return this.ids().map((id) => this.inspect(id));
  }

  /** A snapshot of one VM. */
  inspect(id: number): VmInfo {
    return this.#report.vm(this.#slot("inspect", id), id);
  }

  /** The console output a VM retains (its last `consoleRingBytes` bytes). */
  consoleOutput(id: number): Uint8Array {
    return this.console.output(this.#slot("read console of", id));
  }

  /** The retained console output as UTF-8 text. */
  consoleText(id: number): string {
    return new TextDecoder().decode(this.consoleOutput(id));
  }

  /** Kernel-wide counters. */
  stats(): KernelStats {
    return this.#report.kernel(this.#nextId - 1);
  }

  // ---- running ------------------------------------------------------------

  /**
   * Runs VMs until none can make progress without an outside event (every VM
   * stopped, or idle with no timer), yielding to the event loop between
   * slices. On the deterministic clock idle time is skipped; on the real clock
   * it is slept through. Only one run loop runs at a time: a second call
   * returns the running loop's promise.
   */
  run(options: RunOptions = {}): Promise<void> {
    this.#running ??= this.#loop(options).finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /**
   * Runs synchronously, without yielding, for at most `maxQuanta` quanta (all
   * of them by default). Returns "more" (VMs still ready), "sleep" (only
   * future timers, real clock) or "quiescent". For benchmarks and tests.
   */
  runSync(maxQuanta = Infinity): "more" | "sleep" | "quiescent" {
    if (this.#running) {
      throw new KernelError("busy", "Cannot run kernel synchronously: its run loop is running");
    }
    const r = this.#core.runSlice(Infinity, maxQuanta);
    return r === SliceResult.More ? "more" : r === SliceResult.Sleep ? "sleep" : "quiescent";
  }

  async #loop(options: RunOptions): Promise<void> {
    const core = this.#core;
    const signal = options.signal;
    for (;;) {
      if (signal?.aborted) return;
      const r = core.runSlice(this.#sliceMs);
      if (r === SliceResult.More) {
        await yieldToEventLoop();
        continue;
      }
      if (r === SliceResult.Quiescent && !options.forever) return;
      const ticks = core.ticksToNextTimer();
      const ms = ticks === Infinity ? Infinity : ticks / core.config.clock.ticksPerMicro / 1000;
      await this.#sleep(ms, signal);
    }
  }

  /** Sleeps `ms` (Infinity: until poked), or until poked or aborted. */
  #sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        this.#wakeUp = null;
        resolve();
      };
      if (ms !== Infinity) timer = setTimeout(done, Math.max(0, Math.ceil(ms)));
      signal?.addEventListener("abort", done);
      this.#wakeUp = done;
    });
  }

  /** Wakes a sleeping run loop (a VM may have become ready). */
  #poke(): void {
    this.#wakeUp?.();
  }

  // ---- helpers ------------------------------------------------------------

  #slot(action: string, id: number): number {
    const slot = this.#core.table.slotOf(id);
    if (slot < 0) throw new UnknownVmError(action, id);
    return slot;
  }

  #finished(slot: number): void {
    const list = this.#waiters.get(slot);
    if (!list) return;
    this.#waiters.delete(slot);
    const exit = this.#report.exit(slot);
    for (const resolve of list) resolve(exit);
  }
}
