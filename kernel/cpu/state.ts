/**
 * The architectural state of one virtual CPU: registers, lazy EFLAGS, segment
 * bases, the virtual interrupt flag, and the operand accessors the instruction
 * handlers share.
 *
 * Lazy flags: arithmetic instructions record their operands and result
 * (`lop`, `ldst`, `lsrc`, `lres`, `lbits`); a flag is computed only when
 * something reads it. `fl` holds every EFLAGS bit that the lazy record does
 * not cover (always DF, and CF/OF/AF for the kinds that set them eagerly).
 *
 * @module
 */

import type { AddressSpace } from "../memory/address_space.ts";

/** EFLAGS bits. */
export const FLAGS = {
  CF: 0x001,
  PF: 0x004,
  AF: 0x010,
  ZF: 0x040,
  SF: 0x080,
  TF: 0x100,
  IF: 0x200,
  DF: 0x400,
  OF: 0x800,
} as const;

/** The six arithmetic status flags. */
export const ARITH_FLAGS = 0x8d5;

/** General-purpose register numbers, in x86 encoding order. */
export const Reg = {
  EAX: 0,
  ECX: 1,
  EDX: 2,
  EBX: 3,
  ESP: 4,
  EBP: 5,
  ESI: 6,
  EDI: 7,
} as const;

/** Kinds of guest fault. */
export type FaultKind =
  | "invalid-opcode"
  | "divide-error"
  | "page-fault"
  | "general-protection"
  | "breakpoint"
  | "internal-error";

/** Why {@linkcode Cpu.run} returned. */
export const Stop = {
  /** The instruction budget is spent. */
  Budget: 0,
  /** HLT: idle until an interrupt. EIP is after the HLT. */
  Hlt: 1,
  /** VMCALL: function number in EAX. EIP is after the VMCALL. */
  Vmcall: 2,
  /** IN: see `exit.port` and `exit.size`; call `completeIn(value)`. */
  In: 3,
  /** OUT: see `exit.port`, `exit.size`, `exit.value`. EIP is after the OUT. */
  Out: 4,
  /** A fault: see `exit.fault`. State is as at the start of the faulting instruction. */
  Fault: 5,
} as const;

/** A value of {@linkcode Stop}. */
export type Stop = typeof Stop[keyof typeof Stop];

/** Details of the last stop; one object per CPU, overwritten at each stop. */
export class ExitInfo {
  /** Address of the instruction that stopped the CPU (the exit or the faulting instruction). */
  eip = 0;
  /** Port of an IN or OUT. */
  port = 0;
  /** Operand size in bytes of an IN or OUT (1, 2 or 4). */
  size = 1;
  /** Value written by an OUT (zero-extended). */
  value = 0;
  /** Fault kind, when the stop is a fault. */
  fault: FaultKind | null = null;
  /** Guest address that caused a page fault. */
  faultAddress = 0;
  /** The page fault was a write. */
  faultWrite = false;
  /** A human-readable detail (for example the opcode bytes or the page-fault reason). */
  detail = "";
}

/** Lazy-flag record kinds. */
export const LOP_NONE = 0,
  LOP_ADD = 1,
  LOP_SUB = 2,
  LOP_LOGIC = 3,
  LOP_INC = 4,
  LOP_DEC = 5,
  LOP_RES = 6;

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let p = 1;
  for (let b = i; b; b >>= 1) p ^= b & 1;
  PARITY[i] = p;
}

/** Thrown inside the CPU to abort an instruction with a fault (never escapes `run`). */
export class FaultSignal {
  /** The kind being raised. */
  kind: FaultKind = "invalid-opcode";
}

/**
 * Registers, flags and operand access of one vCPU.
 *
 * @example
 * ```ts
 * import { CpuState, Reg } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const s = new CpuState(new AddressSpace(new PhysicalMemory(), 0x10000));
 * s.regs[Reg.EAX] = 5;
 * console.log(s.eflags.toString(16));
 * ```
 */
export class CpuState {
  /** EAX ECX EDX EBX ESP EBP ESI EDI. */
  readonly regs: Int32Array = new Int32Array(8);
  /** Instruction pointer (uint32). */
  eip = 0;
  /** Guest memory. */
  readonly mem: AddressSpace;
  /** Base added to FS-prefixed accesses. */
  fsBase = 0;
  /** Base added to GS-prefixed accesses. */
  gsBase = 0;
  /** Virtual interrupt-enable flag (CLI/STI, EFLAGS.IF). */
  vif = true;
  /** Instructions retired since creation. */
  instructions = 0;
  /** Details of the last stop. */
  readonly exit: ExitInfo = new ExitInfo();
  /** Source of RDTSC (the kernel's clock); default: instructions retired. */
  tsc: () => number;

  /** EFLAGS bits not covered by the lazy record (DF always; bit 1 always set). */
  fl = 2;
  /** Lazy record kind (LOP_*). */
  lop: number = LOP_NONE;
  /** Lazy record: first operand. */
  ldst = 0;
  /** Lazy record: second operand. */
  lsrc = 0;
  /** Lazy record: result (may have bits above the operand size). */
  lres = 0;
  /** Lazy record: operand size in bits. */
  lbits = 32;

  /** Scratch for POPAD (no allocation per instruction). */
  readonly popadScratch: Int32Array = new Int32Array(8);
  /** Instructions left in the current `run` (string instructions spend it per iteration). */
  budget = 0;
  /** Set by an exit instruction: a Stop value, or -1 while running. */
  stop: number = -1;
  /** Set when decoded code may be stale and must be dropped. */
  staleCode = false;

  /** Preallocated fault signal. */
  readonly signal: FaultSignal = new FaultSignal();

  /** Creates a CPU state over `mem`. */
  constructor(mem: AddressSpace) {
    this.mem = mem;
    this.tsc = () => this.instructions;
  }

  // ---- flags ------------------------------------------------------------

  /** Carry flag (0 or 1). */
  getCF(): number {
    const d = this.ldst, s = this.lsrc, r = this.lres;
    switch (this.lop) {
      case LOP_ADD:
        return (((d & s) | ((d | s) & ~r)) >>> (this.lbits - 1)) & 1;
      case LOP_SUB:
        return (((~d & s) | ((~d | s) & r)) >>> (this.lbits - 1)) & 1;
      case LOP_LOGIC:
        return 0;
      default:
        return this.fl & 1;
    }
  }

  /** Overflow flag (0 or 1). */
  getOF(): number {
    const d = this.ldst, s = this.lsrc, r = this.lres;
    switch (this.lop) {
      case LOP_ADD:
      case LOP_INC:
        return (((d ^ r) & (s ^ r)) >>> (this.lbits - 1)) & 1;
      case LOP_SUB:
      case LOP_DEC:
        return (((d ^ s) & (d ^ r)) >>> (this.lbits - 1)) & 1;
      case LOP_LOGIC:
        return 0;
      default:
        return (this.fl >>> 11) & 1;
    }
  }

  /** Auxiliary carry flag (0 or 1). */
  getAF(): number {
    switch (this.lop) {
      case LOP_ADD:
      case LOP_SUB:
      case LOP_INC:
      case LOP_DEC:
        return ((this.ldst ^ this.lsrc ^ this.lres) >>> 4) & 1;
      case LOP_LOGIC:
        return 0;
      default:
        return (this.fl >>> 4) & 1;
    }
  }

  /** Zero flag (0 or 1). */
  getZF(): number {
    if (this.lop === LOP_NONE) return (this.fl >>> 6) & 1;
    const b = this.lbits;
    return (b === 32 ? this.lres | 0 : this.lres & ((1 << b) - 1)) === 0 ? 1 : 0;
  }

  /** Sign flag (0 or 1). */
  getSF(): number {
    if (this.lop === LOP_NONE) return (this.fl >>> 7) & 1;
    return (this.lres >>> (this.lbits - 1)) & 1;
  }

  /** Parity flag (0 or 1): even parity of the low byte of the result. */
  getPF(): number {
    if (this.lop === LOP_NONE) return (this.fl >>> 2) & 1;
    return PARITY[this.lres & 0xff]!;
  }

  /** Evaluates condition code `cc` (0..15, the low nibble of Jcc/SETcc/CMOVcc). */
  cond(cc: number): boolean {
    let r: number;
    switch (cc >>> 1) {
      case 0:
        r = this.getOF();
        break;
      case 1:
        r = this.getCF();
        break;
      case 2:
        r = this.getZF();
        break;
      case 3:
        r = this.getCF() | this.getZF();
        break;
      case 4:
        r = this.getSF();
        break;
      case 5:
        r = this.getPF();
        break;
      case 6:
        r = this.getSF() ^ this.getOF();
        break;
      default:
        r = this.getZF() | (this.getSF() ^ this.getOF());
    }
    return (r ^ (cc & 1)) !== 0;
  }

  /** The six arithmetic flags as EFLAGS bits. */
  arithFlags(): number {
    return this.getCF() | (this.getPF() << 2) | (this.getAF() << 4) | (this.getZF() << 6) |
      (this.getSF() << 7) | (this.getOF() << 11);
  }

  /** Folds the lazy record into `fl`. */
  materialize(): void {
    if (this.lop === LOP_NONE) return;
    this.fl = (this.fl & ~ARITH_FLAGS) | this.arithFlags();
    this.lop = LOP_NONE;
  }

  /** Full EFLAGS (IF mirrors the virtual interrupt flag; bit 1 always set). */
  get eflags(): number {
    return (this.fl & ~(ARITH_FLAGS | FLAGS.IF)) | this.arithFlags() | (this.vif ? FLAGS.IF : 0) |
      2;
  }

  /** Sets EFLAGS: the arithmetic flags, DF and IF; other bits are ignored. */
  set eflags(v: number) {
    this.fl = (v & (ARITH_FLAGS | FLAGS.DF)) | 2;
    this.vif = (v & FLAGS.IF) !== 0;
    this.lop = LOP_NONE;
  }

  /** Records an addition (ADD, ADC) of `bits` bits. */
  setAdd(d: number, s: number, r: number, bits: number): void {
    this.lop = LOP_ADD;
    this.ldst = d;
    this.lsrc = s;
    this.lres = r;
    this.lbits = bits;
  }

  /** Records a subtraction (SUB, SBB, CMP, NEG). */
  setSub(d: number, s: number, r: number, bits: number): void {
    this.lop = LOP_SUB;
    this.ldst = d;
    this.lsrc = s;
    this.lres = r;
    this.lbits = bits;
  }

  /** Records a logic result (CF=OF=0; AF, undefined on Intel, is 0). */
  setLogic(r: number, bits: number): void {
    this.lop = LOP_LOGIC;
    this.lres = r;
    this.lbits = bits;
  }

  /** Records INC (d+1=r) or DEC (d-1=r); CF is kept. */
  setIncDec(dec: boolean, d: number, r: number, bits: number): void {
    const cf = this.getCF();
    this.fl = (this.fl & ~FLAGS.CF) | cf;
    this.lop = dec ? LOP_DEC : LOP_INC;
    this.ldst = d;
    this.lsrc = 1;
    this.lres = r;
    this.lbits = bits;
  }

  /** Records a result with eager CF, OF and AF (shifts, multiplies). */
  setRes(r: number, bits: number, cf: number, of: number, af: number): void {
    this.fl = (this.fl & ~(FLAGS.CF | FLAGS.OF | FLAGS.AF)) | cf | (of << 11) | (af << 4);
    this.lop = LOP_RES;
    this.lres = r;
    this.lbits = bits;
  }

  /** Direction flag as +1 / -1 step multiplier. */
  dir(): number {
    return this.fl & FLAGS.DF ? -1 : 1;
  }

  // ---- registers --------------------------------------------------------

  /** Reads register `r` at `size` bytes (8-bit: AL CL DL BL AH CH DH BH), zero-extended. */
  getR(size: number, r: number): number {
    const regs = this.regs;
    if (size === 4) return regs[r]!;
    if (size === 2) return regs[r]! & 0xffff;
    return r < 4 ? regs[r]! & 0xff : (regs[r - 4]! >>> 8) & 0xff;
  }

  /** Writes register `r` at `size` bytes, keeping the other bits. */
  setR(size: number, r: number, v: number): void {
    const regs = this.regs;
    if (size === 4) regs[r] = v;
    else if (size === 2) regs[r] = (regs[r]! & ~0xffff) | (v & 0xffff);
    else if (r < 4) regs[r] = (regs[r]! & ~0xff) | (v & 0xff);
    else regs[r - 4] = (regs[r - 4]! & ~0xff00) | ((v & 0xff) << 8);
  }

  /** Reads `size` bytes of guest memory at `a` (8/16 zero-extended, 32 as int32). */
  rd(size: number, a: number): number {
    if (size === 4) return this.mem.read32(a);
    if (size === 2) return this.mem.read16(a);
    return this.mem.read8(a);
  }

  /** Writes `size` bytes of guest memory at `a`. */
  wr(size: number, a: number, v: number): void {
    if (size === 4) this.mem.write32(a, v);
    else if (size === 2) this.mem.write16(a, v);
    else this.mem.write8(a, v);
  }

  /** Pushes a 32-bit value; ESP changes only if the write succeeds. */
  push32(v: number): void {
    const a = (this.regs[4]! - 4) | 0;
    this.mem.write32(a, v);
    this.regs[4] = a;
  }

  /** Pops a 32-bit value. */
  pop32(): number {
    const v = this.mem.read32(this.regs[4]!);
    this.regs[4] = (this.regs[4]! + 4) | 0;
    return v;
  }

  /** Aborts the current instruction with a fault. */
  raise(kind: FaultKind, detail = ""): never {
    this.signal.kind = kind;
    this.exit.detail = detail;
    throw this.signal;
  }
}
