/**
 * The generator's assembler state: the code being built, one record per instruction, and what
 * the generator knows while it builds: which flags are undefined (Intel leaves them so), the
 * exact ESP (only known instructions move it), EBP inside an ENTER frame, registers that must
 * not be written, stack slots that must not be clobbered (return addresses) and memory pokes.
 *
 * @module
 */

import {
  ARITH,
  CF,
  DATA_BASE,
  DATA_SIZE,
  OF,
  PF,
  type Poke,
  SF,
  STACK_BASE,
  ZF,
} from "./layout.ts";
import type { Prng } from "./prng.ts";

/** One generated instruction. */
export interface Insn {
  /** Offset of its first byte (prefixes included) from the start of the code. */
  offset: number;
  /** Its bytes. */
  bytes: number[];
  /** Assembly-like description. */
  text: string;
  /** Flags that are undefined when it starts (for comparing a fault at this instruction). */
  undefBefore: number;
  /**
   * Several memory accesses in an order the architecture does not fix (PUSHAD, POPAD): which
   * one faults first, and so the reported fault address, is the CPU's choice.
   */
  anyFaultAddress?: boolean;
}

/** Flag effects of an instruction. */
export interface Fx {
  /** Flags it sets to defined values. */
  def?: number;
  /** Flags it leaves undefined. */
  undef?: number;
  /** Flags it reads (must be defined before it). */
  read?: number;
}

/** Register numbers. */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;

/** Lowest ESP the generator lets the stack reach, and the highest. */
export const ESP_MIN = STACK_BASE + 0x200, ESP_MAX = STACK_BASE + 0xe00;

/** The flags each condition code (0..15) reads. */
export const CC_READS: readonly number[] = [
  OF,
  OF,
  CF,
  CF,
  ZF,
  ZF,
  CF | ZF,
  CF | ZF,
  SF,
  SF,
  PF,
  PF,
  SF | OF,
  SF | OF,
  ZF | SF | OF,
  ZF | SF | OF,
];
/** Condition code suffixes. */
export const CC_NAMES = [
  "o",
  "no",
  "b",
  "ae",
  "e",
  "ne",
  "be",
  "a",
  "s",
  "ns",
  "p",
  "np",
  "l",
  "ge",
  "le",
  "g",
] as const;

/** Builds one case's code. */
export class Builder {
  /** The case's random source. */
  readonly r: Prng;
  /** Code bytes so far. */
  readonly bytes: number[] = [];
  /** One record per instruction. */
  readonly insns: Insn[] = [];
  /** Flags currently undefined. */
  undef = 0;
  /** ESP right now (always known). */
  esp: number;
  /** EBP when known (inside an ENTER frame), else null. */
  ebp: number | null = null;
  /** Bit mask of registers that must not be written (ESP always). */
  avoid = 1 << ESP;
  /** Stack byte ranges [lo, hi) that must keep their values (return addresses). */
  readonly guarded: [number, number][] = [];
  /** Bytes poked into the initial data region. */
  readonly pokes: Poke[] = [];
  /** Avoid IDIV of the most negative dividend by -1, which crashes qemu-i386 7.x itself. */
  qemuSafe = false;
  /** Emits `count` plain units (no stack or control-flow change); set by gen.ts. */
  fill: (count: number) => void = () => {};

  /** Starts an empty case whose ESP is `esp`. */
  constructor(r: Prng, esp: number) {
    this.r = r;
    this.esp = esp;
  }

  /** Appends one instruction and applies its flag effects. Returns its record. */
  emit(bytes: number[], text: string, fx: Fx = {}): Insn {
    if ((fx.read ?? 0) & this.undef) {
      throw new Error(`Cannot emit "${text}": it reads undefined flags (generator bug)`);
    }
    const insn: Insn = { offset: this.bytes.length, bytes, text, undefBefore: this.undef };
    for (const x of bytes) this.bytes.push(x & 0xff);
    this.insns.push(insn);
    this.undef = (this.undef & ~(fx.def ?? 0)) | (fx.undef ?? 0);
    return insn;
  }

  /** Makes the flags in `mask` defined, emitting a CMP if some are not. */
  need(mask: number): void {
    if (!(this.undef & mask)) return;
    const r = this.r;
    const a = r.below(8), c = r.below(8);
    const fx = { def: ARITH };
    switch (r.below(3)) {
      case 0:
        this.emit([0x39, 0xc0 | (c << 3) | a], `cmp ${R32[a]}, ${R32[c]}`, fx);
        break;
      case 1: {
        const v = r.u32();
        this.emit([0x81, 0xf8 | a, ...le(v, 4)], `cmp ${R32[a]}, 0x${v.toString(16)}`, fx);
        break;
      }
      default: {
        const v = r.below(256);
        this.emit([0x80, 0xf8 | a, v], `cmp ${R8[a]}, 0x${v.toString(16)}`, fx);
      }
    }
  }

  /** A point to roll back to (see {@linkcode rollback}). */
  mark(): [number, number, number, number] {
    return [this.bytes.length, this.insns.length, this.undef, this.pokes.length];
  }

  /** Forgets everything emitted since `m` (ESP must not have moved since). */
  rollback(m: [number, number, number, number]): void {
    this.bytes.length = m[0];
    this.insns.length = m[1];
    this.undef = m[2];
    this.pokes.length = m[3];
  }

  /** Patches a little-endian field of `size` bytes at code offset `at`. */
  patch(at: number, value: number, size: number): void {
    for (let i = 0; i < size; i++) this.bytes[at + i] = (value >>> (8 * i)) & 0xff;
  }

  /** Pokes `size` bytes of `value` at guest address `addr` of the data region. */
  poke(addr: number, value: number, size: number): void {
    for (let i = 0; i < size; i++) {
      const off = addr + i - DATA_BASE;
      if (off >= 0 && off < DATA_SIZE) this.pokes.push((off << 8) | ((value >>> (8 * i)) & 0xff));
    }
  }

  /** True if [addr, addr+len) overlaps a guarded stack slot. */
  isGuarded(addr: number, len: number): boolean {
    return this.guarded.some(([lo, hi]) => addr < hi && addr + len > lo);
  }

  /** True if register `reg` (0..7) may be written. */
  writable(reg: number): boolean {
    return !(this.avoid & (1 << reg));
  }

  /** Can push `bytes` more without leaving the stack window. */
  canPush(bytes: number): boolean {
    return this.esp - bytes >= ESP_MIN;
  }

  /** Can pop `bytes` without leaving the stack window or popping a guarded slot. */
  canPop(bytes: number): boolean {
    return this.esp + bytes <= ESP_MAX && !this.isGuarded(this.esp, bytes);
  }
}

/** 32-bit register names. */
export const R32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
/** 16-bit register names. */
export const R16 = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] as const;
/** 8-bit register names. */
export const R8 = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"] as const;

/** Name of register `code` at operand `size` (1, 2 or 4 bytes). */
export function regName(code: number, size: number): string {
  return (size === 1 ? R8 : size === 2 ? R16 : R32)[code]!;
}

/** The 32-bit register that register `code` of `size` lives in. */
export function reg32Of(code: number, size: number): number {
  return size === 1 ? code & 3 : code;
}

/** Little-endian bytes of `value`. */
export function le(value: number, size: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < size; i++) out.push((value >>> (8 * i)) & 0xff);
  return out;
}

/** Mask of an operand of `size` bytes. */
export function sizeMask(size: number): number {
  return size === 4 ? 0xffffffff : size === 2 ? 0xffff : 0xff;
}

/** PTR keyword for a memory operand of `size` bytes. */
export function ptrName(size: number): string {
  return size === 1 ? "byte" : size === 2 ? "word" : size === 4 ? "dword" : "qword";
}

/** A random operand size in bytes: 1, 2 or 4 (never 1 unless `byte`). */
export function pickSize(r: Prng, byte = true): number {
  const x = r.below(byte ? 10 : 7);
  return x < 4 ? 4 : x < 7 ? 2 : 1;
}

/**
 * Prefix bytes for an instruction: 0x66 for 16-bit operands, LOCK when asked, now and then a
 * harmless segment override (DS, ES, SS) or a redundant prefix; in random order.
 */
export function prefixes(r: Prng, o: { size?: number; lock?: boolean; mem?: boolean }): number[] {
  const out: number[] = [];
  if (o.size === 2) out.push(0x66);
  if (o.lock) out.push(0xf0);
  if (o.mem && r.chance(0.05)) out.push(r.pick([0x3e, 0x26, 0x36]));
  // Now and then a redundant prefix: a second 0x66, a 0x66 on a byte operation, or a DS override
  // where there is no memory operand.
  if (r.chance(0.03)) out.push(o.size === 2 || (o.size === 1 && r.chance(0.5)) ? 0x66 : 0x3e);
  for (let i = out.length - 1; i > 0; i--) {
    const j = r.below(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
