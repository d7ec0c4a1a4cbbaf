/**
 * The demonstration (`deno task demo`): boots 1,000 server VMs and 64 client
 * VMs on one kernel, runs a Zipf-distributed request load for about 20
 * seconds with a live table, and ends with what the kernel did. Each server
 * answers a request frame on the virtual LAN with a 1,514-byte reply after
 * 2,000 instructions of work (a small web server's shape, without HTTP: the
 * library OS's real httpd is `scenarios/web.ts --guests tcp`). It needs
 * nothing but Deno: the guests are assembled by the project's own assembler.
 *
 * ```sh
 * deno task demo                                   # 1,000 servers, 20 s
 * deno task demo --vms 10000 --seconds 30          # more
 * deno task demo --api 127.0.0.1:7070              # and watch it at http://127.0.0.1:7070/
 * ```
 *
 * @module
 */

import { formatApiAddress, parseApiAddress } from "../api/address.ts";
import { Machine } from "../api/machine.ts";
import { type ApiServer, serveApi } from "../api/server.ts";
import { UsageError } from "../cli/args.ts";
import { compact } from "../cli/progress.ts";
import { positive, runMain, scenarioArgs } from "./_args.ts";
import { type LanProgress, type LanResult, runLan } from "./_lan.ts";
import { Report } from "./_report.ts";

/**
 * Options of {@linkcode demo}.
 *
 * @example
 * ```ts
 * import type { DemoOptions } from "./demo.ts";
 * const o: DemoOptions = { vms: 1000, clients: 64, seconds: 20 };
 * console.log(o.vms); // 1000
 * ```
 */
export interface DemoOptions {
  /** Web-server VMs. */
  vms: number;
  /** Client VMs. */
  clients: number;
  /** Host seconds to run the load. */
  seconds: number;
  /** Serve the API and dashboard here while running. */
  api?: string;
  /** Where the live table goes (default stdout; on a terminal it redraws in place). */
  write?: (text: string) => void;
  /** Redraw in place (ANSI) instead of appending (default: stdout is a terminal). */
  live?: boolean;
}

const enc = new TextEncoder();

function liveTable(p: LanProgress, startMs: number): string[] {
  const s = p.kernel.stats();
  const v = s.vms;
  const served = p.serverIds.slice(0, 5).map((id) => p.nic.stats(id).txFrames);
  const total = p.serverIds.reduce((n, id) => n + p.nic.stats(id).txFrames, 0);
  const top = served.reduce((a, b) => a + b, 0);
  return [
    `  time ${((performance.now() - startMs) / 1000).toFixed(0).padStart(3)} s   replies ${
      compact(p.completed).padStart(6)
    }   ${compact(p.rate).padStart(6)}/s   latency p50 ${compact(p.p50).padStart(5)} us  p99 ${
      compact(p.p99).padStart(6)
    } us (kernel time)`,
    `  VMs ${compact(v.total)}: ${v.running + v.ready} running, ${v.idle} idle   ` +
    `${compact(s.contextSwitches)} switches   ${compact(s.instructions)} instructions   ` +
    `guest memory ${(s.framesInUse * 4096 / (1 << 20)).toFixed(1)} MiB`,
    `  busiest 5 servers answered ${total ? (top / total * 100).toFixed(0) : 0}% ` +
    `(${served.map(compact).join(", ")}); ` +
    `${p.serverIds.filter((id) => p.nic.stats(id).txFrames > 0).length} of ${p.serverIds.length} ` +
    "servers asked so far",
  ];
}

/**
 * Runs the demonstration; returns the measured result.
 *
 * @example
 * ```ts
 * import { demo } from "./demo.ts";
 * const r = await demo({ vms: 20, clients: 4, seconds: 0.2, write: () => {} });
 * console.log(r.completed > 0); // true
 * ```
 */
export async function demo(o: DemoOptions): Promise<LanResult> {
  const write = o.write ?? ((t: string) => Deno.stdout.writeSync(enc.encode(t)));
  const live = o.live ?? Deno.stdout.isTerminal();
  const machine = new Machine({ sampleMs: 500, initialFrames: (o.vms + o.clients) * 3 });
  let server: ApiServer | null = null;
  try {
    if (o.api) {
      let address;
      try {
        address = parseApiAddress(o.api);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
      server = await serveApi(machine, address);
      const where = formatApiAddress(server.address);
      write(`Dashboard: ${server.address.transport === "tcp" ? `${where}/` : where}\n`);
    }
    write(
      `Denali demo: ${o.vms.toLocaleString("en-US")} server VMs and ${o.clients} client VMs ` +
        "on one kernel; the clients ask servers by Zipf popularity, each reply a 1,514-byte " +
        "frame.\n",
    );
    const start = performance.now();
    let drawn = 0;
    const r = await runLan({
      servers: o.vms,
      clients: o.clients,
      requests: Number.MAX_SAFE_INTEGER,
      maxHostMs: o.seconds * 1000,
      work: 2000,
      replyBytes: 1514,
      on: { kernel: machine.kernel, nic: machine.nic },
      tickMs: 1000,
      onTick: (p) => {
        const lines = liveTable(p, start);
        write((live && drawn ? `\x1b[${drawn}A\x1b[J` : "") + lines.join("\n") + "\n");
        drawn = lines.length;
      },
    });
    const s = machine.kernel.stats();
    const report = new Report("demo", [
      { key: "what", title: "what" },
      { key: "value", title: "measured" },
    ]);
    const rows: [string, string][] = [
      ["VMs booted", `${s.vms.total.toLocaleString("en-US")} (64 KiB each)`],
      [
        "boot time",
        `${r.createMs.toFixed(0)} ms (${(r.createMs * 1000 / s.vms.total).toFixed(1)} us/VM)`,
      ],
      ["replies", `${r.completed.toLocaleString("en-US")} in ${(r.hostMs / 1000).toFixed(1)} s`],
      [
        "throughput",
        `${compact(r.throughput)} replies/s (${
          (r.throughput * 1514 * 8 / 1e6).toFixed(0)
        } Mb/s of frames)`,
      ],
      ["latency", `p50 ${r.p50} us, p90 ${r.p90} us, p99 ${r.p99} us (kernel time)`],
      [
        "popularity (Zipf)",
        `the busiest 1% of servers sent ${(r.topShare * 100).toFixed(0)}% of the replies; ` +
        `${r.serversUsed} of ${o.vms} were asked at all`,
      ],
      ["context switches", `${compact(r.switches)} (${compact(r.switches / (r.hostMs / 1000))}/s)`],
      [
        "instructions",
        `${compact(r.instructions)} (${(r.instructions / r.hostMs / 1000).toFixed(1)} MIPS)`,
      ],
      [
        "guest memory",
        `${(s.framesInUse * 4096 / (1 << 20)).toFixed(1)} MiB (${
          (r.guestBytesPerVm / 1024).toFixed(1)
        } KiB/VM)`,
      ],
      ["timeouts", String(r.timeouts)],
    ];
    for (const [what, value] of rows) report.add({ what, value });
    write(`\n${report.table().split("\n").map((l) => l.trimEnd()).join("\n")}\n`);
    return r;
  } finally {
    await server?.shutdown();
    await machine.close();
  }
}

const USAGE = `Usage: deno task demo [options]

Boots server VMs and client VMs on one kernel and runs a Zipf-distributed
request/reply load on the virtual LAN with a live table; ends with what the
kernel did.`;

/**
 * The command line.
 *
 * @example
 * ```ts
 * import { main } from "./demo.ts";
 * console.log(typeof main); // function
 * ```
 */
export async function main(args: string[]): Promise<LanResult | null> {
  const a = scenarioArgs("demo", args, {
    vms: "server VMs (default 1000)",
    clients: "client VMs (default 64)",
    seconds: "how long the load runs, host seconds (default 20)",
    api: "also serve the control API and dashboard (e.g. 127.0.0.1:7070)",
  }, USAGE);
  if (a === "help") return null;
  const f = a.flags;
  return await demo({
    vms: f.vms ? Math.round(positive("--vms", f.vms)) : a.size === "small" ? 1000 : 10_000,
    clients: f.clients ? Math.round(positive("--clients", f.clients)) : 64,
    seconds: f.seconds ? positive("--seconds", f.seconds) : 20,
    ...(f.api ? { api: f.api } : {}),
  });
}

if (import.meta.main) await runMain(main);
