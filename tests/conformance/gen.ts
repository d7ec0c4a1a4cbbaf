/**
 * The conformance case generator: from a seed, a short random program of "units" drawn from
 * every instruction group (a unit is one tested instruction plus the MOVs that load its
 * operands, or a whole jump/call/enter construct), a random initial state (registers with edge
 * values, arithmetic flags and DF, a data page of random bytes with edge values poked in), and
 * for every instruction the set of flags that Intel leaves undefined at that point.
 *
 * Memory operands address the data page or the stack near ESP; ESP is tracked exactly; all
 * control flow is forward, so every case ends at the epilogue right after its code, or at a
 * fault the generator put there on purpose (divide error, invalid opcode).
 *
 * @module
 */

import { Builder, type Insn } from "./_builder.ts";
import { genAlu, genTest, genUnary } from "./_alu.ts";
import { genBitScan, genBitTest, genBswap, genCmpxchg8b, genExchangeOps } from "./_bits.ts";
import { genCmov, genConvert, genLea, genMov, genMovExtend, genSetcc, genXchg } from "./_data.ts";
import { genCall, genJcc, genJmp, genLoop } from "./_flow.ts";
import { genFlagOps, genLockInvalid, genNop, genTrap } from "./_misc.ts";
import { genPageFault } from "./_fault.ts";
import { genDiv, genDivFault, genMul } from "./_muldiv.ts";
import { genDoubleShift, genShift } from "./_shift.ts";
import { genEnterLeave, genPushAll, genPushFlags, genPushPop } from "./_stack.ts";
import { genString } from "./_string.ts";
import { value } from "./_operands.ts";
import { ARITH, CODE_SIZE, DF, type Poke, STACK_TOP } from "./layout.ts";
import { Prng } from "./prng.ts";

export type { Builder, Fx, Insn } from "./_builder.ts";

/**
 * How a group's units may be placed: "plain" ones also fill jump shadows, call bodies and ENTER
 * frames; "stack" ones move ESP; "flow" ones jump; "terminal" ones end the case with a fault.
 */
export type GroupKind = "plain" | "stack" | "flow" | "terminal";

/** An instruction group of the generator. */
export interface Group {
  /** Name used by `--groups`. */
  name: string;
  /** Where its units may go. */
  kind: GroupKind;
  /** Relative frequency (0: only when selected by name). */
  weight: number;
  /** Emits one unit. */
  gen: (b: Builder) => void;
}

/** Every group, with its weight. */
export const GROUPS: readonly Group[] = [
  { name: "alu", kind: "plain", weight: 100, gen: genAlu },
  { name: "test", kind: "plain", weight: 25, gen: genTest },
  { name: "unary", kind: "plain", weight: 40, gen: genUnary },
  { name: "mul", kind: "plain", weight: 40, gen: genMul },
  { name: "div", kind: "plain", weight: 40, gen: genDiv },
  { name: "div-fault", kind: "terminal", weight: 6, gen: genDivFault },
  { name: "shift", kind: "plain", weight: 80, gen: genShift },
  { name: "shxd", kind: "plain", weight: 35, gen: genDoubleShift },
  { name: "bt", kind: "plain", weight: 40, gen: genBitTest },
  { name: "bitscan", kind: "plain", weight: 25, gen: genBitScan },
  { name: "bswap", kind: "plain", weight: 8, gen: genBswap },
  { name: "xadd-cmpxchg", kind: "plain", weight: 30, gen: genExchangeOps },
  { name: "cmpxchg8b", kind: "plain", weight: 12, gen: genCmpxchg8b },
  { name: "mov", kind: "plain", weight: 60, gen: genMov },
  { name: "movx", kind: "plain", weight: 25, gen: genMovExtend },
  { name: "lea", kind: "plain", weight: 25, gen: genLea },
  { name: "xchg", kind: "plain", weight: 20, gen: genXchg },
  { name: "convert", kind: "plain", weight: 15, gen: genConvert },
  { name: "setcc", kind: "plain", weight: 25, gen: genSetcc },
  { name: "cmov", kind: "plain", weight: 25, gen: genCmov },
  { name: "flags", kind: "plain", weight: 30, gen: genFlagOps },
  { name: "nop", kind: "plain", weight: 10, gen: genNop },
  { name: "string", kind: "plain", weight: 50, gen: genString },
  { name: "push-pop", kind: "stack", weight: 50, gen: genPushPop },
  { name: "pushad", kind: "stack", weight: 12, gen: genPushAll },
  { name: "pushf", kind: "stack", weight: 20, gen: genPushFlags },
  { name: "enter-leave", kind: "stack", weight: 20, gen: genEnterLeave },
  { name: "jcc", kind: "flow", weight: 40, gen: genJcc },
  { name: "jmp", kind: "flow", weight: 15, gen: genJmp },
  { name: "loop", kind: "flow", weight: 20, gen: genLoop },
  { name: "call", kind: "flow", weight: 20, gen: genCall },
  { name: "trap", kind: "terminal", weight: 4, gen: genTrap },
  { name: "page-fault", kind: "terminal", weight: 8, gen: genPageFault },
  // LOCK on an instruction that cannot be locked: invalid-opcode, as on real CPUs.
  { name: "lock-invalid", kind: "terminal", weight: 4, gen: genLockInvalid },
];

/**
 * Groups left out of runs against qemu-i386 (7.2) unless asked for, because of qemu bugs: its
 * CMPXCHG8B changes flags other than ZF (and a fault after it can abort qemu on an IOPL
 * assertion), and it runs instructions with a LOCK prefix they cannot take instead of raising
 * #UD as the CPU does (`lock mov [m], r` stores).
 */
export const QEMU_UNSAFE: readonly string[] = ["cmpxchg8b", "lock-invalid"];

/** A tested instruction with its setup, or a whole jump/call/ENTER construct. */
export interface Unit {
  /** Group that made it. */
  group: string;
  /** Code offset of its first byte. */
  start: number;
  /** Code offset after its last byte. */
  end: number;
  /** Its instructions. */
  insns: Insn[];
  /** Flags undefined after it. */
  undefAfter: number;
}

/** One conformance case: initial state and code. */
export interface Case {
  /** The seed it was generated from. */
  seed: number;
  /** Initial EAX ECX EDX EBX ESP EBP ESI EDI (unsigned). */
  regs: number[];
  /** Initial arithmetic flags and DF. */
  eflags: number;
  /** Seed of the random data region. */
  memSeed: number;
  /** Bytes poked over the random data. */
  pokes: Poke[];
  /** The code. */
  code: Uint8Array;
  /** Its units, in order. */
  units: Unit[];
  /** Flags undefined at the end. */
  undefAfter: number;
}

/** Options of {@linkcode generateCase}. */
export interface GenOptions {
  /** Only these groups (names of {@linkcode GROUPS}); default all. */
  groups?: readonly string[];
  /** Most units per case (default 6). */
  maxUnits?: number;
  /** Leave these groups out. */
  skip?: readonly string[];
  /** Avoid the one IDIV that crashes qemu-i386 itself (for runs against qemu). */
  qemuSafe?: boolean;
}

/**
 * Throws unless every name is a group.
 *
 * @example
 * ```ts
 * import { checkGroups } from "./gen.ts";
 * checkGroups(["alu", "shift"]);
 * ```
 */
export function checkGroups(names: readonly string[]): void {
  for (const n of names) {
    if (!GROUPS.some((g) => g.name === n)) {
      throw new Error(
        `Cannot select group "${n}": known groups are ${GROUPS.map((g) => g.name).join(", ")}`,
      );
    }
  }
}

/**
 * Generates the case for `seed`. The same seed and options always give the same case.
 *
 * @example
 * ```ts
 * import { generateCase } from "./gen.ts";
 * const c = generateCase(7, { groups: ["alu"] });
 * console.log(c.units.length > 0, c.code.length > 0); // true true
 * ```
 */
export function generateCase(seed: number, options: GenOptions = {}): Case {
  const r = new Prng(seed);
  let chosen = options.groups?.length
    ? GROUPS.filter((g) => options.groups!.includes(g.name))
    : GROUPS.filter((g) => g.weight > 0 && !(options.qemuSafe && QEMU_UNSAFE.includes(g.name)));
  if (options.skip) chosen = chosen.filter((g) => !options.skip!.includes(g.name));
  if (!chosen.length) throw new Error("Cannot generate a case: no group selected");
  const plainChosen = chosen.filter((g) => g.kind === "plain");
  const plain = plainChosen.length ? plainChosen : GROUPS.filter((g) => g.kind === "plain");
  const regs: number[] = [];
  for (let i = 0; i < 8; i++) regs.push(value(r, 4));
  regs[4] = STACK_TOP + (r.chance(0.1) ? r.range(-3, 3) : 0);
  const eflags = (r.u32() & ARITH) | (r.chance(0.25) ? DF : 0);
  const memSeed = r.u32();
  const b = new Builder(r, regs[4]!);
  b.qemuSafe = options.qemuSafe ?? false;
  b.fill = (count) => {
    for (let i = 0; i < count; i++) r.pick(plain).gen(b);
  };
  const units: Unit[] = [];
  const n = r.range(1, options.maxUnits ?? 6);
  const weights = chosen.map((g) => g.weight || 1);
  for (let k = 0; k < n; k++) {
    const g = chosen[r.weighted(weights)]!;
    const start = b.bytes.length, first = b.insns.length;
    g.gen(b);
    units.push({
      group: g.name,
      start,
      end: b.bytes.length,
      insns: b.insns.slice(first),
      undefAfter: b.undef,
    });
    if (g.kind === "terminal") break;
  }
  if (b.bytes.length > CODE_SIZE - 16) {
    throw new Error("Cannot generate a case: code too long (generator bug)");
  }
  const code = new Uint8Array(b.bytes);
  // Jumps were patched after they were emitted: take every instruction's final bytes.
  for (const i of b.insns) i.bytes = Array.from(code.subarray(i.offset, i.offset + i.bytes.length));
  return {
    seed,
    regs,
    eflags,
    memSeed,
    pokes: b.pokes,
    code,
    units,
    undefAfter: b.undef,
  };
}

/**
 * The case made of the first `count` units of `c` (same initial state): used to find the first
 * unit whose result differs.
 *
 * @example
 * ```ts
 * import { generateCase, truncateCase } from "./gen.ts";
 * const c = generateCase(1);
 * console.log(truncateCase(c, 0).code.length); // 0
 * ```
 */
export function truncateCase(c: Case, count: number): Case {
  const units = c.units.slice(0, count);
  const end = units.length ? units[units.length - 1]!.end : 0;
  return {
    ...c,
    code: c.code.slice(0, end),
    units,
    undefAfter: units.length ? units[units.length - 1]!.undefAfter : 0,
  };
}

/**
 * The instruction of `c` starting at code offset `offset`, if any.
 *
 * @example
 * ```ts
 * import { generateCase, insnAt } from "./gen.ts";
 * const c = generateCase(3);
 * console.log(insnAt(c, 0)?.offset); // 0
 * ```
 */
export function insnAt(c: Case, offset: number): Insn | undefined {
  for (const u of c.units) {
    if (offset < u.start || offset >= u.end) continue;
    for (const i of u.insns) if (i.offset === offset) return i;
  }
  return undefined;
}

/**
 * A listing of the case (or of its unit number `only`): offset, bytes in hex, text.
 *
 * @example
 * ```ts
 * import { generateCase, listing } from "./gen.ts";
 * console.log(listing(generateCase(5)));
 * ```
 */
export function listing(c: Case, only?: number): string {
  const lines: string[] = [];
  for (const [k, u] of c.units.entries()) {
    if (only !== undefined && k !== only) continue;
    lines.push(`  ; unit ${k} (${u.group})`);
    for (const i of u.insns) {
      const hexBytes = i.bytes.map((x) => (x & 0xff).toString(16).padStart(2, "0")).join(" ");
      lines.push(`  ${i.offset.toString(16).padStart(4, "0")}: ${hexBytes.padEnd(36)} ${i.text}`);
    }
  }
  return lines.join("\n");
}
