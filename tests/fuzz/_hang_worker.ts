/**
 * Stand-in for the fuzz worker that finishes one round, then never returns
 * (like a CPU stuck inside `run`); for the watchdog's test.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { HEARTBEAT } from "./fuzz.ts";
import type { WorkerRequest } from "./watchdog.ts";

self.onmessage = (e: MessageEvent<WorkerRequest>) => {
  const hb = new Int32Array(e.data.heartbeat);
  Atomics.store(hb, HEARTBEAT.round, 7);
  Atomics.store(hb, HEARTBEAT.eip, 0x1234);
  Atomics.store(hb, HEARTBEAT.budget, 100);
  Atomics.store(hb, HEARTBEAT.rounds, 1);
  for (;;) Atomics.wait(hb, HEARTBEAT.length - 1, Atomics.load(hb, HEARTBEAT.length - 1), 1000);
};
