/**
 * Where the conformance cases live, shared by the generator, both runners and runner.c (keep the
 * constants in step with it): code at CODE_BASE, a data region of two pages at DATA_BASE whose
 * first page is the data area for memory operands and whose second page holds the stack.
 *
 * @module
 */

import { Prng } from "./prng.ts";

/** Guest address of the first test byte. */
export const CODE_BASE = 0x00200000;
/** Bytes of the code region. */
export const CODE_SIZE = 0x4000;
/** Guest address of the data region. */
export const DATA_BASE = 0x00300000;
/** Bytes of the data region (data area, then the stack page). */
export const DATA_SIZE = 0x2000;
/** First byte of the stack page. */
export const STACK_BASE: number = DATA_BASE + 0x1000;
/** Initial ESP (before a small random misalignment). */
export const STACK_TOP: number = DATA_BASE + 0x1800;
/** Bytes of the guest address space of our CPU. */
export const SPACE_SIZE = 4 * 1024 * 1024;

/** EFLAGS bits. */
export const CF = 0x1, PF = 0x4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
/** The six arithmetic flags. */
export const ARITH = CF | PF | AF | ZF | SF | OF;
/** Flags the harness compares: the arithmetic flags and DF. */
export const COMPARED = ARITH | DF;
/** IF and the always-one bit 1, which user code always sees set. */
export const FIXED_BITS = 0x202;

/** Register names in encoding order. */
export const REG32 = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;

/**
 * A byte written over the random fill before a case starts: `offset << 8 | byte`, offset into
 * the data region.
 */
export type Poke = number;

/**
 * The initial data region of a case: mulberry32(memSeed) dwords, then the pokes. runner.c builds
 * the same bytes.
 *
 * @example
 * ```ts
 * import { initialData } from "./layout.ts";
 * console.log(initialData(1, [(0x10 << 8) | 0xab])[0x10]); // 171
 * ```
 */
export function initialData(memSeed: number, pokes: readonly Poke[]): Uint8Array {
  const out = new Uint8Array(DATA_SIZE);
  const words = new Uint32Array(out.buffer);
  const r = new Prng(memSeed);
  for (let i = 0; i < words.length; i++) words[i] = r.u32();
  for (const p of pokes) {
    const off = p >>> 8;
    if (off < DATA_SIZE) out[off] = p & 0xff;
  }
  return out;
}

/**
 * Names the set flags of `mask` ("CF ZF DF").
 *
 * @example
 * ```ts
 * import { CF, flagNames, ZF } from "./layout.ts";
 * console.log(flagNames(CF | ZF)); // "CF ZF"
 * ```
 */
export function flagNames(mask: number): string {
  const names: [number, string][] = [
    [CF, "CF"],
    [PF, "PF"],
    [AF, "AF"],
    [ZF, "ZF"],
    [SF, "SF"],
    [OF, "OF"],
    [DF, "DF"],
  ];
  return names.filter(([bit]) => mask & bit).map(([, n]) => n).join(" ");
}

/**
 * Formats a number as 0x-prefixed hex (negative numbers as -0x...).
 *
 * @example
 * ```ts
 * import { hex } from "./layout.ts";
 * console.log(hex(255), hex(-16)); // 0xff -0x10
 * ```
 */
export function hex(v: number): string {
  return v < 0 ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}
