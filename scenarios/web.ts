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
 * With `--guests tcp` the servers are the real web server instead
 * (guests/examples/httpd.c: C on the library OS, HTTP over its own TCP/IP)
 * and the clients the real load generator (httpload.c), each keeping
 * keep-alive connections to one server drawn by Zipf popularity; `--tap wrk`
 * or `--tap httperf` adds load from the host through a TAP bridge (root).
 *
 * ```sh
 * deno run -A scenarios/web.ts --size full                 # N = 10 ... 10,000
 * deno run -A scenarios/web.ts --vms 100,1000,10000 --clients 64 --requests 100000
 * deno run -A scenarios/web.ts --guests tcp --size full --tap wrk
 * ```
 *
 * @module
 */

import { UsageError } from "../cli/args.ts";
import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { runLan } from "./_lan.ts";
import { Report } from "./_report.ts";
import { hasGcc32, runTcpWeb, tapUnavailable } from "./_tcp_web.ts";

/**
 * Options of {@linkcode web}.
 *
 * @example
 * ```ts
 * import type { WebOptions } from "./web.ts";
 * const o: WebOptions = { vms: [10, 100], clients: 64, requests: 5000, work: 2000 };
 * console.log(o.vms.length); // 2
 * ```
 */
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
    { key: "kernelThroughput", title: "replies/kernel s" },
    { key: "mbps", title: "Mb/s", digits: 1 },
    { key: "p50", title: "p50 us" },
    { key: "p90", title: "p90 us" },
    { key: "p99", title: "p99 us" },
    { key: "startMicros", title: "start us/VM", digits: 1 },
    { key: "guestKiB", title: "guest KiB/VM", digits: 1 },
    { key: "timeouts", title: "timeouts" },
  ]);
  await runLan({ servers: 10, clients: o.clients, requests: Math.min(o.requests, 5000) });
  return await report.sweep(o.vms, async (n) => {
    log(`web: ${n} servers...`);
    const r = await runLan({
      servers: n,
      clients: o.clients,
      requests: o.requests,
      work: o.work,
      replyBytes: 1514,
    });
    return {
      vms: n,
      used: r.serversUsed,
      throughput: r.throughput,
      kernelThroughput: r.kernelThroughput,
      mbps: r.throughput * 1514 * 8 / 1e6,
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      startMicros: r.createMs * 1000 / (n + o.clients),
      guestKiB: r.guestBytesPerVm / 1024,
      timeouts: r.timeouts,
    };
  });
}

/**
 * The web experiment with the real TCP guests; one row per N.
 *
 * @example
 * ```ts ignore
 * import { webTcp } from "./web.ts";
 * const r = await webTcp({ vms: [2], clients: 2, requests: 10 });
 * console.log(r.rows[0]!.replies); // 20
 * ```
 */
export async function webTcp(
  o: {
    vms: number[];
    clients: number;
    requests: number;
    tap?: "wrk" | "httperf";
    tapSeconds?: number;
  },
  log: (line: string) => void = () => {},
): Promise<Report> {
  const report = new Report("web_tcp", [
    { key: "vms", title: "httpd VMs" },
    { key: "clients", title: "httpload VMs" },
    { key: "asked", title: "servers asked" },
    { key: "replies", title: "replies" },
    { key: "throughput", title: "replies/s", digits: 1 },
    { key: "kernelThroughput", title: "replies/kernel s" },
    { key: "meanMicros", title: "mean us" },
    { key: "maxMicros", title: "max us" },
    { key: "errors", title: "errors" },
    ...(o.tap
      ? [
        { key: "tapRps", title: `${o.tap} req/s`, digits: 1 },
        { key: "tapP50", title: `${o.tap} p50 ms`, digits: 1 },
      ]
      : []),
  ]);
  return await report.sweep(o.vms, async (n) => {
    log(`web: ${n} httpd VMs, ${o.clients} httpload VMs...`);
    const r = await runTcpWeb({
      servers: n,
      clients: o.clients,
      requests: o.requests,
      ...(o.tap ? { tap: o.tap, tapSeconds: o.tapSeconds ?? 5 } : {}),
    });
    return {
      vms: n,
      clients: o.clients,
      asked: r.serversAsked,
      replies: r.ok,
      throughput: r.throughput,
      kernelThroughput: r.kernelThroughput,
      meanMicros: r.meanMicros,
      maxMicros: r.maxMicros,
      errors: r.errors,
      ...(r.tap ? { tapRps: r.tap.requestsPerSec, tapP50: r.tap.p50Ms } : {}),
    };
  });
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
    guests: "frames (default: the scenario guests) or tcp (httpd and httpload, needs gcc -m32)",
    vms: "server VM counts (frames small: 10,100,1000; full: 10,100,300,1000,3000,10000;" +
      " tcp small: 2,8; full: 2,10,100)",
    clients: "client VMs (frames: 64; tcp: 4, full 16)",
    requests:
      "replies per point (frames small: 5000; full: 100000); tcp: per client (20; full 100)",
    work: "instructions a server spends per request (frames; default 2000)",
    tap:
      "wrk or httperf: also load the busiest server from the host through a TAP bridge (tcp, root)",
    "tap-seconds": "how long the host load runs per point (default 5)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const guests = f.guests ?? "frames";
  if (guests !== "frames" && guests !== "tcp") {
    throw new UsageError(`Cannot parse --guests: "${guests}" is not one of frames, tcp`);
  }
  if (f.tap !== undefined && (guests !== "tcp" || (f.tap !== "wrk" && f.tap !== "httperf"))) {
    throw new UsageError(`Cannot use --tap ${f.tap}: it takes wrk or httperf, with --guests tcp`);
  }
  if (guests === "tcp") {
    if (!(await hasGcc32())) {
      throw new UsageError("Cannot build the web guests: gcc -m32 is missing (gcc-multilib)");
    }
    const tap = f.tap as "wrk" | "httperf" | undefined;
    if (tap) {
      const why = await tapUnavailable(tap);
      if (why) throw new UsageError(`Cannot load through a TAP bridge: ${why}`);
    }
    const report = await webTcp({
      vms: f.vms ? intList("--vms", f.vms) : full ? [2, 10, 100] : [2, 8],
      clients: f.clients ? Math.round(positive("--clients", f.clients)) : full ? 16 : 4,
      requests: f.requests ? Math.round(positive("--requests", f.requests)) : full ? 100 : 20,
      ...(tap ? { tap } : {}),
      tapSeconds: f["tap-seconds"] ? positive("--tap-seconds", f["tap-seconds"]) : 5,
    }, a.quiet ? () => {} : (l) => console.error(l));
    console.log(report.table());
    const files = await report.write(a.out, [{
      file: "web_tcp.svg",
      title: "httpd VMs under a Zipf load from httpload VMs",
      x: "vms",
      xLabel: "httpd VMs",
      yLabel: "replies per second",
      logX: true,
      lines: [
        { label: "replies per host second", y: "throughput" },
        ...(tap ? [{ label: `${tap} through TAP, req/s`, y: "tapRps" }] : []),
      ],
    }]);
    if (!a.quiet) console.error(`web: wrote ${files.join(", ")}`);
    return report;
  }
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
