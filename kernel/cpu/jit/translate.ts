/**
 * The translator: turns a region (a few hot blocks, see `region.ts`) into
 * one JavaScript function.
 *
 * The function keeps the guest registers and the lazy-flag record in locals
 * and runs a `switch` over the region's blocks inside one loop: a branch to a
 * block of the region (direct, or a return or table jump landing on one)
 * continues in place, anything else leaves with EIP set. There is one loop
 * only: V8 compiles a hot function on stack from a loop, and code compiled
 * from an inner loop deopts whenever control leaves that loop. Every block
 * checks first that the remaining budget covers all of it, else it leaves
 * before it so that the interpreter spends the rest exactly (the budget is
 * the instruction count, identical with the tier on or off).
 *
 * Flags: per block, a backward pass finds which flags each instruction's
 * successors read (a fault, a branch, a memory write or the block's end reads
 * them all), and an instruction whose flags are all overwritten first records
 * nothing; readers after a known producer in the same block test its
 * operands directly (`cmp a, b; jl` is `a < b`). At block boundaries the
 * record is in locals, and the exit stores it into the CpuState as it is.
 *
 * A fault anywhere writes the locals back as of the faulting instruction
 * (`k` names it; its address and the budget refund come from tables) and
 * rethrows to the run loop. Instructions without a native translation call
 * their interpreter handler with the locals written back.
 *
 * The function depends only on the guest bytes it was made from: it takes
 * the CPU state, the block record whose `valid` bit guards it, the address
 * space with its views and the index of the block to start at as arguments,
 * so VMs running the same code share it, entering it at any of its blocks.
 *
 * Memory accesses inline the page-table lookup: aligned ones index the typed
 * views, unaligned ones inside a page go through the DataView, and only
 * straddling accesses, absent or read-only pages and faults call the checked
 * accessors.
 *
 * @module
 */

import type { AddressSpace } from "../../memory/address_space.ts";
import type { Handler, Insn } from "../insn.ts";
import * as F from "../ops_flow.ts";
import type { CpuState } from "../state.ts";
import { ALU_SPECS } from "./emit_alu.ts";
import { FLOW_SPECS } from "./emit_flow.ts";
import { MOVE_SPECS } from "./emit_move.ts";
import { SHIFT_SPECS } from "./emit_shift.ts";
import { ALL, Gen, type OpSpec, SPILL } from "./gen.ts";
import { RUNTIME } from "./runtime.ts";

const SPECS = new Map<Handler, OpSpec>([
  ...ALU_SPECS,
  ...MOVE_SPECS,
  ...FLOW_SPECS,
  ...SHIFT_SPECS,
]);

/**
 * The native translation of `i`, or null when it runs through its handler.
 *
 * @example
 * ```ts
 * import { nativeSpec } from "./translate.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0x01, 0xd8])); // add eax, ebx
 * console.log(nativeSpec(decode(mem, 0x1000)) !== null); // true
 * ```
 */
export function nativeSpec(i: Insn): OpSpec | null {
  const s = SPECS.get(i.h);
  return s !== undefined && s.native(i) ? s : null;
}

/**
 * Flags live after each instruction of a block: backward from the block's
 * end and from every instruction after which the code may leave (a branch,
 * a memory write), where every flag is live; an instruction that can fault
 * or runs through its handler reads them all.
 *
 * @example
 * ```ts
 * import { flagLiveness } from "./translate.ts";
 * console.log(flagLiveness([]).length); // 0
 * ```
 */
export function flagLiveness(insns: Insn[]): number[] {
  const after = new Array<number>(insns.length);
  let live = ALL;
  for (let j = insns.length - 1; j >= 0; j--) {
    const i = insns[j]!, s = nativeSpec(i);
    // A branch may leave the block, and so may an instruction that writes memory (when the
    // write hits translated code): whoever runs next may read any flag.
    if (s !== null && (s.branch || s.stores(i))) live = ALL;
    after[j] = live;
    if (s === null || s.faults(i)) live = ALL;
    else live = s.use(i, live) | (live & ~s.def(i));
  }
  return after;
}

/** One block of a region: decoded instructions, none of them a fault placeholder. */
export interface RegionBlock {
  /** Guest address of the first instruction. */
  start: number;
  /** Its instructions in order. */
  insns: Insn[];
}

/** A validity guard: the translated code runs only while `valid` holds. */
export interface Guard {
  /** False once the guest wrote a page the code came from. */
  readonly valid: boolean;
}

/** A translated region. Runs blocks while the budget allows; leaves EIP, budget and state set. */
export type RegionFn = (
  c: CpuState,
  guard: Guard,
  mem: AddressSpace,
  pte: Int32Array,
  i32: Int32Array,
  u16: Uint16Array,
  u8: Uint8Array,
  dv: DataView,
  entry: number,
) => void;

/** Source of a region and what the function needs. */
export interface Generated {
  /** Body of the factory: `new Function("rt", "I", source)(RUNTIME, insns)`. */
  source: string;
  /** The region's instructions by global index. */
  insns: Insn[];
  /** Instructions of the entry block: the least budget the function needs to run. */
  entryLen: number;
  /** Guest address of each block (the function can be entered at any of them by index). */
  starts: number[];
  /** Instructions of each block: the least budget an entry there needs. */
  lens: number[];
  /** Instructions that run through their interpreter handler. */
  fallbacks: number;
}

/**
 * Generates the source of a region whose first block is the entry.
 *
 * @example
 * ```ts
 * import { generate } from "./translate.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xf4])); // hlt
 * const g = generate([{ start: 0x1000, insns: [decode(mem, 0x1000)] }]);
 * console.log(g.entryLen, g.fallbacks); // 1 0
 * ```
 */
export function generate(blocks: RegionBlock[]): Generated {
  if (blocks.length === 0) throw new RangeError("Cannot translate a region: it has no blocks");
  const index = new Map<number, number>();
  blocks.forEach((b, k) => {
    if (!index.has(b.start)) index.set(b.start, k);
  });
  const g = new Gen((a) => index.get(a) ?? -1);
  g.blockStarts = [...index.keys()];
  const sites = new Set<number>();
  for (const b of blocks) {
    for (const i of b.insns) {
      if ((i.h === F.call || i.h === F.callRm) && index.has(i.next)) sites.add(i.next);
    }
  }
  g.returnSites = [...sites];
  const all: Insn[] = [];
  let fallbacks = 0;
  blocks.forEach((b, k) => {
    const n = b.insns.length;
    if (n === 0) throw new RangeError(`Cannot translate a region: block ${k} is empty`);
    const live = flagLiveness(b.insns);
    g.beginBlock(k);
    g.emit(`case ${k}: {`);
    g.emit(`if (bud < ${n}) { pc = ${b.start}; break L; }`);
    g.emit(`bud -= ${n};`);
    let branched = false;
    b.insns.forEach((i, j) => {
      g.begin(i, all.length, j, n, live[j]!);
      all.push(i);
      const s = nativeSpec(i);
      if (s === null) {
        g.fallback(i);
        fallbacks++;
        branched = false;
        return;
      }
      s.emit(g, i);
      branched = s.branch;
      if (!s.branch) g.checkStore(String(i.next));
    });
    const last = b.insns[n - 1]!;
    if (!branched) g.emit(g.gotoEnd(last.next));
    g.emit("}");
  });
  const refs = [...g.handlerRefs].map((k) => `const I${k} = I[${k}];`).join("\n");
  const pts = g.points;
  const table = (f: (k: number) => number) => `[${pts.map((_, k) => f(k)).join(",")}]`;
  const entry = blocks[0]!.start;
  const source = `"use strict";
const { lazyCF, lazyCond, lazyFlags, udivq, mulHiU, mulHiS, PARITY } = rt;
const KA = ${table((k) => pts[k]!.addr)};
const KB = ${table((k) => pts[k]!.refund)};
const KF = ${table((k) => (pts[k]!.fallback ? 1 : 0))};
${refs}
return function jit_${entry.toString(16)}(c, B, mem, pte, i32, u16, u8, dv, e) {
const regs = c.regs;
let r0 = regs[0], r1 = regs[1], r2 = regs[2], r3 = regs[3], r4 = regs[4], r5 = regs[5], r6 = regs[6], r7 = regs[7];
let Fop = c.lop, Fd = c.ldst, Fs = c.lsrc, Fr = c.lres, Fb = c.lbits, Ffl = c.fl;
let Cop = 0, Cd = 0, Cs = 0, Cr = 0, Cb = 32;
let bud = c.budget, pc = ${entry}, bi = e, k = 0, sm = false;
try {
L: for (;;) {
switch (bi) {
${g.lines.join("\n")}
default: break L;
}
}
} catch (e) {
c.eip = KA[k];
if (KF[k] === 0) { ${SPILL} c.budget = bud + KB[k]; }
throw e;
}
${SPILL}
c.budget = bud;
c.eip = pc;
};`;
  return {
    source,
    insns: all,
    entryLen: blocks[0]!.insns.length,
    starts: blocks.map((b) => b.start),
    lens: blocks.map((b) => b.insns.length),
    fallbacks,
  };
}

/**
 * Compiles generated source into the region function.
 *
 * @example
 * ```ts
 * import { compile, generate } from "./translate.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xf4])); // hlt
 * const fn = compile(generate([{ start: 0x1000, insns: [decode(mem, 0x1000)] }]));
 * console.log(typeof fn); // "function"
 * ```
 */
export function compile(gen: Generated): RegionFn {
  const factory = new Function("rt", "I", gen.source) as (
    rt: typeof RUNTIME,
    insns: Insn[],
  ) => RegionFn;
  return factory(RUNTIME, gen.insns);
}
