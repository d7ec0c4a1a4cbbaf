/**
 * The translation cache: compiled regions keyed by the addresses of their
 * blocks (a region can be entered at any of them) and the exact guest bytes
 * they were made from, so every VM that runs the same code at the same
 * address uses the same function (one per region for 10,000 VMs on one
 * image). Bounded by the size of the generated source; the least
 * recently used translations go first. An evicted translation loses its
 * function (`fn` becomes null) and the CPUs that held it translate again
 * when the code is still hot.
 *
 * @module
 */

import type { AddressSpace } from "../../memory/address_space.ts";
import { codeMatches, type RegionCode } from "./region.ts";
import type { RegionFn } from "./translate.ts";

/** One compiled region. */
export interface Translation {
  /** Guest address of the entry block. */
  readonly entry: number;
  /** The function; null once evicted. */
  fn: RegionFn | null;
  /** Instructions of the entry block (the least budget the function needs). */
  readonly entryLen: number;
  /** Guest address of each block; the function is entered at block `k` with `entry = k`. */
  readonly starts: readonly number[];
  /** Instructions of each block (the least budget an entry there needs). */
  readonly lens: readonly number[];
  /** The guest code it was made from. */
  readonly code: RegionCode;
  /** Characters of generated source (the measure of its memory cost). */
  readonly size: number;
  /** Guest instructions translated. */
  readonly insns: number;
  /** Blocks in the region. */
  readonly blocks: number;
  /** Instructions that run through their interpreter handler. */
  readonly fallbacks: number;
}

/** Options of {@linkcode TranslationCache}. */
export interface TranslationCacheOptions {
  /** Most characters of generated source kept (default 32 MiB). */
  maxBytes?: number;
  /** Most translations kept (default 16384). */
  maxEntries?: number;
  /** Most translations kept for one block address (default 8): bounds a lookup's cost. */
  maxPerEntry?: number;
  /**
   * Most translations added over the cache's life (default 16384); then
   * {@linkcode TranslationCache.full} holds and CPUs compile nothing new. V8
   * keeps every distinct compiled function's source and code until its heap is
   * nearly full, so this bounds what translation costs the process.
   */
  maxCompiles?: number;
}

/** Counters of a {@linkcode TranslationCache}. */
export interface TranslationCacheStats {
  /** Translations held. */
  entries: number;
  /** Characters of generated source held. */
  bytes: number;
  /** Lookups answered with a translation. */
  hits: number;
  /** Lookups that found none. */
  misses: number;
  /** Translations dropped to stay within bounds. */
  evictions: number;
  /** Translations ever added (compiled). */
  compiled: number;
}

/**
 * Translations shared by every CPU given the same cache.
 *
 * @example
 * ```ts
 * import { TranslationCache } from "./cache.ts";
 * const cache = new TranslationCache({ maxBytes: 1 << 20 });
 * console.log(cache.stats.entries); // 0
 * ```
 */
export class TranslationCache {
  readonly #byEntry = new Map<number, Translation[]>();
  /** Insertion order is recency order (oldest first). */
  readonly #lru = new Set<Translation>();
  readonly #maxBytes: number;
  readonly #maxEntries: number;
  readonly #maxPerEntry: number;
  readonly #maxCompiles: number;
  #compiled = 0;
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #evictions = 0;

  /** Creates an empty cache. */
  constructor(options: TranslationCacheOptions = {}) {
    this.#maxBytes = options.maxBytes ?? 32 << 20;
    this.#maxEntries = options.maxEntries ?? 16384;
    this.#maxPerEntry = Math.max(1, options.maxPerEntry ?? 8);
    this.#maxCompiles = options.maxCompiles ?? 16384;
  }

  /** True once `maxCompiles` translations were added: compile nothing more. */
  get full(): boolean {
    return this.#compiled >= this.#maxCompiles;
  }

  /**
   * A translation with a block at `addr` whose bytes `mem` holds exactly, or
   * null (`t.starts.indexOf(addr)` is the entry index to call it with).
   */
  find(addr: number, mem: AddressSpace): Translation | null {
    const list = this.#byEntry.get(addr);
    if (list !== undefined) {
      for (const t of list) {
        if (codeMatches(mem, t.code)) {
          this.#hits++;
          this.#lru.delete(t);
          this.#lru.add(t);
          return t;
        }
      }
    }
    this.#misses++;
    return null;
  }

  /** Adds a translation, evicting the least recently used ones beyond the bounds. */
  add(t: Translation): void {
    this.#compiled++;
    for (const a of new Set(t.starts)) {
      const list = this.#byEntry.get(a);
      if (list && list.length >= this.#maxPerEntry) {
        this.#remove(list[0]!);
        this.#evictions++;
      }
      const now = this.#byEntry.get(a);
      if (now) now.push(t);
      else this.#byEntry.set(a, [t]);
    }
    this.#lru.add(t);
    this.#bytes += t.size;
    while (
      this.#lru.size > 1 && (this.#bytes > this.#maxBytes || this.#lru.size > this.#maxEntries)
    ) {
      const old = this.#lru.values().next().value!;
      this.#remove(old);
      this.#evictions++;
    }
  }

  /** Drops every translation. */
  clear(): void {
    for (const t of [...this.#lru]) this.#remove(t);
  }

  /** Current counters. */
  get stats(): TranslationCacheStats {
    return {
      entries: this.#lru.size,
      bytes: this.#bytes,
      hits: this.#hits,
      misses: this.#misses,
      evictions: this.#evictions,
      compiled: this.#compiled,
    };
  }

  #remove(t: Translation): void {
    this.#lru.delete(t);
    this.#bytes -= t.size;
    t.fn = null;
    for (const a of new Set(t.starts)) {
      const list = this.#byEntry.get(a);
      if (!list) continue;
      const k = list.indexOf(t);
      if (k >= 0) list.splice(k, 1);
      if (list.length === 0) this.#byEntry.delete(a);
    }
  }
}
