/**
 * Random instruction lines for comparing guests/asm with nasm: every mnemonic
 * the assembler knows, in every operand form, with registers, immediates (the
 * imm8/imm32 boundaries especially) and memory operands (every base, index and
 * scale, displacements around the disp8 limits, terms in any order, segment
 * overrides) drawn from a seeded PRNG, plus jumps to labels near and far.
 *
 * @module
 */
import { assert } from "./_assert.ts";
import { nasm } from "./_nasm.ts";
import { assembleProgram } from "../guests/asm/mod.ts";
import { prng } from "../scenarios/_zipf.ts";

const ORG = 0x10000;

const R: Record<number, string[]> = {
  1: ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"],
  2: ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"],
  4: ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"],
};
const KW: Record<number, string> = { 1: "byte", 2: "word", 4: "dword" };
const EDGE: Record<number, number[]> = {
  1: [0, 1, 2, 0x7f, 0x80, 0xff, -1, -0x80],
  2: [0, 1, 0x7f, 0x80, -0x80, -0x81, 0xff, 0x100, 0x7fff, 0x8000, 0xff80, 0xffff, -1, -0x8000],
  4: [0, 1, 0x7f, 0x80, -0x80, -0x81, 0xffff, 0x7fffffff, 0x80000000, 0xffffff80, 0xffffffff, -1],
};

/** Generates instruction lines. */
export class Corpus {
  readonly lines: string[] = [];
  #rnd: () => number;
  #labels = 0;

  constructor(seed: number) {
    this.#rnd = prng(seed);
  }

  int(n: number): number {
    return Math.floor(this.#rnd() * n);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  size(): 1 | 2 | 4 {
    return this.pick([1, 2, 4, 4] as const);
  }

  wide(): 2 | 4 {
    return this.pick([2, 4, 4] as const);
  }

  reg(size: number): string {
    return this.pick(R[size]!);
  }

  /** A number formatted in one of nasm's ways. */
  num(v: number): string {
    const f = this.int(5);
    if (v < 0) return f === 0 ? `-0x${(-v).toString(16)}` : `${v}`;
    if (f === 0) return `0x${v.toString(16)}`;
    if (f === 1) return `0${v.toString(16)}h`;
    if (f === 2 && v < 256) return `0b${v.toString(2)}`;
    return `${v}`;
  }

  /** An immediate that fits `size` bytes: a boundary value or a random one. */
  imm(size: number): string {
    if (this.int(2) === 0) return this.num(this.pick(EDGE[size]!));
    const bits = size * 8;
    const v = Math.floor(this.#rnd() * 2 ** bits) - (this.int(2) ? 2 ** (bits - 1) : 0);
    return this.num(v);
  }

  /** A displacement: none, around the disp8 limits, or large. */
  disp(): number {
    return this.pick([0, 0, 1, 4, 0x7f, 0x80, -0x80, -0x81, -4, 0x1234, 0x12345678, -0x10000]
      .concat([0xffffff80, 0xffffffff, 0xfffffff0]));
  }

  /**
   * A memory operand with optional size keyword and segment override: a base,
   * an index (`r*s`, `s*r`, `r*1` or `r`), displacements (sometimes split in two
   * numbers, which changes nasm's choice of base), in any order.
   */
  mem(size: number): string {
    const base = this.int(5) === 0 ? "" : this.reg(4);
    let index = this.int(3) === 0 ? "" : this.pick(R[4]!.filter((r) => r !== "esp"));
    let scale = this.pick([1, 1, 2, 4, 8, 3, 5, 9]);
    if (base === "" && index === "" && this.int(3) === 0) [index, scale] = [this.reg(4), 1];
    if (base !== "" && [3, 5, 9].includes(scale)) scale = 2;
    if (base === index && scale > 2) scale = 2;
    const terms: string[] = [];
    if (base !== "") terms.push(base);
    if (index !== "") {
      const form = this.int(4);
      terms.push(
        scale === 1 && form < 2
          ? (form ? index : `${index}*1`)
          : form === 3
          ? `${scale}*${index}`
          : `${index}*${scale}`,
      );
    }
    const d = this.disp();
    if (d !== 0 || terms.length === 0 || this.int(4) === 0) {
      if (this.int(4) === 0) {
        const part = this.pick([1, 4, 0x80, -4]);
        terms.push(this.signed(part), this.signed(d - part));
      } else terms.push(this.signed(d));
    }
    for (let k = terms.length - 1; k > 0; k--) {
      const j = this.int(k + 1);
      [terms[k], terms[j]] = [terms[j]!, terms[k]!];
    }
    let inner = terms.join(" + ").replaceAll("+ -", "- ");
    if (inner.startsWith("-")) inner = `0 ${inner.replace(/^-/, "- ")}`;
    const seg = this.pick(["", "", "", "", "", "fs:", "gs:", "ds:", "es:"]);
    const kw = size ? `${KW[size]} ` : "";
    return seg !== "" && this.int(2) ? `${kw}${seg}[${inner}]` : `${kw}[${seg}${inner}]`;
  }

  /** A number term: negative ones as `-n` (joined as `- n`). */
  signed(v: number): string {
    return v < 0 ? `-${this.num(-v)}` : this.num(v);
  }

  /** A register or memory operand of `size` (memory always sized). */
  rm(size: number): string {
    return this.int(2) ? this.reg(size) : this.mem(size);
  }

  add(line: string): void {
    this.lines.push(line);
  }

  /** A label line; returns its name. */
  label(): string {
    const name = `L${this.#labels++}`;
    this.add(`${name}:`);
    return name;
  }

  /** The name of some label (defined before or after), for far and near jumps. */
  target(): string {
    return `L${this.int(Math.max(this.#labels + 5, 1))}`;
  }

  /** Defines every label that `target()` may have named and was not defined yet. */
  closeLabels(): void {
    for (let k = 0; k < 5; k++) this.label();
  }
}

const ALU = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
const SHIFTS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
const CC = ["o", "no", "b", "c", "nae", "ae", "nb", "nc", "e", "z", "ne", "nz", "be", "na", "a"]
  .concat([
    "nbe",
    "s",
    "ns",
    "p",
    "pe",
    "np",
    "po",
    "l",
    "nge",
    "ge",
    "nl",
    "le",
    "ng",
    "g",
    "nle",
  ]);
const FIXED = ["hlt", "cld", "std", "clc", "stc", "cmc", "cli", "sti", "lahf", "sahf", "int3"]
  .concat(["ud2", "cpuid", "rdtsc", "vmcall", "pause", "endbr32", "iret", "iretd", "leave"])
  .concat(["pushad", "pusha", "popad", "popa", "pushfd", "pushf", "popfd", "popf", "cbw"])
  .concat(["cwde", "cwd", "cdq", "nop", "ret", "retn"]);
const STRINGS = ["movs", "cmps", "stos", "lods", "scas"];

/** One random line (or a few) of every instruction family. */
function round(c: Corpus): void {
  const s = c.size(), w = c.wide();
  for (const op of ALU) {
    const t = c.size();
    c.add(`${op} ${c.rm(t)}, ${c.reg(t)}`);
    c.add(`${op} ${c.reg(t)}, ${c.rm(t)}`);
    c.add(`${op} ${c.rm(t)}, ${c.imm(t)}`);
    c.add(`${op} ${c.pick(["al", "ax", "eax"])}, ${c.imm(1)}`);
    c.add(`${op} ${c.rm(w)}, byte ${c.num(c.int(256) - 128)}`);
  }
  c.add(`test ${c.rm(s)}, ${c.reg(s)}`);
  c.add(`test ${c.reg(s)}, ${c.mem(c.int(2) ? s : 0)}`);
  c.add(`test ${c.rm(s)}, ${c.imm(s)}`);
  c.add(`test ${c.pick(["al", "ax", "eax"])}, ${c.imm(1)}`);
  for (const op of ["inc", "dec", "not", "neg", "mul", "div", "idiv", "imul"]) {
    c.add(`${op} ${c.rm(c.size())}`);
  }
  c.add(`imul ${c.reg(w)}, ${c.rm(w)}`);
  c.add(`imul ${c.reg(w)}, ${c.imm(w)}`);
  c.add(`imul ${c.reg(w)}, ${c.rm(w)}, ${c.imm(w)}`);
  for (const op of SHIFTS) {
    const t = c.size();
    c.add(`${op} ${c.rm(t)}, ${c.pick(["1", "cl", `${c.int(256)}`, "1", "byte 1"])}`);
  }
  for (const op of ["shld", "shrd"]) {
    c.add(`${op} ${c.rm(w)}, ${c.reg(w)}, ${c.pick(["cl", `${c.int(256)}`])}`);
  }
  for (const op of ["bt", "bts", "btr", "btc"]) {
    c.add(`${op} ${c.rm(w)}, ${c.int(2) ? c.reg(w) : c.int(256)}`);
  }
  for (const op of ["bsf", "bsr"]) c.add(`${op} ${c.reg(w)}, ${c.rm(w)}`);
  c.add(`bswap ${c.reg(4)}`);
  for (const op of ["xadd", "cmpxchg"]) {
    c.add(`${c.pick(["", "lock "])}${op} ${c.rm(s)}, ${c.reg(s)}`);
  }
  c.add(`cmpxchg8b ${c.mem(0).replace(/^/, c.int(2) ? "qword " : "")}`);
  c.add(`mov ${c.rm(s)}, ${c.reg(s)}`);
  c.add(`mov ${c.reg(s)}, ${c.rm(s)}`);
  c.add(`mov ${c.reg(s)}, ${c.imm(s)}`);
  c.add(`mov ${c.mem(s)}, ${c.imm(s)}`);
  c.add(`mov ${R[s]![0]}, [${c.pick(["", "fs:", "gs:"])}${c.num(c.int(0x100000))}]`);
  c.add(`mov [${c.pick(["", "fs:"])}${c.num(c.int(0x100000))}], ${R[s]![0]}`);
  c.add(`${c.pick(["movzx", "movsx"])} ${c.reg(w)}, ${c.rm(1)}`);
  c.add(`${c.pick(["movzx", "movsx"])} ${c.reg(4)}, ${c.rm(2)}`);
  c.add(`lea ${c.reg(w)}, ${c.mem(c.pick([0, 0, w]))}`);
  c.add(`xchg ${c.reg(s)}, ${c.rm(s)}`);
  c.add(`xchg ${c.mem(s)}, ${c.reg(s)}`);
  c.add(c.int(2) ? `xchg ${R[w]![0]}, ${c.reg(w)}` : `xchg ${c.reg(w)}, ${R[w]![0]}`);
  c.add(`${c.pick(["push", "pop"])} ${c.rm(w)}`);
  c.add(`push ${c.pick(["", "dword ", "word "])}${c.imm(2)}`.replace("word -0x8000", "word 0"));
  c.add(`push ${c.imm(4)}`);
  c.add(`push byte ${c.int(256) - 128}`);
  const cc = c.pick(CC);
  c.add(`cmov${cc} ${c.reg(w)}, ${c.rm(w)}`);
  c.add(`set${c.pick(CC)} ${c.int(2) ? c.reg(1) : c.mem(c.pick([0, 1]))}`);
  c.add(
    `j${c.pick(CC)} ${c.pick(["", "", "near ", "short $+"])}${c.target()}`.replace(
      /short \$\+L\d+/,
      "short $+2",
    ),
  );
  c.add(`jmp ${c.pick(["", "", "near "])}${c.target()}`);
  // nasm reads `jmp fs:[x]` as a far jump: keep the override inside the brackets
  const inner = (m: string) => m.replace(/(\w\w):\[/, "[$1:");
  c.add(`jmp ${c.pick(["short $", "$", "eax", c.reg(4), inner(c.mem(c.pick([0, 4])))])}`);
  c.add(`call ${c.pick([c.target(), c.reg(4), inner(c.mem(c.pick([0, 4]))), "$"])}`);
  const near = c.label();
  c.add(
    `${c.pick(["loop", "loope", "loopz", "loopne", "loopnz", "jecxz"])} ${
      c.pick([near, "$", "$+2"])
    }`,
  );
  c.add(`ret ${c.imm(2).replace(/^-0x8000$/, "0")}`);
  c.add(`enter ${c.int(0x10000)}, ${c.int(256)}`);
  c.add(`int ${c.int(256)}`);
  const acc = c.pick(["al", "ax", "eax"]);
  c.add(`in ${acc}, ${c.int(2) ? "dx" : c.int(256)}`);
  c.add(`out ${c.int(2) ? "dx" : c.int(256)}, ${acc}`);
  for (const op of STRINGS) {
    const rep = op === "cmps" || op === "scas"
      ? c.pick(["", "repe ", "repz ", "repne ", "repnz "])
      : c.pick(["", "rep "]);
    c.add(`${rep}${op}${c.pick(["b", "w", "d"])}`);
  }
  c.add(c.pick(FIXED));
  c.add(`nop ${c.rm(w)}`);
  c.add(`lock ${c.pick(ALU)} ${c.mem(s)}, ${c.reg(s)}`);
  c.add(`${c.pick(["fs", "gs"])} ${c.pick(["movsb", "lodsd", "stosw"])}`);
  c.add(`mov eax, [ebx + ${c.target()}]`);
  c.add(`mov ${R[s]![0]}, [${c.target()}]`);
  const regs2 = `${c.reg(4)} + ${c.pick(["", `${c.reg(4).replace("esp", "eax")} + `])}`;
  c.add(`lea ${c.reg(w)}, [${regs2}${c.target()} - ${c.target()}]`);
  c.add(
    `${c.pick(["push", "add ecx,", "imul edx,", "sub word [eax],"])} ${c.target()} - ${c.target()}`,
  );
  c.add(`${c.pick(["push", "mov ecx,", "add edx,"])} ${c.target()}`);
}

/** `rounds` rounds of every family, then the labels they jump to; ends with every fixed opcode. */
export function corpus(seed: number, rounds: number): string[] {
  const c = new Corpus(seed);
  for (let k = 0; k < rounds; k++) {
    round(c);
    if (c.int(3) === 0) c.label();
    if (c.int(4) === 0) c.add(`times ${c.int(200)} nop`);
  }
  for (const op of FIXED) c.add(op);
  for (const op of STRINGS) for (const x of ["b", "w", "d"]) c.add(op + x);
  for (const x of CC) c.add(`j${x} $`), c.add(`set${x} al`), c.add(`cmov${x} eax, ebx`);
  c.closeLabels();
  return c.lines;
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

/** Assembles `lines` with both assemblers and fails naming the first line that differs. */
export async function sameAsNasm(lines: string[]): Promise<void> {
  const source = lines.join("\n");
  const theirs = await nasm(source, ORG);
  // tests/_nasm.ts prepends two lines (BITS 32, org): line numbers below are ours
  const ours = assembleProgram(`org ${ORG}\n${source}`);
  let i = 0;
  while (i < theirs.length && i < ours.code.length && theirs[i] === ours.code[i]) i++;
  if (i === theirs.length && i === ours.code.length) return;
  const at = ours.lines.find((l) => ORG + i >= l.address && ORG + i < l.address + l.size) ??
    ours.lines.at(-1)!;
  const off = at.address - ORG;
  assert.fail(
    `bytes differ from nasm at line ${at.line - 1}: ${lines[at.line - 2]}\n` +
      `  ours: ${hex(ours.code.slice(off, off + at.size))}\n` +
      `  nasm: ${hex(theirs.slice(off, off + at.size + 4))} ...`,
  );
}
