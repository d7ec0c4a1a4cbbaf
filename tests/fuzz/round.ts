/**
 * One fuzz round: build a random VM from its seed, run the CPU on it quantum by
 * quantum the way the kernel would (answer IN, swallow OUT, serve VMCALL,
 * page in on some page faults, remap or protect pages between quanta), and check
 * the CPU's promises after every `run`:
 *
 * - nothing escapes `run` (no exception of any kind);
 * - `run(budget)` returns, retires at most `budget` instructions, exactly
 *   `budget` when it says Budget;
 * - a stop is a known value; a fault has a known kind (never "internal-error"),
 *   a uint32 EIP, and a page fault names an address the page table really refuses;
 * - a fault on the first instruction of a quantum leaves registers, EIP and
 *   EFLAGS as they were (precise faults);
 * - at the end, no frame outside the VM's writable pages has changed (see
 *   {@linkcode FuzzMachine.check}).
 *
 * @module
 */

import { Cpu, type CpuOptions, Stop } from "../../kernel/cpu/mod.ts";
import { AddressSpace, PAGE_SIZE, PTE_FRAME_SHIFT, PTE_PRESENT } from "../../kernel/memory/mod.ts";
import { generateRound, type RoundSpec } from "./layout.ts";
import type { FuzzMachine } from "./machine.ts";
import { Prng, roundSeed } from "./prng.ts";

/** Fault kinds a CPU may report for guest behaviour. */
export const FAULT_KINDS: readonly string[] = [
  "invalid-opcode",
  "divide-error",
  "page-fault",
  "general-protection",
  "breakpoint",
];

const STOP_NAMES = new Map<number, string>(
  Object.entries(Stop).map(([name, value]) => [value as number, name]),
);
const BUDGETS = [1, 1, 2, 3, 7, 10, 64, 100, 1000, 5000, 100_000];

/** What the fuzzer uses of a CPU (tests substitute broken ones to check the checks). */
export type FuzzCpu = Pick<
  Cpu,
  | "regs"
  | "eip"
  | "eflags"
  | "fsBase"
  | "gsBase"
  | "instructions"
  | "exit"
  | "run"
  | "completeIn"
  | "invalidate"
  | "upcall"
>;

/** How a round is run. */
export interface RoundOptions {
  /** Most instructions the round may retire in total. */
  instructions: number;
  /** Most bytes of generated code. */
  codeBytes: number;
  /**
   * How quanta are cut: random budgets (default), `"single"` (budget 1) or `"whole"` (the rest of
   * the round's instructions). The guest cannot tell: without remapping, every cut gives the same
   * result, which is how a replay checks resumption (REP, flags, decoded blocks) across quanta.
   */
  budgets?: "random" | "single" | "whole";
  /** Remap, protect and DMA-write pages between quanta (default true). */
  mutate?: boolean;
  /** Check every frame after every quantum (slow; for pinning a violation down). */
  checkEachQuantum?: boolean;
  /** Varies which physical frames back the VM (for replays). */
  frameSalt?: number;
  /** Shared cells that get the current quantum, its start EIP and budget (for hang reports). */
  heartbeat?: Int32Array | undefined;
  /**
   * The translation tier: off, or on with this block-execution threshold, sharing the
   * machine's translation cache across rounds as a kernel shares it across VMs (default: on,
   * threshold 8).
   */
  jit?: "off" | number;
  /** Builds the CPU under test (default: the kernel's {@linkcode Cpu}). */
  makeCpu?: (as: AddressSpace, tsc: () => number) => FuzzCpu;
}

/** Cells of {@linkcode RoundOptions.heartbeat} written by a round. */
export const QUANTUM_CELLS = { quantum: 2, eip: 3, budget: 4 } as const;

/** A broken promise, with what is needed to reproduce it. */
export interface Violation {
  /** Short class of the problem. */
  kind: string;
  /** One-line description. */
  message: string;
  /** Quantum (0-based) in which it was seen. */
  quantum: number;
  /** EIP at the start of that quantum. */
  eip: number;
  /** Instruction bytes at that EIP (up to 15), hex. */
  bytes: string;
  /** Registers at the start of that quantum, hex. */
  regs: string;
}

/** What a round did. */
export interface RoundResult {
  /** Instructions retired. */
  instructions: number;
  /** Bytes of generated code. */
  codeBytes: number;
  /** Stops by name. */
  stops: Map<string, number>;
  /** Faults by kind. */
  faults: Map<string, number>;
  /** Why the round ended. */
  ending: string;
  /** Hash of everything observable: stops, final state, writable memory. */
  digest: number;
  /** The first broken promise, if any. */
  violation: Violation | null;
  /**
   * The guest wrote to its own decoded code. Where quanta are cut may then
   * show: a REP string instruction that overwrites itself goes on with the
   * old bytes within a quantum and refetches the new ones after a quantum
   * boundary, as a real CPU does around an interrupt.
   */
  selfModified: boolean;
}

const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, "0");

function fnv(h: number, v: number): number {
  return Math.imul(h ^ (v | 0), 0x01000193) >>> 0;
}

/**
 * Runs round `round` of the run seeded `seed`.
 *
 * @example
 * ```ts
 * import { FuzzMachine } from "./machine.ts";
 * import { runRound } from "./round.ts";
 * const r = runRound(new FuzzMachine(1), 1, 0, { instructions: 1000, codeBytes: 512 });
 * console.log(r.violation === null);
 * ```
 */
export function runRound(
  machine: FuzzMachine,
  seed: number,
  round: number,
  options: RoundOptions,
): RoundResult {
  const rs = roundSeed(seed, round);
  const spec = generateRound(new Prng(rs), options.codeBytes);
  const kernel = new Prng(rs ^ 0x5bd1e995);
  const budgets = new Prng(rs ^ 0x68e31da4);
  const frames = new Prng(rs + 0x3c6ef372 + (options.frameSalt ?? 0));
  const jit = options.jit ?? 8;
  const cpuOptions: CpuOptions = jit === "off"
    ? { jit: false }
    : { jit: true, jitThreshold: jit, jitCache: machine.jitCache };
  const makeCpu = options.makeCpu ??
    ((as: AddressSpace, tsc: () => number) => new Cpu(as, { ...cpuOptions, tsc }));
  const vm = new Vm(machine, spec, frames, makeCpu);
  try {
    return vm.run(kernel, budgets, options);
  } catch (e) {
    // Only the CPU's own methods (completeIn, invalidate, eflags...) can throw here.
    const what = e instanceof Error ? `${e.name}: ${e.message}` : `a thrown ${typeof e}`;
    const violation: Violation = {
      kind: "exception",
      message: `a CPU method outside run threw ${what}`,
      quantum: -1,
      eip: vm.cpu.eip,
      bytes: "",
      regs: "",
    };
    return { ...vm.emptyResult(), violation };
  } finally {
    vm.release();
  }
}

/** The fuzzed VM of one round and the kernel's bookkeeping of its frames. */
class Vm {
  readonly as: AddressSpace;
  readonly cpu: FuzzCpu;
  readonly spec: RoundSpec;
  #machine: FuzzMachine;
  #frames: Prng;
  /** Every frame the VM has had; given back at the end. */
  #owned = new Set<number>();
  /** Frames the VM may write now. */
  #writable = new Set<number>();
  /** Frames it may not write, with their expected contents. */
  #frozen = new Map<number, Int32Array>();
  /** Every page the VM has had mapped. */
  #pages = new Set<number>();
  #stops = new Map<string, number>();
  #faults = new Map<string, number>();
  #digest = 0x811c9dc5;
  /** The guest wrote to a page holding decoded code. */
  selfModified = false;

  constructor(
    machine: FuzzMachine,
    spec: RoundSpec,
    frames: Prng,
    makeCpu: (as: AddressSpace, tsc: () => number) => FuzzCpu,
  ) {
    this.#machine = machine;
    this.#frames = frames;
    this.spec = spec;
    this.as = new AddressSpace(machine.phys, spec.size);
    for (const r of spec.regions) {
      for (let i = 0; i < r.pages; i++) this.#mapFresh(r.page + i, true);
      this.as.writeBytes(r.page * PAGE_SIZE, r.bytes);
      for (let i = 0; i < r.pages; i++) this.#protect(r.page + i, r.writable);
    }
    let tsc = 0;
    const clock = () => (tsc += 7);
    this.cpu = makeCpu(this.as, clock);
    const onCodeWrite = this.as.onCodeWrite;
    this.as.onCodeWrite = (page) => {
      this.selfModified = true;
      onCodeWrite(page);
    };
    this.cpu.regs.set(spec.regs);
    this.cpu.eip = spec.eip;
    this.cpu.eflags = spec.eflags;
    this.cpu.fsBase = spec.fsBase;
    this.cpu.gsBase = spec.gsBase;
  }

  #mapFresh(page: number, writable: boolean): void {
    const frame = this.#machine.take(this.#frames.u32());
    this.#owned.add(frame);
    this.#pages.add(page);
    this.as.map(page, frame, true);
    this.#writable.add(frame);
    this.#protect(page, writable);
  }

  #frameOf(page: number): number {
    const e = this.as.pte[page]!;
    return e & PTE_PRESENT ? e >>> PTE_FRAME_SHIFT : -1;
  }

  /** Makes a mapped page writable or read-only, tracking what its frame must hold. */
  #protect(page: number, writable: boolean): void {
    const frame = this.#frameOf(page);
    if (frame < 0) return;
    this.as.setWritable(page, writable);
    if (writable) {
      this.#frozen.delete(frame);
      this.#writable.add(frame);
    } else if (this.#writable.delete(frame)) {
      this.#frozen.set(frame, this.#machine.snapshot(frame));
    }
  }

  #unmap(page: number): void {
    const frame = this.#frameOf(page);
    if (frame < 0) return;
    this.#protect(page, false);
    this.as.pte[page] = 0;
  }

  #count(map: Map<string, number>, key: string): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** Between quanta: what a kernel may do to a VM's memory (swap, protect, page in, DMA). */
  #mutate(rng: Prng): string | null {
    const mapped = this.spec.regions.flatMap((r) =>
      Array.from({ length: r.pages }, (_, i) => r.page + i)
    );
    const page = rng.pick(mapped);
    switch (rng.int(6)) {
      case 0:
        this.#unmap(page);
        break;
      case 1:
        this.#protect(page, false);
        break;
      case 2:
        this.#protect(page, true);
        break;
      case 3:
        if (this.#frameOf(page) < 0) this.#mapFresh(page, rng.chance(0.5));
        break;
      case 4: {
        // An interrupt upcall: pushes a frame on the guest stack and jumps to a handler.
        const regs = Array.from(this.cpu.regs), eip = this.cpu.eip, flags = this.cpu.eflags;
        const handler = this.spec.entries.length > 0 ? rng.pick(this.spec.entries) : rng.u32();
        if (!this.cpu.upcall(handler)) {
          const same = this.cpu.eip === eip && this.cpu.eflags === flags &&
            regs.every((v, i) => v === this.cpu.regs[i]);
          if (!same || this.cpu.exit.fault !== "page-fault") return "a failed upcall changed state";
        }
        break;
      }
      default: {
        // A device writes guest memory (like a disk read completing).
        const data = new Uint8Array(rng.range(1, 16)).map(() => rng.byte());
        this.as.writeBytes(page * PAGE_SIZE + rng.int(PAGE_SIZE - 16), data, true);
      }
    }
    this.cpu.invalidate();
    return null;
  }

  /**
   * `rng` answers the guest (IN values, page-ins, VMCALL results) and is drawn
   * only at stops the guest can see, so every way of cutting quanta consumes it
   * alike; `budgetRng` cuts quanta and drives remapping.
   */
  run(rng: Prng, budgetRng: Prng, options: RoundOptions): RoundResult {
    const cpu = this.cpu;
    const regs0 = new Int32Array(8);
    let ending = "instruction cap";
    let violation: Violation | null = null;
    let total = 0;
    let pagedIn = 0;
    let skipped = 0;
    const persistence = rng.pick([0, 0.5, 0.9, 0.98]);

    const mutate = options.mutate ?? true;
    const left = () => options.instructions - total;
    let events = 0; // stops other than Budget
    for (let quantum = 0; events < 400 && total < options.instructions; quantum++) {
      const budget = options.budgets === "single"
        ? 1
        : options.budgets === "whole"
        ? left()
        : Math.min(budgetRng.pick(BUDGETS), left());
      regs0.set(cpu.regs);
      const eip0 = cpu.eip;
      const hb = options.heartbeat;
      if (hb) {
        hb[QUANTUM_CELLS.quantum] = quantum;
        hb[QUANTUM_CELLS.eip] = eip0;
        hb[QUANTUM_CELLS.budget] = budget;
      }
      const flags0 = cpu.eflags;
      const before = cpu.instructions;
      const fail = (kind: string, message: string): RoundResult => {
        const code = this.as.readBytes(eip0, 15) ?? this.as.readBytes(eip0, 1);
        violation = {
          kind,
          message,
          quantum,
          eip: eip0,
          bytes: code ? Array.from(code, (b) => b.toString(16).padStart(2, "0")).join(" ") : "",
          regs: Array.from(regs0, hex).join(" ") + ` eflags=${hex(flags0)}`,
        };
        return this.#result(total, "violation", violation);
      };

      let why: number;
      try {
        why = cpu.run(budget);
      } catch (e) {
        const what = e instanceof Error ? `${e.name}: ${e.message}` : `a thrown ${typeof e}`;
        return fail("exception", `run(${budget}) threw ${what}`);
      }
      const retired = cpu.instructions - before;
      total += Math.max(0, retired);
      const name = STOP_NAMES.get(why);
      if (name === undefined) return fail("bad-stop", `run returned ${String(why)}`);
      this.#count(this.#stops, name);
      if (why !== Stop.Budget) {
        events++;
        this.#digest = fnv(fnv(this.#digest, why), cpu.eip);
      }

      if (!(Number.isInteger(retired) && retired >= 0 && retired <= budget)) {
        return fail("budget", `run(${budget}) retired ${retired} instructions (${name})`);
      }
      if (why === Stop.Budget && retired !== budget) {
        return fail("budget", `run(${budget}) stopped for Budget after ${retired} instructions`);
      }
      if (!(Number.isInteger(cpu.eip) && cpu.eip >= 0 && cpu.eip <= 0xffffffff)) {
        return fail("state", `EIP is ${cpu.eip} after ${name}`);
      }
      if ((cpu.eflags & 2) === 0) return fail("state", `EFLAGS bit 1 is clear after ${name}`);
      if (options.checkEachQuantum) {
        const broken = this.#machine.check(this.#frozen, this.#writable);
        if (broken) return fail("isolation", broken);
      }

      if (why === Stop.Fault) {
        const kind = String(cpu.exit.fault);
        this.#count(this.#faults, kind);
        if (!FAULT_KINDS.includes(kind)) {
          return fail("fault", `fault kind ${kind}: ${cpu.exit.detail}`);
        }
        if (retired === 0) {
          const same = cpu.eip === eip0 && cpu.eflags === flags0 &&
            regs0.every((v, i) => v === cpu.regs[i]);
          if (!same) {
            return fail(
              "imprecise",
              `${kind} on the first instruction changed state: eip ${hex(cpu.eip)}, ` +
                `regs ${Array.from(cpu.regs, hex).join(" ")} eflags=${hex(cpu.eflags)}`,
            );
          }
        }
        if (kind === "page-fault") {
          const a = cpu.exit.faultAddress, w = cpu.exit.faultWrite;
          if (!(Number.isInteger(a) && a >= 0 && a <= 0xffffffff && typeof w === "boolean")) {
            return fail("fault", `page fault with address ${a}, write ${w}`);
          }
          if (this.as.translate(a, w) >= 0) {
            return fail("fault", `page fault at ${hex(a)} (write ${w}) but the page allows it`);
          }
          const page = a >>> 12;
          const pageIn = pagedIn < 16 && rng.chance(0.7);
          if (pageIn && page > 0 && page < this.as.pages) {
            // Demand paging: give the page (or write access) and restart the instruction.
            pagedIn++;
            if (this.#frameOf(page) >= 0) this.#protect(page, true);
            else this.#mapFresh(page, true);
            cpu.invalidate();
            continue;
          }
        }
        if (skipped < 100 && rng.chance(persistence)) {
          // Not what the kernel does (it stops the VM), but it lets one round test many more
          // instructions: step over the faulting byte and go on.
          skipped++;
          const fetch = kind === "page-fault" && ((cpu.exit.faultAddress - cpu.eip) >>> 0) < 16;
          const entries = this.spec.entries;
          cpu.eip = fetch && entries.length > 0 ? rng.pick(entries) : (cpu.eip + 1) >>> 0;
          continue;
        }
        ending = `fault ${kind}`;
        break;
      }
      if (why === Stop.In || why === Stop.Out) {
        const { port, size } = cpu.exit;
        if (!(Number.isInteger(port) && port >= 0 && port <= 0xffff && [1, 2, 4].includes(size))) {
          return fail("io", `${name} with port ${port}, size ${size}`);
        }
        if (why === Stop.In) {
          const v = rng.chance(0.2) ? -1 : rng.u32() >>> (32 - 8 * size);
          cpu.completeIn(v);
        } else if (!Number.isInteger(cpu.exit.value)) {
          return fail("io", `OUT value ${cpu.exit.value}`);
        }
      } else if (why === Stop.Vmcall) {
        const fn = cpu.regs[0]!;
        if (fn === 0) {
          ending = "terminate";
          break;
        }
        if (fn === 3) cpu.fsBase = cpu.regs[3]! >>> 0;
        if (fn === 4) cpu.gsBase = cpu.regs[3]! >>> 0;
        cpu.regs[0] = fn === 1 ? rng.int(2) : fn >= 2 && fn <= 4 ? 0 : -1;
      } else if (why === Stop.Hlt && rng.chance(0.3)) {
        ending = "halt";
        break;
      }
      if (mutate && why === Stop.Budget && budgetRng.chance(0.08)) {
        const wrong = this.#mutate(budgetRng);
        if (wrong) return fail("upcall", wrong);
      }
    }
    const broken = this.#machine.check(this.#frozen, this.#writable);
    if (broken) {
      violation = {
        kind: "isolation",
        message: broken,
        quantum: -1,
        eip: cpu.eip,
        bytes: "",
        regs: Array.from(cpu.regs, hex).join(" "),
      };
    }
    return this.#result(total, ending, violation);
  }

  #result(total: number, ending: string, violation: Violation | null): RoundResult {
    let h = this.#digest;
    for (const v of this.cpu.regs) h = fnv(h, v);
    h = fnv(fnv(fnv(h, this.cpu.eip), this.cpu.eflags), this.cpu.instructions);
    for (const page of [...this.#pages].sort((a, b) => a - b)) {
      const frame = this.#frameOf(page);
      if (frame < 0) continue;
      const words = this.#machine.snapshot(frame);
      for (let i = 0; i < words.length; i += 3) h = fnv(h, words[i]!);
    }
    return {
      instructions: total,
      codeBytes: this.spec.codeBytes,
      stops: this.#stops,
      faults: this.#faults,
      ending,
      digest: h,
      violation,
      selfModified: this.selfModified,
    };
  }

  emptyResult(): RoundResult {
    return this.#result(0, "exception", null);
  }

  release(): void {
    for (const f of this.#owned) this.#machine.give(f);
  }
}
