/**
 * A Worker guest's TCP/IP stack against the host's real one: the example web
 * server (guests/examples/ts/web.ts) at 10.0.0.1, reached through a TAP bridge
 * moved into a network namespace this test makes (10.0.255.254/16 on the
 * host side), by `curl` and `ping` run in that namespace. Real clock. Needs
 * root, /dev/net/tun, `ip`, `curl`, `ping` and --allow-ffi; otherwise skipped
 * with the reason.
 *
 * @module
 */

import { assert } from "../_assert.ts";
import { Kernel, NicDevice, TapBridge } from "../../mod.ts";
import { WorkerHost } from "../../kernel/worker_host.ts";
import { exampleGuest } from "./_machine.ts";

async function run(cmd: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: (dec.decode(r.stdout) + dec.decode(r.stderr)).trim() };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
}

async function why(): Promise<string | null> {
  if (Deno.build.os !== "linux") return "TAP devices need Linux";
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return "needs --allow-ffi";
  if ((await run("id", "-u")).out !== "0") return "needs root (TAP devices and network namespaces)";
  if (!(await run("test", "-c", "/dev/net/tun")).ok) return "/dev/net/tun is missing";
  for (const tool of ["ip", "curl", "ping"]) {
    if (!(await run(tool, "-V")).ok) return `\`${tool}\` is not installed`;
  }
  return null;
}

const skip = await why();
if (skip) console.warn(`workers tap_test: skipped: ${skip}`);

Deno.test({
  name: "A Worker guest's TCP/IP serves curl and answers ping from the host's stack over TAP",
  ignore: skip !== null,
  async fn() {
    const ns = `dnl-wk-${Deno.pid}`, dev = `dnl-wk${Deno.pid % 10000}`;
    const kernel = new Kernel({ clock: "real" });
    const nic = new NicDevice();
    kernel.attach(nic);
    using workers = new WorkerHost(kernel, { startBudgetMs: 60_000 });
    const big = "0123456789abcdef".repeat(1 << 14); // 256 KiB
    const web = workers.create({
      module: exampleGuest("web"),
      config: { files: { "/index.html": "<h1>hello over TAP</h1>\n", "/big.txt": big } },
      start: true,
    });
    const tap = TapBridge.open({ name: dev, switch: nic.switch });
    const stop = new AbortController();
    const running = kernel.run({ signal: stop.signal, forever: true });
    try {
      for (
        const args of [
          ["netns", "add", ns],
          ["link", "set", dev, "netns", ns],
          ["-n", ns, "addr", "add", "10.0.255.254/16", "dev", dev],
          ["-n", ns, "link", "set", dev, "up"],
        ]
      ) {
        const r = await run("ip", ...args);
        assert.ok(r.ok, `ip ${args.join(" ")}: ${r.out}`);
      }
      const exec = (...a: string[]) => run("ip", "netns", "exec", ns, ...a);
      const curl = (path: string) => exec("curl", "-s", "-m", "20", `http://10.0.0.1${path}`);
      const index = await curl("/");
      assert.ok(index.ok, index.out);
      assert.equal(index.out, "<h1>hello over TAP</h1>");
      const body = await curl("/big.txt");
      assert.equal(body.out.length, big.length);
      assert.equal(body.out, big);
      const missing = await exec(
        "curl",
        "-s",
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "http://10.0.0.1/x",
      );
      assert.equal(missing.out, "404");
      const ping = await exec("ping", "-c", "2", "-w", "10", "10.0.0.1");
      assert.ok(ping.ok && / 0% packet loss/.test(ping.out), ping.out);
      assert.equal(kernel.inspect(web).state, "idle");
    } finally {
      stop.abort();
      await running;
      await tap.close();
      await run("ip", "netns", "del", ns);
    }
  },
});
