// The instruction table: mnemonic -> encoder. This is the data the assembler
// is driven by; the encoders live in _insn_alu.ts, _insn_move.ts and
// _insn_flow.ts. Everything here is in the CPU subset of kernel/ISA.md.
import { arity, type Encoder, need, reg, rm, wide } from "./_enc.ts";
import { fail } from "./_diag.ts";
import * as A from "./_insn_alu.ts";
import * as F from "./_insn_flow.ts";
import * as M from "./_insn_move.ts";

const table = new Map<string, Encoder>();

// Instructions without operands: their bytes, 0x66 first for the 16-bit forms.
const FIXED: [string, number[]][] = [
  ["hlt", [0xf4]],
  ["cld", [0xfc]],
  ["std", [0xfd]],
  ["clc", [0xf8]],
  ["stc", [0xf9]],
  ["cmc", [0xf5]],
  ["cli", [0xfa]],
  ["sti", [0xfb]],
  ["lahf", [0x9f]],
  ["sahf", [0x9e]],
  ["int3", [0xcc]],
  ["ud2", [0x0f, 0x0b]],
  ["cpuid", [0x0f, 0xa2]],
  ["rdtsc", [0x0f, 0x31]],
  ["vmcall", [0x0f, 0x01, 0xc1]],
  ["pause", [0xf3, 0x90]],
  ["endbr32", [0xf3, 0x0f, 0x1e, 0xfb]],
  ["iret", [0xcf]],
  ["iretd", [0xcf]],
  ["leave", [0xc9]],
  ["pushad", [0x60]],
  ["pusha", [0x60]],
  ["popad", [0x61]],
  ["popa", [0x61]],
  ["pushfd", [0x9c]],
  ["pushf", [0x9c]],
  ["popfd", [0x9d]],
  ["popf", [0x9d]],
  ["cbw", [0x66, 0x98]],
  ["cwde", [0x98]],
  ["cwd", [0x66, 0x99]],
  ["cdq", [0x99]],
];
for (const [name, bytes] of FIXED) {
  const o16 = bytes[0] === 0x66 && bytes.length > 1;
  table.set(name, (e, ops) => {
    arity(ops, 0);
    if (o16) e.size(2), e.op(...bytes.slice(1));
    else e.op(...bytes);
  });
}

// String instructions: b, w, d forms of each.
const STRINGS: [string, number][] = [["movs", 0xa4], ["cmps", 0xa6], ["stos", 0xaa], [
  "lods",
  0xac,
], ["scas", 0xae]];
for (const [name, op] of STRINGS) {
  for (const [suffix, size] of [["b", 1], ["w", 2], ["d", 4]] as const) {
    table.set(name + suffix, (e, ops) => {
      arity(ops, 0);
      e.size(size);
      e.op(size === 1 ? op : op + 1);
    });
  }
}

// NOP, and the multi-byte NOP on a register or memory (0F 1F /0).
table.set("nop", (e, ops) => {
  if (ops.length === 0) return e.op(0x90);
  const d = rm(arity(ops, 1)[0]);
  e.size(wide(need(d.size)));
  e.op(0x0f, 0x1f), e.modrm(0, d);
});

["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"].forEach((n, k) => table.set(n, A.alu(k)));
["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"].forEach((n, k) =>
  table.set(n, A.shift(n === "sal" ? 4 : k))
);
["not", "neg", "mul", "", "div", "idiv"].forEach((n, k) => n && table.set(n, A.unary(k + 2)));
table.set("imul", A.imul);
table.set("test", A.test);
table.set("inc", A.incDec(0));
table.set("dec", A.incDec(1));
table.set("shld", A.shiftDouble(0xa4));
table.set("shrd", A.shiftDouble(0xac));
["bt", "bts", "btr", "btc"].forEach((n, k) => table.set(n, A.bitTest(k + 4)));
table.set("bsf", A.regRm(0xbc));
table.set("bsr", A.regRm(0xbd));
table.set("xadd", A.rmReg(0xc0));
table.set("cmpxchg", A.rmReg(0xb0));
table.set("bswap", (e, ops) => {
  const r = reg(arity(ops, 1)[0]);
  if (r.size !== 4) fail("invalid combination of opcode and operands");
  e.op(0x0f, 0xc8 + r.num);
});

table.set("mov", M.mov);
table.set("movzx", M.movx(0xb6));
table.set("movsx", M.movx(0xbe));
table.set("lea", M.lea);
table.set("xchg", M.xchg);
table.set("push", M.push);
table.set("pop", M.pop);
table.set("cmpxchg8b", M.cmpxchg8b);
table.set("enter", M.enter);

table.set("jmp", F.jmp);
table.set("call", F.call);
table.set("ret", F.ret);
table.set("retn", F.ret);
table.set("int", F.int);
table.set("in", F.portIn);
table.set("out", F.portOut);
table.set("loop", F.loop(0xe2));
table.set("loope", F.loop(0xe1));
table.set("loopz", F.loop(0xe1));
table.set("loopne", F.loop(0xe0));
table.set("loopnz", F.loop(0xe0));
table.set("jecxz", F.loop(0xe3));

/** Condition-code suffixes (every alias) and their numbers. */
export const CONDITIONS: ReadonlyMap<string, number> = new Map(
  [
    ["o"],
    ["no"],
    ["b", "c", "nae"],
    ["ae", "nb", "nc"],
    ["e", "z"],
    ["ne", "nz"],
    ["be", "na"],
    ["a", "nbe"],
    ["s"],
    ["ns"],
    ["p", "pe"],
    ["np", "po"],
    ["l", "nge"],
    ["ge", "nl"],
    ["le", "ng"],
    ["g", "nle"],
  ].flatMap((names, cc) => names.map((n) => [n, cc] as [string, number])),
);
for (const [suffix, cc] of CONDITIONS) {
  table.set("j" + suffix, F.jcc(cc));
  table.set("set" + suffix, M.setcc(cc));
  table.set("cmov" + suffix, A.regRm(0x40 + cc));
}

/** Every mnemonic the assembler knows, lower case, mapped to its encoder. */
export const INSTRUCTIONS: ReadonlyMap<string, Encoder> = table;

/** Prefix keywords: the byte each one emits. */
export const PREFIXES: ReadonlyMap<string, number> = new Map([
  ["lock", 0xf0],
  ["rep", 0xf3],
  ["repe", 0xf3],
  ["repz", 0xf3],
  ["repne", 0xf2],
  ["repnz", 0xf2],
]);
