/**
 * The small example guests: hello in several VMs, the UDP and TCP echo
 * server checked by a client guest, and the game server (the paper's Quake
 * stand-in) with four players on a LAN that loses 2% of frames.
 */
import { assert } from "./_assert.ts";
import { buildGuest, describeExit, hasGcc32, runGroup } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn(
    "guests_examples_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)",
  );
}

Deno.test({
  name: "hello prints each VM's id, MAC and address",
  ignore: !HAVE_GCC,
  fn: async () => {
    const image = await buildGuest("hello", ["examples/hello.c"]);
    const { results } = await runGroup([{ image }, { image }, { image }]);
    for (const r of results) {
      assert.equal(r.exit.code, 0, describeExit(r.exit));
      assert.match(r.output, new RegExp(`hello from VM ${r.id}: 4096 KiB`));
      assert.match(r.output, new RegExp(`mac 02:00:00:00:00:0${r.id}, ip 10\\.0\\.0\\.${r.id}\\n`));
    }
  },
});

Deno.test({
  name: "echo answers UDP datagrams and a 50 KB TCP stream byte for byte",
  ignore: !HAVE_GCC,
  fn: async () => {
    const { results } = await runGroup([
      { image: await buildGuest("echo", ["examples/echo.c"]) },
      { image: await buildGuest("echo_check", ["los/tests/echo_check.c"]), args: "host=10.0.0.1" },
    ], { loss: 0.02, seed: 11 });
    const check = results[1]!;
    assert.equal(check.exit.code, 0, check.output);
    assert.match(check.output, /100 of 100 datagrams echoed/);
    assert.match(check.output, /TCP 50000 of 50000 bytes echoed intact/);
    assert.match(results[0]!.output, /echo: serving UDP and TCP on 10\.0\.0\.1 port 7/);
  },
});

Deno.test({
  name: "gameserver ticks on the timer device and four players get snapshots and latencies",
  ignore: !HAVE_GCC,
  fn: async () => {
    const server = await buildGuest("gameserver", ["examples/gameserver.c"]);
    const client = await buildGuest("gameclient", ["examples/gameclient.c"]);
    const players = [0, 1, 2, 3].map((i) => ({
      image: client,
      args: `host=10.0.0.1 seconds=3 name=p${i}`,
      memSize: 2 << 20,
    }));
    const { results } = await runGroup([
      { image: server, args: "ticks=80", memSize: 2 << 20 },
      ...players,
    ], { loss: 0.02, seed: 3 });
    assert.equal(results[0]!.exit.code, 0, results[0]!.output);
    assert.match(results[0]!.output, /80 ticks \(0 late\)/);
    for (const p of results.slice(1)) {
      assert.equal(p.exit.code, 0, p.output);
      const m = /(\d+) inputs, (\d+) snapshots, latency mean (\d+) us/.exec(p.output);
      assert.ok(m, p.output);
      assert.equal(Number(m[1]), 60);
      assert.ok(Number(m[2]) > 50, "most snapshots arrive despite the loss");
      assert.ok(Number(m[3]) > 0 && Number(m[3]) <= 100_000, "latency within two ticks");
    }
  },
});
