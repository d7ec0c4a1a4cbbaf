/**
 * Worker guests against x86 guests doing the same echo work, in one run:
 *
 * - start: host ms from `create` to a guest's first answer (Workers started
 *   one at a time, and N at once), and host us to create and first run an x86
 *   VM;
 * - memory: process RSS growth per guest with N guests alive and idle;
 * - batch round trip: host us from the kernel posting a batch to the
 *   Worker's answer arriving (WorkerStats), next to a bare MessagePort ping-pong
 *   with a plain Worker (the transport alone);
 * - echo: host us per frame round trip between a pinger and an echo guest
 *   (Worker/Worker, Worker/x86, x86/x86), through the NIC and the switch.
 *
 * Every figure is the median of `--reps` repetitions. Needs nasm (x86 guests).
 *
 * Run: deno run --allow-read --allow-write --allow-run --unstable-worker-options bench/worker_bench.ts [--reps 5] [--pings 200] [--n 20]
 *
 * @module
 */

import { Kernel, NicDevice } from "../mod.ts";
import { WorkerHost } from "../kernel/worker_host.ts";
import { echoer, hasNasm, pinger } from "../tests/devices/net_guests.ts";
import { fmt } from "./_kernel_guests.ts";
import { median } from "./_stats.ts";

const EXAMPLES = new URL("../guests/examples/ts/", import.meta.url);
const TESTS = new URL("../tests/workers/guests/", import.meta.url);

function arg(name: string, dflt: number): number {
  const i = Deno.args.indexOf(`--${name}`);
  return i >= 0 ? Number(Deno.args[i + 1]) : dflt;
}

function machine(clock: "deterministic" | "real" = "deterministic") {
  const kernel = new Kernel({ clock });
  const nic = new NicDevice({ rxQueue: 256 });
  kernel.attach(nic);
  const workers = new WorkerHost(kernel, { startBudgetMs: 120_000 });
  return { kernel, nic, workers };
}

/** Host ms from create to first answer of one Worker started alone (the host already up). */
async function startOne(): Promise<number> {
  const m = machine();
  try {
    m.workers.create({ module: new URL("hello.ts", EXAMPLES), start: true }); // jail warm-up
    await m.kernel.run();
    const id = m.workers.create({ module: new URL("hello.ts", EXAMPLES), start: true });
    await m.kernel.run();
    return m.workers.stats(id).startMillis;
  } finally {
    m.workers.close();
  }
}

/** N echo Workers started at once: median ms to a Worker's first answer, ms until all answered. */
async function startMany(n: number): Promise<{ startMs: number; allMs: number }> {
  const m = machine();
  try {
    const t0 = performance.now();
    const ids = [];
    for (let i = 0; i < n; i++) {
      ids.push(m.workers.create({ module: new URL("echo.ts", EXAMPLES), start: true }));
    }
    await m.kernel.run(); // every Worker answers its first batch and idles
    const allMs = performance.now() - t0;
    return { startMs: median(ids.map((id) => m.workers.stats(id).startMillis)), allMs };
  } finally {
    m.workers.close();
  }
}

/** x86 echo VMs: host us to create and first run one (it registers its buffer and halts). */
async function x86Start(n: number): Promise<number> {
  const image = await echoer(0);
  const kernel = new Kernel();
  kernel.attach(new NicDevice());
  const t0 = performance.now();
  for (let i = 0; i < n; i++) kernel.create({ image, start: true });
  kernel.runSync();
  return (performance.now() - t0) * 1000 / n;
}

/** Bare transport: MessagePort ping-pong with a plain Worker, us per round trip. */
async function bareRoundTrip(count: number): Promise<number> {
  const src =
    `self.onmessage = (e) => { const p = e.data; p.onmessage = (m) => p.postMessage(m.data); p.postMessage(0); };`;
  const w = new Worker(`data:application/javascript,${encodeURIComponent(src)}`, {
    type: "module",
  });
  const { port1, port2 } = new MessageChannel();
  w.postMessage(port2, [port2]);
  await new Promise<void>((r) => port1.onmessage = () => r());
  const t0 = performance.now();
  let n = 0;
  await new Promise<void>((r) => {
    port1.onmessage = () => ++n < count ? port1.postMessage(n) : r();
    port1.postMessage(0);
  });
  const us = (performance.now() - t0) * 1000 / count;
  port1.close();
  w.terminate();
  return us;
}

type Kind = "worker" | "x86";

/** `pings` frame round trips between a pinger and an echo guest: host us per round trip. */
async function echo(
  ping: Kind,
  pong: Kind,
  pings: number,
  clock: "deterministic" | "real",
): Promise<{ us: number; batchUs: number }> {
  const m = machine(clock);
  try {
    const echoId = pong === "x86"
      ? m.kernel.create({ image: await echoer(pings) })
      : m.workers.create({ module: new URL("echo.ts", EXAMPLES), config: { count: pings } });
    const pingId = ping === "x86"
      ? m.kernel.create({ image: await pinger(echoId, "x", pings) })
      : m.workers.create({
        module: new URL("pinger.ts", TESTS),
        config: { peer: echoId, payload: "x", count: pings },
      });
    await m.workers.ready(); // time the echo, not the Workers' start
    m.kernel.start(echoId);
    m.kernel.start(pingId);
    const t0 = performance.now();
    await m.kernel.run();
    const us = (performance.now() - t0) * 1000 / pings;
    for (const id of [pingId, echoId]) {
      if (m.kernel.inspect(id).state !== "exited") {
        throw new Error(`Cannot measure echo: VM ${id} is ${m.kernel.inspect(id).state}`);
      }
    }
    let wall = 0, answers = 0;
    for (const id of m.workers.ids()) {
      // The first answer of each Worker includes its first batch's wait for the module: skip it.
      const st = m.workers.stats(id);
      wall += st.wallMicros - st.firstWallMicros;
      answers += st.answers - 1;
    }
    return { us, batchUs: answers > 0 ? wall / answers : 0 };
  } finally {
    m.workers.close();
  }
}

/** RSS growth per guest with `n` of them alive and idle, measured in a fresh process. */
async function memory(kind: Kind, n: number): Promise<number> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--allow-write",
      "--allow-run",
      "--unstable-worker-options",
      new URL(import.meta.url).pathname,
      "--child-memory",
      kind,
      String(n),
    ],
    stdout: "piped",
  }).output();
  if (!out.success) throw new Error(`Cannot measure memory: the child process failed`);
  return Number(new TextDecoder().decode(out.stdout).trim());
}

/** The child of {@linkcode memory}: prints bytes of RSS per guest. */
async function childMemory(kind: Kind, n: number): Promise<number> {
  if (kind === "x86") {
    const image = await echoer(0);
    const kernel = new Kernel();
    kernel.attach(new NicDevice());
    kernel.create({ image, start: true });
    kernel.runSync();
    const rss0 = Deno.memoryUsage().rss;
    for (let i = 0; i < n; i++) kernel.create({ image, start: true });
    kernel.runSync();
    return (Deno.memoryUsage().rss - rss0) / n;
  }
  const m = machine();
  m.workers.create({ module: new URL("echo.ts", EXAMPLES), start: true }); // the jail, warm
  await m.kernel.run();
  const rss0 = Deno.memoryUsage().rss;
  for (let i = 0; i < n; i++) {
    m.workers.create({ module: new URL("echo.ts", EXAMPLES), start: true });
  }
  await m.kernel.run();
  const per = (Deno.memoryUsage().rss - rss0) / n;
  m.workers.close();
  return per;
}

const child = Deno.args.indexOf("--child-memory");
if (child >= 0) {
  console.log(await childMemory(Deno.args[child + 1] as Kind, Number(Deno.args[child + 2])));
  Deno.exit(0);
}
if (!hasNasm) {
  console.error("worker_bench: needs nasm for the x86 guests");
  Deno.exit(1);
}
const reps = arg("reps", 5), pings = arg("pings", 200), n = arg("n", 20);
console.log(`Worker guests vs x86 guests: medians of ${reps} runs (${pings} pings, ${n} guests)\n`);

const med = async (label: string, f: () => Promise<number>, unit: string, digits = 0) => {
  const xs: number[] = [];
  for (let i = 0; i < reps; i++) xs.push(await f());
  console.log(`${label.padEnd(60)} ${fmt(median(xs), digits).padStart(10)} ${unit}`);
};

await med("Worker start, one alone (create to first answer)", startOne, "ms");
await med(
  `Worker start, ${n} at once (median per Worker)`,
  async () => (await startMany(n)).startMs,
  "ms",
);
await med(
  `Worker start, ${n} at once (until all answered)`,
  async () => (await startMany(n)).allMs,
  "ms",
);
await med(`x86 VM start, ${n * 50} at once (create + first run)`, () => x86Start(n * 50), "us", 1);
await med(
  `Worker memory, ${n} alive and idle (RSS per Worker)`,
  async () => (await memory("worker", n)) / 1e6,
  "MB",
  1,
);
await med(
  `x86 VM memory, ${n * 50} alive and idle (RSS per VM)`,
  async () => (await memory("x86", n * 50)) / 1e3,
  "KB",
  1,
);
await med("bare MessagePort round trip with a plain Worker", () => bareRoundTrip(2000), "us");
for (const clock of ["deterministic", "real"] as const) {
  await med(
    `Worker batch round trip in echo Worker/Worker (${clock})`,
    async () => (await echo("worker", "worker", pings, clock)).batchUs,
    "us",
  );
  await med(
    `echo round trip Worker -> Worker (${clock})`,
    async () => (await echo("worker", "worker", pings, clock)).us,
    "us",
  );
  await med(
    `echo round trip Worker -> x86 (${clock})`,
    async () => (await echo("worker", "x86", pings, clock)).us,
    "us",
  );
  await med(
    `echo round trip x86 -> Worker (${clock})`,
    async () => (await echo("x86", "worker", pings, clock)).us,
    "us",
  );
  await med(
    `echo round trip x86 -> x86 (${clock})`,
    async () => (await echo("x86", "x86", pings, clock)).us,
    "us",
    1,
  );
}
