/**
 * Machine-code generator for the fuzzer. Pure random bytes mostly decode to a
 * fault within a few instructions, so the generator also writes streams of
 * well-formed x86 instructions (prefixes, ModRM/SIB forms, immediates, short
 * branches, string ops, port I/O, VMCALL) whose memory operands point into the
 * VM's mapped pages. That lets execution go deep before it stops.
 *
 * @module
 */

import type { Prng } from "./prng.ts";

/** Returns a guest address biased toward mapped pages and their edges. */
export type AddressPicker = () => number;

/** How a code region is filled. */
export type CodeStyle = "random" | "structured" | "mixed";

const SEGMENT_PREFIXES = [0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65] as const;
const ODD_PREFIXES = [0xf0, 0x67, 0xf2, 0xf3] as const;
/** Two-operand ALU opcodes with ModRM: ADD OR ADC SBB AND SUB XOR CMP in all four forms. */
const ALU_MODRM = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((op) => [0, 1, 2, 3].map((d) => op * 8 + d));
const MOV_MODRM = [0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8b, 0x8d] as const;
const SINGLE = [
  0x90,
  0x91,
  0x92,
  0x93,
  0x94,
  0x95,
  0x96,
  0x97,
  0x98,
  0x99,
  0x9c,
  0x9d,
  0x9e,
  0x9f,
  0x60,
  0x61,
  0xc3,
  0xc9,
  0xcc,
  0xf4,
  0xf5,
  0xf8,
  0xf9,
  0xfa,
  0xfb,
  0xfc,
  0xfd,
  0xd7,
  0xce,
  0x27,
  0x2f,
  0x37,
  0x3f,
  0x06,
  0x07,
  0x0e,
  0x16,
  0x17,
  0x1e,
  0x1f,
  0xcb,
  0xcf,
  0x9b,
  0xd6,
  0xf1,
] as const;
const STRING_OPS = [0xa4, 0xa5, 0xa6, 0xa7, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf] as const;
const PORTS = [0x100, 0x104, 0x0, 0x60, 0x3f8, 0xffff] as const;
/** Second bytes of 0F opcodes that take a ModRM byte (no immediate). */
const TWO_BYTE_MODRM = [
  0xb6,
  0xb7,
  0xbe,
  0xbf,
  0xaf,
  0xa3,
  0xab,
  0xb3,
  0xbb,
  0xbc,
  0xbd,
  0xa5,
  0xad,
  0xb0,
  0xb1,
  0xc0,
  0xc1,
  0x40,
  0x41,
  0x42,
  0x43,
  0x44,
  0x45,
  0x46,
  0x47,
  0x48,
  0x49,
  0x4a,
  0x4b,
  0x4c,
  0x4d,
  0x4e,
  0x4f,
  0x90,
  0x91,
  0x92,
  0x93,
  0x94,
  0x95,
  0x96,
  0x97,
  0x98,
  0x99,
  0x9a,
  0x9b,
  0x9c,
  0x9d,
  0x9e,
  0x9f,
  0xc7,
  0x00,
  0x01,
  0x1f,
  0x18,
] as const;
const TWO_BYTE_PLAIN = [0x31, 0xa2, 0x0b, 0x05, 0x34, 0xa0, 0xa1, 0xa8, 0xa9, 0x06, 0x09] as const;

/** Writes instructions into a byte buffer. */
class Emitter {
  readonly out: number[] = [];
  #rng: Prng;
  #addr: AddressPicker;
  #word16 = false;

  constructor(rng: Prng, addr: AddressPicker) {
    this.#rng = rng;
    this.#addr = addr;
  }

  b(...bytes: number[]): void {
    for (const x of bytes) this.out.push(x & 0xff);
  }

  u32(v: number): void {
    this.b(v, v >>> 8, v >>> 16, v >>> 24);
  }

  /** An operand-size immediate (16 bits after a 0x66 prefix). */
  immv(v = this.value()): void {
    if (this.#word16) this.b(v, v >>> 8);
    else this.u32(v);
  }

  /** A 32-bit value: an address, a small number or anything. */
  value(): number {
    const r = this.#rng;
    const k = r.int(10);
    if (k < 4) return this.#addr();
    if (k < 7) return r.range(-16, 64);
    if (k < 8) return r.pick([0, -1, 0x7fffffff, 0x80000000, 0xffff, 0x8000, 31, 32, 33]);
    return r.u32();
  }

  /** A ModRM byte (plus SIB and displacement) with register field `reg`. */
  modrm(reg = this.#rng.int(8), registerOnly = false): void {
    const r = this.#rng;
    const mod = registerOnly ? 3 : r.pick([0, 0, 1, 2, 3, 3]);
    const rm = r.chance(0.2) ? 4 : r.chance(0.15) && mod === 0 ? 5 : r.int(8);
    this.b((mod << 6) | ((reg & 7) << 3) | rm);
    if (mod === 3) return;
    let disp32 = mod === 2 || (mod === 0 && rm === 5);
    if (rm === 4) {
      const base = r.int(8);
      const index = r.chance(0.6) ? 4 : r.int(8); // 4: no index
      this.b((r.int(4) << 6) | (index << 3) | base);
      if (mod === 0 && base === 5) disp32 = true;
    }
    if (mod === 1) this.b(r.range(-32, 32));
    else if (disp32) {
      this.u32(mod === 0 ? this.#addr() : r.chance(0.5) ? r.range(-64, 64) : r.u32());
    }
  }

  /** One instruction (or a short idiom such as `mov eax, n; vmcall`). */
  instruction(): void {
    const r = this.#rng;
    this.#word16 = false;
    if (r.chance(0.12)) {
      const p = r.chance(0.5)
        ? 0x66
        : r.chance(0.6)
        ? r.pick(SEGMENT_PREFIXES)
        : r.pick(ODD_PREFIXES);
      if (p === 0x66) this.#word16 = true;
      this.b(p);
    }
    switch (r.int(22)) {
      case 0:
      case 1:
      case 2:
        this.b(r.pick(ALU_MODRM));
        return this.modrm();
      case 3:
        this.b(r.pick(ALU_MODRM) | 4, r.byte());
        return;
      case 4:
        this.b(r.pick(ALU_MODRM) | 4 | 1);
        return this.immv();
      case 5: {
        const op = r.pick([0x80, 0x81, 0x83, 0x69, 0x6b]);
        this.b(op);
        this.modrm();
        return op === 0x81 || op === 0x69 ? this.immv() : this.b(r.byte());
      }
      case 6:
      case 7:
        this.b(r.pick(MOV_MODRM));
        return this.modrm();
      case 8: {
        const op = r.pick([0xc0, 0xc1, 0xd0, 0xd1, 0xd2, 0xd3]);
        this.b(op);
        this.modrm();
        if (op < 0xd0) this.b(r.pick([0, 1, 7, 8, 15, 16, 31, 32, 33, r.byte()]));
        return;
      }
      case 9: {
        const op = r.pick([0xf6, 0xf7]);
        const reg = r.int(8);
        this.b(op);
        this.modrm(reg);
        if (reg < 2) return op === 0xf6 ? this.b(r.byte()) : this.immv();
        return;
      }
      case 10:
        this.b(r.pick([0xfe, 0xff]));
        return this.modrm(r.int(8));
      case 11:
        if (r.chance(0.5)) {
          this.b(0xb8 + r.int(8));
          return this.immv(this.#addr());
        }
        this.b(0xb0 + r.int(8), r.byte());
        return;
      case 12:
        if (r.chance(0.5)) {
          this.b(0xc7);
          this.modrm(0);
          return this.immv();
        }
        this.b(0xc6);
        this.modrm(0);
        return this.b(r.byte());
      case 13: {
        const k = r.int(5);
        if (k === 0) {
          this.b(0x68);
          return this.immv();
        }
        if (k === 1) return this.b(0x6a, r.byte());
        if (k === 2) {
          this.b(0x8f);
          return this.modrm(0);
        }
        return this.b(0x40 + r.int(32));
      }
      case 14:
        if (r.chance(0.8)) return this.b(r.pick(SINGLE));
        switch (r.int(4)) {
          case 0:
            return this.b(0xcd, r.byte()); // INT n
          case 1:
            return this.b(r.pick([0xc2, 0xca]), r.range(0, 16), 0); // RET imm16
          case 2:
            return this.b(0xc8, r.range(0, 64), r.chance(0.8) ? 0 : 1, r.range(0, 3)); // ENTER
          default:
            this.b(r.pick([0x9a, 0xea])); // far CALL / JMP ptr16:32
            this.u32(this.#addr());
            return this.b(r.byte(), r.byte());
        }
      case 15:
        if (r.chance(0.4)) this.b(0xb9, r.range(0, 40), 0, 0, 0); // mov ecx, small count
        if (r.chance(0.6)) this.b(r.pick([0xf3, 0xf2]));
        return this.b(r.pick(STRING_OPS));
      case 16:
        this.b(r.pick([0xa0, 0xa1, 0xa2, 0xa3]));
        return this.u32(this.#addr());
      case 17: {
        const k = r.int(4);
        if (k === 0) return this.b(0x70 + r.int(16), r.range(-24, 24));
        if (k === 1) return this.b(r.pick([0xeb, 0xe0, 0xe1, 0xe2, 0xe3]), r.range(-24, 24));
        if (k === 2) this.b(r.pick([0xe8, 0xe9]));
        else this.b(0x0f, 0x80 + r.int(16));
        return this.u32(r.range(-48, 48));
      }
      case 18: {
        const k = r.int(4);
        if (k === 0) {
          this.b(0x0f, r.pick(TWO_BYTE_MODRM));
          return this.modrm();
        }
        if (k === 1) {
          const op = r.pick([0xba, 0xa4, 0xac]);
          this.b(0x0f, op);
          this.modrm(op === 0xba ? r.range(4, 7) : r.int(8));
          return this.b(r.byte());
        }
        if (k === 2) return this.b(0x0f, 0xc8 + r.int(8));
        return this.b(0x0f, r.chance(0.7) ? r.pick(TWO_BYTE_PLAIN) : r.byte());
      }
      case 19:
        if (r.chance(0.5)) {
          const port = r.pick(PORTS);
          this.b(0x66, 0xba, port, port >>> 8); // mov dx, port
        }
        if (r.chance(0.5)) return this.b(r.pick([0xe4, 0xe5, 0xe6, 0xe7]), r.pick(PORTS));
        return this.b(r.pick([0xec, 0xed, 0xee, 0xef]));
      case 20:
        if (r.chance(0.8)) {
          this.b(0xb8);
          this.u32(r.chance(0.9) ? r.int(6) : r.u32());
        }
        if (r.chance(0.5)) {
          this.b(0xbb);
          this.u32(this.value());
        }
        return this.b(0x0f, 0x01, 0xc1);
      default:
        return this.b(r.byte());
    }
  }
}

/**
 * Fills `length` bytes of code in the given style.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * import { generateCode } from "./code.ts";
 * const bytes = generateCode(new Prng(1), 64, "structured", () => 0x2000);
 * console.log(bytes.length); // 64
 * ```
 */
export function generateCode(
  rng: Prng,
  length: number,
  style: CodeStyle,
  addr: AddressPicker,
): Uint8Array {
  const bytes = new Uint8Array(length);
  if (style === "random") {
    for (let i = 0; i < length; i++) bytes[i] = rng.byte();
    return bytes;
  }
  const e = new Emitter(rng, addr);
  while (e.out.length < length) e.instruction();
  bytes.set(e.out.slice(0, length));
  if (style === "mixed") {
    const flips = rng.range(1, Math.max(1, length >>> 5));
    for (let i = 0; i < flips; i++) bytes[rng.int(length)] = rng.byte();
  }
  return bytes;
}
