/**
 * Scenario 4, idle: idling against busy polling, throughput against the
 * number of server VMs. N servers answer request frames from 32 closed-loop
 * client VMs (Zipf-distributed over the servers). With `idle`, a server with
 * nothing to do halts until the NIC's interrupt (Denali's idle instructions:
 * an idle VM leaves the run queue and costs nothing); with `poll`, it spins
 * on the receive port, as a guest without an idle instruction must, and
 * burns the rest of every quantum it is given. The paper found throughput
 * falling by more than 2x as VMs grow without idle-with-timeout.
 *
 * ```sh
 * deno run -A scenarios/idle.ts --size full     # N = 2 ... 128
 * deno run -A scenarios/idle.ts --vms 4,64,512 --requests 20000
 * ```
 *
 * @module
 */

import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { bestOf } from "./_best_of.ts";
import { runLan } from "./_lan.ts";
import { Report, type Row } from "./_report.ts";

/**
 * Options of {@linkcode idle}.
 *
 * @example
 * ```ts
 * import type { IdleOptions } from "./idle.ts";
 * const o: IdleOptions = { vms: [2, 8], clients: 32, requests: 2000, maxHostMs: 10_000 };
 * console.log(o.vms); // [ 2, 8 ]
 * ```
 */
export interface IdleOptions {
  /** Server VM counts. */
  vms: number[];
  /** Client VMs. */
  clients: number;
  /** Replies per point. */
  requests: number;
  /** Runs per point, alternating the modes; the best throughput is kept (default 1). */
  repeats?: number;
  /** Host-time cap per point, ms (busy polling gets very slow). */
  maxHostMs: number;
}

/**
 * Runs the scenario and returns its report (one row per N and wait mode).
 *
 * @example
 * ```ts
 * import { idle } from "./idle.ts";
 * const r = await idle({ vms: [2], clients: 2, requests: 100, maxHostMs: 10_000 });
 * console.log(r.rows.map((x) => x.wait)); // [ "idle", "poll" ]
 * ```
 */
export async function idle(
  o: IdleOptions,
  log: (line: string) => void = () => {},
): Promise<Report> {
  const report = new Report("idle", [
    { key: "vms", title: "servers" },
    { key: "wait", title: "wait" },
    { key: "throughput", title: "replies/s" },
    { key: "kernelThroughput", title: "replies/kernel s" },
    { key: "ratio", title: "idle/poll", digits: 2 },
    { key: "mipsPerReply", title: "instr/reply" },
    { key: "p50", title: "p50 us" },
    { key: "p99", title: "p99 us" },
    { key: "completed", title: "replies" },
    { key: "timeouts", title: "timeouts" },
  ]);
  await runLan({ servers: 4, clients: o.clients, requests: Math.min(o.requests, 2000) }); // warm-up
  const modes = ["idle", "poll"] as const;
  return await report.sweep(o.vms, async (n) => {
    const got = await bestOf({ modes, repeats: o.repeats ?? 1 }, (wait) => {
      log(`idle: ${n} servers, ${wait}...`);
      return runLan({
        servers: n,
        clients: o.clients,
        requests: o.requests,
        serverWait: wait,
        maxHostMs: o.maxHostMs,
      });
    });
    return modes.map((wait) => {
      const r = got[wait];
      return {
        vms: n,
        wait,
        throughput: r.throughput,
        kernelThroughput: r.kernelThroughput,
        ratio: wait === "idle" ? r.throughput / Math.max(1e-9, got.poll.throughput) : 1,
        mipsPerReply: r.instructions / Math.max(1, r.completed),
        p50: r.p50,
        p99: r.p99,
        completed: r.completed,
        timeouts: r.timeouts,
      };
    });
  });
}

const USAGE = `Usage: deno run -A scenarios/idle.ts [options]

Request/response load on N server VMs that idle between requests, and on N that
busy-poll: throughput (replies per host second) against N.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./idle.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "2", "--requests", "100", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 2
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("idle", args, {
    vms: "server VM counts (small: 2,8; full: 2,4,8,16,32,64,128)",
    clients: "client VMs (default 32)",
    requests: "replies per point (small: 2000; full: 10000)",
    "max-seconds": "host-time cap per point, s (small: 10; full: 20)",
    repeats: "runs per point, best kept (default 1)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const report = await idle({
    vms: f.vms ? intList("--vms", f.vms) : full ? [2, 4, 8, 16, 32, 64, 128] : [2, 8],
    clients: f.clients ? Math.round(positive("--clients", f.clients)) : 32,
    requests: f.requests ? Math.round(positive("--requests", f.requests)) : full ? 10_000 : 2000,
    maxHostMs: (f["max-seconds"] ? positive("--max-seconds", f["max-seconds"]) : full ? 20 : 10) *
      1000,
    repeats: f.repeats ? Math.round(positive("--repeats", f.repeats)) : 1,
  }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  const lines = (y: string) =>
    ["idle", "poll"].map((w) => ({
      label: w === "idle" ? "idle until interrupt" : "busy polling",
      y,
      where: (r: Row) => r.wait === w,
    }));
  const files = await report.write(a.out, [{
    file: "idle.svg",
    title: "Idling vs busy polling",
    x: "vms",
    xLabel: "server VMs",
    yLabel: "replies per host second",
    logX: true,
    lines: lines("throughput"),
  }, {
    file: "idle_kernel.svg",
    title: "Idling vs busy polling (kernel time: 100 MHz virtual CPU)",
    x: "vms",
    xLabel: "server VMs",
    yLabel: "replies per kernel second",
    logX: true,
    lines: lines("kernelThroughput"),
  }]);
  if (!a.quiet) console.error(`idle: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
