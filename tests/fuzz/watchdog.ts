/**
 * Runs a fuzz run in a Worker and watches it. The worker bumps a shared
 * heartbeat after every round; if it stops moving for `stallMs`, the CPU is
 * stuck inside `run` (a hang past its budget): the worker is terminated and the
 * hang is reported with the round, quantum, EIP and budget it was in.
 *
 * @module
 */

import { type FuzzOptions, type FuzzReport, HEARTBEAT } from "./fuzz.ts";

/** Longest wait for a worker to load and start. */
const STARTUP_MS = 120_000;

/** Fuzz options that can cross to a worker (no callbacks, no shared cells). */
export type WorkerFuzzOptions = Omit<FuzzOptions, "heartbeat" | "onProgress">;

/** Message to the worker. */
export interface WorkerRequest {
  /** What to run. */
  options: WorkerFuzzOptions;
  /** Backing store of the heartbeat cells. */
  heartbeat: SharedArrayBuffer;
}

/** Message from the worker. */
export type WorkerReply = { type: "progress" | "done"; report: FuzzReport };

/** How to watch a worker run. */
export interface WatchOptions {
  /** Declare a hang when no round finishes for this long (default 60000 ms). */
  stallMs?: number;
  /** Progress callback (totals so far). */
  onProgress?: (report: FuzzReport) => void;
  /** Worker module to run (default `./worker.ts`; tests use a stand-in). */
  workerUrl?: URL;
}

/**
 * Runs {@linkcode fuzz} in a Worker; resolves with its report, or with a report
 * whose failure is a "hang" if the worker stops making progress.
 *
 * @example
 * ```ts
 * import { runFuzzWorker } from "./watchdog.ts";
 * const report = await runFuzzWorker({ seed: 1, bytes: 4096 });
 * console.log(report.failure === null);
 * ```
 */
export function runFuzzWorker(
  options: WorkerFuzzOptions,
  watch: WatchOptions = {},
): Promise<FuzzReport> {
  const stallMs = watch.stallMs ?? 60_000;
  const sab = new SharedArrayBuffer(HEARTBEAT.length * 4);
  const hb = new Int32Array(sab);
  // INVARIANT: rounds is -1 until the worker has loaded and started; the stall clock runs only
  // after that (loading under a busy test runner can take a while; it cannot hang).
  hb[HEARTBEAT.rounds] = -1;
  const url = watch.workerUrl ?? new URL("./worker.ts", import.meta.url);
  const worker = new Worker(url, { type: "module" });
  let last: FuzzReport | null = null;
  return new Promise<FuzzReport>((resolve, reject) => {
    let seen = -1;
    let since = performance.now();
    const timer = setInterval(() => {
      const rounds = Atomics.load(hb, HEARTBEAT.rounds);
      if (rounds !== seen) {
        seen = rounds;
        since = performance.now();
        return;
      }
      const limit = rounds < 0 ? Math.max(stallMs, STARTUP_MS) : stallMs;
      if (performance.now() - since < limit) return;
      finish();
      const round = Atomics.load(hb, HEARTBEAT.round);
      const eip = Atomics.load(hb, HEARTBEAT.eip) >>> 0;
      const budget = Atomics.load(hb, HEARTBEAT.budget);
      const quantum = Atomics.load(hb, HEARTBEAT.quantum);
      const base: FuzzReport = last ?? {
        seed: options.seed,
        rounds: Math.max(0, rounds),
        instructions: 0,
        codeBytes: 0,
        replays: 0,
        stops: {},
        faults: {},
        endings: {},
        ms: 0,
        failure: null,
      };
      resolve({
        ...base,
        failure: {
          kind: "hang",
          message: `no round finished for ${Math.round(stallMs / 1000)} s; last seen in ` +
            `run(${budget}) of quantum ${quantum} starting at EIP ${eip.toString(16)}`,
          quantum,
          eip,
          bytes: "",
          regs: "",
          seed: options.seed,
          round,
          stepped: undefined,
        },
      });
    }, Math.min(1000, stallMs / 4));
    const finish = () => {
      clearInterval(timer);
      worker.terminate();
    };
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      last = e.data.report;
      if (e.data.type === "progress") watch.onProgress?.(e.data.report);
      else {
        finish();
        resolve(e.data.report);
      }
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      finish();
      reject(new Error(`Cannot finish the fuzz run: the worker failed: ${e.message}`));
    };
    worker.postMessage({ options, heartbeat: sab } satisfies WorkerRequest);
  });
}
