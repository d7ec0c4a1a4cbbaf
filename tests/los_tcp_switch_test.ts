/**
 * TCP between guests through the kernel's virtual switch with 5% of frames
 * dropped (the switch's seeded loss knob): every transfer completes and every
 * byte is checked by the receiving guest (guests/los/tests/tcp_xfer.c), on
 * the deterministic clock.
 */
import { assert } from "./_assert.ts";
import { buildGuest, describeExit, hasGcc32, machine } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn(
    "los_tcp_switch_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)",
  );
}

async function transfer(loss: number, seed: number, clients: number, bytes: number) {
  const image = await buildGuest("tcp_xfer", ["los/tests/tcp_xfer.c"]);
  const m = machine({ loss, seed });
  const server = m.kernel.create({ image, memSize: 4 << 20 });
  m.keyboard.type(server, `server 5000 ${clients}\n`);
  const ids = [server];
  for (let i = 0; i < clients; i++) {
    const id = m.kernel.create({ image, memSize: 2 << 20 });
    m.keyboard.type(id, `client 10.0.0.${server} 5000 ${bytes}\n`);
    ids.push(id);
  }
  for (const id of ids) m.kernel.start(id);
  await m.kernel.run();
  const exits = [];
  for (const id of ids) {
    const s = m.kernel.inspect(id).state;
    if (s !== "exited" && s !== "faulted") m.kernel.kill(id);
    exits.push({ id, exit: await m.kernel.wait(id), out: m.output(id) });
  }
  return { exits, lost: m.nic.switch.stats().lost };
}

Deno.test({
  name: "TCP through the virtual switch with 5% frame loss: three 200 KB transfers arrive intact",
  ignore: !HAVE_GCC,
  fn: async () => {
    const { exits, lost } = await transfer(0.05, 7, 3, 200_000);
    assert.ok(lost > 0, "the switch dropped frames");
    for (const e of exits) {
      assert.equal(e.exit.state, "exited", `vm ${e.id}: ${describeExit(e.exit)}\n${e.out}`);
      assert.equal(e.exit.code, 0, `vm ${e.id}:\n${e.out}`);
    }
    const server = exits[0]!.out;
    assert.equal(server.match(/received 200000 bytes, 0 bad/g)?.length, 3, server);
    for (const e of exits.slice(1)) assert.match(e.out, /client: received 200000 bytes, 0 bad/);
  },
});

Deno.test({
  name: "TCP through the virtual switch: a lossless run is reproducible bit for bit",
  ignore: !HAVE_GCC,
  fn: async () => {
    const a = await transfer(0, 1, 1, 50_000);
    const b = await transfer(0, 1, 1, 50_000);
    assert.deepEqual(a.exits.map((e) => e.out), b.exits.map((e) => e.out));
    assert.match(a.exits[1]!.out, /retransmits 0/);
  },
});
