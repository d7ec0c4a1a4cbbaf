/**
 * Scenario 3, batching: batched against immediate interrupts, throughput
 * against the number of server VMs. N servers answer request frames from 32
 * closed-loop client VMs (Zipf-distributed over the servers) on the virtual
 * LAN; the same run is made with the kernel's interrupts batched (Denali's
 * design: lines wait for the VM's next quantum and arrive in one upcall) and
 * immediate (the paper's ablation: a raise moves the target VM to the head
 * of the run queue and preempts the running VM). The paper found up to 30%
 * more web-server throughput with batching, up to about 800 VMs.
 *
 * ```sh
 * deno run -A scenarios/batching.ts --size full          # N = 10 ... 1,600
 * deno run -A scenarios/batching.ts --vms 10,100,800 --requests 200000
 * deno run -A scenarios/batching.ts --switch-cost 5       # charge 5 us of kernel time per switch
 * ```
 *
 * Switches here cost about 100 ns of host time and no kernel time, so
 * batching shows in switches per reply; `--switch-cost` charges kernel time
 * per switch (Denali's were 1.4-9 us), and the "kernel gain" column then
 * shows what batching saves.
 *
 * @module
 */

import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { bestOf } from "./_best_of.ts";
import { runLan } from "./_lan.ts";
import { Report } from "./_report.ts";

/**
 * Options of {@linkcode batching}.
 *
 * @example
 * ```ts
 * import type { BatchingOptions } from "./batching.ts";
 * const o: BatchingOptions = { vms: [10, 100], clients: 32, requests: 5000 };
 * console.log(o.clients); // 32
 * ```
 */
export interface BatchingOptions {
  /** Server VM counts. */
  vms: number[];
  /** Client VMs. */
  clients: number;
  /** Replies per point. */
  requests: number;
  /** Runs per point, alternating the modes; the best throughput is kept (default 1). */
  repeats?: number;
  /** Kernel time charged per context switch, us (default 0: switches cost only host time). */
  switchCostMicros?: number;
}

/**
 * Runs the scenario and returns its report (one row per N and mode).
 *
 * @example
 * ```ts
 * import { batching } from "./batching.ts";
 * const r = await batching({ vms: [4], clients: 4, requests: 200 });
 * console.log(r.rows.map((x) => x.mode)); // [ "batched", "immediate" ]
 * ```
 */
export async function batching(
  o: BatchingOptions,
  log: (line: string) => void = () => {},
): Promise<Report> {
  const report = new Report("batching", [
    { key: "vms", title: "servers" },
    { key: "mode", title: "interrupts" },
    { key: "throughput", title: "replies/s" },
    { key: "kernelThroughput", title: "replies/kernel s" },
    { key: "gain", title: "batched gain %", digits: 1 },
    { key: "kernelGain", title: "kernel gain %", digits: 1 },
    { key: "switchesPerReply", title: "switches/reply", digits: 2 },
    { key: "linesPerBatch", title: "lines/batch", digits: 2 },
    { key: "p50", title: "p50 us" },
    { key: "p99", title: "p99 us" },
    { key: "timeouts", title: "timeouts" },
  ]);
  await runLan({ servers: 8, clients: o.clients, requests: Math.min(o.requests, 5000) }); // warm-up
  const modes = ["batched", "immediate"] as const;
  return await report.sweep(o.vms, async (n) => {
    const got = await bestOf({ modes, repeats: o.repeats ?? 1 }, (mode) => {
      log(`batching: ${n} servers, ${mode}...`);
      return runLan({
        servers: n,
        clients: o.clients,
        requests: o.requests,
        interrupts: mode,
        switchCostMicros: o.switchCostMicros ?? 0,
      });
    });
    return modes.map((mode) => {
      const r = got[mode];
      return {
        vms: n,
        mode,
        throughput: r.throughput,
        kernelThroughput: r.kernelThroughput,
        gain: mode === "batched" ? (r.throughput / got.immediate.throughput - 1) * 100 : 0,
        kernelGain: mode === "batched"
          ? (r.kernelThroughput / got.immediate.kernelThroughput - 1) * 100
          : 0,
        switchesPerReply: r.switches / Math.max(1, r.completed),
        linesPerBatch: r.interrupts / Math.max(1, r.batches),
        p50: r.p50,
        p99: r.p99,
        timeouts: r.timeouts,
      };
    });
  });
}

const USAGE = `Usage: deno run -A scenarios/batching.ts [options]

Web-like request/response load on N server VMs, with batched and with immediate
interrupts: throughput (replies per host second) against N.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./batching.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "4", "--requests", "200", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 2
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("batching", args, {
    vms: "server VM counts (small: 10,100; full: 10,50,100,200,400,800,1600)",
    clients: "client VMs (default 32)",
    requests: "replies per point (small: 5000; full: 100000)",
    repeats: "runs per point, best kept (small: 1; full: 3)",
    "switch-cost": "kernel time charged per context switch, us (default 0; Denali: 1.4-9)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const report = await batching({
    vms: f.vms ? intList("--vms", f.vms) : full ? [10, 50, 100, 200, 400, 800, 1600] : [10, 100],
    clients: f.clients ? Math.round(positive("--clients", f.clients)) : 32,
    requests: f.requests ? Math.round(positive("--requests", f.requests)) : full ? 100_000 : 5000,
    repeats: f.repeats ? Math.round(positive("--repeats", f.repeats)) : full ? 3 : 1,
    switchCostMicros: f["switch-cost"] ? positive("--switch-cost", f["switch-cost"]) : 0,
  }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  const files = await report.write(a.out, [{
    file: "batching.svg",
    title: "Batched vs immediate interrupts",
    x: "vms",
    xLabel: "server VMs",
    yLabel: "replies per host second",
    logX: true,
    lines: ["batched", "immediate"].map((m) => ({
      label: m,
      y: "throughput",
      where: (r) => r.mode === m,
    })),
  }]);
  if (!a.quiet) console.error(`batching: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
