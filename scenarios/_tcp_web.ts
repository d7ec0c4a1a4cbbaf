/**
 * The web experiment with the real guests: N `httpd` VMs (guests/examples,
 * C on the library OS with its own TCP/IP stack) and C `httpload` VMs on one
 * kernel's virtual LAN. Each client keeps `conns` keep-alive connections to
 * one server, drawn by Zipf popularity, and fetches `path` until it has done
 * `requests`; its summary line gives the replies, bytes and latencies. With
 * `tap`, the load also comes from the host: the kernel's switch is bridged to
 * a TAP interface inside a private network namespace (root only), and wrk or
 * httperf there fetch from the most popular server through the host's own
 * TCP/IP stack.
 *
 * Needs gcc -m32 (the guests are built with guests/build.ts, cached).
 *
 * @module
 */

import { hasGcc32 } from "../guests/build.ts";
import { exampleImage } from "./_examples.ts";
import { Machine } from "../api/machine.ts";
import { netnsUnavailable, TapNamespace } from "./_netns.ts";
import { prng, Zipf } from "./_zipf.ts";

export { hasGcc32 };

/** Options of {@linkcode runTcpWeb}. */
export interface TcpWebOptions {
  /** httpd VMs. */
  servers: number;
  /** httpload VMs. */
  clients: number;
  /** Requests per client. */
  requests: number;
  /** Connections per client (default 2). */
  conns?: number;
  /** What clients fetch (default /bytes/1024). */
  path?: string;
  /** Guest memory per VM (default 2 MiB). */
  memSize?: number;
  /** Zipf exponent of server popularity (default 1). */
  alpha?: number;
  /** Seed of the clients' choices (default 1). */
  seed?: number;
  /** Also load the busiest server from the host through a TAP bridge with this tool. */
  tap?: "wrk" | "httperf";
  /** Host seconds the TAP load runs (default 5). */
  tapSeconds?: number;
  /** The CPU's translation tier (default the kernel's: on). */
  jit?: "on" | "off" | "eager";
}

/** What {@linkcode runTcpWeb} measured. */
export interface TcpWebResult {
  /** Replies the in-kernel clients got. */
  ok: number;
  /** Failed requests. */
  errors: number;
  /** Host ms from start to the last client's exit. */
  hostMs: number;
  /** Kernel us over the same span. */
  kernelMicros: number;
  /** Replies per host second. */
  throughput: number;
  /** Replies per kernel second. */
  kernelThroughput: number;
  /** Mean latency over the clients, us (their own clocks: kernel time). */
  meanMicros: number;
  /** Worst latency, us. */
  maxMicros: number;
  /** Distinct servers asked. */
  serversAsked: number;
  /** Host-side load through the TAP bridge, when asked for. */
  tap?: { tool: string; requestsPerSec: number; p50Ms: number; p99Ms: number; errors: number };
}

/** The IP address of VM `id` on the library OS's LAN (10.0.0.0/16). */
export function ipOfVm(id: number): string {
  return `10.0.${(id >> 8) & 255}.${id & 255}`;
}

const SUMMARY =
  /httpload: ok=(\d+) errors=(\d+) bytes=\d+ elapsed_us=\d+ rps=\d+ mean_us=(\d+) max_us=(\d+)/;

/**
 * Runs one experiment.
 *
 * @example
 * ```ts ignore
 * import { runTcpWeb } from "./_tcp_web.ts";
 * const r = await runTcpWeb({ servers: 2, clients: 2, requests: 50 });
 * console.log(r.ok); // 100
 * ```
 */
export async function runTcpWeb(o: TcpWebOptions): Promise<TcpWebResult> {
  const [httpd, httpload] = await Promise.all([exampleImage("httpd"), exampleImage("httpload")]);
  const machine = new Machine({
    clock: o.tap ? "real" : "deterministic",
    sampleMs: 0,
    initialFrames: (o.servers + o.clients) * 64,
    ...(o.jit ? { jit: o.jit } : {}),
  });
  const memSize = o.memSize ?? 2 << 20;
  try {
    const servers = await machine.create({
      imageBytes: httpd,
      memSize,
      count: o.servers,
      name: "httpd",
      start: false,
    });
    for (const id of servers) {
      machine.keyboard.type(id, "port=80 idle_ms=60000\n");
      machine.kernel.start(id);
    }
    // Servers listen before any client connects (else a SYN waits for a retransmit timer).
    const listening = (id: number) => machine.kernel.consoleText(id).includes("httpd: serving");
    for (let i = 0; i < 10_000 && !servers.every(listening); i++) {
      if (machine.kernel.runSync(64) === "sleep") await new Promise((r) => setTimeout(r, 1));
    }
    if (!servers.every(listening)) {
      throw new Error("Cannot run the web experiment: httpd did not start");
    }
    const zipf = new Zipf(o.servers, o.alpha ?? 1);
    const rand = prng(o.seed ?? 1);
    const targets = Array.from({ length: o.clients }, () => servers[zipf.sample(rand())]!);
    const clients = await machine.create({
      imageBytes: httpload,
      memSize,
      count: o.clients,
      name: "httpload",
      start: false,
    });
    clients.forEach((id, i) => {
      const args = `host=${ipOfVm(targets[i]!)} port=80 path=${o.path ?? "/bytes/1024"} ` +
        `conns=${o.conns ?? 2} requests=${o.requests} keepalive=1\n`;
      machine.keyboard.type(id, args);
    });
    // A client is done when it prints its summary (closing its connections may take longer).
    const pending = new Set(clients);
    let allDone = () => {};
    const done = new Promise<void>((resolve) => allDone = resolve);
    const lines = new Map<number, string>();
    // Kernel time when the last summary arrived: once every VM idles, the deterministic clock
    // jumps ahead to the next timer before this process notices, so reading it later overstates.
    let lastMicros = machine.kernel.stats().timeMicros;
    const unfollow = machine.consoles.follow("all", (id, bytes) => {
      if (!pending.has(id)) return;
      const text = (lines.get(id) ?? "") + new TextDecoder().decode(bytes);
      lines.set(id, text);
      if (SUMMARY.test(text)) {
        lastMicros = machine.kernel.stats().timeMicros;
        pending.delete(id);
        if (pending.size === 0) allDone();
      }
    });
    for (const id of clients) {
      machine.kernel.wait(id).then(() => {
        pending.delete(id);
        if (pending.size === 0) allDone();
      });
    }
    const k0 = machine.kernel.stats().timeMicros;
    const t0 = performance.now();
    for (const id of clients) machine.kernel.start(id);
    const loop = machine.run({ forever: true });
    const tapResult = o.tap ? hostLoad(machine, servers[0]!, o.tap, o.tapSeconds ?? 5) : null;
    await done;
    unfollow();
    const hostMs = performance.now() - t0;
    const kernelMicros = lastMicros - k0;
    const tap = tapResult ? await tapResult : undefined;
    await machine.stop();
    await loop;
    let ok = 0, errors = 0, meanSum = 0, maxMicros = 0;
    for (const id of clients) {
      const m = SUMMARY.exec(lines.get(id) ?? "");
      if (!m) {
        errors += o.requests;
        continue;
      }
      ok += Number(m[1]);
      errors += Number(m[2]);
      meanSum += Number(m[3]) * Number(m[1]);
      maxMicros = Math.max(maxMicros, Number(m[4]));
    }
    return {
      ok,
      errors,
      hostMs,
      kernelMicros,
      throughput: ok / (hostMs / 1000),
      kernelThroughput: ok / Math.max(1e-9, kernelMicros / 1e6),
      meanMicros: ok > 0 ? meanSum / ok : 0,
      maxMicros,
      serversAsked: new Set(targets).size,
      ...(tap ? { tap } : {}),
    };
  } finally {
    await machine.close();
  }
}

/**
 * Why host load through a TAP bridge cannot run here, or null if it can:
 * Linux, root, --allow-ffi, /dev/net/tun, `ip` and the tool.
 *
 * @example
 * ```ts ignore
 * import { tapUnavailable } from "./_tcp_web.ts";
 * console.log(await tapUnavailable("wrk") ?? "available");
 * ```
 */
export function tapUnavailable(tool: "wrk" | "httperf"): Promise<string | null> {
  return netnsUnavailable([tool]);
}

/** Loads `server` from the host through a TAP bridge in a private namespace. */
async function hostLoad(
  machine: Machine,
  server: number,
  tool: "wrk" | "httperf",
  seconds: number,
): Promise<{ tool: string; requestsPerSec: number; p50Ms: number; p99Ms: number; errors: number }> {
  const net = TapNamespace.open({
    ns: `dnl-web-${Deno.pid}`,
    dev: `dnlw${Deno.pid % 100000}`,
    switch: machine.nic.switch,
  });
  try {
    await net.up();
    const url = `http://${ipOfVm(server)}/bytes/1024`;
    if (tool === "wrk") {
      const r = await net.exec("wrk", "-t1", "-c8", `-d${seconds}s`, "--latency", url);
      const num = (re: RegExp) => Number(re.exec(r.out)?.[1] ?? NaN);
      const ms = (re: RegExp) => {
        const m = re.exec(r.out);
        if (!m) return NaN;
        return Number(m[1]) * (m[2] === "us" ? 1e-3 : m[2] === "s" ? 1e3 : 1);
      };
      return {
        tool: "wrk",
        requestsPerSec: num(/Requests\/sec:\s+([\d.]+)/),
        p50Ms: ms(/50%\s+([\d.]+)(us|ms|s)/),
        p99Ms: ms(/99%\s+([\d.]+)(us|ms|s)/),
        errors: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
      };
    }
    const rate = 200;
    const r = await net.exec(
      "httperf",
      `--server=${ipOfVm(server)}`,
      "--uri=/bytes/1024",
      `--rate=${rate}`,
      `--num-conns=${rate * seconds}`,
      "--timeout=5",
    );
    const num = (re: RegExp) => Number(re.exec(r.out)?.[1] ?? NaN);
    return {
      tool: "httperf",
      requestsPerSec: num(/Request rate: ([\d.]+) req\/s/),
      p50Ms: num(/Reply time \[ms\]: response ([\d.]+)/),
      p99Ms: NaN,
      errors: num(/Errors: total (\d+)/) || 0,
    };
  } finally {
    await net.close();
  }
}
