/**
 * Every scenario end to end at a small size: it runs, prints its table, and
 * writes its CSV and SVG plots; the figures obey the invariants of what they
 * measure (no timing assertions: host speed varies).
 */
import { assert } from "./_assert.ts";
import { main as many } from "../scenarios/many.ts";
import { main as switchCost } from "../scenarios/switch.ts";
import { main as batching } from "../scenarios/batching.ts";
import { main as idle } from "../scenarios/idle.ts";
import { main as web } from "../scenarios/web.ts";
import { main as game } from "../scenarios/game.ts";
import { demo } from "../scenarios/demo.ts";
import { hasGcc32, tapUnavailable } from "../scenarios/_tcp_web.ts";
import type { Report } from "../scenarios/_report.ts";

async function files(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const e of Deno.readDir(dir)) {
    out.set(e.name, await Deno.readTextFile(`${dir}/${e.name}`));
  }
  return out;
}

/**
 * Runs a scenario's main with `flags` (separated by spaces) into a fresh directory; checks its CSV
 * and SVGs; returns its report.
 */
async function scenario(
  name: string,
  main: (args: string[]) => Promise<Report | null>,
  flags: string,
  svgs: string[],
): Promise<Report> {
  const dir = await Deno.makeTempDir();
  try {
    const report = await main([...flags.split(" "), "--out", dir, "--quiet"]);
    assert.ok(report, `${name} returned its report`);
    const written = await files(dir);
    assert.deepEqual([...written.keys()].sort(), [`${name}.csv`, ...svgs].sort());
    const csv = written.get(`${name}.csv`)!.trim().split("\n");
    assert.equal(csv[0], report.columns.map((c) => c.key).join(","));
    assert.equal(csv.length, report.rows.length + 1);
    for (const svg of svgs) {
      const text = written.get(svg)!;
      assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(text, /<polyline points="[\d.]+,[\d.]+/);
    }
    return report;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("scenario many starts, runs and measures N VMs", async () => {
  const r = await scenario("many", many, "--vms 50,200 --rounds 2 --work 200", [
    "many.svg",
    "many_memory.svg",
  ]);
  assert.deepEqual(r.rows.map((x) => [x.vms, x.exited, x.switches]), [[50, 50, 100], [
    200,
    200,
    400,
  ]]);
  for (const row of r.rows) {
    assert.equal(row.guestBytes, 8192, "each VM touched its code page and its registers page");
    assert.ok(Number(row.switchesPerSec) > 0 && Number(row.mips) > 0);
  }
});

Deno.test("scenario switch measures the cost of a context switch", async () => {
  const r = await scenario("switch", switchCost, "--vms 2,50 --idle 0,100 --switches 20000", [
    "switch.svg",
  ]);
  assert.deepEqual(r.rows.map((x) => [x.vms, x.idle]), [[2, 0], [50, 0], [2, 100], [50, 100]]);
  for (const row of r.rows) {
    assert.ok(Number(row.switches) >= 20_000);
    assert.ok(Number(row.nsPerSwitch) > 0);
  }
});

Deno.test("scenario batching compares batched and immediate interrupts", async () => {
  const r = await scenario("batching", batching, "--vms 4,16 --clients 8 --requests 300", [
    "batching.svg",
  ]);
  assert.deepEqual(r.rows.map((x) => [x.vms, x.mode]), [
    [4, "batched"],
    [4, "immediate"],
    [16, "batched"],
    [16, "immediate"],
  ]);
  for (const row of r.rows) {
    assert.equal(row.timeouts, 0);
    assert.ok(Number(row.linesPerBatch) >= 1);
  }
  // Immediate delivery preempts senders: more switches per reply than batched, at every N.
  for (let k = 0; k < r.rows.length; k += 2) {
    assert.ok(Number(r.rows[k + 1]!.switchesPerReply) > Number(r.rows[k]!.switchesPerReply));
  }
});

Deno.test("scenario batching with a Denali-like switch cost: batching wins in kernel time", async () => {
  const r = await scenario(
    "batching",
    batching,
    "--vms 4,16 --clients 8 --requests 300 --switch-cost 5",
    ["batching.svg"],
  );
  for (const row of r.rows.filter((x) => x.mode === "batched")) {
    assert.ok(Number(row.kernelGain) > 10, `kernel gain ${row.kernelGain}% at ${row.vms} servers`);
  }
});

Deno.test("scenario idle compares idling with busy polling", async () => {
  const r = await scenario("idle", idle, "--vms 2,4 --clients 4 --requests 200", [
    "idle.svg",
    "idle_kernel.svg",
  ]);
  assert.deepEqual(r.rows.map((x) => [x.vms, x.wait]), [[2, "idle"], [2, "poll"], [4, "idle"], [
    4,
    "poll",
  ]]);
  const instr = (vms: number, wait: string) =>
    Number(r.rows.find((x) => x.vms === vms && x.wait === wait)!.mipsPerReply);
  // Deterministic: pollers burn their quanta, so a reply costs more instructions.
  assert.ok(instr(4, "poll") > instr(4, "idle"));
});

Deno.test("scenario web runs web servers under a Zipf load", async () => {
  const r = await scenario("web", web, "--vms 20,200 --clients 8 --requests 400", [
    "web.svg",
    "web_latency.svg",
  ]);
  for (const row of r.rows) {
    assert.ok(Number(row.used) <= Number(row.vms));
    assert.ok(Number(row.p50) <= Number(row.p90) && Number(row.p90) <= Number(row.p99));
    assert.equal(row.timeouts, 0);
  }
});

const HAVE_GCC = await hasGcc32();
const NO_TAP = await tapUnavailable("wrk");

/** Runs scenario web with the real TCP guests: two httpd VMs, ten requests per client. */
function webTcp(flags: string): Promise<Report> {
  return scenario("web_tcp", web, `--guests tcp --vms 2 --requests 10 ${flags}`, ["web_tcp.svg"]);
}

Deno.test({
  name: HAVE_GCC
    ? "scenario web --guests tcp runs httpd VMs under httpload VMs over the library OS's TCP"
    : "scenario web --guests tcp: SKIPPED, gcc -m32 is missing",
  ignore: !HAVE_GCC,
  async fn() {
    const r = await webTcp("--clients 2");
    assert.deepEqual(r.rows.map((x) => [x.vms, x.replies, x.errors]), [[2, 20, 0]]);
  },
});

Deno.test({
  name: !HAVE_GCC || NO_TAP
    ? `scenario web --tap wrk: SKIPPED, ${HAVE_GCC ? NO_TAP : "gcc -m32 is missing"}`
    : "scenario web --tap wrk loads an httpd VM from the host through a TAP bridge",
  ignore: !HAVE_GCC || NO_TAP !== null,
  async fn() {
    const r = await webTcp("--clients 1 --tap wrk --tap-seconds 1");
    assert.ok(Number(r.rows[0]!.tapRps) > 0, "wrk got replies through the TAP bridge");
  },
});

Deno.test("scenario game reports latency percentiles for game servers", async () => {
  const r = await scenario("game", game, "--vms 2,4 --players 4 --requests 300", ["game.svg"]);
  assert.deepEqual(r.rows.map((x) => [x.vms, x.players]), [[2, 8], [4, 16]]);
  for (const row of r.rows) assert.ok(Number(row.p50) > 0 && Number(row.p50) <= Number(row.p99));
});

Deno.test({
  name: HAVE_GCC
    ? "scenario game --guests udp runs the UDP game server with players"
    : "scenario game --guests udp: SKIPPED, gcc -m32 is missing",
  ignore: !HAVE_GCC,
  async fn() {
    const r = await scenario("game_udp", game, "--guests udp --vms 1 --players 2 --seconds 1", [
      "game_udp.svg",
    ]);
    assert.deepEqual(r.rows.map((x) => [x.vms, x.players, x.lost]), [[1, 2, 0]]);
    assert.ok(Number(r.rows[0]!.p50) > 0 && Number(r.rows[0]!.p50) <= Number(r.rows[0]!.max));
  },
});

Deno.test("demo boots web servers and clients, shows a live table and a summary", async () => {
  let out = "";
  const r = await demo({ vms: 50, clients: 8, seconds: 2.5, write: (t) => out += t, live: false });
  assert.ok(r.completed > 0);
  assert.match(out, /^Denali demo: 50 server VMs and 8 client VMs/);
  assert.match(out, /time +\d+ s +replies/);
  assert.match(out, /\nVMs booted +58 \(64 KiB each\)\n/);
  assert.match(out, /popularity \(Zipf\) +the busiest 1% of servers sent \d+% of the replies/);
});

/** Runs `deno run -A scenarios/many.ts <args>` as a program; returns its exit code and output. */
async function runMany(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../scenarios/many.ts", import.meta.url).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

Deno.test("scenarios run as programs: deno run scenarios/many.ts --size small", async () => {
  const dir = await Deno.makeTempDir();
  const r = await runMany("--size", "small", "--out", dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ +VMs +start us\/VM +kernel B\/VM/);
  assert.match(r.stdout, /\n *1,000 +[\d.]+/);
  const bad = await runMany("--size", "huge");
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, 'denali: Cannot parse --size: "huge" is not one of small, full\n');
  await Deno.remove(dir, { recursive: true });
});
