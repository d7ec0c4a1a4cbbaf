/**
 * The virtual CPU: runs a guest for a budget of instructions and says why it
 * stopped. Decoded instructions are cached in blocks keyed by guest address;
 * pages that hold decoded code are marked in the page table so that a guest
 * write to them (self-modifying code, a loader) drops the stale blocks before
 * the write lands.
 *
 * Faults are values: `run` returns {@linkcode Stop.Fault} with the reason in
 * `exit`, and EIP and every register as they were at the start of the
 * faulting instruction. Nothing a guest does makes `run` throw.
 *
 * @module
 */

import { type AddressSpace, PTE_CODE, PTE_PRESENT } from "../memory/address_space.ts";
import { decode } from "./decoder.ts";
import type { Insn } from "./insn.ts";
import { CpuState, Stop } from "./state.ts";

/** Options for {@linkcode Cpu}. */
export interface CpuOptions {
  /** Source of RDTSC (default: instructions retired). */
  tsc?: () => number;
  /** Most decoded blocks kept before the cache is flushed (default 8192). */
  maxBlocks?: number;
}

/** Longest run of instructions decoded into one block. */
export const MAX_BLOCK_INSNS = 64;

interface Block {
  start: number;
  insns: Insn[];
  valid: boolean;
}

/**
 * One virtual CPU bound to one address space.
 *
 * @example
 * ```ts
 * import { Cpu, Stop } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x2000, 0x1000, true);
 * // mov eax, 42 ; hlt
 * mem.writeBytes(0x2000, new Uint8Array([0xb8, 42, 0, 0, 0, 0xf4]));
 * const cpu = new Cpu(mem);
 * cpu.eip = 0x2000;
 * console.log(cpu.run(100) === Stop.Hlt, cpu.regs[0]); // true 42
 * ```
 */
export class Cpu extends CpuState {
  #blocks = new Map<number, Block>();
  #pageBlocks = new Map<number, Block[]>();
  #maxBlocks: number;

  /** Creates a CPU over `mem` with registers zeroed and EIP 0. */
  constructor(mem: AddressSpace, options: CpuOptions = {}) {
    super(mem);
    if (options.tsc) this.tsc = options.tsc;
    this.#maxBlocks = options.maxBlocks ?? 8192;
    mem.onCodeWrite = (page) => this.#invalidatePage(page);
  }

  /** Decoded blocks currently cached. */
  get cachedBlocks(): number {
    return this.#blocks.size;
  }

  /**
   * Runs at most `budget` instructions (a repeated string instruction spends
   * one per iteration) and returns why it stopped.
   */
  run(budget: number): Stop {
    this.budget = budget;
    this.stop = -1;
    let cur: Insn | null = null;
    try {
      while (this.budget > 0) {
        const blk = this.#blocks.get(this.eip) ?? this.#build(this.eip);
        const insns = blk.insns;
        for (let k = 0; k < insns.length; k++) {
          const i = insns[k]!;
          cur = i;
          this.eip = i.next;
          i.h(this, i);
          // INVARIANT: an instruction is charged only once it has completed without a fault.
          if (--this.budget <= 0 || this.eip !== i.next || !blk.valid) break;
        }
        if (this.stop >= 0) break;
        if (this.staleCode) {
          this.staleCode = false;
          this.invalidate();
        }
      }
    } catch (e) {
      this.#fault(e, cur);
    }
    this.instructions += budget - this.budget;
    return this.stop >= 0 ? this.stop as Stop : Stop.Budget;
  }

  /** Completes an IN: writes `value` to AL, AX or EAX by the size in `exit`. */
  completeIn(value: number): void {
    this.setR(this.exit.size, 0, value);
  }

  /**
   * Delivers an interrupt upcall: pushes EFLAGS, 0 (a CS placeholder) and
   * EIP, clears the virtual IF and jumps to `handler`. IRET undoes it.
   * Returns false, with `exit` describing the page fault, if the stack
   * cannot take the frame; nothing is changed then.
   */
  upcall(handler: number): boolean {
    const base = (this.regs[4]! - 12) | 0;
    try {
      this.mem.checkWrite(base, 12);
      this.mem.write32((base + 8) | 0, this.eflags);
      this.mem.write32((base + 4) | 0, 0);
      this.mem.write32(base, this.eip);
    } catch (e) {
      this.#fault(e, null);
      return false;
    }
    this.regs[4] = base;
    this.vif = false;
    this.eip = handler >>> 0;
    return true;
  }

  /** Drops every decoded block (call after changing the page table). */
  invalidate(): void {
    const pte = this.mem.pte;
    for (const [page, list] of this.#pageBlocks) {
      if (page < pte.length) pte[page] = pte[page]! & ~PTE_CODE;
      for (const b of list) b.valid = false;
    }
    this.#pageBlocks.clear();
    this.#blocks.clear();
  }

  #fault(e: unknown, cur: Insn | null): void {
    const ex = this.exit;
    if (cur !== null) this.eip = cur.addr;
    this.stop = Stop.Fault;
    if (e === this.signal) {
      ex.fault = this.signal.kind;
      ex.faultAddress = 0;
      ex.faultWrite = false;
    } else if (e === this.mem.fault) {
      const f = this.mem.fault;
      ex.fault = "page-fault";
      ex.faultAddress = f.address;
      ex.faultWrite = f.write;
      ex.detail = `${f.write ? "write" : "read"} of ${f.reason} address 0x${
        f.address.toString(16).padStart(8, "0")
      }`;
    } else {
      ex.fault = "internal-error";
      ex.faultAddress = 0;
      ex.faultWrite = false;
      ex.detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
  }

  #build(eip: number): Block {
    if (this.#blocks.size >= this.#maxBlocks) this.invalidate();
    const insns: Insn[] = [];
    let a = eip;
    for (;;) {
      const i = decode(this.mem, a);
      insns.push(i);
      if (i.end || insns.length >= MAX_BLOCK_INSNS) break;
      a = i.next;
    }
    const blk: Block = { start: eip, insns, valid: true };
    this.#blocks.set(eip, blk);
    const last = insns[insns.length - 1]!;
    const firstPage = eip >>> 12, lastPage = ((last.addr + last.len - 1) >>> 0) >>> 12;
    const pte = this.mem.pte;
    for (let p = firstPage; p <= lastPage; p++) {
      if (p < pte.length && pte[p]! & PTE_PRESENT) pte[p] = pte[p]! | PTE_CODE;
      const list = this.#pageBlocks.get(p);
      if (list) list.push(blk);
      else this.#pageBlocks.set(p, [blk]);
    }
    return blk;
  }

  #invalidatePage(page: number): void {
    const pte = this.mem.pte;
    pte[page] = pte[page]! & ~PTE_CODE;
    const list = this.#pageBlocks.get(page);
    if (!list) return;
    for (const b of list) {
      b.valid = false;
      if (this.#blocks.get(b.start) === b) this.#blocks.delete(b.start);
    }
    this.#pageBlocks.delete(page);
  }
}
