/**
 * Region formation: from a hot block, the blocks reachable through direct
 * branches, calls and fall-throughs that the VM has already run often enough
 * (they are in its decoded-block cache with at least `minHits` executions),
 * breadth first, within size limits. Cold paths stay out: they leave the
 * region and run interpreted, which keeps regions small enough for V8 to
 * optimize soon. Returns and
 * indirect jumps stay inside when they land on a block of the region.
 *
 * A block stops before a fault placeholder (bytes that are not an
 * instruction of the subset, or could not be fetched): the region leaves
 * there and the interpreter raises the fault. It also stops after a loop's
 * back edge (see `backEdge`).
 *
 * @module
 */

import type { AddressSpace } from "../../memory/address_space.ts";
import type { Insn } from "../insn.ts";
import * as F from "../ops_flow.ts";
import type { RegionBlock } from "./translate.ts";

/** A decoded block as the CPU caches it. */
export interface SourceBlock {
  /** Guest address of its first instruction. */
  readonly start: number;
  /** Its decoded instructions. */
  readonly insns: Insn[];
  /** False once its code was overwritten. */
  readonly valid: boolean;
  /** Interpreted executions counted so far (absent: counts as hot). */
  readonly hits?: number;
}

/** Size limits of a region. */
export interface RegionLimits {
  /** Most blocks (default 48). */
  maxBlocks?: number;
  /** Most instructions (default 512). */
  maxInsns?: number;
  /** Fewest counted executions of a block other than the entry to join (default 0). */
  minHits?: number;
}

/**
 * A conditional branch backwards (a loop's back edge). Blocks do not end at
 * conditional branches, so what follows one is usually the loop's exit path:
 * it joins the region only if the VM has run it as a block of its own.
 */
const backEdge = (i: Insn) => (i.h === F.jcc || i.h === F.loop) && i.target <= i.addr;

/** `call/jmp [disp + reg*4]`: an indirect branch through a table at a fixed address. */
const tableForm = (i: Insn) =>
  i.isMem && i.base < 0 && i.index >= 0 && i.scale === 2 && i.seg === 0 && i.size === 4;

/** True for an instruction the decoder could not decode (it faults when run). */
const placeholder = (i: Insn) => i.next === i.addr;

/** Most entries of a jump or call table read to find targets. */
const TABLE_ENTRIES = 64;

function successors(
  body: Insn[],
  truncated: boolean,
  peek32: (addr: number) => number | null,
): number[] {
  const out: number[] = [];
  for (const i of body) {
    if (i.h === F.jcc || i.h === F.loop || i.h === F.jmp || i.h === F.call) out.push(i.target);
    else if ((i.h === F.callRm || i.h === F.jmpRm) && tableForm(i)) {
      // A table of code addresses (function pointers, a switch's jump table): its entries are
      // likely targets. Only region formation uses them; dispatch stays by address.
      for (let k = 0; k < TABLE_ENTRIES; k++) {
        const t = peek32((i.disp + (k << 2)) >>> 0);
        if (t === null) break;
        out.push(t >>> 0);
      }
    }
  }
  const last = body[body.length - 1]!;
  if (!truncated && (!last.end || last.h === F.call || last.h === F.callRm)) out.push(last.next);
  return out;
}

/**
 * The region rooted at `entry`; null when its first instruction cannot be
 * translated (a fault placeholder). `peek32` reads guest memory (null when
 * unmapped) to find the targets of jump and call tables.
 *
 * @example
 * ```ts
 * import { formRegion } from "./region.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xeb, 0xfe])); // l: jmp l
 * const b = { start: 0x1000, insns: [decode(mem, 0x1000)], valid: true };
 * console.log(formRegion(b, () => b)?.length); // 1
 * ```
 */
export function formRegion(
  entry: SourceBlock,
  lookup: (addr: number) => SourceBlock | undefined,
  limits: RegionLimits = {},
  peek32: (addr: number) => number | null = () => null,
): RegionBlock[] | null {
  const maxBlocks = limits.maxBlocks ?? 48, maxInsns = limits.maxInsns ?? 128;
  const minHits = limits.minHits ?? 0;
  const out: RegionBlock[] = [];
  const seen = new Set<number>([entry.start]);
  const queue: SourceBlock[] = [entry];
  let insns = 0;
  for (let q = 0; q < queue.length && out.length < maxBlocks; q++) {
    const b = queue[q]!;
    let n = 0;
    while (n < b.insns.length && !placeholder(b.insns[n]!)) {
      const i = b.insns[n++]!;
      if (backEdge(i)) break;
    }
    if (n === 0 || (out.length > 0 && insns + n > maxInsns)) continue;
    const body = n === b.insns.length ? b.insns : b.insns.slice(0, n);
    out.push({ start: b.start, insns: body });
    insns += n;
    for (const a of successors(body, n < b.insns.length && placeholder(b.insns[n]!), peek32)) {
      if (seen.has(a)) continue;
      const s = lookup(a);
      if (s === undefined || !s.valid || (s.hits ?? Infinity) < minHits) continue;
      seen.add(a);
      queue.push(s);
    }
  }
  return out.length > 0 ? out : null;
}

/** The guest bytes a region was made from: sorted, merged [address, length] ranges and their bytes. */
export interface RegionCode {
  /** [address, length] pairs, sorted and merged. */
  ranges: number[];
  /** The bytes of the ranges, concatenated. */
  bytes: Uint8Array;
  /** Guest pages the ranges touch. */
  pages: number[];
}

/**
 * Reads the bytes of every instruction of a region from `mem` (they were
 * just decoded from there, so they are mapped).
 *
 * @example
 * ```ts
 * import { regionCode } from "./region.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xeb, 0xfe]));
 * console.log(regionCode(mem, [{ start: 0x1000, insns: [decode(mem, 0x1000)] }]).ranges); // [4096, 2]
 * ```
 */
export function regionCode(mem: AddressSpace, blocks: RegionBlock[]): RegionCode {
  const spans: [number, number][] = [];
  for (const b of blocks) for (const i of b.insns) spans.push([i.addr, i.addr + i.len]);
  spans.sort((x, y) => x[0] - y[0]);
  const ranges: number[] = [];
  let total = 0;
  for (const [s, e] of spans) {
    const n = ranges.length;
    if (n > 0 && s <= ranges[n - 2]! + ranges[n - 1]!) {
      const end = Math.max(ranges[n - 2]! + ranges[n - 1]!, e);
      total += end - (ranges[n - 2]! + ranges[n - 1]!);
      ranges[n - 1] = end - ranges[n - 2]!;
    } else {
      ranges.push(s, e - s);
      total += e - s;
    }
  }
  const bytes = new Uint8Array(total);
  const pages = new Set<number>();
  let o = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const a = ranges[r]!, len = ranges[r + 1]!;
    const got = mem.readBytes(a, len);
    if (got === null) throw new RangeError(`Cannot read region code at 0x${a.toString(16)}`);
    bytes.set(got, o);
    o += len;
    for (let p = a >>> 12; p <= (a + len - 1) >>> 12; p++) pages.add(p);
  }
  return { ranges, bytes, pages: [...pages] };
}

/**
 * True when `mem` holds exactly `code`'s bytes at its ranges.
 *
 * @example
 * ```ts
 * import { codeMatches, regionCode } from "./region.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xeb, 0xfe]));
 * const code = regionCode(mem, [{ start: 0x1000, insns: [decode(mem, 0x1000)] }]);
 * console.log(codeMatches(mem, code)); // true
 * ```
 */
export function codeMatches(mem: AddressSpace, code: RegionCode): boolean {
  const u8 = mem.phys.u8, { ranges, bytes } = code;
  let o = 0;
  for (let r = 0; r < ranges.length; r += 2) {
    const a = ranges[r]!, len = ranges[r + 1]!;
    let k = 0;
    while (k < len) {
      const p = mem.translate(a + k);
      if (p < 0) return false;
      const n = Math.min(len - k, 4096 - ((a + k) & 0xfff));
      for (let x = 0; x < n; x++) if (u8[p + x] !== bytes[o + k + x]) return false;
      k += n;
    }
    o += len;
  }
  return true;
}
