/**
 * The kernel core: runs VMs quantum by quantum. This is the hot path, kept
 * free of allocation: it picks the next VM from the scheduler, keeps the
 * virtual registers page current, delivers pending interrupts in one upcall,
 * runs the VM's CPU for at most one quantum, and handles each exit (VMCALL,
 * HLT, IN/OUT, faults, demand-zero pages) without leaving the VM until its
 * quantum ends, it idles, yields, terminates or faults. Its cold parts live
 * beside it: types in core_types.ts, devices in _core_devices.ts, the upcall
 * in _interrupts.ts, faults and final stops in _stops.ts.
 *
 * The public API (kernel.ts) wraps this; the async run loop there decides
 * when to yield to the caller's event loop and when to sleep.
 *
 * @module
 */

import { DeadlineQueue } from "../devices/timer_queue.ts";
import { CoreDevices } from "./_core_devices.ts";
import { popcount, upcall } from "./_interrupts.ts";
import { VmStops } from "./_stops.ts";
import { type CoreConfig, type FinishListener, type KernelCpu, SliceResult } from "./core_types.ts";
import { SLICE_CHECK_INSTRUCTIONS, SLICE_CHECK_QUANTA } from "./params.ts";
import { demandZero } from "./guest_memory.ts";
import { CoreGuestPort, ioStart } from "./guest_port.ts";
import { KernelError } from "./errors.ts";
import { Hypercall, NO_TIMEOUT, UNKNOWN_HYPERCALL } from "./hypercalls.ts";
import { VREG } from "./layout.ts";
import { type AddressSpace, OutOfMemoryError, PAGE_SHIFT } from "./memory/mod.ts";
import { PortBus } from "./ports.ts";
import { IdleKind, VmTable } from "./vm_table.ts";
import { isFinalState, VmState } from "./vm_state.ts";
import type { HostedRunner } from "./worker_vm.ts";
import { HostedCore } from "./worker_core.ts";

/** The stops of the CPU, as numbers (see kernel/cpu). */
const STOP_BUDGET = 0, STOP_HLT = 1, STOP_VMCALL = 2, STOP_IN = 3, STOP_OUT = 4, STOP_FAULT = 5;
const EAX = 0, EBX = 3;
const W_TIME_LO = VREG.TIME_LO >> 2, W_TIME_HI = VREG.TIME_HI >> 2, W_IF = VREG.IF >> 2;
const W_WAITING = VREG.WAITING >> 2, W_PENDING = VREG.PENDING >> 2, W_HANDLER = VREG.HANDLER >> 2;
const W_HANDLER_STACK = VREG.HANDLER_STACK >> 2;

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
  /** Attached devices (the console is on the bus only) and their earliest deadline. */
  readonly devices: CoreDevices = new CoreDevices(this.bus);
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

  readonly #stops: VmStops = new VmStops(this);
  #last = -1;
  #preempt = false;
  #action = 0; // 1 = pause, 2 = kill the current VM at its next exit
  #cpu: KernelCpu | null = null;
  #runBase = 0;
  #inSlice = false;
  #i32: Int32Array = new Int32Array(0);
  readonly #port = new CoreGuestPort();
  readonly #tsc: () => number;
  readonly #switchTicks: number;

  /** Creates the core and attaches the console. */
  constructor(config: CoreConfig) {
    this.config = config;
    this.#switchTicks = config.switchTicks ?? 0;
    this.bus.attach(config.console);
    const clock = config.clock;
    this.#tsc = clock.kind === "deterministic"
      ? () => clock.now() + (this.#cpu ? this.#cpu.instructions - this.#runBase : 0)
      : () => clock.now();
  }

  /** The RDTSC source to give each CPU. */
  get tsc(): () => number {
    return this.#tsc;
  }

  /** Transitions of hosted VMs (Worker guests), see {@linkcode HostedCore}. */
  readonly hostedCore: HostedCore = new HostedCore(
    this,
    (slot, deadline) => this.#idle(slot, IdleKind.Hlt, deadline),
    (slot, state) => this.#stops.finish(slot, state),
  );

  #hostedQuantum(slot: number): void {
    this.#switchTo(slot);
    this.hostedCore.quantum(slot);
  }

  /** Counts a switch when `slot` is not the VM that ran last, and charges its cost. */
  #switchTo(slot: number): void {
    if (slot === this.#last) return;
    this.switches++;
    this.#last = slot;
    if (this.#switchTicks > 0) this.config.clock.advance(this.#switchTicks);
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
    this.#stops.finish(slot, VmState.Killed);
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
    const devices = this.devices;
    const end = performance.now() + maxMs;
    let n = 0;
    let checked = this.instructions;
    for (;;) {
      devices.serviceDue(clock.now());
      if (timers.size > 0) this.#expireTimers(clock.now());
      if (this.hosted !== null && this.hosted.hold(clock.now())) return SliceResult.Sleep;
      const slot = sched.next();
      if (slot < 0) {
        const next = Math.min(
          timers.size > 0 ? timers.peekDeadline() : Infinity,
          devices.deadline,
        );
        if (next === Infinity) {
          return devices.busy() ? SliceResult.Sleep : SliceResult.Quiescent;
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
        return sched.length > 0 || timers.size > 0 || devices.deadline < Infinity ||
            devices.busy()
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
      this.devices.deadline,
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
    this.#switchTo(slot);
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
    const immediate = cfg.interrupts === "immediate";
    for (;;) {
      let run = budget;
      const limit = t.maxInstructions[slot]!;
      if (limit > 0) run = Math.min(run, limit - t.instructions[slot]!);
      if (run <= 0) {
        this.#stops.fault(slot, cpu, "cpu-budget", `instruction limit of ${limit} reached`);
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
            this.#stops.fault(slot, cpu, "bad-device-request", port.bad);
            end = true;
          } else if (immediate) {
            // Immediate interrupts (the paper's ablation): what this I/O made due (a frame
            // sent) is served now, so its interrupt preempts this VM mid-quantum; batched,
            // devices are served between quanta and the lines wait for the target's turn.
            this.devices.serviceDue(clock.now());
          }
          break;
        }
        case STOP_FAULT:
          end = !this.#pageIn(slot, cpu, space);
          break;
        default:
          this.#stops.fault(slot, cpu, "internal-error", `unknown CPU stop ${stop}`);
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
      else this.#stops.finish(slot, VmState.Killed);
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
        this.#stops.finish(slot, VmState.Exited);
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
      const failed = upcall(space, cpu, handler, i32[vr + W_HANDLER_STACK]! >>> 0);
      if (failed !== null) {
        this.#stops.fault(slot, cpu, failed.reason, failed.detail);
        return false;
      }
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

  /** A CPU fault: maps a demand-zero page and returns true, or stops the VM and returns false. */
  #pageIn(slot: number, cpu: KernelCpu, space: AddressSpace): boolean {
    const e = cpu.exit;
    if (e.fault === "page-fault" && this.#tryDemandZero(slot, cpu, space, e.faultAddress)) {
      return true;
    }
    if (this.table.state[slot] === VmState.Faulted) return false;
    this.#stops.fault(slot, cpu, e.fault ?? "internal-error", e.detail);
    return false;
  }

  #tryDemandZero(slot: number, cpu: KernelCpu, space: AddressSpace, address: number): boolean {
    try {
      return demandZero(space, (address >>> 0) >>> PAGE_SHIFT);
    } catch (err) {
      if (!(err instanceof OutOfMemoryError)) throw err;
      this.#stops.fault(slot, cpu, "out-of-memory", err.message);
      return false;
    }
  }
}
