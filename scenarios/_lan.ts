/**
 * The request/response experiment on the virtual LAN that several scenarios
 * share (web, batching, idle, game, demo): N server VMs and C client VMs on
 * one kernel; each client sends requests to servers drawn from a Zipf
 * distribution (most requests go to a few popular servers, most servers are
 * rarely asked: the paper's premise), one at a time, and reports every
 * latency to the probe. The harness runs until `requests` replies arrived
 * and reports throughput (replies per host second), latency percentiles
 * (kernel microseconds) and the kernel's counters.
 *
 * @module
 */

import { Kernel, NicDevice } from "../mod.ts";
import { client, GUEST_MEMORY, server, TABLE_ENTRIES } from "./_guests.ts";
import { Probe } from "./_probe.ts";
import { quantile } from "./_report.ts";
import { prng, Zipf } from "./_zipf.ts";

/**
 * Options of {@linkcode runLan}.
 *
 * @example
 * ```ts
 * import type { LanOptions } from "./_lan.ts";
 * const o: LanOptions = { servers: 100, clients: 32, requests: 10_000, interrupts: "immediate" };
 * console.log(o.servers); // 100
 * ```
 */
export interface LanOptions {
  /** Server VMs. */
  servers: number;
  /** Client VMs. */
  clients: number;
  /** Replies to wait for. */
  requests: number;
  /** How servers wait for requests (default "idle"). */
  serverWait?: "idle" | "poll";
  /** Interrupt delivery (default "batched"). */
  interrupts?: "batched" | "immediate";
  /** Kernel time charged per context switch, us (default 0). */
  switchCostMicros?: number;
  /** Instructions a server spends per request (default 500). */
  work?: number;
  /** Reply frame length, bytes (default 1024). */
  replyBytes?: number;
  /** Zipf exponent of server popularity (default 1). */
  alpha?: number;
  /** Seed of the clients' tables (default 1). */
  seed?: number;
  /** Instructions per quantum (default 10,000). */
  quantum?: number;
  /** Clock (default deterministic). */
  clock?: "deterministic" | "real";
  /** Client's retry timeout, kernel us (default 200,000). */
  timeoutMicros?: number;
  /** Client's pause between a reply and its next request, kernel us (default 0). */
  thinkMicros?: number;
  /** Server ids client `c` asks, cycling (default: Zipf-distributed over all servers). */
  clientTable?: (c: number) => number[];
  /** Host time after which the run stops even if short of `requests` (default 120 s). */
  maxHostMs?: number;
  /** Called about every `tickMs` of host time with the progress so far. */
  onTick?: (p: LanProgress) => void;
  /** Interval of `onTick`, ms (default 1000). */
  tickMs?: number;
  /**
   * Run on this fresh kernel (with this NIC attached) instead of a new one,
   * e.g. a served machine's; the probe is attached to it. The run yields to
   * the event loop every few milliseconds so a server on it stays responsive.
   */
  on?: { kernel: Kernel; nic: NicDevice };
}

/**
 * Progress of a run, for live displays.
 *
 * @example
 * ```ts
 * import { type LanProgress, runLan } from "./_lan.ts";
 * const seen: LanProgress[] = [];
 * await runLan({ servers: 2, clients: 2, requests: 50, tickMs: 0, onTick: (p) => seen.push(p) });
 * console.log(seen.length > 0); // true
 * ```
 */
export interface LanProgress {
  /** Host ms since the run started. */
  hostMs: number;
  /** Replies so far. */
  completed: number;
  /** Replies per host second over the last tick. */
  rate: number;
  /** Latency percentiles over the last tick, kernel us. */
  p50: number;
  /** 99th percentile. */
  p99: number;
  /** The kernel. */
  kernel: Kernel;
  /** The NIC (per-VM frame counters). */
  nic: NicDevice;
  /** Server VM ids, most popular first. */
  serverIds: number[];
}

/**
 * What {@linkcode runLan} measured.
 *
 * @example
 * ```ts
 * import { type LanResult, runLan } from "./_lan.ts";
 * const r: LanResult = await runLan({ servers: 2, clients: 2, requests: 50 });
 * console.log(r.p50 <= r.p99); // true
 * ```
 */
export interface LanResult {
  /** Server VMs. */
  servers: number;
  /** Client VMs. */
  clients: number;
  /** Host ms to create and start every VM. */
  createMs: number;
  /** Host ms of the measured run. */
  hostMs: number;
  /** Replies received. */
  completed: number;
  /** Requests given up after the timeout. */
  timeouts: number;
  /** Replies per host second. */
  throughput: number;
  /**
   * Replies per second of kernel time: on the deterministic clock, the
   * throughput of a CPU running the assumed 100 MHz (one instruction per
   * 10 ns), independent of the host's speed and load.
   */
  kernelThroughput: number;
  /** Latency percentiles, kernel us. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 99th percentile. */
  p99: number;
  /** Context switches. */
  switches: number;
  /** Instructions retired. */
  instructions: number;
  /** Interrupts raised. */
  interrupts: number;
  /** Upcall batches delivered. */
  batches: number;
  /** Frames the switch moved. */
  frames: number;
  /** Kernel time elapsed, us. */
  kernelMicros: number;
  /** Guest memory in use at the end, bytes per VM. */
  guestBytesPerVm: number;
  /** Servers that answered at least one request. */
  serversUsed: number;
  /** Share of the replies the busiest 1% of servers (at least one) sent, 0..1. */
  topShare: number;
}

/**
 * Runs one request/response experiment.
 *
 * @example
 * ```ts
 * import { runLan } from "./_lan.ts";
 * const r = await runLan({ servers: 4, clients: 2, requests: 50 });
 * console.log(r.completed >= 50, r.timeouts); // true 0
 * ```
 */
export async function runLan(o: LanOptions): Promise<LanResult> {
  const total = o.servers + o.clients;
  const kernel = o.on?.kernel ?? new Kernel({
    clock: o.clock ?? "deterministic",
    interrupts: o.interrupts ?? "batched",
    switchCostMicros: o.switchCostMicros ?? 0,
    quantum: o.quantum ?? 10_000,
    initialFrames: Math.max(1024, total * 4),
  });
  const nic = o.on?.nic ?? new NicDevice();
  const probe = new Probe();
  if (!o.on) kernel.attach(nic);
  kernel.attach(probe);
  // Images first (assembling is the harness's cost, not the kernel's).
  const serverImage = server({ work: o.work ?? 500, wait: o.serverWait ?? "idle" });
  const zipf = new Zipf(o.servers, o.alpha ?? 1);
  const clientImages = Array.from({ length: o.clients }, (_, c) => {
    const rand = prng((o.seed ?? 1) * 7919 + c);
    // Server ids are 1..servers: the kernel is fresh and servers are created first.
    const table = o.clientTable?.(c) ??
      Array.from({ length: TABLE_ENTRIES }, () => zipf.sample(rand()) + 1);
    return client({
      table,
      replyBytes: o.replyBytes ?? 1024,
      timeoutMicros: o.timeoutMicros ?? 200_000,
      requests: 0,
      thinkMicros: o.thinkMicros ?? 0,
    });
  });
  const t0 = performance.now();
  const serverIds: number[] = [];
  for (let i = 0; i < o.servers; i++) {
    serverIds.push(
      kernel.create({ image: serverImage, memSize: GUEST_MEMORY, name: `server-${i + 1}` }),
    );
  }
  const clientIds = clientImages.map((image, c) =>
    kernel.create({ image, memSize: GUEST_MEMORY, name: `client-${c + 1}` })
  );
  for (const id of serverIds) kernel.start(id);
  for (const id of clientIds) kernel.start(id);
  const createMs = performance.now() - t0;
  if (serverIds[0] !== 1) throw new Error("Cannot run the LAN experiment: server ids must be 1..N");

  const s0 = kernel.stats();
  const f0 = nic.switch.stats().switched;
  const start = performance.now();
  const maxMs = o.maxHostMs ?? 120_000;
  const tickMs = o.tickMs ?? 1000;
  let nextTick = start + tickMs;
  let lastCount = 0, lastTime = start, lastYield = start;
  const chunk = Math.max(64, Math.min(4096, total));
  while (probe.count < o.requests) {
    const r = kernel.runSync(chunk);
    const now = performance.now();
    if (r === "quiescent" || now - start > maxMs) break;
    if (r === "sleep") await new Promise((res) => setTimeout(res, 1));
    else if (o.on && now - lastYield > 10) {
      await new Promise((res) => setTimeout(res, 0));
      lastYield = performance.now();
    }
    if (o.onTick && now >= nextTick) {
      const recent = probe.samples(lastCount);
      o.onTick({
        hostMs: now - start,
        completed: probe.count,
        rate: (probe.count - lastCount) / ((now - lastTime) / 1000),
        p50: quantile(recent.slice(), 0.5),
        p99: quantile(recent, 0.99),
        kernel,
        nic,
        serverIds,
      });
      lastCount = probe.count;
      lastTime = now;
      nextTick = now + tickMs;
      await new Promise((res) => setTimeout(res, 0));
    }
  }
  const hostMs = performance.now() - start;
  const s = kernel.stats();
  const lat = probe.samples();
  const sent = serverIds.map((id) => nic.stats(id).txFrames).sort((a, b) => b - a);
  const used = sent.filter((n) => n > 0).length;
  const all = sent.reduce((a, b) => a + b, 0);
  const top = sent.slice(0, Math.max(1, Math.round(o.servers / 100))).reduce((a, b) => a + b, 0);
  return {
    servers: o.servers,
    clients: o.clients,
    createMs,
    hostMs,
    completed: probe.count,
    timeouts: probe.timeouts,
    throughput: probe.count / (hostMs / 1000),
    kernelThroughput: probe.count / Math.max(1e-9, (s.timeMicros - s0.timeMicros) / 1e6),
    p50: quantile(lat, 0.5),
    p90: quantile(lat, 0.9),
    p99: quantile(lat, 0.99),
    switches: s.contextSwitches - s0.contextSwitches,
    instructions: s.instructions - s0.instructions,
    interrupts: s.interrupts.raised - s0.interrupts.raised,
    batches: s.interrupts.batches - s0.interrupts.batches,
    frames: nic.switch.stats().switched - f0,
    kernelMicros: s.timeMicros - s0.timeMicros,
    guestBytesPerVm: s.framesInUse * 4096 / total,
    serversUsed: used,
    topShare: all > 0 ? top / all : 0,
  };
}
