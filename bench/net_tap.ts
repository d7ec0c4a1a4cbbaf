/**
 * Frames per second through the TAP bridge: the host's `ping -f` (flood
 * ping, bounded by a count and a deadline) against a guest that answers ARP
 * and ICMP echo, next to the same ping against the host's own stack over a
 * veth pair (the native baseline). Every round trip is two frames across the
 * bridge (request in, reply out). `-l 1` measures latency-bound ping-pong;
 * `-l 32` keeps 32 requests in flight (throughput). Real clock.
 *
 * Everything happens inside network namespaces this benchmark makes and
 * deletes (10.77.0.0/24 and 10.78.0.0/24 stay inside them). Needs root,
 * /dev/net/tun, iproute2, iputils-ping and nasm.
 *
 * Run: deno run -A bench/net_tap.ts [--count N]   (echo requests per run, default 20000)
 *
 * @module
 */

import { Kernel, NicDevice } from "../mod.ts";
import { TapNamespace } from "../scenarios/_netns.ts";
import { pingResponder } from "../tests/devices/net_guests.ts";
import { fmt } from "./_kernel_guests.ts";

async function sh(cmd: string, ...args: string[]): Promise<string> {
  const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  const out = (dec.decode(r.stdout) + dec.decode(r.stderr)).trim();
  if (!r.success) throw new Error(`Cannot run ${cmd} ${args.join(" ")}: ${out}`);
  return out;
}

/** Runs a bounded flood ping in `ns`; returns round trips per second. */
async function flood(ns: string, ip: string, size: number, preload: number, count: number) {
  const out = await sh(
    "ip",
    ...["netns", "exec", ns, "ping", "-n", "-q", "-f", "-l", String(preload)],
    ...["-s", String(size), "-c", String(count), "-w", "60", ip],
  );
  const m = / (\d+) received.*time (\d+)ms/s.exec(out);
  if (!m) throw new Error(`Cannot parse ping output: ${out}`);
  const received = Number(m[1]), ms = Number(m[2]);
  if (received < count * 0.99) throw new Error(`Cannot measure: ${received}/${count} replies`);
  return received / (ms / 1000);
}

const SIZES = [56, 1472]; // ICMP payload: 98- and 1514-byte frames
const PRELOADS = [1, 32];

function report(what: string, size: number, preload: number, rtps: number): void {
  const frame = size + 42;
  console.log(
    `${what}: ${String(frame).padStart(4)}-byte frames, ${
      String(preload).padStart(2)
    } in flight: ` +
      `${fmt(rtps)} round trips/s = ${fmt(2 * rtps)} frames/s (${
        fmt((2 * rtps * frame * 8) / 1e6, 1)
      } Mb/s)`,
  );
}

async function native(count: number): Promise<void> {
  const [a, b] = [`dnl-bench-a-${Deno.pid}`, `dnl-bench-b-${Deno.pid}`];
  try {
    await sh("ip", "netns", "add", a);
    await sh("ip", "netns", "add", b);
    await sh(
      "ip",
      "-n",
      a,
      "link",
      "add",
      "dnlb-a",
      "type",
      "veth",
      "peer",
      "name",
      "dnlb-b",
      "netns",
      b,
    );
    await sh("ip", "-n", a, "addr", "add", "10.78.0.1/24", "dev", "dnlb-a");
    await sh("ip", "-n", b, "addr", "add", "10.78.0.2/24", "dev", "dnlb-b");
    await sh("ip", "-n", a, "link", "set", "dnlb-a", "up");
    await sh("ip", "-n", b, "link", "set", "dnlb-b", "up");
    for (const size of SIZES) {
      for (const preload of PRELOADS) {
        report("native veth ", size, preload, await flood(a, "10.78.0.2", size, preload, count));
      }
    }
  } finally {
    await sh("ip", "netns", "del", a).catch(() => {});
    await sh("ip", "netns", "del", b).catch(() => {});
  }
}

async function bridged(count: number): Promise<void> {
  const ns = `dnl-bench-t-${Deno.pid}`;
  const kernel = new Kernel({ clock: "real" });
  const nic = new NicDevice();
  kernel.attach(nic);
  const vm = kernel.create({ image: await pingResponder("10.77.0.2"), start: true });
  const net = TapNamespace.open({
    ns,
    dev: "dnl-bench0",
    switch: nic.switch,
    address: "10.77.0.1/24",
  });
  const stop = new AbortController();
  const running = kernel.run({ signal: stop.signal });
  try {
    await net.up();
    await flood(ns, "10.77.0.2", 56, 1, 200); // warm up
    for (const size of SIZES) {
      for (const preload of PRELOADS) {
        report("Denali TAP  ", size, preload, await flood(ns, "10.77.0.2", size, preload, count));
      }
    }
    const s = nic.stats(vm), t = net.tap.stats();
    console.log(
      `  guest: ${fmt(s.rxFrames)} frames in, ${fmt(s.txFrames)} out, ${
        fmt(s.rxDropped)
      } dropped; ` +
        `bridge: ${fmt(t.fromHostDropped)} host frames dropped, ${fmt(t.toHostDropped)} to host`,
    );
  } finally {
    stop.abort();
    await running;
    await net.close();
  }
}

const i = Deno.args.indexOf("--count");
const count = i >= 0 ? Number(Deno.args[i + 1]) : 20_000;
await native(count);
await bridged(count);
