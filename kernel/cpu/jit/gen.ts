/**
 * The code-generation context of one region: JavaScript source for guest
 * registers (locals `r0`..`r7`), effective addresses, guest memory accesses
 * (the page-table fast path inline, the address space's checked accessor as
 * the slow path), lazy flags and control flow. The per-instruction emitters
 * (`emit_*.ts`) speak only to this class.
 *
 * Conventions of the generated code (see `translate.ts` for the frame):
 * - 32-bit values are int32, 8- and 16-bit values zero-extended, as in the
 *   interpreter's handlers.
 * - Flags live in `Fop Fd Fs Fr Fb Ffl`, the lazy record of `CpuState` held in
 *   locals. Within a block the generator also knows which instruction set them
 *   last (`prod`), and reads conditions from that instruction's temporaries.
 *   One difference: for an INC/DEC record, CF is not in `Ffl` but comes from
 *   the record before it, kept in `Cop Cd Cs Cr Cb` (`FIX_CF` folds it in).
 * - Precise faults: an instruction performs its memory accesses before it
 *   changes a register or flag local, and sets `k` (its index) before the
 *   first access that can throw; the catch writes the locals back.
 * - Self-modifying code: a write that takes the slow path (a page marked as
 *   holding code) and invalidated this translation sets `sm`; the code leaves
 *   right after the instruction, as the interpreter leaves a stale block.
 *
 * @module
 */

import type { Insn } from "../insn.ts";
import { LOP_ADD, LOP_DEC, LOP_INC, LOP_LOGIC, LOP_RES, LOP_SUB } from "../state.ts";

/** All six arithmetic flags (CF PF AF ZF SF OF) as a liveness mask. */
export const ALL = 0x8d5;
/** Carry flag bit. */
export const CF = 0x001;
/** Overflow flag bit. */
export const OF = 0x800;

/** Flags each condition code (cc >> 1) reads. */
export const COND_USE = [OF, CF, 0x40, CF | 0x40, 0x80, 0x04, 0x80 | OF, 0x40 | 0x80 | OF];

/** The instruction that last set the flags, known at translation time. */
interface Prod {
  op: number;
  d: string;
  s: string;
  r: string;
  bits: number;
  /** A plain subtraction r = d - s (SUB, CMP, NEG), not SBB. */
  plain: boolean;
}

/** Per-instruction facts the translator records for the fault handler. */
export interface PointInfo {
  /** Guest address of the instruction. */
  addr: number;
  /** Instructions of its block from it to the end (refunded to the budget on a fault). */
  refund: number;
  /** It runs through the interpreter's handler (which keeps CpuState current itself). */
  fallback: boolean;
}

/**
 * Builds the source of one region.
 *
 * @example
 * ```ts
 * import { Gen } from "./gen.ts";
 * const g = new Gen((a) => (a === 0x1000 ? 0 : -1));
 * g.setReg(4, 0, g.reg(4, 1));
 * console.log(g.lines.join("")); // "r0 = r1;"
 * ```
 */
export class Gen {
  /** Generated statements. */
  readonly lines: string[] = [];
  /** Fault-point facts by global instruction index. */
  readonly points: PointInfo[] = [];
  /** Global index of the current instruction (into the region's instruction list). */
  g = 0;
  /** Index of the current instruction in its block. */
  j = 0;
  /** Instructions in the current block. */
  n = 0;
  /** Index of the current block in the region. */
  block = 0;
  /** Flags live after the current instruction. */
  liveAfter = ALL;
  /** The current instruction is the last of its block. */
  last = false;
  /** The current instruction wrote guest memory (a write may hit translated code). */
  stored = false;
  /** Start addresses of the region's blocks (targets of indirect jumps that stay inside). */
  blockStarts: number[] = [];
  /** Region blocks that follow a CALL (targets of RET that stay inside). */
  returnSites: number[] = [];
  /** Global indexes of instructions the code calls the handler of (closure constants `I<g>`). */
  readonly handlerRefs: Set<number> = new Set();
  #prod: Prod | null = null;
  /** When `#prod` is INC/DEC: the instruction its CF comes from, if known here. */
  #carry: Prod | null = null;
  #faultSet = false;
  /** Address and page-table-entry temps of the current instruction's last load. */
  #lastPte: [string, string] | null = null;
  #tmp = 0;
  readonly #indexOf: (addr: number) => number;

  /** `indexOf` maps a guest address to the region block starting there, or -1. */
  constructor(indexOf: (addr: number) => number) {
    this.#indexOf = indexOf;
  }

  /** Appends statements. */
  emit(s: string): void {
    this.lines.push(s);
  }

  /** A fresh local name. */
  tmp(prefix = "t"): string {
    return `${prefix}_${this.#tmp++}`;
  }

  /** Starts instruction `i` (global index `g`, index `j` of `n` in its block). */
  begin(i: Insn, g: number, j: number, n: number, liveAfter: number): void {
    this.g = g;
    this.j = j;
    this.n = n;
    this.liveAfter = liveAfter;
    this.last = j === n - 1;
    this.stored = false;
    this.#faultSet = false;
    this.#lastPte = null;
    this.points[g] = { addr: i.addr, refund: n - j, fallback: false };
  }

  /** Starts a block: flags are in the locals, no instruction known to have set them. */
  beginBlock(index: number): void {
    this.block = index;
    this.#prod = null;
    this.#carry = null;
  }

  // ---- registers and addresses ------------------------------------------

  /** Expression reading register `r` at `size` bytes (8-bit: AL CL DL BL AH CH DH BH). */
  reg(size: number, r: number): string {
    if (size === 4) return `r${r}`;
    if (size === 2) return `(r${r} & 65535)`;
    return r < 4 ? `(r${r} & 255)` : `((r${r - 4} >> 8) & 255)`;
  }

  /** Writes `v` (int32 for 32-bit) to register `r` at `size` bytes, keeping the other bits. */
  setReg(size: number, r: number, v: string): void {
    if (size === 4) this.emit(`r${r} = ${v};`);
    else if (size === 2) this.emit(`r${r} = (r${r} & -65536) | ((${v}) & 65535);`);
    else if (r < 4) this.emit(`r${r} = (r${r} & -256) | ((${v}) & 255);`);
    else this.emit(`r${r - 4} = (r${r - 4} & -65281) | (((${v}) & 255) << 8);`);
  }

  /** Binds `expr` to a fresh constant and returns its name. */
  let(expr: string, prefix = "t"): string {
    const t = this.tmp(prefix);
    this.emit(`const ${t} = ${expr};`);
    return t;
  }

  /** Effective address of the memory operand of `i` (with the FS/GS base), as int32. */
  ea(i: Insn): string {
    const parts: string[] = [];
    if (i.base >= 0) parts.push(`r${i.base}`);
    if (i.index >= 0) parts.push(i.scale ? `(r${i.index} << ${i.scale})` : `r${i.index}`);
    if (i.seg !== 0) parts.push(i.seg === 1 ? "c.fsBase" : "c.gsBase");
    if (i.disp !== 0 || parts.length === 0) parts.unshift(String(i.disp));
    return parts.length === 1 && i.base >= 0 ? parts[0]! : `((${parts.join(" + ")}) | 0)`;
  }

  /** Offset part of the memory operand (LEA: no segment base). */
  offset(i: Insn): string {
    const parts: string[] = [];
    if (i.disp !== 0) parts.push(String(i.disp));
    if (i.base >= 0) parts.push(`r${i.base}`);
    if (i.index >= 0) parts.push(i.scale ? `(r${i.index} << ${i.scale})` : `r${i.index}`);
    if (parts.length === 0) return "0";
    return parts.length === 1 && i.disp === 0 && i.index < 0
      ? parts[0]!
      : `((${parts.join(" + ")}) | 0)`;
  }

  // ---- memory -------------------------------------------------------------

  /** Marks the current instruction as able to fault from here on. */
  fault(): void {
    if (this.#faultSet) return;
    this.#faultSet = true;
    this.emit(`k = ${this.g};`);
  }

  /** Loads `size` bytes at address temp `a`; returns the value's name. */
  load(size: number, a: string): string {
    this.fault();
    const e = this.tmp("e"), v = this.tmp("v");
    let fast: string, cond: string, slow: string;
    // Unaligned accesses inside one page read through the DataView; straddling ones, pages
    // not present and faults take the checked accessor.
    if (size === 4) {
      cond = `(${e} & 1) !== 0`;
      fast = `((${a} & 3) === 0 ? i32[((${e} >>> 4) << 10) | ((${a} & 4095) >>> 2)] : ` +
        `(${a} & 4095) <= 4092 ? dv.getInt32(((${e} >>> 4) << 12) | (${a} & 4095), true) : ` +
        `mem.read32(${a}))`;
      slow = `mem.read32(${a})`;
    } else if (size === 2) {
      cond = `(${e} & 1) !== 0`;
      fast = `((${a} & 1) === 0 ? u16[((${e} >>> 4) << 11) | ((${a} & 4095) >>> 1)] : ` +
        `(${a} & 4095) <= 4094 ? dv.getUint16(((${e} >>> 4) << 12) | (${a} & 4095), true) : ` +
        `mem.read16(${a}))`;
      slow = `mem.read16(${a})`;
    } else {
      cond = `(${e} & 1) !== 0`;
      fast = `u8[(((${e} >>> 4) << 12) | (${a} & 4095)) >>> 0]`;
      slow = `mem.read8(${a})`;
    }
    this.emit(`const ${e} = pte[${a} >>> 12];`);
    this.emit(`const ${v} = ${cond} ? ${fast} : ${slow};`);
    this.#lastPte = [a, e];
    return v;
  }

  /** Stores `v` (`size` bytes) at address temp `a`. */
  store(size: number, a: string, v: string): void {
    this.fault();
    this.stored = true;
    // A read-modify-write reuses the entry its load fetched (a write cannot change it).
    const reuse = this.#lastPte !== null && this.#lastPte[0] === a;
    const e = reuse ? this.#lastPte![1] : this.tmp("e");
    let cond: string, fast: string, slow: string;
    if (size === 4) {
      cond = `(${e} & 7) === 3 && (${a} & 4095) <= 4092`;
      fast = `if ((${a} & 3) === 0) i32[((${e} >>> 4) << 10) | ((${a} & 4095) >>> 2)] = ${v}; ` +
        `else dv.setInt32(((${e} >>> 4) << 12) | (${a} & 4095), ${v}, true);`;
      slow = `mem.write32(${a}, ${v});`;
    } else if (size === 2) {
      cond = `(${e} & 7) === 3 && (${a} & 4095) <= 4094`;
      fast = `if ((${a} & 1) === 0) u16[((${e} >>> 4) << 11) | ((${a} & 4095) >>> 1)] = ${v}; ` +
        `else dv.setUint16(((${e} >>> 4) << 12) | (${a} & 4095), ${v}, true);`;
      slow = `mem.write16(${a}, ${v});`;
    } else {
      cond = `(${e} & 7) === 3`;
      fast = `u8[(((${e} >>> 4) << 12) | (${a} & 4095)) >>> 0] = ${v};`;
      slow = `mem.write8(${a}, ${v});`;
    }
    if (!reuse) this.emit(`const ${e} = pte[${a} >>> 12];`);
    this.emit(`if (${cond}) { ${fast} } else { ${slow} if (!B.valid) sm = true; }`);
  }

  /** Reads the r/m operand of `i` at `size` bytes (default the instruction's size). */
  readRM(i: Insn, size = i.size): string {
    if (!i.isMem) return this.reg(size, i.rm);
    return this.load(size, this.let(this.ea(i), "a"));
  }

  /** Writes `v` to the r/m operand of `i` (memory: address temp `a` when already computed). */
  writeRM(i: Insn, v: string, a?: string): void {
    if (!i.isMem) this.setReg(i.size, i.rm, v);
    else this.store(i.size, a ?? this.let(this.ea(i), "a"), v);
  }

  // ---- flags --------------------------------------------------------------

  /** True when any flag in `mask` is live after the current instruction. */
  live(mask: number): boolean {
    return (this.liveAfter & mask) !== 0;
  }

  /** Records ADD/ADC (`op` LOP_ADD) or SUB/SBB/CMP/NEG (LOP_SUB); `plain` is r = d - s. */
  flagsArith(op: number, d: string, s: string, r: string, bits: number, plain = false): void {
    if (this.live(ALL)) this.emit(`Fop = ${op}; Fd = ${d}; Fs = ${s}; Fr = ${r}; Fb = ${bits};`);
    this.#prod = { op, d, s, r, bits, plain };
  }

  /** Records a logic result (CF = OF = 0). */
  flagsLogic(r: string, bits: number): void {
    if (this.live(ALL)) this.emit(`Fop = ${LOP_LOGIC}; Fr = ${r}; Fb = ${bits};`);
    this.#prod = { op: LOP_LOGIC, d: "0", s: "0", r, bits, plain: false };
  }

  /**
   * Records INC/DEC. CF is kept: rather than computing it, the record it comes
   * from moves to the carry locals `Cop Cd Cs Cr Cb` (when CF is read later).
   * With only CF read later, INC/DEC records nothing: the previous record
   * still gives the right CF.
   */
  flagsIncDec(dec: boolean, d: string, r: string, bits: number): void {
    if (!this.live(ALL & ~CF)) return;
    const p = this.#prod;
    if (this.live(CF)) {
      if (p === null) {
        this.emit(
          "if (Fop !== 4 && Fop !== 5) { Cop = Fop; Cd = Fd; Cs = Fs; Cr = Fr; Cb = Fb; }",
        );
        this.#carry = null;
      } else if (p.op !== LOP_INC && p.op !== LOP_DEC) {
        if (p.op === LOP_ADD || p.op === LOP_SUB) {
          this.emit(`Cop = ${p.op}; Cd = ${p.d}; Cs = ${p.s}; Cr = ${p.r}; Cb = ${p.bits};`);
        } else this.emit(`Cop = ${p.op === LOP_LOGIC ? LOP_LOGIC : 0};`);
        this.#carry = p;
      }
    }
    this.emit(`Fop = ${dec ? LOP_DEC : LOP_INC}; Fd = ${d}; Fs = 1; Fr = ${r}; Fb = ${bits};`);
    this.#prod = { op: dec ? LOP_DEC : LOP_INC, d, s: "1", r, bits, plain: false };
  }

  /** Records a result with eager CF, OF, AF (shifts, multiplies); arguments are 0/1 expressions. */
  flagsRes(r: string, bits: number, cf: string, of: string, af = "0"): void {
    if (this.live(ALL)) {
      const eager = af === "0" ? `${cf} | (${of} << 11)` : `${cf} | (${of} << 11) | (${af} << 4)`;
      this.emit(`Ffl = (Ffl & -2066) | ${eager}; Fop = ${LOP_RES}; Fr = ${r}; Fb = ${bits};`);
    }
    this.#prod = { op: LOP_RES, d: "0", s: "0", r, bits, plain: false };
  }

  /** Flags are in the locals again (after a fallback or conditional update). */
  flagsUnknown(): void {
    this.#prod = null;
    this.#carry = null;
  }

  /** Carry flag of the current state as a 0/1 expression. */
  cf(): string {
    const p = this.#prod;
    if (p === null) return `(${INCDEC} ? ${CARRY_CF} : lazyCF(Fop, Fd, Fs, Fr, Fb, Ffl))`;
    if (p.op === LOP_INC || p.op === LOP_DEC) {
      return this.#carry === null ? CARRY_CF : this.#cfOf(this.#carry);
    }
    return this.#cfOf(p);
  }

  #cfOf(p: Prod): string {
    const top = p.bits - 1;
    switch (p.op) {
      case LOP_ADD:
        return `((((${p.d} & ${p.s}) | ((${p.d} | ${p.s}) & ~${p.r})) >>> ${top}) & 1)`;
      case LOP_SUB:
        if (p.plain) {
          return p.bits === 32
            ? `((${p.d} >>> 0) < (${p.s} >>> 0) ? 1 : 0)`
            : `(${p.d} < ${p.s} ? 1 : 0)`;
        }
        return `((((~${p.d} & ${p.s}) | ((~${p.d} | ${p.s}) & ${p.r})) >>> ${top}) & 1)`;
      case LOP_LOGIC:
        return "0";
      default:
        return "(Ffl & 1)";
    }
  }

  #of(p: Prod): string {
    const top = p.bits - 1;
    switch (p.op) {
      case LOP_ADD:
      case LOP_INC:
        return `((((${p.d} ^ ${p.r}) & (${p.s} ^ ${p.r})) >>> ${top}) & 1)`;
      case LOP_SUB:
      case LOP_DEC:
        return `((((${p.d} ^ ${p.s}) & (${p.d} ^ ${p.r})) >>> ${top}) & 1)`;
      case LOP_LOGIC:
        return "0";
      default:
        return "((Ffl >>> 11) & 1)";
    }
  }

  #zero(p: Prod): string {
    return p.bits === 32 ? `(${p.r} | 0) === 0` : `(${p.r} & ${(1 << p.bits) - 1}) === 0`;
  }

  #sf(p: Prod): string {
    return `((${p.r} >>> ${p.bits - 1}) & 1)`;
  }

  /** Condition code `cc` (0..15) of the current state as a boolean expression. */
  cond(cc: number): string {
    const p = this.#prod;
    if (p === null) {
      if (COND_USE[cc >>> 1]! & CF) return `lazyCond(${cc}, Fop, Fd, Fs, Fr, Fb, ${FFL_CF})`;
      return `lazyCond(${cc}, Fop, Fd, Fs, Fr, Fb, Ffl)`;
    }
    const base = this.#condBase(p, cc >>> 1);
    return cc & 1 ? `!(${base})` : `(${base})`;
  }

  #condBase(p: Prod, k: number): string {
    const { d, s, bits } = p;
    if (p.plain && p.op === LOP_SUB) {
      const sh = 32 - bits;
      const sx = (v: string) => (bits === 32 ? v : `((${v} << ${sh}) >> ${sh})`);
      const ux = (v: string) => (bits === 32 ? `(${v} >>> 0)` : v);
      switch (k) {
        case 1:
          return `${ux(d)} < ${ux(s)}`;
        case 2:
          return `${d} === ${s}`;
        case 3:
          return `${ux(d)} <= ${ux(s)}`;
        case 6:
          return `${sx(d)} < ${sx(s)}`;
        case 7:
          return `${sx(d)} <= ${sx(s)}`;
      }
    }
    if (p.op === LOP_LOGIC) {
      const sf = bits === 32 ? `(${p.r} | 0) < 0` : `${this.#sf(p)} !== 0`;
      switch (k) {
        case 0:
        case 1:
          return "false";
        case 2:
        case 3:
          return this.#zero(p);
        case 6:
          return sf;
        case 7:
          return bits === 32 ? `(${p.r} | 0) <= 0` : `(${this.#zero(p)}) || ${sf}`;
      }
    }
    const zf = () => `(${this.#zero(p)} ? 1 : 0)`;
    switch (k) {
      case 0:
        return `${this.#of(p)} !== 0`;
      case 1:
        return `${this.cf()} !== 0`;
      case 2:
        return this.#zero(p);
      case 3:
        return `(${this.cf()} | ${zf()}) !== 0`;
      case 4:
        return `${this.#sf(p)} !== 0`;
      case 5:
        return `PARITY[${p.r} & 255] !== 0`;
      case 6:
        return `(${this.#sf(p)} ^ ${this.#of(p)}) !== 0`;
      default:
        return `(${zf()} | (${this.#sf(p)} ^ ${this.#of(p)})) !== 0`;
    }
  }

  // ---- control flow -------------------------------------------------------

  /**
   * Runs the current instruction's interpreter handler in place, as the slow
   * path of a native translation: registers are written back first and
   * `reload` lists the registers to read back afterwards. A fault inside is
   * precise because the handler changes nothing before it faults.
   */
  callHandler(reload: number[]): void {
    this.fault();
    this.handlerRefs.add(this.g);
    const spill = [0, 1, 2, 3, 4, 5, 6, 7].map((r) => `regs[${r}] = r${r};`).join(" ");
    const back = reload.map((r) => `r${r} = regs[${r}];`).join(" ");
    this.emit(`${spill} I${this.g}.h(c, I${this.g}); ${back}`);
  }

  /** Statement that continues at guest address `addr` (after the current instruction). */
  goto(addr: number): string {
    const idx = this.#indexOf(addr), refund = this.#refund();
    if (idx === this.block) return `${refund}continue L;`;
    if (idx >= 0) return `${refund}bi = ${idx}; continue L;`;
    return `pc = ${addr}; ${refund}break L;`;
  }

  /**
   * Like {@linkcode Gen.goto}, for the last statement of a block: when `addr`
   * is the next block of the region, control falls through into its `case`.
   */
  gotoEnd(addr: number): string {
    const idx = this.#indexOf(addr);
    if (this.last && idx >= 0 && idx === this.block + 1) return `bi = ${idx};`;
    return this.goto(addr);
  }

  /** After a conditional branch: the last instruction of a block continues at `next`. */
  fallThrough(next: number): void {
    if (this.last) this.emit(this.gotoEnd(next));
  }

  #refund(): string {
    const r = this.n - 1 - this.j;
    return r > 0 ? `bud += ${r}; ` : "";
  }

  /** Statement that leaves the region after the current instruction, at `pcExpr`. */
  exit(pcExpr: string): string {
    return `pc = ${pcExpr}; ${this.#refund()}break L;`;
  }

  /**
   * Emits a jump to the address held in `t` (uint32): a region block among
   * `candidates` continues in place, anything else leaves the region.
   */
  gotoIndirect(t: string, candidates: number[]): void {
    this.emit(`pc = ${t};`);
    if (candidates.length > 0) {
      const cases = candidates.map((a) => `case ${a}: ${this.goto(a)}`).join(" ");
      this.emit(`switch (pc) { ${cases} }`);
    }
    this.emit(`${this.#refund()}break L;`);
  }

  /** After a store: leave at `pcExpr` if the store invalidated this translation. */
  checkStore(pcExpr: string): void {
    if (this.stored) this.emit(`if (sm) { ${this.exit(pcExpr)} }`);
  }

  // ---- fallback -----------------------------------------------------------

  /**
   * Runs instruction `i` (closure constant `I<g>`) through its interpreter
   * handler: locals are written back, the handler runs against the CpuState
   * with EIP at the next instruction and the true remaining budget, and the
   * locals are reloaded. Leaves the region if the handler changed EIP,
   * stopped the CPU, invalidated this code or spent the rest of the budget.
   */
  fallback(i: Insn): void {
    this.points[this.g]!.fallback = true;
    this.handlerRefs.add(this.g);
    const rest = this.n - this.j;
    this.emit(`k = ${this.g}; ${SPILL} c.eip = ${i.next}; c.budget = bud + ${rest};`);
    this.emit(`I${this.g}.h(c, I${this.g}); ${RELOAD} bud = c.budget - ${rest};`);
    this.emit(
      `if (c.eip !== ${i.next} || c.stop >= 0 || !B.valid || bud < 0) { ${this.exit("c.eip")} }`,
    );
    this.#prod = null;
    this.#carry = null;
  }
}

/** The record in the locals is INC or DEC (its CF comes from the carry locals). */
const INCDEC = "(Fop === 4 || Fop === 5)";

/** CF of an INC/DEC record: from the record before it, kept in the carry locals. */
const CARRY_CF = "lazyCF(Cop, Cd, Cs, Cr, Cb, Ffl)";

/** `Ffl` with the right CF for any record (what `CpuState` keeps in `fl` for INC/DEC). */
const FFL_CF = `(${INCDEC} ? (Ffl & -2) | ${CARRY_CF} : Ffl)`;

/**
 * Folds an INC/DEC record's CF into `Ffl`, as `CpuState` keeps it, and points
 * the carry locals at `Ffl` (Cop 0: CF is in `fl`). Before the flags leave the
 * locals, and before `lazyFlags`.
 */
export const FIX_CF = `if ${INCDEC} { Ffl = ${FFL_CF}; Cop = 0; }`;

/** Statements writing every local back to the CpuState (registers, flags). */
export const SPILL =
  `${FIX_CF} regs[0] = r0; regs[1] = r1; regs[2] = r2; regs[3] = r3; regs[4] = r4; ` +
  "regs[5] = r5; regs[6] = r6; regs[7] = r7; c.lop = Fop; c.ldst = Fd; c.lsrc = Fs; " +
  "c.lres = Fr; c.lbits = Fb; c.fl = Ffl;";

/** Statements reloading every local from the CpuState (an INC/DEC record's CF is in `fl`). */
export const RELOAD =
  "r0 = regs[0]; r1 = regs[1]; r2 = regs[2]; r3 = regs[3]; r4 = regs[4]; r5 = regs[5]; " +
  "r6 = regs[6]; r7 = regs[7]; Fop = c.lop; Fd = c.ldst; Fs = c.lsrc; Fr = c.lres; " +
  "Fb = c.lbits; Ffl = c.fl; Cop = 0;";

/**
 * How the translator handles one kind of instruction (one interpreter
 * handler): whether it is translated natively, its flag effects for the
 * liveness pass, and its code.
 */
export interface OpSpec {
  /** The instruction is translated natively (otherwise it runs through its handler). */
  native(i: Insn): boolean;
  /** It can fault (memory operand, divide): every flag is live before it. */
  faults(i: Insn): boolean;
  /** It can write memory (and so leave when the write hits translated code). */
  stores(i: Insn): boolean;
  /** Flags it reads, given the flags live after it. */
  use(i: Insn, liveAfter: number): number;
  /** Flags it always overwrites. */
  def(i: Insn): number;
  /** Emits its code. A branch emits its own control transfer on every path. */
  emit(g: Gen, i: Insn): void;
  /** It transfers control. */
  branch: boolean;
}

/** Builds an {@linkcode OpSpec} from the parts that differ from the defaults. */
export function spec(s: Partial<OpSpec> & Pick<OpSpec, "emit">): OpSpec {
  return {
    native: s.native ?? (() => true),
    faults: s.faults ?? ((i) => i.isMem),
    stores: s.stores ?? ((i) => i.isMem),
    use: s.use ?? (() => 0),
    def: s.def ?? (() => 0),
    emit: s.emit,
    branch: s.branch ?? false,
  };
}
