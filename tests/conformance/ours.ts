/**
 * Our CPU as an engine: one address space with the code and data regions at the same addresses
 * as runner.c maps them; each case is loaded with an HLT at the epilogue address and run until
 * the CPU stops.
 *
 * @module
 */

import { Cpu, jitSetting, Stop, TranslationCache } from "../../kernel/cpu/mod.ts";
import { AddressSpace, PhysicalMemory } from "../../kernel/memory/mod.ts";
import type { Case } from "./gen.ts";
import { CODE_BASE, CODE_SIZE, DATA_BASE, DATA_SIZE, FIXED_BITS, SPACE_SIZE } from "./layout.ts";
import type { Engine, MachineState } from "./machine.ts";

/** Instructions one case may take before it counts as a hang. */
const BUDGET = 1_000_000;

/**
 * Runs cases on kernel/cpu.
 *
 * @example
 * ```ts
 * import { OurEngine } from "./ours.ts";
 * const e = new OurEngine();
 * await e.close();
 * ```
 */
export class OurEngine implements Engine {
  readonly name: string;
  #mem: AddressSpace;
  #cpu: Cpu;
  #fill = new Uint8Array(CODE_SIZE).fill(0xcc);

  /**
   * Maps the regions and creates the CPU. With `jit`, every block is translated to JavaScript
   * before its first run, so each case runs in the JIT tier ("ours-jit"); otherwise the tier is
   * what `DENALI_JIT` says, by default off (each case runs once, too few times to get hot).
   * One CPU compiles every case, so the compile limits (its own and its cache's) are lifted.
   */
  constructor(options: { jit?: boolean } = {}) {
    this.name = options.jit ? "ours-jit" : "ours";
    this.#mem = new AddressSpace(new PhysicalMemory({ initialFrames: 16 }), SPACE_SIZE);
    this.#mem.allocate(CODE_BASE, CODE_SIZE, true);
    this.#mem.allocate(DATA_BASE, DATA_SIZE, true);
    const tier = options.jit
      ? {
        jit: true,
        jitThreshold: 0,
        jitMaxCompiles: Infinity,
        jitCache: new TranslationCache({ maxCompiles: Infinity }),
      }
      : jitSetting(Deno.env.get("DENALI_JIT"), { jit: false });
    this.#cpu = new Cpu(this.#mem, tier);
  }

  /** Instructions retired so far, and how many of them in translated (JIT) code. */
  get retired(): { all: number; jit: number } {
    return { all: this.#cpu.instructions, jit: this.#cpu.jitStats.jitInstructions };
  }

  /** Runs one case from its initial data region. */
  runOne(c: Case, initial: Uint8Array): MachineState {
    const mem = this.#mem, cpu = this.#cpu;
    mem.writeBytes(CODE_BASE, this.#fill);
    mem.writeBytes(CODE_BASE, c.code);
    mem.writeBytes(CODE_BASE + c.code.length, new Uint8Array([0xf4]));
    mem.writeBytes(DATA_BASE, initial);
    cpu.invalidate();
    for (let i = 0; i < 8; i++) cpu.regs[i] = c.regs[i]!;
    cpu.vif = true;
    cpu.eflags = c.eflags | FIXED_BITS;
    cpu.eip = CODE_BASE;
    const why = cpu.run(BUDGET);
    let outcome: string, eip = cpu.eip >>> 0;
    if (why === Stop.Hlt) {
      outcome = "ok";
      eip = (eip - 1) >>> 0;
    } else if (why === Stop.Fault) outcome = cpu.exit.fault ?? "other: fault";
    else if (why === Stop.Budget) outcome = "timeout";
    else outcome = `other: stop ${why}`;
    return {
      outcome,
      eip,
      regs: Array.from(cpu.regs, (x) => x >>> 0),
      eflags: cpu.eflags >>> 0,
      faultAddress: why === Stop.Fault ? cpu.exit.faultAddress >>> 0 : 0,
      data: mem.readBytes(DATA_BASE, DATA_SIZE)!,
      detail: why === Stop.Fault ? cpu.exit.detail : "",
    };
  }

  /** Runs a batch; see {@linkcode Engine.run}. */
  run(cases: readonly Case[], initial: readonly Uint8Array[]): Promise<MachineState[]> {
    return Promise.resolve(cases.map((c, k) => this.runOne(c, initial[k]!)));
  }

  /** Frees the address space. */
  close(): Promise<void> {
    this.#mem.release();
    return Promise.resolve();
  }
}
