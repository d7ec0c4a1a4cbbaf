/**
 * A VM's address space: a flat page table that maps guest pages [0, size) to
 * frames of {@linkcode PhysicalMemory}, and the checked guest accessors that
 * the CPU and devices use. It is the software TLB of the architecture doc:
 * every guest access goes through `pte`.
 *
 * Page-table entry layout (Int32): `frame << 4 | flags`, 0 when not present.
 *
 * Accessors signal a bad access by throwing this space's preallocated
 * {@linkcode MemoryFault} (no allocation, no stack capture); the CPU catches it
 * and turns it into a fault value, so it never escapes the kernel.
 *
 * @module
 */

import { PAGE_SHIFT, PAGE_SIZE, type PhysicalMemory } from "./physical.ts";

/** The page is mapped. */
export const PTE_PRESENT = 1;
/** The guest may write the page. */
export const PTE_WRITABLE = 2;
/** The page holds decoded code: writes take the slow path and invalidate it. */
export const PTE_CODE = 4;
/** The frame is shared copy-on-write (reserved for page sharing). */
export const PTE_COW = 8;
/** Bits of an entry below the frame number. */
export const PTE_FRAME_SHIFT = 4;

/** Why a guest memory access failed. */
export type MemoryFaultReason = "unmapped" | "read-only";

/**
 * A failed guest access. One instance per address space is reused and thrown.
 *
 * @example
 * ```ts
 * import { AddressSpace, MemoryFault, PhysicalMemory } from "@denali/kernel/memory";
 * const as = new AddressSpace(new PhysicalMemory(), 0x10000);
 * try { as.read32(0); } catch (e) { if (e instanceof MemoryFault) console.log(e.reason); }
 * ```
 */
export class MemoryFault {
  /** Guest linear address of the first byte that failed. */
  address = 0;
  /** The access was a write. */
  write = false;
  /** What was wrong with the page. */
  reason: MemoryFaultReason = "unmapped";
}

/**
 * Paged guest memory of one VM.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const as = new AddressSpace(new PhysicalMemory(), 0x10000);
 * as.allocate(0x1000, 0x2000, true);
 * as.write32(0x1ffe, 0x12345678); // straddles two pages
 * console.log(as.read32(0x1ffe).toString(16)); // 12345678
 * ```
 */
export class AddressSpace {
  /** Backing frames. */
  readonly phys: PhysicalMemory;
  /** Bytes of guest address space (a multiple of PAGE_SIZE). */
  readonly size: number;
  /** Number of pages; `pte.length`. */
  readonly pages: number;
  /** Page-table entries. Page 0 is never mapped. */
  readonly pte: Int32Array;
  /** The fault object this space throws. */
  readonly fault: MemoryFault = new MemoryFault();
  /** Called when the guest writes a page marked {@linkcode PTE_CODE}; must clear the bit. */
  onCodeWrite: (page: number) => void = (page) => {
    this.pte[page] = this.pte[page]! & ~PTE_CODE;
  };

  /** Creates an empty address space of `size` bytes (rounded up to pages). */
  constructor(phys: PhysicalMemory, size: number) {
    if (!(size > 0 && size <= 0x1_0000_0000)) {
      throw new RangeError(`Cannot create address space: size ${size} is not in 1..4 GiB`);
    }
    this.phys = phys;
    this.pages = Math.ceil(size / PAGE_SIZE);
    this.size = this.pages * PAGE_SIZE;
    this.pte = new Int32Array(this.pages);
  }

  /** Maps `page` to `frame`. Page 0 cannot be mapped. */
  map(page: number, frame: number, writable: boolean): void {
    if (page <= 0 || page >= this.pages) {
      throw new RangeError(`Cannot map page ${page}: outside 1..${this.pages - 1}`);
    }
    this.pte[page] = (frame << PTE_FRAME_SHIFT) | PTE_PRESENT | (writable ? PTE_WRITABLE : 0);
  }

  /** Allocates fresh zeroed frames for every page touching [start, start+length). */
  allocate(start: number, length: number, writable: boolean): void {
    const first = Math.floor(start / PAGE_SIZE);
    const last = Math.floor((start + length - 1) / PAGE_SIZE);
    for (let p = first; p <= last; p++) {
      if (this.pte[p]! & PTE_PRESENT) {
        this.setWritable(p, writable || (this.pte[p]! & PTE_WRITABLE) !== 0);
      } else this.map(p, this.phys.alloc(), writable);
    }
  }

  /** Changes the writable bit of a mapped page. */
  setWritable(page: number, writable: boolean): void {
    const e = this.pte[page]!;
    this.pte[page] = writable ? e | PTE_WRITABLE : e & ~PTE_WRITABLE;
  }

  /** Unmaps every page and returns its frames. */
  release(): void {
    for (let p = 0; p < this.pages; p++) {
      const e = this.pte[p]!;
      if (e & PTE_PRESENT) this.phys.free(e >>> PTE_FRAME_SHIFT);
      this.pte[p] = 0;
    }
  }

  /** Number of mapped pages. */
  mappedPages(): number {
    let n = 0;
    for (let p = 0; p < this.pages; p++) if (this.pte[p]! & PTE_PRESENT) n++;
    return n;
  }

  /**
   * Byte offset in physical memory of guest address `addr`, or -1 when the
   * page is not mapped (or, with `write`, not writable). Host-side helper for
   * devices and loaders; it does not throw and does not mark code writes.
   */
  translate(addr: number, write = false): number {
    const a = addr >>> 0;
    const page = a >>> PAGE_SHIFT;
    if (page >= this.pages) return -1;
    const e = this.pte[page]!;
    if (!(e & PTE_PRESENT) || (write && !(e & PTE_WRITABLE))) return -1;
    return (e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + (a & 0xfff);
  }

  /** Host-side copy of guest bytes, or null if any byte is unmapped. */
  readBytes(addr: number, length: number): Uint8Array | null {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const p = this.translate(addr + done);
      if (p < 0 || addr + done >= this.size) return null;
      const n = Math.min(length - done, PAGE_SIZE - ((addr + done) & 0xfff));
      out.set(this.phys.u8.subarray(p, p + n), done);
      done += n;
    }
    return out;
  }

  /**
   * Host-side write of guest bytes (loaders write read-only pages too unless
   * `checkWritable`). Returns false, having written nothing, if any page is bad.
   */
  writeBytes(addr: number, data: Uint8Array, checkWritable = false): boolean {
    if (addr < 0 || addr + data.length > this.size) return false;
    for (let done = 0; done < data.length;) {
      if (this.translate(addr + done, checkWritable) < 0) return false;
      done += PAGE_SIZE - ((addr + done) & 0xfff);
    }
    if (data.length > 0 && this.translate(addr + data.length - 1, checkWritable) < 0) return false;
    for (let done = 0; done < data.length;) {
      const a = addr + done;
      const page = a >>> PAGE_SHIFT;
      if (this.pte[page]! & PTE_CODE) this.onCodeWrite(page);
      const p = this.translate(a);
      const n = Math.min(data.length - done, PAGE_SIZE - (a & 0xfff));
      this.phys.u8.set(data.subarray(done, done + n), p);
      done += n;
    }
    return true;
  }

  /** Reads a byte (0..255). Throws {@linkcode MemoryFault}. */
  read8(addr: number): number {
    const a = addr >>> 0;
    const page = a >>> PAGE_SHIFT;
    if (page < this.pages) {
      const e = this.pte[page]!;
      if (e & PTE_PRESENT) return this.phys.u8[(e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + (a & 0xfff)]!;
    }
    return this.#throw(a, false, "unmapped");
  }

  /** Reads a 16-bit value (0..65535). Throws {@linkcode MemoryFault}. */
  read16(addr: number): number {
    const a = addr >>> 0;
    const off = a & 0xfff;
    if (off <= 0xffe) {
      const page = a >>> PAGE_SHIFT;
      if (page < this.pages) {
        const e = this.pte[page]!;
        if (e & PTE_PRESENT) {
          return this.phys.view.getUint16((e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + off, true);
        }
      }
      return this.#throw(a, false, "unmapped");
    }
    return this.read8(a) | (this.read8(a + 1) << 8);
  }

  /** Reads a 32-bit value as a signed int32. Throws {@linkcode MemoryFault}. */
  read32(addr: number): number {
    const a = addr >>> 0;
    const off = a & 0xfff;
    if (off <= 0xffc) {
      const page = a >>> PAGE_SHIFT;
      if (page < this.pages) {
        const e = this.pte[page]!;
        if (e & PTE_PRESENT) {
          const p = (e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + off;
          if ((p & 3) === 0) return this.phys.i32[p >>> 2]!;
          return this.phys.view.getInt32(p, true);
        }
      }
      return this.#throw(a, false, "unmapped");
    }
    // Straddles two pages: check both before reading either (precise faults).
    this.#check(a, false);
    this.#check((a + 3) & ~0xfff, false);
    return this.read8(a) | (this.read8(a + 1) << 8) | (this.read8(a + 2) << 16) |
      (this.read8(a + 3) << 24);
  }

  /** Writes a byte. Throws {@linkcode MemoryFault}. */
  write8(addr: number, value: number): void {
    const a = addr >>> 0;
    const page = a >>> PAGE_SHIFT;
    if (page < this.pages) {
      const e = this.pte[page]!;
      if ((e & 7) === 3) {
        this.phys.u8[(e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + (a & 0xfff)] = value;
        return;
      }
    }
    this.#slowWrite(a, value, 1);
  }

  /** Writes a 16-bit value. Throws {@linkcode MemoryFault}. */
  write16(addr: number, value: number): void {
    const a = addr >>> 0;
    const off = a & 0xfff;
    const page = a >>> PAGE_SHIFT;
    if (off <= 0xffe && page < this.pages) {
      const e = this.pte[page]!;
      if ((e & 7) === 3) {
        this.phys.view.setUint16((e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + off, value & 0xffff, true);
        return;
      }
    }
    this.#slowWrite(a, value, 2);
  }

  /** Writes a 32-bit value. Throws {@linkcode MemoryFault}. */
  write32(addr: number, value: number): void {
    const a = addr >>> 0;
    const off = a & 0xfff;
    const page = a >>> PAGE_SHIFT;
    if (off <= 0xffc && page < this.pages) {
      const e = this.pte[page]!;
      if ((e & 7) === 3) {
        const p = (e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + off;
        if ((p & 3) === 0) this.phys.i32[p >>> 2] = value;
        else this.phys.view.setInt32(p, value, true);
        return;
      }
    }
    this.#slowWrite(a, value, 4);
  }

  /** Throws unless a write of `size` bytes at `addr` would succeed. */
  checkWrite(addr: number, size: number): void {
    this.#check(addr >>> 0, true);
    if (size > 1) this.#check((addr + size - 1) & ~0xfff, true);
  }

  #check(a: number, write: boolean): void {
    const page = (a >>> 0) >>> PAGE_SHIFT;
    const e = page < this.pages ? this.pte[page]! : 0;
    if (!(e & PTE_PRESENT)) this.#throw(a >>> 0, write, "unmapped");
    if (write && !(e & PTE_WRITABLE)) this.#throw(a >>> 0, true, "read-only");
  }

  #slowWrite(a: number, value: number, size: number): void {
    // INVARIANT: every byte is checked before any is written, so a fault leaves memory as it was.
    this.#check(a, true);
    if (size > 1 && ((a + size - 1) & ~0xfff) !== (a & ~0xfff)) {
      this.#check((a + size - 1) & ~0xfff, true);
    }
    for (let i = 0; i < size; i++) {
      const b = (a + i) >>> 0;
      const page = b >>> PAGE_SHIFT;
      if (this.pte[page]! & PTE_CODE) this.onCodeWrite(page);
      const e = this.pte[page]!;
      this.phys.u8[(e >>> PTE_FRAME_SHIFT) * PAGE_SIZE + (b & 0xfff)] = value >>> (8 * i);
    }
  }

  #throw(a: number, write: boolean, reason: MemoryFaultReason): never {
    const f = this.fault;
    f.address = a;
    f.write = write;
    f.reason = reason;
    throw f;
  }
}
