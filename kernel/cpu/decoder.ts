/**
 * The decoder: turns guest bytes into {@linkcode Insn} records. It is driven
 * by two 256-entry opcode tables (one-byte and 0F-prefixed) built below as
 * data: each entry names its handler, its operand form (flags) and a
 * sub-operation; group opcodes pick a member by the ModRM reg field.
 *
 * Bytes that are not in the subset decode to an `invalid` placeholder and
 * bytes that cannot be fetched to a `fetchFault` placeholder, so a bad
 * instruction faults when (and only if) it is executed.
 *
 * @module
 */

import type { AddressSpace } from "../memory/address_space.ts";
import { type Handler, Insn } from "./insn.ts";
import * as A from "./ops_alu.ts";
import * as F from "./ops_flow.ts";
import * as M from "./ops_move.ts";
import * as S from "./ops_shift.ts";
import { stringOp } from "./ops_string.ts";
import { Stop } from "./state.ts";

// Operand-form flags of a table entry.
const MODRM = 1 << 0; // a ModRM byte follows
const BYTE = 1 << 1; // 8-bit operation
const IMM8 = 1 << 2; // imm8, zero-extended
const IMM8S = 1 << 3; // imm8, sign-extended to the operand size
const IMMZ = 1 << 4; // imm16 or imm32 by operand size
const IMM16 = 1 << 5; // imm16
const REL8 = 1 << 6; // rel8 branch target
const REL32 = 1 << 7; // rel32 branch target
const END = 1 << 8; // ends a decoded block
const MOFFS = 1 << 9; // moffs32 memory operand (A0-A3)
const ENTER = 1 << 10; // imm16, imm8
const REGLOW = 1 << 11; // register in the low 3 bits of the opcode
const MEMONLY = 1 << 12; // ModRM must name memory
const ACC = 1 << 13; // r/m operand is the accumulator register
const STRING = 1 << 14; // string instruction (REP applies)
const NO16 = 1 << 15; // no 16-bit (0x66) form in this subset

interface Member {
  h: Handler;
  f: number;
  sub: number;
  imm2: number;
}

interface Entry extends Member {
  group: (Member | null)[] | null;
}

const one: (Entry | null)[] = new Array(256).fill(null);
const two: (Entry | null)[] = new Array(256).fill(null);

function m(h: Handler, f = 0, sub = 0, imm2 = 0): Member {
  return { h, f, sub, imm2 };
}

function put(table: (Entry | null)[], op: number, h: Handler, f = 0, sub = 0, imm2 = 0): void {
  table[op] = { h, f, sub, imm2, group: null };
}

function group(
  table: (Entry | null)[],
  op: number,
  f: number,
  members: (Member | null)[],
  imm2 = 0,
): void {
  table[op] = { h: F.invalid, f, sub: 0, imm2, group: members };
}

// ---- one-byte opcodes --------------------------------------------------
for (let k = 0; k < 8; k++) {
  const b = k * 8;
  put(one, b, A.aluRmR, MODRM | BYTE, k);
  put(one, b + 1, A.aluRmR, MODRM, k);
  put(one, b + 2, A.aluRRm, MODRM | BYTE, k);
  put(one, b + 3, A.aluRRm, MODRM, k);
  put(one, b + 4, A.aluRmI, BYTE | IMM8 | ACC, k);
  put(one, b + 5, A.aluRmI, IMMZ | ACC, k);
}
for (let r = 0; r < 8; r++) {
  put(one, 0x40 + r, A.incDec, REGLOW, 0);
  put(one, 0x48 + r, A.incDec, REGLOW, 1);
  put(one, 0x50 + r, M.pushRm, REGLOW);
  put(one, 0x58 + r, M.popRm, REGLOW);
  put(one, 0xb0 + r, M.movRmI, BYTE | IMM8 | REGLOW);
  put(one, 0xb8 + r, M.movRmI, IMMZ | REGLOW);
  if (r > 0) put(one, 0x90 + r, M.xchg, REGLOW);
  put(two, 0xc8 + r, S.bswap, REGLOW);
}
put(one, 0x60, M.pushad);
put(one, 0x61, M.popad);
put(one, 0x68, M.pushI, IMMZ);
put(one, 0x69, A.imul3, MODRM | IMMZ);
put(one, 0x6a, M.pushI, IMM8S);
put(one, 0x6b, A.imul3, MODRM | IMM8S);
for (let cc = 0; cc < 16; cc++) {
  put(one, 0x70 + cc, F.jcc, REL8 | NO16, cc);
  put(two, 0x40 + cc, M.cmov, MODRM, cc);
  put(two, 0x80 + cc, F.jcc, REL32 | NO16, cc);
  put(two, 0x90 + cc, M.setcc, MODRM | BYTE, cc);
}
const alu = (f: number) => [0, 1, 2, 3, 4, 5, 6, 7].map((k) => m(A.aluRmI, f, k));
group(one, 0x80, MODRM | BYTE | IMM8, alu(0));
group(one, 0x81, MODRM | IMMZ, alu(0));
group(one, 0x82, MODRM | BYTE | IMM8, alu(0));
group(one, 0x83, MODRM | IMM8S, alu(0));
put(one, 0x84, A.testRmR, MODRM | BYTE);
put(one, 0x85, A.testRmR, MODRM);
put(one, 0x86, M.xchg, MODRM | BYTE);
put(one, 0x87, M.xchg, MODRM);
put(one, 0x88, M.movRmR, MODRM | BYTE);
put(one, 0x89, M.movRmR, MODRM);
put(one, 0x8a, M.movRRm, MODRM | BYTE);
put(one, 0x8b, M.movRRm, MODRM);
put(one, 0x8d, M.lea, MODRM | MEMONLY);
group(one, 0x8f, MODRM, [m(M.popRm), null, null, null, null, null, null, null]);
put(one, 0x90, F.nop);
put(one, 0x98, A.cbw);
put(one, 0x99, A.cwd);
put(one, 0x9c, M.pushf);
put(one, 0x9d, M.popf);
put(one, 0x9e, M.sahf);
put(one, 0x9f, M.lahf);
put(one, 0xa0, M.movRRm, BYTE | MOFFS);
put(one, 0xa1, M.movRRm, MOFFS);
put(one, 0xa2, M.movRmR, BYTE | MOFFS);
put(one, 0xa3, M.movRmR, MOFFS);
const strings: [number, number][] = [[0xa4, 0], [0xa6, 1], [0xaa, 2], [0xac, 3], [0xae, 4]];
for (const [op, sub] of strings) {
  put(one, op, stringOp, STRING | BYTE, sub);
  put(one, op + 1, stringOp, STRING, sub);
}
put(one, 0xa8, A.testRmI, BYTE | IMM8 | ACC);
put(one, 0xa9, A.testRmI, IMMZ | ACC);
const shifts = [0, 1, 2, 3, 4, 5, 6, 7].map((k) => m(S.shift, 0, k));
group(one, 0xc0, MODRM | BYTE | IMM8, shifts, S.COUNT_IMM);
group(one, 0xc1, MODRM | IMM8, shifts, S.COUNT_IMM);
group(one, 0xd0, MODRM | BYTE, shifts, S.COUNT_ONE);
group(one, 0xd1, MODRM, shifts, S.COUNT_ONE);
group(one, 0xd2, MODRM | BYTE, shifts, S.COUNT_CL);
group(one, 0xd3, MODRM, shifts, S.COUNT_CL);
put(one, 0xc2, F.ret, IMM16 | END | NO16);
put(one, 0xc3, F.ret, END | NO16);
group(one, 0xc6, MODRM | BYTE | IMM8, [m(M.movRmI), null, null, null, null, null, null, null]);
group(one, 0xc7, MODRM | IMMZ, [m(M.movRmI), null, null, null, null, null, null, null]);
put(one, 0xc8, M.enter, ENTER | NO16);
put(one, 0xc9, M.leave, NO16);
put(one, 0xcc, F.int3, END);
put(one, 0xcd, F.intN, IMM8 | END);
put(one, 0xcf, F.iret, END | NO16);
for (let k = 0; k < 4; k++) put(one, 0xe0 + k, F.loop, REL8 | NO16, k);
put(one, 0xe4, F.portIn, BYTE | IMM8 | END, 0, 0);
put(one, 0xe5, F.portIn, IMM8 | END, 0, 0);
put(one, 0xe6, F.portOut, BYTE | IMM8 | END, 0, 0);
put(one, 0xe7, F.portOut, IMM8 | END, 0, 0);
put(one, 0xec, F.portIn, BYTE | END, 0, 1);
put(one, 0xed, F.portIn, END, 0, 1);
put(one, 0xee, F.portOut, BYTE | END, 0, 1);
put(one, 0xef, F.portOut, END, 0, 1);
put(one, 0xe8, F.call, REL32 | END | NO16);
put(one, 0xe9, F.jmp, REL32 | END | NO16);
put(one, 0xeb, F.jmp, REL8 | END | NO16);
put(one, 0xf4, F.exitOp, END, Stop.Hlt);
const flagOps: [number, number][] = [
  [0xf8, 0],
  [0xf9, 1],
  [0xf5, 2],
  [0xfc, 3],
  [0xfd, 4],
  [0xfa, 5],
  [0xfb, 6],
];
for (const [op, sub] of flagOps) put(one, op, M.flagOp, 0, sub);
const grp3 = (immf: number) => [
  m(A.testRmI, immf),
  m(A.testRmI, immf),
  m(A.not),
  m(A.neg),
  m(A.mul),
  m(A.imul1),
  m(A.div),
  m(A.idiv),
];
group(one, 0xf6, MODRM | BYTE, grp3(IMM8));
group(one, 0xf7, MODRM, grp3(IMMZ));
group(one, 0xfe, MODRM | BYTE, [
  m(A.incDec, 0, 0),
  m(A.incDec, 0, 1),
  null,
  null,
  null,
  null,
  null,
  null,
]);
group(one, 0xff, MODRM, [
  m(A.incDec, 0, 0),
  m(A.incDec, 0, 1),
  m(F.callRm, END | NO16),
  null,
  m(F.jmpRm, END | NO16),
  null,
  m(M.pushRm),
  null,
]);

// ---- two-byte opcodes (0F xx) ------------------------------------------
put(two, 0x0b, F.invalid, END);
for (let op = 0x18; op <= 0x1f; op++) put(two, op, F.nopRm, MODRM);
put(two, 0x31, F.rdtsc);
put(two, 0xa2, F.cpuid);
put(two, 0xa3, S.bitTest, MODRM, 0, 0);
put(two, 0xab, S.bitTest, MODRM, 1, 0);
put(two, 0xb3, S.bitTest, MODRM, 2, 0);
put(two, 0xbb, S.bitTest, MODRM, 3, 0);
put(two, 0xa4, S.shiftDouble, MODRM | IMM8, 0, S.COUNT_IMM);
put(two, 0xa5, S.shiftDouble, MODRM, 0, S.COUNT_CL);
put(two, 0xac, S.shiftDouble, MODRM | IMM8, 1, S.COUNT_IMM);
put(two, 0xad, S.shiftDouble, MODRM, 1, S.COUNT_CL);
put(two, 0xaf, A.imul2, MODRM);
put(two, 0xb0, M.cmpxchg, MODRM | BYTE);
put(two, 0xb1, M.cmpxchg, MODRM);
put(two, 0xb6, M.movx, MODRM, 0, 1);
put(two, 0xb7, M.movx, MODRM, 0, 2);
put(two, 0xbe, M.movx, MODRM, 1, 1);
put(two, 0xbf, M.movx, MODRM, 1, 2);
group(two, 0xba, MODRM | IMM8, [
  null,
  null,
  null,
  null,
  m(S.bitTest, 0, 0, 1),
  m(S.bitTest, 0, 1, 1),
  m(S.bitTest, 0, 2, 1),
  m(S.bitTest, 0, 3, 1),
]);
put(two, 0xbc, S.bitScan, MODRM, 0);
put(two, 0xbd, S.bitScan, MODRM, 1);
put(two, 0xc0, M.xadd, MODRM | BYTE);
put(two, 0xc1, M.xadd, MODRM);
group(two, 0xc7, MODRM | MEMONLY, [null, m(M.cmpxchg8b), null, null, null, null, null, null]);

/** Read-modify-write instructions that take LOCK (with a memory destination). */
function lockable(h: Handler, sub: number): boolean {
  if (h === A.aluRmR || h === A.aluRmI) return sub !== 7; // not CMP
  if (h === S.bitTest) return sub !== 0; // not BT
  return h === A.incDec || h === A.not || h === A.neg || h === M.xadd || h === M.cmpxchg ||
    h === M.cmpxchg8b || h === M.xchg;
}

/** Longest legal x86 instruction. */
export const MAX_INSN_LEN = 15;

/** Signals a decode-time problem inside {@linkcode decode}. */
class Undecodable {
  reason = "";
}

function hex(mem: AddressSpace, addr: number, len: number): string {
  const out: string[] = [];
  for (let k = 0; k < Math.max(1, Math.min(len, MAX_INSN_LEN)); k++) {
    const p = mem.translate(addr + k);
    if (p < 0) break;
    out.push(mem.phys.u8[p]!.toString(16).padStart(2, "0"));
  }
  return out.join(" ");
}

/**
 * Decodes the instruction at guest address `addr`. Never throws for guest
 * reasons: unfetchable bytes and instructions outside the subset come back
 * as placeholder instructions that fault when executed.
 *
 * @example
 * ```ts
 * import { decode } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0x01, 0xd8])); // add eax, ebx
 * console.log(decode(mem, 0x1000).len); // 2
 * ```
 */
export function decode(mem: AddressSpace, addr: number): Insn {
  let p = addr;
  const i = new Insn(F.invalid);
  i.addr = addr;
  const undecodable = new Undecodable();
  const fetch = (): number => {
    if (p - addr >= MAX_INSN_LEN) {
      undecodable.reason = "instruction longer than 15 bytes";
      throw undecodable;
    }
    return mem.read8(p++);
  };
  const fetch16 = (): number => fetch() | (fetch() << 8);
  const fetch32 = (): number => fetch() | (fetch() << 8) | (fetch() << 16) | (fetch() << 24);
  const bad = (why: string): never => {
    undecodable.reason = why;
    throw undecodable;
  };
  try {
    let osize = 4;
    let lock = false;
    let b: number;
    for (;;) {
      b = fetch();
      if (b === 0x66) osize = 2;
      else if (b === 0xf0) lock = true;
      else if (b === 0xf3) i.rep = 1;
      else if (b === 0xf2) i.rep = 2;
      else if (b === 0x64) i.seg = 1;
      else if (b === 0x65) i.seg = 2;
      else if (b === 0x67) bad("address-size prefix (16-bit addressing) is not supported");
      else if (b !== 0x2e && b !== 0x36 && b !== 0x3e && b !== 0x26) break;
    }
    let e: Entry | null;
    let op = b;
    if (b === 0x0f) {
      const b2 = fetch();
      op = b2;
      if (b2 === 0x01) {
        if (fetch() !== 0xc1 || lock) bad("0F 01 other than VMCALL");
        i.h = F.exitOp;
        i.sub = Stop.Vmcall;
        i.len = p - addr;
        i.next = (addr + i.len) >>> 0;
        i.end = true;
        return i;
      }
      e = two[b2]!;
    } else e = one[b]!;
    if (e === null) return bad("opcode not in the subset");
    let f = e.f, h = e.h, sub = e.sub, imm2 = e.imm2;
    i.size = f & BYTE ? 1 : osize;
    if (f & MODRM) {
      const mb = fetch();
      const mod = mb >>> 6, rm = mb & 7;
      i.reg = (mb >>> 3) & 7;
      if (e.group !== null) {
        const g = e.group[i.reg];
        if (!g) return bad("opcode extension not in the subset");
        h = g.h;
        f |= g.f;
        sub = g.sub;
        if (g.imm2 !== 0) imm2 = g.imm2;
      }
      if (mod === 3) {
        if (f & MEMONLY) bad("register operand where memory is required");
        i.rm = rm;
      } else {
        i.isMem = true;
        if (rm === 4) {
          const sib = fetch();
          const idx = (sib >>> 3) & 7, base = sib & 7;
          i.scale = sib >>> 6;
          i.index = idx === 4 ? -1 : idx;
          if (base === 5 && mod === 0) i.disp = fetch32();
          else i.base = base;
        } else if (rm === 5 && mod === 0) i.disp = fetch32();
        else i.base = rm;
        if (mod === 1) i.disp = (fetch() << 24) >> 24;
        else if (mod === 2) i.disp = fetch32();
      }
    } else if (f & REGLOW) i.rm = op & 7;
    if ((f & NO16) && osize === 2) bad("16-bit form of a control-transfer instruction");
    if (f & MOFFS) {
      i.isMem = true;
      i.disp = fetch32();
    }
    if (f & IMM8) i.imm = fetch();
    else if (f & IMM8S) i.imm = ((fetch() << 24) >> 24) & (osize === 2 ? 0xffff : -1);
    else if (f & IMMZ) i.imm = i.size === 1 ? fetch() : osize === 2 ? fetch16() : fetch32();
    else if (f & IMM16) i.imm = fetch16();
    else if (f & ENTER) {
      i.imm = fetch16();
      imm2 = fetch();
    }
    let rel = 0;
    if (f & REL8) rel = (fetch() << 24) >> 24;
    else if (f & REL32) rel = fetch32();
    if (lock && !(i.isMem && lockable(h, sub))) {
      bad("LOCK prefix on an instruction that cannot be locked");
    }
    if (!(f & STRING)) i.rep = 0;
    i.h = h;
    i.sub = sub;
    i.imm2 = imm2;
    i.len = p - addr;
    i.next = (addr + i.len) >>> 0;
    if (f & (REL8 | REL32)) i.target = (i.next + rel) >>> 0;
    i.end = (f & END) !== 0;
    return i;
  } catch (err) {
    i.len = Math.max(1, p - addr);
    i.next = addr;
    if (err === undecodable) {
      i.h = undecodable.reason.startsWith("instruction longer") ? gpLong : F.invalid;
      i.bytes = `${hex(mem, addr, p - addr + 1)} (${undecodable.reason})`;
    } else if (err === mem.fault) {
      i.h = F.fetchFault;
      i.imm = mem.fault.address;
    } else throw err;
    i.end = true;
    return i;
  }
}

const gpLong: Handler = (c, i) => c.raise("general-protection", i.bytes);
