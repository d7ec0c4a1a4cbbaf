/**
 * A fuzz run: rounds of {@linkcode runRound} until enough code bytes have been
 * fed to the CPU, with totals; replays of some rounds that must give the same
 * digest (on other physical frames; with the translation tier off, the
 * interpreter being the reference; cut into quanta differently); and on the
 * first broken promise a single-step replay of that round to pin down the
 * instruction.
 *
 * @module
 */

import { FuzzMachine } from "./machine.ts";
import { type RoundOptions, type RoundResult, runRound, type Violation } from "./round.ts";

/** Options of a fuzz run. */
export interface FuzzOptions {
  /** Seed of the run; round `r` is reproducible from (`seed`, `r`). */
  seed: number;
  /** Stop after this many bytes of generated code. */
  bytes: number;
  /** Stop after this many rounds (default: no limit). */
  rounds?: number;
  /** First round number (default 0). */
  firstRound?: number;
  /** Most instructions per round (default 20000). */
  instructions?: number;
  /** Replay every n-th round on other frames and cut differently, and compare (default 8; 0 = never). */
  replayEvery?: number;
  /** Single-step every round (slow; for reproducing a report). */
  step?: boolean;
  /** Shared progress cells, see {@linkcode HEARTBEAT}. */
  heartbeat?: Int32Array;
  /** Called about every `progressMs` with the totals so far. */
  onProgress?: (report: FuzzReport) => void;
  /** Interval of `onProgress` in milliseconds (default 2000). */
  progressMs?: number;
}

/** Cells of the shared heartbeat array. */
export const HEARTBEAT = { round: 0, rounds: 1, quantum: 2, eip: 3, budget: 4, length: 5 } as const;

/** A violation with where it happened. */
export interface FuzzFailure extends Violation {
  /** Seed of the run. */
  seed: number;
  /** Round number. */
  round: number;
  /** The same round single-stepped: the first violation seen, if any. */
  stepped: Violation | null | undefined;
}

/** Totals of a fuzz run. */
export interface FuzzReport {
  /** Seed of the run. */
  seed: number;
  /** Rounds finished. */
  rounds: number;
  /** Instructions retired. */
  instructions: number;
  /** Bytes of generated code fed to the CPU. */
  codeBytes: number;
  /** Rounds replayed for determinism. */
  replays: number;
  /** Stops by name. */
  stops: Record<string, number>;
  /** Faults by kind. */
  faults: Record<string, number>;
  /** How rounds ended. */
  endings: Record<string, number>;
  /** Wall-clock milliseconds. */
  ms: number;
  /** The first broken promise, or null. */
  failure: FuzzFailure | null;
}

/** Translation thresholds the rounds cycle through. */
const JIT_THRESHOLDS = [2, 8, 32] as const;

/**
 * Translation threshold of a round. Thresholds 0 and 1 translate nearly every block, which is
 * thorough but slow (each translation is compiled JavaScript), so only every 8th round uses them.
 */
function jitThreshold(round: number): number {
  if (round % 8 === 7) return round % 16 === 15 ? 0 : 1;
  return JIT_THRESHOLDS[round % JIT_THRESHOLDS.length]!;
}

/** Round options of single-stepping: budget 1, no remapping, frames checked after each step. */
const STEP = { budgets: "single", mutate: false, checkEachQuantum: true } as const;

function differ(kind: string, what: string, a: RoundResult, b: RoundResult): Violation {
  return {
    kind,
    message: `${what} gave a different result (${a.instructions} vs ${b.instructions} ` +
      `instructions, ended by ${a.ending} vs ${b.ending})`,
    quantum: -1,
    eip: 0,
    bytes: "",
    regs: "",
  };
}

/**
 * Replays a round: on other physical frames (must not matter), and without
 * remapping cut into quanta two ways (must not matter either: the guest cannot
 * see where one quantum ends and the next begins).
 */
function replay(
  machine: FuzzMachine,
  seed: number,
  round: number,
  ro: RoundOptions,
  first: RoundResult,
): Violation | null {
  const again = runRound(machine, seed, round, { ...ro, frameSalt: 1 + round });
  if (again.violation) return again.violation;
  if (again.digest !== first.digest || again.instructions !== first.instructions) {
    return differ("frame-dependent", "the round replayed on other physical frames", first, again);
  }
  const interpreted = runRound(machine, seed, round, { ...ro, jit: "off" });
  if (interpreted.violation) return interpreted.violation;
  if (interpreted.digest !== first.digest || interpreted.instructions !== first.instructions) {
    return differ("jit-differs", "the round without the translation tier", first, interpreted);
  }
  const cut = runRound(machine, seed, round, { ...ro, mutate: false });
  if (cut.violation) return cut.violation;
  const other = round % 2 === 0 ? "single" : "whole";
  // Budget-1 quanta never enter translated code (a translation needs the budget for its entry
  // block), so the single-step cut runs interpreted: same answer, without translating per step.
  const recut = runRound(machine, seed, round, {
    ...ro,
    mutate: false,
    budgets: other,
    ...(other === "single" ? { jit: "off" as const } : {}),
  });
  if (recut.violation) return recut.violation;
  if (cut.selfModified || recut.selfModified) return null; // see RoundResult.selfModified
  if (cut.digest !== recut.digest || cut.instructions !== recut.instructions) {
    return differ("quantum-dependent", `the round cut into quanta ${other}`, cut, recut);
  }
  return null;
}

function add(into: Record<string, number>, from: Iterable<[string, number]>): void {
  for (const [k, v] of from) into[k] = (into[k] ?? 0) + v;
}

/**
 * Runs the fuzzer synchronously and returns its totals.
 *
 * @example
 * ```ts
 * import { fuzz } from "./fuzz.ts";
 * const report = fuzz({ seed: 1, bytes: 4096 });
 * console.log(report.failure === null, report.instructions > 0);
 * ```
 */
export function fuzz(options: FuzzOptions): FuzzReport {
  const start = performance.now();
  const machine = new FuzzMachine(options.seed);
  const report: FuzzReport = {
    seed: options.seed,
    rounds: 0,
    instructions: 0,
    codeBytes: 0,
    replays: 0,
    stops: {},
    faults: {},
    endings: {},
    ms: 0,
    failure: null,
  };
  const replayEvery = options.replayEvery ?? 8;
  const first = options.firstRound ?? 0;
  const last = first + (options.rounds ?? Infinity);
  const progressMs = options.progressMs ?? 2000;
  let nextProgress = start + progressMs;

  for (let round = first; round < last && report.codeBytes < options.bytes; round++) {
    if (options.heartbeat) Atomics.store(options.heartbeat, HEARTBEAT.round, round);
    const ro: RoundOptions = {
      instructions: options.instructions ?? 20_000,
      codeBytes: Math.max(16, Math.min(8192, options.bytes - report.codeBytes)),
      heartbeat: options.heartbeat,
      jit: jitThreshold(round),
      ...(options.step ? STEP : {}),
    };
    const r = runRound(machine, options.seed, round, ro);
    report.rounds++;
    report.instructions += r.instructions;
    report.codeBytes += r.codeBytes;
    add(report.stops, r.stops);
    add(report.faults, r.faults);
    add(report.endings, [[r.ending, 1]]);
    let violation = r.violation;
    if (!violation && replayEvery > 0 && round % replayEvery === 0) {
      report.replays++;
      violation = replay(machine, options.seed, round, ro, r);
    }
    if (violation) {
      let stepped: Violation | null | undefined;
      if (!options.step) {
        try {
          stepped = runRound(machine, options.seed, round, { ...ro, ...STEP }).violation;
        } catch {
          stepped = undefined;
        }
      }
      report.failure = { ...violation, seed: options.seed, round, stepped };
      break;
    }
    if (options.heartbeat) Atomics.add(options.heartbeat, HEARTBEAT.rounds, 1);
    if (options.onProgress && performance.now() >= nextProgress) {
      report.ms = performance.now() - start;
      options.onProgress(report);
      nextProgress = performance.now() + progressMs;
    }
  }
  report.ms = performance.now() - start;
  return report;
}
