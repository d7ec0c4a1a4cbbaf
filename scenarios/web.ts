/**
 * Scenario 2, web: N web-server VMs under a Zipf-distributed request load
 * from in-kernel client VMs; throughput and latency against N up to 10,000
 * (the shape of the paper's Figure 8, where a cliff appeared near 1,000 VMs
 * once the working set left memory).
 *
 * The servers here are the scenario guests of _guests.ts: each answers a
 * request frame on the virtual LAN with one full-size (1,514-byte) frame
 * after `work` instructions of request handling; the clients keep one
 * request in flight each, and pick servers by popularity rank (Zipf,
 * exponent 1), so a few servers are busy and most are rarely asked: the
 * workload Denali was built for. Latencies are in kernel microseconds.
 *
 * ```sh
 * deno run -A scenarios/web.ts --size full                 # N = 10 ... 10,000
 * deno run -A scenarios/web.ts --vms 100,1000,10000 --clients 64 --requests 100000
 * ```
 *
 * @module
 */

import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { runLan } from "./_lan.ts";
import { Report } from "./_report.ts";

/** Options of {@linkcode web}. */
export interface WebOptions {
  /** Server VM counts. */
  vms: number[];
  /** Client VMs. */
  clients: number;
  /** Replies per point. */
  requests: number;
  /** Instructions a server spends per request. */
  work: number;
}

/**
 * Runs the scenario and returns its report (one row per N).
 *
 * @example
 * ```ts
 * import { web } from "./web.ts";
 * const r = await web({ vms: [10], clients: 4, requests: 200, work: 500 });
 * console.log(r.rows[0]!.vms); // 10
 * ```
 */
export async function web(o: WebOptions, log: (line: string) => void = () => {}): Promise<Report> {
  const report = new Report("web", [
    { key: "vms", title: "servers" },
    { key: "used", title: "servers asked" },
    { key: "throughput", title: "replies/s" },
    { key: "mbps", title: "Mb/s", digits: 1 },
    { key: "p50", title: "p50 us" },
    { key: "p90", title: "p90 us" },
    { key: "p99", title: "p99 us" },
    { key: "startMicros", title: "start us/VM", digits: 1 },
    { key: "guestKiB", title: "guest KiB/VM", digits: 1 },
    { key: "timeouts", title: "timeouts" },
  ]);
  await runLan({ servers: 10, clients: o.clients, requests: Math.min(o.requests, 5000) });
  for (const n of o.vms) {
    log(`web: ${n} servers...`);
    const r = await runLan({
      servers: n,
      clients: o.clients,
      requests: o.requests,
      work: o.work,
      replyBytes: 1514,
    });
    report.add({
      vms: n,
      used: r.serversUsed,
      throughput: r.throughput,
      mbps: r.throughput * 1514 * 8 / 1e6,
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      startMicros: r.createMs * 1000 / (n + o.clients),
      guestKiB: r.guestBytesPerVm / 1024,
      timeouts: r.timeouts,
    });
  }
  return report;
}

const USAGE = `Usage: deno run -A scenarios/web.ts [options]

N web-server VMs answer a Zipf-distributed request load from client VMs on the
virtual LAN: throughput and latency against N.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./web.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "10", "--requests", "200", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 1
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("web", args, {
    vms: "server VM counts (small: 10,100,1000; full: 10,100,300,1000,3000,10000)",
    clients: "client VMs (default 64)",
    requests: "replies per point (small: 5000; full: 100000)",
    work: "instructions a server spends per request (default 2000)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const report = await web({
    vms: f.vms
      ? intList("--vms", f.vms)
      : full
      ? [10, 100, 300, 1000, 3000, 10_000]
      : [10, 100, 1000],
    clients: f.clients ? Math.round(positive("--clients", f.clients)) : 64,
    requests: f.requests ? Math.round(positive("--requests", f.requests)) : full ? 100_000 : 5000,
    work: f.work ? Math.round(positive("--work", f.work)) : 2000,
  }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  const files = await report.write(a.out, [
    {
      file: "web.svg",
      title: "Web servers under a Zipf load: throughput",
      x: "vms",
      xLabel: "web-server VMs",
      yLabel: "replies per host second",
      logX: true,
      lines: [{ label: "replies/s", y: "throughput" }],
    },
    {
      file: "web_latency.svg",
      title: "Web servers under a Zipf load: latency",
      x: "vms",
      xLabel: "web-server VMs",
      yLabel: "kernel microseconds",
      logX: true,
      lines: [{ label: "p50", y: "p50" }, { label: "p90", y: "p90" }, { label: "p99", y: "p99" }],
    },
  ]);
  if (!a.quiet) console.error(`web: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
