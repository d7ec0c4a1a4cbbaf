/**
 * Worker side of {@linkcode runFuzzWorker}: runs {@linkcode fuzz} and posts
 * progress and the final report. The parent watches the shared heartbeat, so
 * a CPU that never returns from `run` is caught and reported, not waited on.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { fuzz, type FuzzOptions, HEARTBEAT } from "./fuzz.ts";
import type { WorkerReply, WorkerRequest } from "./watchdog.ts";

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const { options, heartbeat } = e.data;
  Atomics.store(new Int32Array(heartbeat), HEARTBEAT.rounds, 0); // started: see watchdog.ts
  const run: FuzzOptions = {
    ...options,
    heartbeat: new Int32Array(heartbeat),
    onProgress: (report) => self.postMessage({ type: "progress", report } satisfies WorkerReply),
  };
  const report = fuzz(run);
  self.postMessage({ type: "done", report } satisfies WorkerReply);
};
