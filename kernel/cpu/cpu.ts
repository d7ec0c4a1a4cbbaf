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
 * Tiering (jit/): each block counts its executions; after 32, and every
 * 1,024 after that, it takes a translation holding it from the shared
 * {@linkcode TranslationCache} if another VM made one (so VMs of one image
 * share warm code early); at
 * `jitThreshold` the region rooted at it (with the successors run at least a
 * quarter as often) is translated into a JavaScript function, and every
 * cached block of the region enters that function at its own block from then
 * on, whenever the remaining budget covers that block. The function runs whole blocks only, and leaves EIP, the
 * budget and the state exactly as the interpreter would, so instruction
 * counts are the same with the tier on or off. The region's pages are
 * registered to each block that enters it, so a write to any of them drops
 * the translation with the block.
 *
 * The threshold is high (16,384) on purpose: V8 runs a new function in its
 * own interpreter until the function has run long enough to be optimized, and
 * until then the translation is slower than this interpreter (which V8 has
 * long optimized). Code run less than that, like most of a network stack,
 * stays interpreted; loops and hot paths get translated within microseconds.
 *
 * @module
 */

import { type AddressSpace, PTE_CODE, PTE_PRESENT } from "../memory/address_space.ts";
import { decode } from "./decoder.ts";
import type { Insn } from "./insn.ts";
import { type Translation, TranslationCache } from "./jit/cache.ts";
import type { RegionLimits } from "./jit/region.ts";
import { translateRegion } from "./jit/tier.ts";
import { CpuState, Stop } from "./state.ts";

/** Options for {@linkcode Cpu}. */
export interface CpuOptions {
  /** Source of RDTSC (default: instructions retired). */
  tsc?: () => number;
  /** Most decoded blocks kept before the cache is flushed (default 8192). */
  maxBlocks?: number;
  /** Translate hot code into JavaScript (default true). Callers map `DENALI_JIT` to it. */
  jit?: boolean;
  /**
   * Executions of a block before its region is translated (default 16384; 0: at once).
   * Successors join the region when run at least a quarter as often (see `jitRegion`).
   */
  jitThreshold?: number;
  /** Where translations are shared (default: a cache private to this CPU). */
  jitCache?: TranslationCache;
  /** Size limits of a translated region. */
  jitRegion?: RegionLimits;
  /**
   * Most regions this CPU compiles in its life (default 1024); beyond it new
   * code runs interpreted (translations from the shared cache are still
   * taken). V8 keeps the source and code of every distinct function it
   * compiled in an isolate-wide cache until its heap is nearly full, so a
   * guest that keeps making new hot code would otherwise grow the kernel's
   * heap for every VM. (The shared cache has a bound of its own for all CPUs,
   * `maxCompiles`.)
   */
  jitMaxCompiles?: number;
}

/** Translation counters of one CPU ({@linkcode Cpu.jitStats}). */
export interface JitStats {
  /** Translated regions this CPU currently uses. */
  regions: number;
  /** Characters of generated source of those regions. */
  codeBytes: number;
  /** Guest instructions in those regions. */
  insns: number;
  /** Regions this CPU compiled (at most `jitMaxCompiles`). */
  compiled: number;
  /** Regions this CPU took from the shared cache. */
  reused: number;
  /** Instructions retired in translated code. */
  jitInstructions: number;
}

/** Executions of a block after which the shared cache is asked for its translation. */
const JIT_PROBE = 32;

/** Empty calls of a new translation before its first real one (see `#tier`). */
const JIT_WARMUP_CALLS = 16;

/** Longest run of instructions decoded into one block. */
export const MAX_BLOCK_INSNS = 64;

interface Block {
  start: number;
  insns: Insn[];
  valid: boolean;
  /** Executions counted toward translation (-Infinity: cannot be translated). */
  hits: number;
  /** The translated region this block enters (rooted here, or one holding it). */
  jit: Translation | null;
  /** This block's index in `jit` (the function's `entry` argument). */
  jitEntry: number;
  /** Instructions of this block in `jit`: the least budget an entry needs. */
  jitLen: number;
  /** The block that ran after this one last time (a chaining hint; check `start` and `valid`). */
  next: Block | null;
}

const NO_BLOCK: Block = {
  start: -1,
  insns: [],
  valid: false,
  hits: 0,
  jit: null,
  jitEntry: 0,
  jitLen: 0,
  next: null,
};

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
  /** The block run last (the chaining hint's anchor). */
  #prev: Block = { ...NO_BLOCK };
  readonly #jit: boolean;
  readonly #threshold: number;
  /** Executions after which the shared cache is asked (compiling waits for the threshold). */
  readonly #probe: number;
  readonly #cache: TranslationCache | null;
  readonly #region: RegionLimits;
  #compiled = 0;
  readonly #maxCompiles: number;
  #reused = 0;
  #jitInstructions = 0;
  /** Budget when translated code was entered; -1 outside it. */
  #jitStart = -1;

  /** Creates a CPU over `mem` with registers zeroed and EIP 0. */
  constructor(mem: AddressSpace, options: CpuOptions = {}) {
    super(mem);
    if (options.tsc) this.tsc = options.tsc;
    this.#maxBlocks = options.maxBlocks ?? 8192;
    this.#jit = options.jit ?? true;
    this.#threshold = options.jitThreshold ?? 16384;
    this.#probe = Math.min(JIT_PROBE, this.#threshold);
    this.#maxCompiles = options.jitMaxCompiles ?? 1024;
    this.#cache = this.#jit ? options.jitCache ?? new TranslationCache() : null;
    this.#region = options.jitRegion ?? {};
    mem.onCodeWrite = (page) => this.#invalidatePage(page);
  }

  /** Translation counters and the memory this CPU's translated code costs. */
  get jitStats(): JitStats {
    const seen = new Set<Translation>();
    let codeBytes = 0, insns = 0;
    for (const b of this.#blocks.values()) {
      const t = b.jit;
      if (t === null || t.fn === null || seen.has(t)) continue;
      seen.add(t);
      codeBytes += t.size;
      insns += t.insns;
    }
    return {
      regions: seen.size,
      codeBytes,
      insns,
      compiled: this.#compiled,
      reused: this.#reused,
      jitInstructions: this.#jitInstructions,
    };
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
        // Chaining: try the block that followed the previous one last time before the map.
        const prev = this.#prev;
        let blk = prev.next;
        if (blk === null || blk.start !== this.eip || !blk.valid) {
          blk = this.#blocks.get(this.eip) ?? this.#build(this.eip);
          prev.next = blk;
        }
        this.#prev = blk;
        if (this.#jit) {
          let t = blk.jit;
          if (t !== null && t.fn === null) t = blk.jit = null; // evicted from the cache
          if (t === null) {
            const h = ++blk.hits;
            // Ask the shared cache after 32 runs and every 1,024 after; compile at the threshold.
            if (h === this.#probe || (h > 0 && (h & 1023) === 0) || h >= this.#threshold) {
              t = this.#tier(blk, h >= this.#threshold);
            }
          }
          // INVARIANT: translated code runs only whole blocks the budget covers.
          if (t !== null && this.budget >= blk.jitLen) {
            cur = null;
            const mem = this.mem, phys = mem.phys;
            this.#jitStart = this.budget;
            t.fn!(this, blk, mem, mem.pte, phys.i32, phys.u16, phys.u8, phys.view, blk.jitEntry);
            this.#jitInstructions += this.#jitStart - this.budget;
            this.#jitStart = -1;
            if (this.stop >= 0) break;
            if (this.staleCode) {
              this.staleCode = false;
              this.invalidate();
            }
            continue;
          }
        }
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
      if (this.#jitStart >= 0) this.#jitInstructions += this.#jitStart - this.budget;
      this.#jitStart = -1;
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

  /**
   * Takes a translation holding `blk` from the cache or, with `compile`,
   * translates the region rooted at `blk`; attaches it to `blk` and to every
   * other cached block it can be entered at.
   */
  #tier(blk: Block, compile: boolean): Translation | null {
    const cache = this.#cache!;
    let t = cache.find(blk.start, this.mem);
    if (t !== null) this.#reused++;
    else if (!compile) return null;
    else if (this.#compiled >= this.#maxCompiles || cache.full) {
      // No more compiling: the block counts again from below zero, so it asks the cache (and
      // tries again) only after many more runs.
      blk.hits = -Math.max(this.#threshold, 1024);
      return null;
    } else {
      const limits = this.#region.minHits === undefined
        ? { ...this.#region, minHits: this.#threshold >> 2 }
        : this.#region;
      t = translateRegion(this.mem, blk, (a) => this.#blocks.get(a), limits);
      if (t === null) {
        blk.hits = -Infinity;
        return null;
      }
      cache.add(t);
      this.#compiled++;
      // Warm-up: with no budget the code leaves at once through its exit path and changes
      // nothing, but V8 then has type feedback for that path (it records feedback only after
      // a few calls). Without it, code that V8 optimizes during a long first call deopts at
      // every later exit.
      const saved = this.budget, mem = this.mem, phys = mem.phys;
      this.budget = 0;
      for (let k = 0; k < JIT_WARMUP_CALLS; k++) {
        t.fn!(this, blk, mem, mem.pte, phys.i32, phys.u16, phys.u8, phys.view, 0);
      }
      this.budget = saved;
    }
    // Every block of the region whose decoded block is cached enters it there (not ones
    // with a translation of their own): code reached first from elsewhere runs translated
    // without a second, overlapping region.
    const starts = t.starts;
    for (let k = 0; k < starts.length; k++) {
      const b = starts[k] === blk.start ? blk : this.#blocks.get(starts[k]!);
      if (b === undefined || !b.valid || (b !== blk && b.jit !== null && b.jit.fn !== null)) {
        continue;
      }
      if (starts.indexOf(starts[k]!) !== k) continue;
      b.jit = t;
      b.jitEntry = k;
      b.jitLen = t.lens[k]!;
      this.#watch(b, t);
    }
    return blk.jit === t ? t : null;
  }

  /** Registers `b` on every page of `t`: a write to any of them invalidates it. */
  #watch(b: Block, t: Translation): void {
    for (const p of t.code.pages) this.#watchPage(p, b);
  }

  /** Marks page `p` as holding code (a write to it invalidates `b`) and registers `b` on it. */
  #watchPage(p: number, b: Block): void {
    const pte = this.mem.pte;
    if (p < pte.length && pte[p]! & PTE_PRESENT) pte[p] = pte[p]! | PTE_CODE;
    const list = this.#pageBlocks.get(p);
    if (!list) this.#pageBlocks.set(p, [b]);
    else if (list[list.length - 1] !== b) list.push(b);
  }

  #fault(e: unknown, cur: Insn | null): void {
    const ex = this.exit;
    if (cur !== null) this.eip = cur.addr;
    ex.eip = this.eip;
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
    const blk: Block = {
      start: eip,
      insns,
      valid: true,
      hits: 0,
      jit: null,
      jitEntry: 0,
      jitLen: 0,
      next: null,
    };
    this.#blocks.set(eip, blk);
    const last = insns[insns.length - 1]!;
    const firstPage = eip >>> 12, lastPage = ((last.addr + last.len - 1) >>> 0) >>> 12;
    for (let p = firstPage; p <= lastPage; p++) this.#watchPage(p, blk);
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
