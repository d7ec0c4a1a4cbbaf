// Expressions: parsed once into a tree, evaluated in every pass. Values are
// 64-bit (as in nasm: `/` and `%` unsigned, `//` and `%%` signed, `>>`
// logical) and carry how many section-relative terms they hold (`rel`: a label,
// `$` and `$$` count 1, so `label - $$` is a plain number). Inside brackets an
// expression may also hold registers, collected with their coefficients, and
// evaluation keeps nasm's base-register hint: the first register written is
// the base unless it was multiplied, and summing two like terms (two numbers,
// a register twice) drops the hint.
import type { Cursor } from "./_lexer.ts";
import { fail } from "./_diag.ts";
import { type Reg, register } from "./_registers.ts";

/** An expression tree. */
export type Expr =
  | { k: "num"; v: bigint }
  | { k: "sym"; name: string }
  | { k: "here" }
  | { k: "base" }
  | { k: "reg"; reg: Reg }
  | { k: "un"; op: string; a: Expr }
  | { k: "bin"; op: string; a: Expr; b: Expr };

/** A symbol's value: a number and its count of section-relative terms. */
export interface Value {
  n: bigint;
  rel: number;
}

/** An evaluated expression: a value, maybe registers, maybe unknown this pass. */
export interface Lin extends Value {
  /** Some symbol is not defined (yet): `n` is a placeholder. */
  unknown: boolean;
  /** Register number -> coefficient. */
  regs: Map<number, bigint>;
  /** A number term exists (even if 0): false for bare registers. */
  num: boolean;
}

/** nasm's base-register hint: `make` (first register), `not` (it was multiplied), `summed`. */
export interface Hint {
  kind: "make" | "not" | "summed";
  reg: number;
}

/** What evaluation needs: `$`, `$$`, symbols, and the base-register hint. */
export interface EvalCtx {
  here: number;
  base: number;
  lookup(name: string): Value | undefined;
  /** First symbol found undefined, for the error message of the last pass. */
  missing: string | null;
  /** nasm's base-register hint for the memory operand being evaluated (null: none yet). */
  hint: Hint | null;
}

const LEVELS: string[][] = [["|"], ["^"], ["&"], ["<<", ">>"], ["+", "-"], [
  "*",
  "/",
  "//",
  "%",
  "%%",
]];

/** Parses an expression at the cursor; `qualify` expands local labels (`.x`). */
export function parseExpr(c: Cursor, qualify: (name: string) => string): Expr {
  const level = (n: number): Expr => {
    if (n === LEVELS.length) return unary();
    let a = level(n + 1);
    for (;;) {
      const t = c.peek();
      if (t?.kind !== "op" || !LEVELS[n]!.includes(t.text)) return a;
      c.next();
      a = { k: "bin", op: t.text, a, b: level(n + 1) };
    }
  };
  const unary = (): Expr => {
    const t = c.peek();
    if (t?.kind === "op" && ["-", "+", "~", "!"].includes(t.text)) {
      c.next();
      return { k: "un", op: t.text, a: unary() };
    }
    return primary();
  };
  const primary = (): Expr => {
    const t = c.peek();
    if (t === undefined) fail("expected an expression at end of line");
    c.next();
    if (t.kind === "num" || t.kind === "str") return { k: "num", v: t.value };
    if (t.kind === "op" && t.text === "$") return { k: "here" };
    if (t.kind === "op" && t.text === "$$") return { k: "base" };
    if (t.kind === "op" && t.text === "(") {
      const e = level(0);
      c.expect(")");
      return e;
    }
    if (t.kind === "id") {
      const reg = register(t.text);
      if (reg !== undefined) return { k: "reg", reg };
      return { k: "sym", name: qualify(t.text) };
    }
    return fail(`expected an expression but found '${t.text}'`);
  };
  return level(0);
}

const scalar = (v: Lin) => v.rel === 0 && v.regs.size === 0;
const I64 = (v: bigint) => BigInt.asIntN(64, v);
const U64 = (v: bigint) => BigInt.asUintN(64, v);

function lin(
  n: bigint,
  rel = 0,
  unknown = false,
  regs = new Map<number, bigint>(),
  num = true,
): Lin {
  return { n: I64(n), rel, unknown, regs, num };
}

function scale(v: Lin, k: bigint, ctx: EvalCtx, hint: boolean): Lin {
  const regs = new Map<number, bigint>();
  for (const [r, c] of v.regs) regs.set(r, c * k);
  if (hint && ctx.hint?.kind === "make" && v.regs.has(ctx.hint.reg)) ctx.hint.kind = "not";
  return lin(v.n * k, v.rel * Number(k), v.unknown, regs, v.num);
}

// Adds like terms; a non-zero sum of two like terms drops the hint (nasm's
// EAH_SUMMED), a zero sum drops the term. The number term compared is the
// section offset (value less org for each label), as nasm sees it.
function addLin(a: Lin, b: Lin, sign: bigint, ctx: EvalCtx): Lin {
  const summed = () => (ctx.hint = { kind: "summed", reg: -1 });
  const regs = new Map(a.regs);
  for (const [r, c] of b.regs) {
    const sum = (regs.get(r) ?? 0n) + sign * c;
    if (!regs.has(r)) regs.set(r, sum);
    else if (sum === 0n) regs.delete(r);
    else regs.set(r, sum), summed();
  }
  const rel = a.rel + Number(sign) * b.rel;
  if (a.rel !== 0 && b.rel !== 0 && rel !== 0) summed();
  let num = a.num || b.num;
  if (a.num && b.num) {
    const org = BigInt(ctx.base);
    const offset = a.n - BigInt(a.rel) * org + sign * (b.n - BigInt(b.rel) * org);
    if (offset !== 0n) summed();
    else num = false;
  }
  return lin(a.n + sign * b.n, rel, a.unknown || b.unknown, regs, num);
}

/** Evaluates `e`. Registers are allowed only when `allowRegs` (inside brackets). */
export function evaluate(e: Expr, ctx: EvalCtx, allowRegs = false): Lin {
  switch (e.k) {
    case "num":
      return lin(e.v);
    case "here":
      return lin(BigInt(ctx.here), 1);
    case "base":
      return lin(BigInt(ctx.base), 1);
    case "sym": {
      const v = ctx.lookup(e.name);
      if (v !== undefined) return lin(v.n, v.rel);
      ctx.missing ??= e.name;
      return lin(0n, 0, true);
    }
    case "reg": {
      if (!allowRegs) fail(`register '${e.reg.name}' cannot be used in an expression`);
      if (e.reg.size === 2) fail("16-bit addressing is not supported");
      if (e.reg.size !== 4) fail(`register '${e.reg.name}' cannot be used in an address`);
      ctx.hint ??= { kind: "make", reg: e.reg.num };
      return lin(0n, 0, false, new Map([[e.reg.num, 1n]]), false);
    }
    case "un": {
      const a = evaluate(e.a, ctx, allowRegs);
      if (e.op === "+") return a;
      if (e.op === "-") return scale(a, -1n, ctx, false);
      need(a, e.op);
      return lin(e.op === "~" ? ~a.n : a.n === 0n ? 1n : 0n, 0, a.unknown);
    }
    case "bin":
      return binary(e.op, evaluate(e.a, ctx, allowRegs), evaluate(e.b, ctx, allowRegs), ctx);
  }
}

function need(v: Lin, op: string): void {
  if (v.regs.size > 0) fail(`operator '${op}' cannot be applied to a register`);
  if (v.rel !== 0 && !v.unknown) fail(`operator '${op}' needs a number, not an address`);
}

function binary(op: string, a: Lin, b: Lin, ctx: EvalCtx): Lin {
  if (op === "+") return addLin(a, b, 1n, ctx);
  if (op === "-") return addLin(a, b, -1n, ctx);
  if (op === "*") {
    if (scalar(a)) return { ...scale(b, a.n, ctx, true), unknown: a.unknown || b.unknown };
    if (scalar(b)) return { ...scale(a, b.n, ctx, true), unknown: a.unknown || b.unknown };
    return fail("cannot multiply two addresses or registers");
  }
  need(a, op);
  need(b, op);
  const unknown = a.unknown || b.unknown;
  const x = a.n, y = b.n;
  if ((op === "/" || op === "//" || op === "%" || op === "%%") && y === 0n) {
    return unknown ? lin(0n, 0, true) : fail("division by zero");
  }
  switch (op) {
    case "/":
      return lin(U64(x) / U64(y), 0, unknown);
    case "//":
      return lin(x / y, 0, unknown);
    case "%":
      return lin(U64(x) % U64(y), 0, unknown);
    case "%%":
      return lin(x % y, 0, unknown);
    case "<<":
      return lin(y < 0n || y > 63n ? 0n : x << y, 0, unknown);
    case ">>":
      return lin(y < 0n || y > 63n ? 0n : U64(x) >> y, 0, unknown);
    case "&":
      return lin(x & y, 0, unknown);
    case "|":
      return lin(x | y, 0, unknown);
    default:
      return lin(x ^ y, 0, unknown);
  }
}

/** Evaluates a plain number (no registers): for immediates, data and directives. */
export function evalValue(e: Expr, ctx: EvalCtx): Lin {
  return evaluate(e, ctx, false);
}
