/**
 * The kernel core: runs VMs quantum by quantum. This is the hot path, kept
 * free of allocation: it picks the next VM from the scheduler, keeps the
 * virtual registers page current, delivers pending interrupts in one upcall,
 * runs the VM's CPU for at most one quantum, and handles each exit (VMCALL,
 * HLT, IN/OUT, faults, demand-zero pages) without leaving the VM until its
 * quantum ends, it idles, yields, terminates or faults.
 *
 * The public API (kernel.ts) wraps this; the async run loop there decides
 * when to yield to the caller's event loop and when to sleep.
 *
 * @module
 */

import type { Clock } from "./clock.ts";
import type { ConsoleDevice } from "../devices/console.ts";
import type { JitStats } from "./cpu/mod.ts";
import type { Device, DeviceHost } from "../devices/device.ts";
import { FAULT_BYTES, SLICE_CHECK_INSTRUCTIONS, SLICE_CHECK_QUANTA } from "./params.ts";
import { demandZero, instructionBytes, writeGuest } from "./guest_memory.ts";
import { CoreGuestPort, ioStart } from "./guest_port.ts";
import { KernelError } from "./errors.ts";
import { Hypercall, NO_TIMEOUT, UNKNOWN_HYPERCALL } from "./hypercalls.ts";
import { VREG } from "./layout.ts";
import {
  type AddressSpace,
  OutOfMemoryError,
  PAGE_SHIFT,
  type PhysicalMemory,
} from "./memory/mod.ts";
import { PortBus } from "./ports.ts";
import type { Scheduler } from "./scheduler.ts";
import { DeadlineQueue } from "../devices/timer_queue.ts";
import { IdleKind, type VmFault, VmTable } from "./vm_table.ts";
import { isFinalState, VmState } from "./vm_state.ts";
import type { HostedRunner } from "./worker_vm.ts";
import { HostedCore } from "./worker_core.ts";

/** The stops of the CPU, as numbers (see kernel/cpu). */
const STOP_BUDGET = 0, STOP_HLT = 1, STOP_VMCALL = 2, STOP_IN = 3, STOP_OUT = 4, STOP_FAULT = 5;
const EAX = 0, EBX = 3, ESP = 4;
const W_TIME_LO = VREG.TIME_LO >> 2, W_TIME_HI = VREG.TIME_HI >> 2, W_IF = VREG.IF >> 2;
const W_WAITING = VREG.WAITING >> 2, W_PENDING = VREG.PENDING >> 2, W_HANDLER = VREG.HANDLER >> 2;
const W_HANDLER_STACK = VREG.HANDLER_STACK >> 2;

/** What the kernel uses of a virtual CPU (kernel/cpu's `Cpu` satisfies it). */
export interface KernelCpu {
  /** EAX ECX EDX EBX ESP EBP ESI EDI. */
  readonly regs: Int32Array;
  /** Instruction pointer. */
  eip: number;
  /** Full EFLAGS. */
  eflags: number;
  /** FS segment base. */
  fsBase: number;
  /** GS segment base. */
  gsBase: number;
  /** Virtual interrupt flag. */
  vif: boolean;
  /** Instructions retired. */
  readonly instructions: number;
  /** RDTSC source. */
  tsc: () => number;
  /** Details of the last stop. */
  readonly exit: {
    port: number;
    size: number;
    value: number;
    fault: string | null;
    faultAddress: number;
    faultWrite: boolean;
    detail: string;
  };
  /** Runs at most `budget` instructions; returns a Stop. */
  run(budget: number): number;
  /** Completes an IN with `value`. */
  completeIn(value: number): void;
  /** Pushes the upcall frame and jumps to `handler`; false (with exit.fault set) if a push faults. */
  upcall(handler: number): boolean;
  /** Translation counters, when the CPU has a translation tier. */
  readonly jitStats?: JitStats;
}

/** How interrupts reach a VM. */
export type InterruptMode = "batched" | "immediate";

/** Result of {@linkcode KernelCore.runSlice}. */
export const SliceResult = {
  /** The slice's time ran out and VMs are still ready. */
  More: 0,
  /** No VM is ready; some wait for a timer in the future (real clock only). */
  Sleep: 1,
  /** No VM is ready and no timer is armed: only an outside event can wake a VM. */
  Quiescent: 2,
} as const;

/** Settings of the core. */
export interface CoreConfig {
  /** Instructions per quantum. */
  quantum: number;
  /** Interrupt delivery mode. */
  interrupts: InterruptMode;
  /** The kernel's clock. */
  clock: Clock;
  /** Scheduling policy. */
  scheduler: Scheduler;
  /** Physical memory. */
  phys: PhysicalMemory;
  /** The console device. */
  console: ConsoleDevice;
}

/** Called when a VM reaches a final state. */
export type FinishListener = (slot: number) => void;

/**
 * Scheduler, interrupt delivery and exit handling over a {@linkcode VmTable}.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * // KernelCore is internal; use it through Kernel.
 * const k = new Kernel();
 * console.log(k.stats().contextSwitches); // 0
 * ```
 */
export class KernelCore {
  /** VM control blocks. */
  readonly table: VmTable<KernelCpu> = new VmTable<KernelCpu>();
  /** Idle VMs with a deadline. */
  readonly timers: DeadlineQueue = new DeadlineQueue();
  /** Port I/O devices. */
  readonly bus: PortBus = new PortBus();
  /** Settings. */
  readonly config: CoreConfig;
  /** Context switches (a quantum of a VM other than the previous one). */
  switches = 0;
  /** Quanta run. */
  quanta = 0;
  /** Instructions retired by all VMs. */
  instructions = 0;
  /** Interrupts raised over all VMs. */
  raisedTotal = 0;
  /** Interrupt lines delivered over all VMs. */
  deliveredTotal = 0;
  /** Deliveries over all VMs. */
  batchesTotal = 0;
  /** Slot running now, or -1. */
  current: number = -1;
  /** Called when a VM stops for good (exit, fault, kill). */
  onFinish: FinishListener = () => {};
  /** Runs the quanta of hosted VMs (Worker guests), if any; see worker_vm.ts. */
  hosted: HostedRunner | null = null;

  #devices: Device[] = [];
  #timed: Device[] = [];
  // INVARIANT: #devDeadline <= every timed device's nextDeadline() (recomputed after advance).
  #devDeadline = Infinity;
  #last = -1;
  #preempt = false;
  #action = 0; // 1 = pause, 2 = kill the current VM at its next exit
  #cpu: KernelCpu | null = null;
  #runBase = 0;
  #inSlice = false;
  #i32: Int32Array = new Int32Array(0);
  readonly #port = new CoreGuestPort();
  readonly #tsc: () => number;

  /** Creates the core and attaches the console. */
  constructor(config: CoreConfig) {
    this.config = config;
    this.bus.attach(config.console);
    const clock = config.clock;
    this.#tsc = clock.kind === "deterministic"
      ? () => clock.now() + (this.#cpu ? this.#cpu.instructions - this.#runBase : 0)
      : () => clock.now();
  }

  // ---- devices ------------------------------------------------------------

  /** Attaches a device: its ports (if any) to the bus, its hooks to the run loop. */
  addDevice(device: Device, host: DeviceHost): void {
    if (device.size > 0) this.bus.attach(device);
    this.#devices.push(device);
    if (device.nextDeadline) this.#timed.push(device);
    device.bind?.(host);
    this.refreshDeviceDeadline();
  }

  /** Re-reads the devices' deadlines (a device's moved earlier). */
  refreshDeviceDeadline(): void {
    let d = Infinity;
    for (const dev of this.#timed) d = Math.min(d, dev.nextDeadline!());
    this.#devDeadline = d;
  }

  /** Tells every device that a VM was created in `slot`. */
  vmCreated(slot: number, id: number): void {
    for (const d of this.#devices) d.vmCreated?.(slot, id);
  }

  #serviceDevices(now: number): void {
    for (const d of this.#timed) if (d.nextDeadline!() <= now) d.advance?.(now);
    this.refreshDeviceDeadline();
  }

  #devicesBusy(): boolean {
    for (const d of this.#devices) if (d.busy?.()) return true;
    return false;
  }

  /** The RDTSC source to give each CPU. */
  get tsc(): () => number {
    return this.#tsc;
  }

  /** Transitions of hosted VMs (Worker guests), see {@linkcode HostedCore}. */
  readonly hostedCore: HostedCore = new HostedCore(
    this,
    (slot, deadline) => this.#idle(slot, IdleKind.Hlt, deadline),
    (slot, state) => this.#finish(slot, state),
  );

  #hostedQuantum(slot: number): void {
    this.hostedCore.quantum(slot, this.#last);
    this.#last = slot;
  }

  // ---- lifecycle transitions (called by the public API) ------------------

  /** Puts a created or resumed VM in the run queue. */
  makeReady(slot: number): void {
    this.table.setState(slot, VmState.Ready);
    this.config.scheduler.enqueue(slot);
  }

  /** Pauses a live VM (the running one stops at its next exit). */
  pause(slot: number): void {
    const t = this.table;
    const s = t.state[slot]!;
    if (slot === this.current) {
      this.#action = 1;
      return;
    }
    t.pausedFrom[slot] = s;
    if (s === VmState.Ready) this.config.scheduler.remove(slot);
    if (s === VmState.Idle) this.timers.cancel(slot);
    t.setState(slot, VmState.Paused);
  }

  /** Resumes a paused VM where it was. */
  resume(slot: number): void {
    const t = this.table;
    const from = t.pausedFrom[slot]!;
    if (from === VmState.Idle) {
      t.setState(slot, VmState.Idle);
      if (t.pending[slot] !== 0) this.#wake(slot, true);
      else if (t.deadline[slot]! >= 0) this.timers.arm(slot, t.deadline[slot]!);
    } else if (from === VmState.Created) {
      t.setState(slot, VmState.Created);
    } else this.makeReady(slot);
  }

  /** Kills a live VM (the running one stops at its next exit). */
  kill(slot: number): void {
    if (slot === this.current) {
      this.#action = 2;
      return;
    }
    this.#finish(slot, VmState.Killed);
  }

  /**
   * Raises interrupt `line` (0..31) on `slot`. Batched: the line waits for the
   * VM's next quantum; an idle VM wakes. Immediate: the kernel switches to the
   * VM as soon as the current VM's exit is handled.
   */
  raise(slot: number, line: number): boolean {
    const t = this.table;
    const s = t.state[slot]!;
    if (isFinalState(s)) return false;
    t.pending[slot] = t.pending[slot]! | (1 << line);
    t.raised[slot]!++;
    this.raisedTotal++;
    if (s === VmState.Idle) this.#wake(slot, true);
    if (this.config.interrupts === "immediate") {
      if (slot === this.current) this.#preempt = true;
      else if (t.state[slot] === VmState.Ready) {
        this.config.scheduler.wake(slot);
        if (this.current >= 0) this.#preempt = true;
      }
    }
    return true;
  }

  // ---- the run loop ------------------------------------------------------

  /**
   * Runs quanta until `maxMs` of host time has passed (checked every few
   * quanta), `maxQuanta` quanta have run, or no VM is ready.
   */
  runSlice(maxMs: number, maxQuanta = Infinity): number {
    if (this.#inSlice) {
      throw new KernelError("busy", "Cannot run kernel: it is already running (nested call)");
    }
    this.#inSlice = true;
    try {
      return this.#slice(maxMs, maxQuanta);
    } finally {
      this.#inSlice = false;
    }
  }

  #slice(maxMs: number, maxQuanta: number): number {
    const sched = this.config.scheduler;
    const clock = this.config.clock;
    const timers = this.timers;
    const end = performance.now() + maxMs;
    let n = 0;
    let checked = this.instructions;
    for (;;) {
      if (this.#devDeadline <= clock.now()) this.#serviceDevices(clock.now());
      if (timers.size > 0) this.#expireTimers(clock.now());
      if (this.hosted !== null && this.hosted.hold(clock.now())) return SliceResult.Sleep;
      const slot = sched.next();
      if (slot < 0) {
        const next = Math.min(
          timers.size > 0 ? timers.peekDeadline() : Infinity,
          this.#devDeadline,
        );
        if (next === Infinity) {
          return this.#devicesBusy() ? SliceResult.Sleep : SliceResult.Quiescent;
        }
        if (clock.kind !== "deterministic") {
          // A device made another due while being served (a Worker answer queued a frame):
          // serve it now rather than sleeping through a timer tick.
          if (next <= clock.now()) continue;
          return SliceResult.Sleep;
        }
        clock.skipTo(Math.max(next, clock.now()));
        continue;
      }
      if (this.hosted !== null && this.hosted.owns(slot)) this.#hostedQuantum(slot);
      else this.#runQuantum(slot);
      if (++n >= maxQuanta) {
        return sched.length > 0 || timers.size > 0 || this.#devDeadline < Infinity ||
            this.#devicesBusy()
          ? SliceResult.More
          : SliceResult.Quiescent;
      }
      // Reading the host clock costs about as much as a switch: look only every so often.
      if (
        (n % SLICE_CHECK_QUANTA === 0 || this.instructions - checked >= SLICE_CHECK_INSTRUCTIONS)
      ) {
        if (performance.now() >= end) return SliceResult.More;
        checked = this.instructions;
      }
    }
  }

  /** Ticks until the earliest VM timer or device deadline (0 if due), or Infinity. */
  ticksToNextTimer(): number {
    if (this.hosted !== null && this.hosted.hold(this.config.clock.now())) return Infinity;
    const next = Math.min(
      this.timers.size > 0 ? this.timers.peekDeadline() : Infinity,
      this.#devDeadline,
    );
    return next === Infinity ? Infinity : Math.max(0, next - this.config.clock.now());
  }

  #expireTimers(now: number): void {
    const timers = this.timers;
    while (timers.size > 0 && timers.peekDeadline() <= now) this.#wake(timers.pop(), false);
  }

  #wake(slot: number, byInterrupt: boolean): void {
    const t = this.table;
    this.timers.cancel(slot);
    if (t.idleKind[slot] === IdleKind.Vmcall) t.cpus[slot]!.regs[EAX] = byInterrupt ? 1 : 0;
    t.idleKind[slot] = IdleKind.None;
    t.deadline[slot] = -1;
    t.idleTicks[slot]! += this.config.clock.now() - t.idleSince[slot]!;
    t.setState(slot, VmState.Ready);
    this.config.scheduler.wake(slot);
  }

  #idle(slot: number, kind: number, deadline: number): void {
    const t = this.table;
    t.idleKind[slot] = kind;
    t.idleSince[slot] = this.config.clock.now();
    t.deadline[slot] = deadline;
    t.setState(slot, VmState.Idle);
    if (t.pending[slot] !== 0) this.#wake(slot, true);
    else if (deadline >= 0) this.timers.arm(slot, deadline);
  }

  #runQuantum(slot: number): void {
    const t = this.table;
    const cfg = this.config;
    const clock = cfg.clock;
    const cpu = t.cpus[slot]!;
    const space = t.spaces[slot]!;
    if (slot !== this.#last) {
      this.switches++;
      this.#last = slot;
    }
    this.current = slot;
    this.#cpu = cpu;
    this.#preempt = false;
    this.#action = 0;
    t.setState(slot, VmState.Running);
    t.quanta[slot]!++;
    this.quanta++;

    // Deliver pending interrupts, then keep the virtual registers page current.
    const i32 = this.#words();
    const vr = t.vregs[slot]!;
    if (t.pending[slot] !== 0 && cpu.vif && !this.#deliver(slot, cpu, space, vr)) {
      this.#endQuantum(slot);
      return;
    }
    const us = clock.micros();
    i32[vr + W_TIME_LO] = us; // the store wraps to the low 32 bits
    i32[vr + W_TIME_HI] = (us / 0x1_0000_0000) | 0;
    i32[vr + W_IF] = cpu.vif ? 1 : 0;
    i32[vr + W_WAITING] = t.pending[slot]!;

    let budget = cfg.quantum;
    const port = this.#port;
    for (;;) {
      let run = budget;
      const limit = t.maxInstructions[slot]!;
      if (limit > 0) run = Math.min(run, limit - t.instructions[slot]!);
      if (run <= 0) {
        this.#fault(slot, cpu, "cpu-budget", `instruction limit of ${limit} reached`);
        break;
      }
      const before = cpu.instructions;
      this.#runBase = before;
      const stop = cpu.run(run);
      const done = cpu.instructions - before;
      t.instructions[slot]! += done;
      this.instructions += done;
      clock.advance(done);
      budget -= done;
      let end = false;
      switch (stop) {
        case STOP_BUDGET:
          break;
        case STOP_HLT:
          this.#idle(slot, IdleKind.Hlt, -1);
          end = true;
          break;
        case STOP_VMCALL:
          end = this.#hypercall(slot, cpu);
          break;
        case STOP_IN:
        case STOP_OUT: {
          port.bind(t.id[slot]!, slot, space);
          const e = cpu.exit;
          if (stop === STOP_IN) cpu.completeIn(this.bus.in(port, e.port, e.size));
          else this.bus.out(port, e.port, e.size, e.value);
          if (port.charged !== 0) {
            clock.advance(port.charged);
            budget -= port.charged;
          }
          if (port.bad !== null) {
            cpu.eip = ioStart(space, cpu.eip);
            this.#fault(slot, cpu, "bad-device-request", port.bad);
            end = true;
          }
          break;
        }
        case STOP_FAULT:
          end = !this.#pageIn(slot, cpu, space);
          break;
        default:
          this.#fault(slot, cpu, "internal-error", `unknown CPU stop ${stop}`);
          end = true;
      }
      if (end) break;
      if (this.#action !== 0 || budget <= 0) {
        this.makeReady(slot);
        break;
      }
      if (this.#preempt) {
        t.setState(slot, VmState.Ready);
        cfg.scheduler.preempt(slot);
        if (t.pending[slot] !== 0) cfg.scheduler.wake(slot);
        break;
      }
    }
    this.current = -1;
    if (this.#action !== 0 && !isFinalState(t.state[slot]!)) {
      if (this.#action === 1) this.pause(slot);
      else this.#finish(slot, VmState.Killed);
    }
    this.#action = 0;
    this.#endQuantum(slot);
  }

  /**
   * A fixed-length Int32Array over physical memory, renewed when it grows.
   * Length-tracking views of a growable SharedArrayBuffer cost V8 a runtime
   * length check per access (measured 35 ns vs 3 ns).
   */
  #words(): Int32Array {
    const phys = this.config.phys;
    if (this.#i32.length !== phys.framesTotal << 10) {
      this.#i32 = new Int32Array(phys.buffer, 0, phys.framesTotal << 10);
    }
    return this.#i32;
  }

  #endQuantum(slot: number): void {
    this.current = -1;
    this.#cpu = null;
    const id = this.table.id[slot]!;
    if (id !== 0) this.config.console.flush(slot, id);
  }

  /** Handles a VMCALL; returns whether the quantum ends. */
  #hypercall(slot: number, cpu: KernelCpu): boolean {
    const regs = cpu.regs;
    switch (regs[EAX]! >>> 0) {
      case Hypercall.Terminate:
        this.table.exitCode[slot] = regs[EBX]!;
        this.#finish(slot, VmState.Exited);
        return true;
      case Hypercall.Idle: {
        const us = regs[EBX]! >>> 0;
        const clock = this.config.clock;
        const deadline = us === NO_TIMEOUT ? -1 : clock.now() + us * clock.ticksPerMicro;
        regs[EAX] = 0;
        this.#idle(slot, IdleKind.Vmcall, deadline);
        return true;
      }
      case Hypercall.Yield:
        regs[EAX] = 0;
        this.makeReady(slot);
        return true;
      case Hypercall.SetFsBase:
        cpu.fsBase = regs[EBX]! >>> 0;
        regs[EAX] = 0;
        return false;
      case Hypercall.SetGsBase:
        cpu.gsBase = regs[EBX]! >>> 0;
        regs[EAX] = 0;
        return false;
      default:
        regs[EAX] = UNKNOWN_HYPERCALL;
        return false;
    }
  }

  /**
   * Delivers every pending line in one batch: ORs them into the page's
   * PENDING word, then upcalls the handler (or, with no handler, leaves them
   * there for polling). Returns false if the VM faulted.
   */
  #deliver(slot: number, cpu: KernelCpu, space: AddressSpace, vr: number): boolean {
    const t = this.table;
    const i32 = this.#words();
    const lines = t.pending[slot]!;
    const handler = i32[vr + W_HANDLER]! >>> 0;
    if (handler !== 0) {
      const stack = i32[vr + W_HANDLER_STACK]! >>> 0;
      if (!this.#upcall(slot, cpu, space, handler, stack)) return false;
    }
    i32[vr + W_PENDING] = i32[vr + W_PENDING]! | lines;
    i32[vr + W_WAITING] = 0;
    t.pending[slot] = 0;
    const n = popcount(lines);
    t.delivered[slot]! += n;
    t.batches[slot]!++;
    this.deliveredTotal += n;
    this.batchesTotal++;
    return true;
  }

  #upcall(
    slot: number,
    cpu: KernelCpu,
    space: AddressSpace,
    handler: number,
    stack: number,
  ): boolean {
    if (stack === 0) {
      // Map the stack pages the frame lands on, then let the CPU push it.
      const esp = cpu.regs[ESP]! >>> 0;
      for (let tries = 0; tries < 3; tries++) {
        if (cpu.upcall(handler)) return true;
        if (
          cpu.exit.fault !== "page-fault" ||
          !this.#tryDemandZero(slot, cpu, space, cpu.exit.faultAddress)
        ) break;
      }
      this.#fault(
        slot,
        cpu,
        "upcall-failed",
        `cannot push the interrupt frame below ESP 0x${esp.toString(16)}`,
      );
      return false;
    }
    // Stack switch: the frame is SS, ESP, EFLAGS, CS=1, EIP on the handler stack.
    const frame = new Uint8Array(20);
    const v = new DataView(frame.buffer);
    v.setInt32(0, cpu.eip, true);
    v.setInt32(4, 1, true);
    v.setInt32(8, cpu.eflags, true);
    v.setInt32(12, cpu.regs[ESP]!, true);
    v.setInt32(16, 0, true);
    let ok = false;
    try {
      ok = writeGuest(space, (stack - 20) >>> 0, frame);
    } catch (e) {
      if (!(e instanceof OutOfMemoryError)) throw e;
    }
    if (!ok) {
      this.#fault(
        slot,
        cpu,
        "upcall-failed",
        `handler stack 0x${stack.toString(16)} is not writable memory`,
      );
      return false;
    }
    cpu.regs[ESP] = (stack - 20) | 0;
    cpu.vif = false;
    cpu.eip = handler;
    return true;
  }

  /** A CPU fault: maps a demand-zero page and returns true, or stops the VM and returns false. */
  #pageIn(slot: number, cpu: KernelCpu, space: AddressSpace): boolean {
    const e = cpu.exit;
    if (e.fault === "page-fault" && this.#tryDemandZero(slot, cpu, space, e.faultAddress)) {
      return true;
    }
    if (this.table.state[slot] === VmState.Faulted) return false;
    this.#fault(slot, cpu, e.fault ?? "internal-error", e.detail);
    return false;
  }

  #tryDemandZero(slot: number, cpu: KernelCpu, space: AddressSpace, address: number): boolean {
    try {
      return demandZero(space, (address >>> 0) >>> PAGE_SHIFT);
    } catch (err) {
      if (!(err instanceof OutOfMemoryError)) throw err;
      this.#fault(slot, cpu, "out-of-memory", err.message);
      return false;
    }
  }

  #fault(slot: number, cpu: KernelCpu, reason: string, detail: string): void {
    const t = this.table;
    if (isFinalState(t.state[slot]!)) return;
    const space = t.spaces[slot]!;
    const e = cpu.exit;
    const paging = reason === "page-fault";
    const f: VmFault = {
      reason,
      eip: cpu.eip >>> 0,
      bytes: instructionBytes(space, cpu.eip >>> 0, FAULT_BYTES),
      address: paging ? e.faultAddress >>> 0 : 0,
      write: paging ? e.faultWrite : false,
      detail,
    };
    t.faults.set(slot, f);
    this.#finish(slot, VmState.Faulted);
  }

  /** Stops a VM for good: leaves every queue, frees its memory and CPU. */
  #finish(slot: number, state: number): void {
    const t = this.table;
    if (isFinalState(t.state[slot]!)) return;
    this.config.scheduler.remove(slot);
    this.timers.cancel(slot);
    if (t.state[slot] === VmState.Idle) {
      t.idleTicks[slot]! += this.config.clock.now() - t.idleSince[slot]!;
    }
    t.setState(slot, state);
    t.idleKind[slot] = IdleKind.None;
    t.deadline[slot] = -1;
    t.spaces[slot]?.release();
    t.spaces[slot] = null;
    t.cpus[slot] = null;
    this.config.console.flush(slot, t.id[slot]!);
    for (const d of this.#devices) d.vmFinished?.(slot);
    this.onFinish(slot);
  }
}

function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
