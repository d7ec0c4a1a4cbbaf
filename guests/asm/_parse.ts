// The parser: one source line to one statement, once, before the passes.
// A line is `[label[:]] [times N] [prefixes] [mnemonic|directive operands]`;
// `name equ expr`, `%define NAME text` and `[bits 32]` are the other forms.
import { fail } from "./_diag.ts";
import type { Encoder } from "./_enc.ts";
import { type Expr, parseExpr } from "./_expr.ts";
import { INSTRUCTIONS, PREFIXES } from "./_insn.ts";
import { Cursor, type Token, tokenize } from "./_lexer.ts";
import { type OpAst, parseOperand } from "./_operand.ts";
import { register, SEGMENTS } from "./_registers.ts";

/** One item of db/dw/dd/dq: a string (its bytes) or an expression. */
export type DataItem = { k: "str"; bytes: Uint8Array } | { k: "expr"; e: Expr };

/** What a statement does, apart from its label. */
export type Body =
  | { k: "none" }
  | {
    k: "insn";
    /** Prefix bytes written on the line, in nasm's order (rep, lock, segment). */
    prefixes: number[];
    enc: Encoder | null;
    ops: OpAst[];
    /** Relaxation state of a jump: its long form is required (kept once oscillating). */
    near: boolean;
  }
  | { k: "data"; width: number; items: DataItem[] }
  | { k: "res"; width: number; count: Expr }
  | { k: "align"; n: Expr; fill: Body | null }
  | { k: "equ"; name: string; expr: Expr }
  | { k: "org"; expr: Expr };

/** A parsed line. */
export interface Stmt {
  line: number;
  text: string;
  label: string | null;
  times: Expr | null;
  body: Body;
}

/** What the parser carries from line to line. */
export interface ParseState {
  /** The last global (non-local) label: the scope of `.local` labels. */
  global: string;
  /** `%define` names and their replacement tokens. */
  defines: Map<string, Token[]>;
}

const WIDTHS = new Map([["b", 1], ["w", 2], ["d", 4], ["q", 8]]);
const DIRECTIVES = new Set(
  ["db", "dw", "dd", "dq", "resb", "resw", "resd", "resq", "times", "equ", "org", "bits"]
    .concat(["use32", "align", "alignb", "section", "segment"]),
);

function keyword(t: Token | undefined): boolean {
  if (t?.kind !== "id") return false;
  const w = t.text.toLowerCase();
  return INSTRUCTIONS.has(w) || PREFIXES.has(w) || SEGMENTS.has(w) || DIRECTIVES.has(w);
}

/** Parses one line; null for lines with nothing to assemble (blank, comment, %define). */
export function parseLine(text: string, line: number, st: ParseState): Stmt | null {
  let toks = tokenize(text);
  if (toks.length === 0) return null;
  if (toks[0]!.text === "%") return preprocess(toks, st);
  toks = expand(toks, st.defines);
  if (toks[0]!.text === "[" && toks.at(-1)!.text === "]" && keyword(toks[1])) {
    toks = toks.slice(1, -1);
  }
  const c = new Cursor(toks);
  const qualify = (name: string) =>
    name.startsWith(".") && !name.startsWith("..") ? st.global + name : name;
  let label: string | null = null;
  const t0 = c.peek()!;
  if (t0.kind === "id" && !keyword(t0)) {
    const colon = c.peek(1)?.text === ":";
    if (colon || c.peek(1) === undefined || keyword(c.peek(1))) {
      if (register(t0.text) !== undefined) fail(`'${t0.text}' is a register, not a label`);
      label = qualify(t0.text);
      if (!t0.text.startsWith(".")) st.global = t0.text;
      c.pos += colon ? 2 : 1;
    }
  }
  if (label !== null && c.isWord("equ")) {
    const expr = parseExpr(c, qualify);
    end(c);
    return {
      line,
      text: text.trim(),
      label: null,
      times: null,
      body: { k: "equ", name: label, expr },
    };
  }
  let times: Expr | null = null;
  if (c.isWord("times")) times = parseExpr(c, qualify);
  const body = parseBody(c, qualify);
  return { line, text: text.trim(), label, times, body };
}

function parseBody(c: Cursor, qualify: (name: string) => string): Body {
  const reps: number[] = [], locks: number[] = [], segs: number[] = [];
  for (;;) {
    const w = c.peek()?.kind === "id" ? c.peek()!.text.toLowerCase() : "";
    const p = PREFIXES.get(w), s = SEGMENTS.get(w);
    if (p !== undefined) (p === 0xf0 ? locks : reps).push(p);
    else if (s !== undefined && c.peek(1)?.text !== ":") segs.push(s);
    else break;
    c.next();
  }
  if (reps.length > 1 || locks.length > 1 || segs.length > 1) fail("repeated prefix");
  const prefixes = [...reps, ...locks, ...segs];
  if (c.eof()) {
    return prefixes.length
      ? { k: "insn", prefixes, enc: null, ops: [], near: false }
      : { k: "none" };
  }
  const t = c.next();
  if (t.kind !== "id") fail(`expected an instruction but found '${t.text}'`);
  const w = t.text.toLowerCase();
  const enc = INSTRUCTIONS.get(w);
  if (enc !== undefined) {
    const ops: OpAst[] = [];
    while (!c.eof()) {
      ops.push(parseOperand(c, qualify));
      if (!c.eof() && !c.isOp(",")) fail(`expected ','${c.describe()}`);
    }
    return { k: "insn", prefixes, enc, ops, near: false };
  }
  if (!DIRECTIVES.has(w) || w === "times" || w === "equ") fail(`unknown instruction '${t.text}'`);
  if (prefixes.length) fail(`prefix before directive '${t.text}'`);
  const body = directive(w, c, qualify);
  end(c);
  return body;
}

function directive(w: string, c: Cursor, qualify: (name: string) => string): Body {
  if (w[0] === "d" && w.length === 2) {
    const items: DataItem[] = [];
    do {
      const t = c.peek();
      const next = c.peek(1);
      if (t?.kind === "str" && (next === undefined || next.text === ",")) {
        c.next();
        items.push({ k: "str", bytes: t.bytes! });
      } else items.push({ k: "expr", e: parseExpr(c, qualify) });
    } while (c.isOp(","));
    return { k: "data", width: WIDTHS.get(w[1]!)!, items };
  }
  if (w.startsWith("res")) {
    return { k: "res", width: WIDTHS.get(w[3]!)!, count: parseExpr(c, qualify) };
  }
  if (w === "align" || w === "alignb") {
    const n = parseExpr(c, qualify);
    let fill: Body | null = w === "alignb" ? null : { k: "data", width: 1, items: [nop] };
    if (c.isOp(",")) fill = parseBody(c, qualify);
    return { k: "align", n, fill };
  }
  if (w === "org") return { k: "org", expr: parseExpr(c, qualify) };
  if (w === "bits") {
    const t = c.next();
    if (t.kind !== "num" || t.value !== 32n) fail("only 'bits 32' is supported");
  } else if (w === "section" || w === "segment") {
    const t = c.next();
    if (t.text !== ".text") fail("only one section (.text) is supported in a flat binary");
    while (!c.eof()) c.next(); // section attributes such as align=16 do not matter here
  }
  return { k: "none" };
}

const nop: DataItem = { k: "expr", e: { k: "num", v: 0x90n } };

function end(c: Cursor): void {
  if (!c.eof()) fail(`unexpected '${c.peek()!.text}'`);
}

function preprocess(toks: Token[], st: ParseState): null {
  const w = toks[1]?.text.toLowerCase();
  const name = toks[2];
  if ((w !== "define" && w !== "undef") || name?.kind !== "id") {
    fail(`unsupported preprocessor line (only %define NAME value and %undef NAME)`);
  }
  if (w === "undef") st.defines.delete(name.text);
  else st.defines.set(name.text, expand(toks.slice(3), st.defines));
  return null;
}

function expand(toks: Token[], defines: Map<string, Token[]>): Token[] {
  if (defines.size === 0) return toks;
  return toks.flatMap((t) => (t.kind === "id" ? defines.get(t.text) : undefined) ?? [t]);
}
