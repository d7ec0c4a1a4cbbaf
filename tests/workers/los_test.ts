/**
 * TCP between a Worker guest's stack (guests/sdk/net) and the library OS's
 * (guests/los, C on x86) in one kernel: the TS client fetches from the C
 * httpd, and the C load generator checks every byte the TS web server sends,
 * over a LAN that loses frames. Needs gcc -m32; otherwise skipped.
 *
 * @module
 */

import { assert } from "../_assert.ts";
import { buildGuest, hasGcc32 } from "../los_harness.ts";
import { exampleGuest, machine } from "./_machine.ts";

const skip = !(await hasGcc32());
if (skip) console.warn("workers los_test: skipped: gcc -m32 is missing");

Deno.test({
  name: "Worker guests and library OS guests talk HTTP over TCP both ways through a lossy LAN",
  ignore: skip,
  async fn() {
    const httpd = await buildGuest("httpd", ["examples/httpd.c"]);
    const load = await buildGuest("httpload", ["examples/httpload.c"]);
    using m = machine();
    m.nic.switch.setLoss(0.02, 3);
    const k = m.kernel;
    const cServer = k.create({ image: httpd, memSize: 8 << 20 }); // VM 1: 10.0.0.1
    m.keyboard.type(cServer, "quit=0\n");
    const tsServer = m.workers.create({ module: exampleGuest("web") }); // VM 2: 10.0.0.2
    const tsClient = m.workers.create({
      module: exampleGuest("fetch"),
      config: { server: cServer, path: "/bytes/30000", times: 2 },
    });
    const cClient = k.create({ image: load, memSize: 8 << 20 });
    m.keyboard.type(
      cClient,
      "host=10.0.0.2 path=/bytes/8000 conns=2 requests=8 keepalive=0 verify=1\n",
    );
    for (const id of [cServer, tsServer, tsClient, cClient]) k.start(id);
    // The servers serve forever: run until both clients are done.
    const stop = new AbortController();
    const running = k.run({ forever: true, signal: stop.signal });
    await Promise.all([k.wait(tsClient), k.wait(cClient)]);
    stop.abort();
    await running;
    assert.equal(k.consoleText(tsClient), "200 30000 bytes\n".repeat(2));
    assert.equal(k.inspect(tsClient).exitCode, 0);
    const summary = /httpload: ok=(\d+) errors=(\d+)/.exec(k.consoleText(cClient));
    assert.ok(summary, k.consoleText(cClient));
    assert.deepEqual([Number(summary[1]), Number(summary[2])], [8, 0]);
    assert.ok(m.nic.switch.stats().lost > 0);
  },
});
