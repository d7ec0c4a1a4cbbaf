/**
 * Host-side access to a VM's memory with the guest's demand-zero semantics:
 * every page in [0x1000, memSize) that the guest has not touched reads as
 * zeros and gets a fresh zeroed frame on its first write, exactly as if the
 * CPU had touched it. Page 0 and addresses past memSize are outside memory.
 *
 * @module
 */

import { type AddressSpace, PAGE_SHIFT, PAGE_SIZE } from "./memory/mod.ts";

/**
 * Maps a zeroed frame at `page` if the page is inside memory (not page 0) and
 * unmapped. Returns whether it mapped one. Throws the memory module's
 * OutOfMemoryError when no frame is left.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { demandZero } from "@denali/kernel";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * console.log(demandZero(space, 5), demandZero(space, 5), demandZero(space, 0)); // true false false
 * ```
 */
export function demandZero(space: AddressSpace, page: number): boolean {
  if (page <= 0 || page >= space.pages || space.pte[page] !== 0) return false;
  space.map(page, space.phys.alloc(), true);
  return true;
}

function inside(space: AddressSpace, addr: number, length: number): boolean {
  return Number.isInteger(addr) && addr >= PAGE_SIZE && length >= 0 &&
    addr + length <= space.size;
}

/**
 * A copy of guest memory [addr, addr+length); untouched pages read as zeros.
 * Null if any byte is outside memory.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { readGuest } from "@denali/kernel";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * console.log(readGuest(space, 0x8000, 2), readGuest(space, 0, 1)); // Uint8Array(2) [ 0, 0 ] null
 * ```
 */
export function readGuest(space: AddressSpace, addr: number, length: number): Uint8Array | null {
  if (!inside(space, addr, length)) return null;
  const out = new Uint8Array(length);
  const u8 = space.phys.u8;
  for (let done = 0; done < length;) {
    const a = addr + done;
    const n = Math.min(length - done, PAGE_SIZE - (a & 0xfff));
    const p = space.translate(a);
    if (p >= 0) out.set(u8.subarray(p, p + n), done);
    done += n;
  }
  return out;
}

/**
 * Writes guest memory, mapping untouched pages. False, with nothing written,
 * if any byte is outside memory or on a read-only page.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { readGuest, writeGuest } from "@denali/kernel";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * writeGuest(space, 0x2ffe, new Uint8Array([1, 2, 3]));
 * console.log(readGuest(space, 0x2fff, 2)); // Uint8Array(2) [ 2, 3 ]
 * ```
 */
export function writeGuest(space: AddressSpace, addr: number, bytes: Uint8Array): boolean {
  if (!inside(space, addr, bytes.length)) return false;
  if (bytes.length === 0) return true;
  const first = addr >>> PAGE_SHIFT, last = (addr + bytes.length - 1) >>> PAGE_SHIFT;
  for (let p = first; p <= last; p++) {
    const e = space.pte[p]!;
    if (e !== 0 && space.translate(p * PAGE_SIZE, true) < 0) return false;
  }
  for (let p = first; p <= last; p++) demandZero(space, p);
  return space.writeBytes(addr, bytes, true);
}

/**
 * Up to `max` instruction bytes at `eip` as hex ("0f 0b"), stopping at the
 * first byte outside mapped memory. For fault reports.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { instructionBytes } from "@denali/kernel";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * space.allocate(0x1000, 0x1000, true);
 * space.write8(0x1ffe, 0x0f);
 * space.write8(0x1fff, 0x0b);
 * console.log(instructionBytes(space, 0x1ffe, 15)); // 0f 0b
 * ```
 */
export function instructionBytes(space: AddressSpace, eip: number, max: number): string {
  const out: string[] = [];
  for (let i = 0; i < max; i++) {
    const p = space.translate((eip + i) >>> 0);
    if (p < 0) break;
    out.push(space.phys.u8[p]!.toString(16).padStart(2, "0"));
  }
  return out.join(" ");
}
