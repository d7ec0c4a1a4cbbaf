/**
 * The physical side of a fuzz run: one {@linkcode PhysicalMemory} whose frames
 * the fuzzer hands out itself, a "victim" VM in the same memory filled with a
 * known pattern, and an integrity check over every frame.
 *
 * The fuzzed VM gets frames picked at random from a pool, so the frames next to
 * each of its pages almost always belong to the victim, to nobody (zero), or to
 * one of its own read-only pages. After a round every frame the VM may not
 * write must be exactly as it was: the victim's, the VM's read-only pages
 * (snapshotted when they became read-only) and the free ones (all zero).
 *
 * @module
 */

import { TranslationCache } from "../../kernel/cpu/mod.ts";
import { AddressSpace, PAGE_SIZE, PhysicalMemory } from "../../kernel/memory/mod.ts";
import { Prng } from "./prng.ts";

/** Frames in the machine. */
const FRAMES = 512;
/** Frames owned by the victim VM. */
const VICTIM_FRAMES = 96;
/** 32-bit words in a frame. */
const WORDS = PAGE_SIZE / 4;

/**
 * Physical memory, victim and frame pool shared by all rounds of a run.
 *
 * @example
 * ```ts
 * import { FuzzMachine } from "./machine.ts";
 * const m = new FuzzMachine(1);
 * const frame = m.take(0);
 * m.give(frame);
 * console.log(m.check(new Map(), new Set()) === null); // true
 * ```
 */
export class FuzzMachine {
  /** The machine's memory. */
  readonly phys: PhysicalMemory;
  /** Translations shared by every round's CPU, as the kernel shares them across VMs. */
  readonly jitCache: TranslationCache = new TranslationCache();
  /** The victim VM: its pages must never change. */
  readonly victim: AddressSpace;
  #victimFrames = new Set<number>();
  #victimCopy = new Map<number, Int32Array>();
  /** Fixed-length view of all frames (faster than the length-tracking one). */
  #words: Int32Array;
  /** Frames nobody uses (all zero), kept sorted. */
  #pool: number[] = [];

  /** Creates the machine; `seed` picks the victim's frames and pattern. */
  constructor(seed: number) {
    const rng = new Prng(seed ^ 0x1b873593);
    this.phys = new PhysicalMemory({ initialFrames: FRAMES, maxFrames: FRAMES });
    this.#words = new Int32Array(this.phys.buffer, 0, FRAMES * WORDS);
    const all: number[] = [];
    for (let i = 0; i < FRAMES; i++) all.push(this.phys.alloc());
    // Frame 0 always goes to the victim: a CPU that used a zero page-table entry
    // as a frame number would land there.
    const victimFrames = [0];
    while (victimFrames.length < VICTIM_FRAMES) {
      const f = all[1 + rng.int(FRAMES - 1)]!;
      if (!victimFrames.includes(f)) victimFrames.push(f);
    }
    this.victim = new AddressSpace(this.phys, VICTIM_FRAMES * 2 * PAGE_SIZE);
    victimFrames.forEach((frame, i) => {
      this.victim.map(1 + i, frame, true);
      const words = new Int32Array(PAGE_SIZE / 4);
      for (let w = 0; w < words.length; w++) words[w] = rng.u32() | 0;
      this.phys.i32.set(words, (frame * PAGE_SIZE) >>> 2);
      this.#victimFrames.add(frame);
      this.#victimCopy.set(frame, words);
    });
    for (const f of all) if (!this.#victimFrames.has(f)) this.#pool.push(f);
    this.#pool.sort((a, b) => a - b);
  }

  /** Frames currently free in the pool. */
  get poolSize(): number {
    return this.#pool.length;
  }

  /** Takes a free (zero) frame from the pool; `pick` chooses which (any number). */
  take(pick: number): number {
    if (this.#pool.length === 0) throw new Error("Cannot take a frame: the fuzz pool is empty");
    return this.#pool.splice(Math.abs(pick) % this.#pool.length, 1)[0]!;
  }

  /** Zeroes a frame and returns it to the pool. */
  give(frame: number): void {
    this.phys.u8.fill(0, frame * PAGE_SIZE, (frame + 1) * PAGE_SIZE);
    this.#pool.push(frame);
    this.#pool.sort((a, b) => a - b);
  }

  /** Copy of a frame's contents. */
  snapshot(frame: number): Int32Array {
    const start = (frame * PAGE_SIZE) >>> 2;
    return this.#words.slice(start, start + WORDS);
  }

  /**
   * Checks every frame: victim frames hold their pattern, `frozen` frames hold
   * their snapshot, frames in neither `frozen` nor `writable` are zero.
   * Returns null, or a description of the first frame that changed.
   */
  check(frozen: ReadonlyMap<number, Int32Array>, writable: ReadonlySet<number>): string | null {
    const i32 = this.#words;
    for (let frame = 0; frame < FRAMES; frame++) {
      const base = (frame * PAGE_SIZE) >>> 2;
      const expect = this.#victimCopy.get(frame) ?? frozen.get(frame);
      if (expect === undefined && writable.has(frame)) continue;
      let w = 0;
      if (expect === undefined) {
        while (w < WORDS && i32[base + w] === 0) w++;
      } else {
        while (w < WORDS && i32[base + w] === expect[w]) w++;
      }
      if (w === WORDS) continue;
      const want = expect === undefined ? 0 : expect[w]!;
      const owner = this.#victimFrames.has(frame)
        ? "the victim VM"
        : expect
        ? "a read-only or unmapped page of the fuzzed VM"
        : "no VM (free)";
      return `frame ${frame} (${owner}) changed at offset 0x${(w * 4).toString(16)}: ` +
        `0x${(i32[base + w]! >>> 0).toString(16)} instead of 0x${(want >>> 0).toString(16)}`;
    }
    return null;
  }
}
