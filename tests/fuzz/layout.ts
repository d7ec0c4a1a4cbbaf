/**
 * The random VM of one fuzz round: its address-space size, mapped regions
 * (code and data, writable or read-only, often adjacent so accesses straddle a
 * permission boundary), initial registers, flags and EIP. A spec is plain data
 * drawn from a {@linkcode Prng}, so a round can be rebuilt exactly from its seed.
 *
 * @module
 */

import { generateCode } from "./code.ts";
import type { Prng } from "./prng.ts";

const PAGE = 4096;

/** A run of mapped pages with their initial bytes. */
export interface Region {
  /** First page number (never 0). */
  page: number;
  /** Number of pages. */
  pages: number;
  /** Guest writes allowed. */
  writable: boolean;
  /** Holds generated code (EIP starts in a code region). */
  code: boolean;
  /** Initial contents, `pages * 4096` bytes. */
  bytes: Uint8Array;
}

/** Everything needed to build the VM of one round. */
export interface RoundSpec {
  /** Address-space size in bytes. */
  size: number;
  /** Mapped regions, not overlapping. */
  regions: Region[];
  /** EAX ECX EDX EBX ESP EBP ESI EDI. */
  regs: Int32Array;
  /** Initial EIP. */
  eip: number;
  /** Initial EFLAGS. */
  eflags: number;
  /** Initial FS base. */
  fsBase: number;
  /** Initial GS base. */
  gsBase: number;
  /** Bytes of generated code in the round. */
  codeBytes: number;
  /** Addresses where generated code starts (EIP is one of them). */
  entries: number[];
}

const SIZES = [0x10000, 0x100000, 0x100000, 0x100000, 0x100000, 0x1000000, 0x1_0000_0000];
const FLAG_BITS = 0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x200 | 0x400 | 0x800;

/**
 * Draws a round's VM. `maxCodeBytes` caps the generated code.
 *
 * @example
 * ```ts
 * import { Prng } from "./prng.ts";
 * import { generateRound } from "./layout.ts";
 * const spec = generateRound(new Prng(7), 8192);
 * console.log(spec.regions.length > 0, spec.codeBytes <= 8192);
 * ```
 */
export function generateRound(rng: Prng, maxCodeBytes: number): RoundSpec {
  const size = rng.pick(SIZES);
  const pages = size / PAGE;
  const used = new Set<number>();
  const regions: Region[] = [];

  const place = (count: number, near: Region | undefined): number => {
    for (let attempt = 0; attempt < 20; attempt++) {
      let start: number;
      const k = rng.int(10);
      if (near && k < 4) start = rng.chance(0.5) ? near.page + near.pages : near.page - count;
      else if (k < 5) start = pages - count - rng.int(3);
      else if (k < 6) start = 1 + rng.int(16);
      else start = 1 + rng.int(Math.min(pages - 1, 1024));
      if (rng.chance(0.2)) start = 1 + rng.int(pages - 1);
      if (start < 1 || start + count > pages) continue;
      let free = true;
      for (let p = start; p < start + count; p++) if (used.has(p)) free = false;
      if (!free) continue;
      for (let p = start; p < start + count; p++) used.add(p);
      return start;
    }
    return -1;
  };

  const addRegion = (count: number, writable: boolean, code: boolean): Region | undefined => {
    const page = place(count, regions.length > 0 ? rng.pick(regions) : undefined);
    if (page < 0) return undefined;
    const region: Region = { page, pages: count, writable, code, bytes: new Uint8Array(0) };
    regions.push(region);
    return region;
  };

  const codeRegions: Region[] = [];
  const codeCount = rng.range(1, 3);
  for (let i = 0; i < codeCount; i++) {
    const r = addRegion(rng.range(1, 2), rng.chance(0.4), true);
    if (r) codeRegions.push(r);
  }
  const dataCount = rng.range(1, 5);
  for (let i = 0; i < dataCount; i++) addRegion(rng.range(1, 4), rng.chance(0.7), false);
  const stack = addRegion(rng.range(1, 2), true, false);

  const inside = (r: Region): number => {
    const lo = r.page * PAGE;
    const hi = lo + r.pages * PAGE;
    const k = rng.int(6);
    if (k === 0) return lo + rng.int(16);
    if (k === 1) return hi - 1 - rng.int(8); // straddles into the next page
    return lo + rng.int(hi - lo);
  };
  const address = (): number => {
    const k = rng.int(20);
    if (regions.length > 0 && k < 14) return inside(rng.pick(regions)) >>> 0;
    if (k < 16) return rng.int(size) >>> 0; // probably unmapped
    if (k < 17) return rng.int(0x2000); // NULL page and page 1
    if (k < 18) return (size - 1 - rng.int(8)) >>> 0; // end of the address space
    return rng.u32();
  };

  let codeBytes = 0;
  const entries: number[] = [];
  for (const r of regions) {
    r.bytes = new Uint8Array(r.pages * PAGE);
    if (r.code) {
      const want = 1 << rng.range(4, 13); // 16 bytes .. 8 KiB
      const length = Math.min(r.bytes.length, want, Math.max(16, maxCodeBytes - codeBytes));
      const style = rng.pick(["random", "structured", "mixed", "mixed"] as const);
      const start = rng.chance(0.5) ? 0 : rng.int(r.bytes.length - length + 1);
      r.bytes.set(generateCode(rng, length, style, address), start);
      entries.push(r.page * PAGE + start + (rng.chance(0.7) ? 0 : rng.int(length)));
      codeBytes += length;
    } else {
      const k = rng.int(4);
      if (k === 0) continue; // zeros
      const view = new DataView(r.bytes.buffer);
      for (let off = 0; off < r.bytes.length; off += 4) {
        view.setUint32(off, k === 1 ? address() : rng.u32(), true);
      }
      if (k === 3 && codeRegions.length > 0) {
        r.bytes.set(generateCode(rng, 256, "structured", address), rng.int(r.bytes.length - 256));
      }
    }
  }

  const regs = new Int32Array(8);
  const data = regions.filter((r) => !r.code);
  for (let i = 0; i < 8; i++) {
    const k = rng.int(10);
    if (k < 5 && data.length > 0) regs[i] = inside(rng.pick(data));
    else if (k < 6) regs[i] = address();
    else if (k < 7) regs[i] = rng.range(-8, 64);
    else if (k < 8) regs[i] = rng.pick([0, -1, 0x7fffffff, 0x80000000 | 0, 0xffff, 1]);
    else regs[i] = rng.u32();
  }
  if (stack && rng.chance(0.85)) {
    regs[4] = (stack.page + stack.pages) * PAGE - 4 * rng.int(stack.pages * 512);
  }
  if (rng.chance(0.5)) regs[1] = rng.int(64); // small ECX for REP

  const eip = entries.length > 0 && rng.chance(0.97) ? rng.pick(entries) : address();
  return {
    size,
    regions,
    regs,
    eip: eip >>> 0,
    eflags: (rng.u32() & FLAG_BITS & (rng.chance(0.8) ? ~0x400 : ~0)) | 2,
    fsBase: rng.chance(0.7) ? 0 : address(),
    gsBase: rng.chance(0.7) ? 0 : address(),
    codeBytes: Math.max(codeBytes, 1),
    entries,
  };
}
