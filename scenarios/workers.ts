/**
 * Scenario: 100 Worker guests (TypeScript services, each in its own Deno
 * Worker with no permissions) on one virtual LAN. A fifth of them run the
 * example static web server (guests/examples/ts/web.ts) and the rest run the
 * example HTTP client (fetch.ts), each fetching a page from its server a few
 * times over the SDK's TCP/IP stack, through the kernel's NIC and switch, on
 * the same scheduler as x86 guests. Prints one row per role (VMs, how they
 * ended, requests, batches, host time per batch, charged instructions,
 * frames), then how long the Workers took to start and how much memory they
 * cost.
 *
 * ```sh
 * deno run --allow-read --allow-write --unstable-worker-options scenarios/workers.ts
 * deno run --allow-read --allow-write --unstable-worker-options scenarios/workers.ts --workers 20 --requests 10 --clock real
 * ```
 *
 * @module
 */

import { positive, runMain, scenarioArgs } from "./_args.ts";
import { Report } from "./_report.ts";
import { Kernel, NicDevice, TimerDevice } from "../mod.ts";
import { WorkerHost } from "../kernel/worker_host.ts";

/**
 * Options of {@linkcode workers}.
 *
 * @example
 * ```ts
 * import type { WorkersOptions } from "./workers.ts";
 * const o: WorkersOptions = { workers: 10, requests: 2, clock: "deterministic" };
 * console.log(o.workers); // 10
 * ```
 */
export interface WorkersOptions {
  /** Worker guests in all (a fifth are servers). */
  workers: number;
  /** Requests per client. */
  requests: number;
  /** The kernel's clock. */
  clock: "deterministic" | "real";
}

/**
 * What a run measured besides the table.
 *
 * @example
 * ```ts
 * import type { WorkersSummary } from "./workers.ts";
 * function perWorkerMb(s: WorkersSummary): number { return s.rssPerWorker / 1e6; }
 * ```
 */
export interface WorkersSummary {
  /** Host ms from the first create to the last first answer. */
  startMs: number;
  /** Median host ms from a Worker's start to its first answer. */
  startMedianMs: number;
  /** Host ms of the whole run (start included). */
  runMs: number;
  /** Process RSS growth per Worker guest, bytes. */
  rssPerWorker: number;
  /** Kernel time at the end, us. */
  kernelMicros: number;
}

const ROLE = (id: number, servers: Set<number>) => servers.has(id) ? "server" : "client";

/**
 * Runs the scenario: returns the table (one row per role) and a summary.
 *
 * @example
 * ```ts ignore
 * import { workers } from "./workers.ts";
 * const { report } = await workers({ workers: 10, requests: 2, clock: "deterministic" });
 * console.log(report.rows.length); // 2
 * ```
 */
export async function workers(
  o: WorkersOptions,
  log: (line: string) => void = () => {},
): Promise<{ report: Report; summary: WorkersSummary }> {
  const kernel = new Kernel({ clock: o.clock });
  const nic = new NicDevice({ rxQueue: 256 });
  kernel.attach(nic);
  kernel.attach(new TimerDevice());
  const host = new WorkerHost(kernel, { startBudgetMs: 120_000 });
  const guest = (name: string) => new URL(`../guests/examples/ts/${name}.ts`, import.meta.url);
  const rss0 = Deno.memoryUsage().rss;
  const t0 = performance.now();
  const nServers = Math.max(1, Math.round(o.workers / 5));
  const servers = new Set<number>();
  try {
    for (let i = 0; i < nServers; i++) {
      const id = host.create({
        module: guest("web"),
        name: `web${i}`,
        config: { files: { "/index.html": `<h1>server ${i}</h1>\n` } },
        start: true,
      });
      servers.add(id);
    }
    const serverIds = [...servers];
    for (let i = 0; i < o.workers - nServers; i++) {
      host.create({
        module: guest("fetch"),
        name: `client${i}`,
        config: { server: serverIds[i % nServers], times: o.requests },
        start: true,
      });
    }
    log(`workers: ${o.workers} Worker guests created; running...`);
    // The run ends when every client has exited and every server idles with no timer left.
    await kernel.run();
    const runMs = performance.now() - t0;
    const rss = Deno.memoryUsage().rss;
    const report = new Report("workers", [
      { key: "role", title: "role" },
      { key: "vms", title: "VMs" },
      { key: "ended", title: "state" },
      { key: "requests", title: "requests ok" },
      { key: "batches", title: "batches" },
      { key: "wallMicros", title: "host us/batch", digits: 0 },
      { key: "maxWallMicros", title: "max us/batch", digits: 0 },
      { key: "instructions", title: "instructions" },
      { key: "txFrames", title: "frames out" },
      { key: "rxFrames", title: "frames in" },
    ]);
    const starts: number[] = [];
    for (const role of ["server", "client"]) {
      const ids = host.ids().filter((id) => ROLE(id, servers) === role);
      const states = new Map<string, number>();
      let requests = 0, batches = 0, wall = 0, maxWall = 0, instructions = 0, tx = 0, rx = 0;
      for (const id of ids) {
        const info = kernel.inspect(id), w = host.stats(id), n = nic.stats(id);
        const state = info.exitCode !== undefined ? `${info.state} ${info.exitCode}` : info.state;
        states.set(state, (states.get(state) ?? 0) + 1);
        const text = kernel.consoleText(id);
        requests += role === "client" ? (text.match(/^200 /gm) ?? []).length : 0;
        batches += w.answers;
        wall += w.wallMicros;
        maxWall = Math.max(maxWall, w.maxWallMicros);
        instructions += info.stats.instructions;
        tx += n.txFrames;
        rx += n.rxFrames;
        if (w.startMillis >= 0) starts.push(w.startMillis);
      }
      report.add({
        role,
        vms: ids.length,
        ended: [...states].map(([s, n]) => `${n} ${s}`).join(", "),
        requests: role === "client" ? requests : "-",
        batches,
        wallMicros: batches ? wall / batches : 0,
        maxWallMicros: maxWall,
        instructions,
        txFrames: tx,
        rxFrames: rx,
      });
    }
    starts.sort((a, b) => a - b);
    const summary: WorkersSummary = {
      startMs: starts.at(-1) ?? 0,
      startMedianMs: starts[starts.length >> 1] ?? 0,
      runMs,
      rssPerWorker: (rss - rss0) / o.workers,
      kernelMicros: kernel.stats().timeMicros,
    };
    return { report, summary };
  } finally {
    host.close();
  }
}

const USAGE =
  `Usage: deno run --allow-read --allow-write --unstable-worker-options scenarios/workers.ts [options]

Runs N Worker guests (TypeScript, each in its own permission-less Deno Worker) on
one virtual LAN: a fifth are static web servers, the rest HTTP clients that fetch
from them over the guests' own TCP/IP. Prints a table per role and the start-up
time and memory of the Workers.`;

/**
 * The command line: parses flags, runs, prints the table and the summary, writes the CSV.
 *
 * @example
 * ```ts ignore
 * import { main } from "./workers.ts";
 * await main(["--workers", "10", "--requests", "1", "--quiet"]);
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("workers", args, {
    workers: "Worker guests in all (default 100)",
    requests: "requests per client (small: 3, full: 20)",
    clock: "deterministic (default) or real",
  }, USAGE);
  if (a === "help") return null;
  const clock = a.flags.clock ?? "deterministic";
  if (clock !== "deterministic" && clock !== "real") {
    throw new Error(`Cannot parse --clock: "${clock}" is not deterministic or real`);
  }
  const n = a.flags.workers ? Math.round(positive("--workers", a.flags.workers)) : 100;
  const requests = a.flags.requests
    ? Math.round(positive("--requests", a.flags.requests))
    : a.size === "full"
    ? 20
    : 3;
  const { report, summary: s } = await workers(
    { workers: n, requests, clock },
    a.quiet ? () => {} : (l) => console.error(l),
  );
  console.log(report.table());
  console.log(
    `\n${n} Workers: all answering after ${s.startMs.toFixed(0)} ms ` +
      `(median ${s.startMedianMs.toFixed(0)} ms per Worker), run ${s.runMs.toFixed(0)} ms, ` +
      `${(s.rssPerWorker / 1e6).toFixed(1)} MB RSS per Worker, kernel time ${
        (s.kernelMicros / 1000).toFixed(1)
      } ms (${clock} clock)`,
  );
  const files = await report.write(a.out, []);
  if (!a.quiet) console.error(`workers: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
