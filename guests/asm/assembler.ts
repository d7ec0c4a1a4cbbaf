/**
 * The assembler driver. Lines are parsed once; then passes lay the program
 * out again and again, each pass using the label addresses of the pass before
 * for forward references, until no symbol moves (nasm's multi-pass
 * optimisation: jumps start short and grow, immediates and displacements take
 * their short forms once their values are known). A last pass emits the bytes
 * and checks every range.
 *
 * @module
 */
import { AsmError } from "./error.ts";
import { LineError } from "./_diag.ts";
import { Enc } from "./_enc.ts";
import { type EvalCtx, evaluate, type Lin, type Value } from "./_expr.ts";
import { resolveOperand } from "./_operand.ts";
import { type Body, parseLine, type ParseState, type Stmt } from "./_parse.ts";
import { fail } from "./_diag.ts";
import { INSTRUCTIONS } from "./_insn.ts";

/** Options of {@linkcode assemble} and {@linkcode assembleProgram}. */
export interface AssembleOptions {
  /** Address of the first byte (nasm's `org`); an `org` line in the source wins. Default 0. */
  org?: number;
}

/** Where one source line landed. */
export interface LineInfo {
  /** 1-based source line. */
  line: number;
  /** Address of its first byte. */
  address: number;
  /** Bytes it produced. */
  size: number;
}

/** An assembled program: its bytes, origin, symbols and per-line layout. */
export interface Program {
  /** The flat binary. */
  code: Uint8Array;
  /** Address of `code[0]`. */
  org: number;
  /** Every label and `equ` constant (locals as `global.local`), as unsigned 32-bit numbers. */
  symbols: Map<string, number>;
  /** Address and size of every line that produced bytes or defined a label. */
  lines: LineInfo[];
}

/**
 * Every instruction mnemonic the assembler knows (lower case, sorted): the
 * CPU subset of kernel/ISA.md with nasm's aliases (`jz`/`je`, `sal`, `pusha`).
 *
 * @example
 * ```ts
 * import { MNEMONICS } from "@denali/kernel/asm";
 * console.log(MNEMONICS.includes("cmpxchg8b"), MNEMONICS.includes("fld")); // true false
 * ```
 */
export const MNEMONICS: readonly string[] = [...INSTRUCTIONS.keys()].sort();

/** Passes after which a jump that took its long form keeps it (stops oscillation). */
const STICKY_AFTER = 8;
const MAX_PASSES = 40;

/**
 * Assembles Intel-syntax (nasm-like) source into a flat binary, with the
 * symbol table and the address of every line.
 *
 * @example
 * ```ts
 * import { assembleProgram } from "@denali/kernel/asm";
 * const p = assembleProgram("org 0x10000\nstart: jmp start\nmsg: db 'hi', 0");
 * console.log(p.symbols.get("msg")!.toString(16), p.code); // 10002 Uint8Array [235, 254, 104, 105, 0]
 * ```
 */
export function assembleProgram(source: string, options: AssembleOptions = {}): Program {
  const stmts = parse(source);
  let prev = new Map<string, Value>();
  for (let pass = 0;; pass++) {
    if (pass === MAX_PASSES) {
      throw new AsmError(0, "", `code size does not settle after ${MAX_PASSES} passes`);
    }
    const r = layout(stmts, prev, options, false, pass);
    const stable = sameSymbols(r.symbols, prev);
    prev = r.symbols;
    if (stable) break;
  }
  const r = layout(stmts, prev, options, true, MAX_PASSES);
  const symbols = new Map<string, number>();
  for (const [k, v] of r.symbols) symbols.set(k, Number(BigInt.asUintN(32, v.n)));
  return { code: new Uint8Array(r.bytes), org: r.org, symbols, lines: r.lines };
}

/**
 * Assembles Intel-syntax (nasm-like) source into a flat binary.
 *
 * @example
 * ```ts
 * import { assemble } from "@denali/kernel/asm";
 * const code = assemble("mov eax, 7\nhlt");
 * console.log(code); // Uint8Array [184, 7, 0, 0, 0, 244]
 * ```
 */
export function assemble(source: string, options: AssembleOptions = {}): Uint8Array {
  return assembleProgram(source, options).code;
}

function parse(source: string): Stmt[] {
  const st: ParseState = { global: "", defines: new Map() };
  const stmts: Stmt[] = [];
  source.split("\n").forEach((text, k) => {
    const s = atLine(k + 1, text, () => parseLine(text, k + 1, st));
    if (s !== null) stmts.push(s);
  });
  return stmts;
}

function atLine<T>(line: number, text: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof LineError) throw new AsmError(line, text.trim(), e.message);
    throw e;
  }
}

function sameSymbols(a: Map<string, Value>, b: Map<string, Value>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || w.n !== v.n || w.rel !== v.rel) return false;
  }
  return true;
}

interface Layout {
  bytes: number[];
  org: number;
  symbols: Map<string, Value>;
  lines: LineInfo[];
}

function layout(
  stmts: Stmt[],
  prev: Map<string, Value>,
  options: AssembleOptions,
  final: boolean,
  pass: number,
): Layout {
  const cur = new Map<string, Value>();
  const ctx: EvalCtx = {
    here: 0,
    base: 0,
    lookup: (name) => cur.get(name) ?? prev.get(name),
    missing: null,
    hint: null,
  };
  const org = origin(stmts, ctx, options, final);
  const out: Layout = { bytes: [], org, symbols: cur, lines: [] };
  let addr = org;
  ctx.base = org;
  for (const s of stmts) {
    atLine(s.line, s.text, () => {
      ctx.here = addr;
      ctx.missing = null;
      if (s.label !== null) define(cur, s.label, { n: BigInt(addr), rel: 1 });
      if (s.body.k === "equ") {
        const v = value(evaluate(s.body.expr, ctx), final, ctx);
        if (!v.unknown) define(cur, s.body.name, v);
        return;
      }
      const start = addr;
      const n = s.times === null ? 1 : count(evaluate(s.times, ctx), final, ctx, "TIMES");
      // INVARIANT: `$` stays the address of the statement in every TIMES repetition (nasm)
      for (let k = 0; k < n; k++) {
        const bytes = emit(s.body, ctx, addr, org, final, pass);
        addr += bytes.length;
        if (final) { for (const b of bytes) out.bytes.push(b); }
      }
      if (final && ctx.missing !== null) fail(`undefined symbol '${ctx.missing}'`);
      if (addr > start || s.label !== null) {
        out.lines.push({ line: s.line, address: start, size: addr - start });
      }
    });
  }
  return out;
}

function origin(stmts: Stmt[], ctx: EvalCtx, options: AssembleOptions, final: boolean): number {
  const orgs = stmts.filter((s) => s.body.k === "org");
  if (orgs.length > 1) {
    throw new AsmError(orgs[1]!.line, orgs[1]!.text, "program origin redefined");
  }
  const s = orgs[0];
  if (s === undefined || s.body.k !== "org") return options.org ?? 0;
  const e = s.body.expr;
  return atLine(s.line, s.text, () => {
    const v = value(evaluate(e, ctx), final, ctx);
    if (v.rel !== 0) fail("org needs a number, not an address");
    if (v.n < 0n || v.n > 0xffffffffn) fail(`origin ${v.n} out of range`);
    return Number(v.n);
  });
}

function define(cur: Map<string, Value>, name: string, v: Value): void {
  if (cur.has(name)) fail(`symbol '${name}' redefined`);
  cur.set(name, v);
}

function value(v: Lin, final: boolean, ctx: EvalCtx): Lin {
  if (final && v.unknown) fail(`undefined symbol '${ctx.missing}'`);
  return v;
}

function count(v: Lin, final: boolean, ctx: EvalCtx, what: string): number {
  value(v, final, ctx);
  if (v.unknown) return 0;
  if (v.rel !== 0) fail(`${what} needs a number, not an address`);
  if (v.n < 0n) return final ? fail(`${what} value ${v.n} is negative`) : 0;
  if (v.n > 0x1000_0000n) fail(`${what} value ${v.n} is too large`);
  return Number(v.n);
}

const DATA_RANGE: Record<number, [bigint, bigint]> = {
  1: [-0x80n, 0xffn],
  2: [-0x8000n, 0xffffn],
  4: [-0x8000_0000n, 0xffff_ffffn],
  8: [-(1n << 63n), (1n << 64n) - 1n],
};

function emit(
  b: Body,
  ctx: EvalCtx,
  addr: number,
  org: number,
  final: boolean,
  pass: number,
): number[] {
  switch (b.k) {
    case "none":
    case "org":
    case "equ":
      return [];
    case "data": {
      const out: number[] = [];
      for (const item of b.items) {
        if (item.k === "str") {
          out.push(...item.bytes);
          while (out.length % b.width !== 0) out.push(0);
          continue;
        }
        const v = value(evaluate(item.e, ctx), final, ctx);
        const [lo, hi] = DATA_RANGE[b.width]!;
        if (final && (v.n < lo || v.n > hi)) {
          fail(`value ${v.n} out of range for d${"?bw?d???q"[b.width]}`);
        }
        let x = BigInt.asUintN(64, v.n);
        for (let k = 0; k < b.width; k++, x >>= 8n) out.push(Number(x & 0xffn));
      }
      return out;
    }
    case "res":
      return new Array(count(evaluate(b.count, ctx), final, ctx, "reserve") * b.width).fill(0);
    case "align": {
      const n = count(evaluate(b.n, ctx), final, ctx, "align");
      if (n === 0 || (n & (n - 1)) !== 0) fail(`alignment ${n} is not a power of two`);
      const pad = (n - ((addr - org) % n)) % n;
      if (b.fill === null) return new Array(pad).fill(0);
      const out: number[] = [];
      for (let k = 0; k < pad; k++) {
        out.push(...emit(b.fill, ctx, addr + out.length, org, final, pass));
      }
      return out;
    }
    case "insn": {
      const seg = b.prefixes.find((p) => p !== 0xf0 && p !== 0xf2 && p !== 0xf3) ?? 0;
      const e = new Enc(addr, b.prefixes.length, final, pass >= STICKY_AFTER && b.near);
      if (b.enc !== null) b.enc(e, b.ops.map((o) => resolveOperand(o, ctx)));
      if (pass >= STICKY_AFTER) b.near ||= e.near;
      if (seg !== 0 && e.seg !== 0 && seg !== e.seg) fail("conflicting segment overrides");
      const pre = b.prefixes.filter((p) => p !== seg);
      if (seg !== 0 || e.seg !== 0) pre.push(seg || e.seg);
      if (e.o16) pre.push(0x66);
      return [...pre, ...e.bytes];
    }
  }
}
