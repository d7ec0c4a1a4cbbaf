// Operands: parsed once (register, memory reference or immediate, with size
// keywords), resolved in every pass. Resolving a memory reference picks base,
// index and scale the way nasm does: registers sorted by name, the first with
// coefficient 1 is the base, swapped with the index when the hint from
// evaluation says so (see _expr.ts); `[r*2]`, `[r*3]`, `[r*5]`, `[r*9]` become
// `[r+r*k]`, and ESP is swapped out of the index position.
import { type EvalCtx, evaluate, type Expr, type Hint, parseExpr } from "./_expr.ts";
import { fail } from "./_diag.ts";
import type { Cursor } from "./_lexer.ts";
import { ESP, type Reg, register, SEGMENTS, SIZES } from "./_registers.ts";

/** An operand as written. */
export type OpAst =
  | { k: "reg"; reg: Reg }
  | { k: "mem"; size: number; seg: number; expr: Expr }
  | { k: "imm"; size: number; strict: boolean; dist: Dist; expr: Expr };

/** A jump distance keyword: none, `short` or `near`. */
export type Dist = "" | "short" | "near";

/** A resolved number: value, section-relative term count, unknown this pass. */
export interface Val {
  n: bigint;
  rel: number;
  unknown: boolean;
}

/** A general-register operand. */
export interface RegOp {
  k: "reg";
  num: number;
  size: 1 | 2 | 4;
  name: string;
}

/** A memory operand: size 0 when not specified; base/index -1 when absent. */
export interface MemOp {
  k: "mem";
  size: number;
  seg: number;
  base: number;
  index: number;
  /** log2 of the scale. */
  scale: number;
  disp: Val;
}

/** An immediate (also jump targets and port numbers). */
export interface ImmOp {
  k: "imm";
  size: number;
  strict: boolean;
  dist: Dist;
  v: Val;
}

/** A resolved operand. */
export type Op = RegOp | MemOp | ImmOp;

/** Parses one operand at the cursor (up to the next top-level comma). */
export function parseOperand(c: Cursor, qualify: (name: string) => string): OpAst {
  let size = 0, strict = false, dist: Dist = "";
  for (;;) {
    const t = c.peek();
    if (t?.kind !== "id") break;
    const w = t.text.toLowerCase();
    const s = SIZES.get(w);
    if (s !== undefined) {
      if (size !== 0 && size !== s) fail(`conflicting sizes '${t.text}'`);
      size = s;
      c.next();
      c.isWord("ptr");
    } else if (w === "strict") {
      strict = true;
      c.next();
    } else if (w === "short" || w === "near") {
      dist = w;
      c.next();
    } else if (w === "far") fail("far jumps and calls are not supported");
    else break;
  }
  const t = c.peek();
  const seg = t?.kind === "id" ? SEGMENTS.get(t.text.toLowerCase()) : undefined;
  if (seg !== undefined && c.peek(1)?.text === ":") {
    c.next();
    c.next();
    c.expect("[");
    return memory(c, size, seg, qualify);
  }
  if (c.isOp("[")) return memory(c, size, 0, qualify);
  if (t?.kind === "id") {
    const reg = register(t.text);
    const after = c.peek(1);
    if (reg !== undefined && (after === undefined || after.text === ",")) {
      c.next();
      if (size !== 0 && size !== reg.size) fail("mismatch in operand sizes");
      return { k: "reg", reg };
    }
  }
  return { k: "imm", size, strict, dist, expr: parseExpr(c, qualify) };
}

function memory(c: Cursor, size: number, seg: number, qualify: (n: string) => string): OpAst {
  const t = c.peek();
  const inner = t?.kind === "id" ? SEGMENTS.get(t.text.toLowerCase()) : undefined;
  if (inner !== undefined && c.peek(1)?.text === ":") {
    if (seg !== 0) fail("two segment overrides");
    seg = inner;
    c.next();
    c.next();
  }
  const expr = parseExpr(c, qualify);
  c.expect("]");
  return { k: "mem", size, seg, expr };
}

const LOG2 = new Map([[1n, 0], [2n, 1], [4n, 2], [8n, 3]]);
// Rank of eax..edi (by number) in alphabetical order: eax ebp ebx ecx edi edx esi esp.
const NAME_ORDER = [0, 3, 5, 2, 7, 1, 6, 4];

/** Resolves a parsed operand in the current pass. */
export function resolveOperand(o: OpAst, ctx: EvalCtx): Op {
  if (o.k === "reg") return { k: "reg", num: o.reg.num, size: o.reg.size, name: o.reg.name };
  if (o.k === "imm") {
    const v = evaluate(o.expr, ctx, false);
    return { k: "imm", size: o.size, strict: o.strict, dist: o.dist, v };
  }
  ctx.hint = null;
  const v = evaluate(o.expr, ctx, true);
  const hint = ctx.hint as Hint | null; // set by evaluate()
  // nasm sorts the terms by register name; a coefficient-1 register is the base
  let base = -1, index = -1, scale = 0n;
  for (const [r, k] of [...v.regs].sort((x, y) => NAME_ORDER[x[0]]! - NAME_ORDER[y[0]]!)) {
    if (k === 1n && base < 0) base = r;
    else if (index < 0) [index, scale] = [r, k];
    else {fail(
        `invalid effective address: ${base < 0 ? "two index registers" : "too many registers"}`,
      );}
  }
  const swap = hint !== null &&
    ((hint.kind === "not" && hint.reg === base) || (hint.kind === "make" && hint.reg === index));
  if (scale === 1n && base >= 0 && swap) [base, index] = [index, base];
  if (base < 0 && ((scale === 2n && index !== ESP) || [3n, 5n, 9n].includes(scale))) {
    base = index;
    scale--;
  }
  if (scale === 1n && index === ESP) [base, index] = [index, base];
  const log = index < 0 ? 0 : LOG2.get(scale);
  if (log === undefined || index === ESP) fail("invalid effective address");
  return {
    k: "mem",
    size: o.size,
    seg: o.seg,
    base,
    index,
    scale: log,
    disp: { n: v.n, rel: v.rel, unknown: v.unknown },
  };
}
