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
import { Kernel, NicDevice } from "../../mod.ts";
import { netnsUnavailable, TapNamespace } from "../../scenarios/_netns.ts";
import { WorkerHost } from "../../kernel/worker_host.ts";
import { exampleGuest } from "./_machine.ts";

const skip = await netnsUnavailable(["curl", "ping"]);
if (skip) console.warn(`workers tap_test: skipped: ${skip}`);

Deno.test({
  name: "A Worker guest's TCP/IP serves curl and answers ping from the host's stack over TAP",
  ignore: skip !== null,
  async fn() {
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
    const net = TapNamespace.open({
      ns: `dnl-wk-${Deno.pid}`,
      dev: `dnl-wk${Deno.pid % 10000}`,
      switch: nic.switch,
    });
    const stop = new AbortController();
    const running = kernel.run({ signal: stop.signal, forever: true });
    try {
      await net.up();
      const curl = (path: string) => net.exec("curl", "-s", "-m", "20", `http://10.0.0.1${path}`);
      const index = await curl("/");
      assert.ok(index.ok, index.out);
      assert.equal(index.out.trim(), "<h1>hello over TAP</h1>");
      const body = (await curl("/big.txt")).out.trim();
      assert.equal(body.length, big.length);
      assert.equal(body, big);
      const missing = await net.exec(
        "curl",
        ..."-s -o /dev/null -w %{http_code}".split(" "),
        "http://10.0.0.1/x",
      );
      assert.equal(missing.out.trim(), "404");
      const ping = await net.exec("ping", "-c", "2", "-w", "10", "10.0.0.1");
      assert.ok(ping.ok && / 0% packet loss/.test(ping.out), ping.out);
      assert.equal(kernel.inspect(web).state, "idle");
    } finally {
      stop.abort();
      await running;
      await net.close();
    }
  },
});
