import { assert } from "../_assert.ts";
import { echoer, hasNasm, pinger } from "../devices/net_guests.ts";
import { exampleGuest, machine, testGuest } from "./_machine.ts";

Deno.test({
  name: "Worker guests and x86 guests exchange frames over the same switch",
  ignore: !hasNasm,
  async fn() {
    using m = machine();
    const k = m.kernel, w = m.workers;
    // VM 1 (x86) echoes for VM 2 (Worker); VM 3 (Worker) echoes for VM 4 (x86); 5 and 6 are Workers.
    const x86Echo = k.create({ image: await echoer(3), start: true });
    const tsPing = w.create({
      module: testGuest("pinger"),
      config: { peer: x86Echo, payload: "ts>", count: 3 },
      start: true,
    });
    const tsEcho = w.create({ module: exampleGuest("echo"), config: { count: 3 }, start: true });
    const x86Ping = k.create({ image: await pinger(tsEcho, "x86>", 3), start: true });
    const tsEcho2 = w.create({ module: exampleGuest("echo"), config: { count: 2 }, start: true });
    const tsPing2 = w.create({
      module: testGuest("pinger"),
      config: { peer: tsEcho2, payload: "w>", count: 2 },
      start: true,
    });
    await k.run();
    for (const id of [x86Echo, tsPing, tsEcho, x86Ping, tsEcho2, tsPing2]) {
      assert.equal(
        k.inspect(id).state,
        "exited",
        `VM ${id}: ${JSON.stringify(k.inspect(id).fault)}`,
      );
    }
    assert.equal(k.consoleText(tsPing), "ts>ts>ts>");
    assert.equal(k.consoleText(x86Ping), "x86>x86>x86>");
    assert.equal(k.consoleText(tsPing2), "w>w>");
    const s = (id: number) => m.nic.stats(id);
    assert.deepEqual([s(tsPing).txFrames, s(tsPing).rxFrames, s(x86Echo).rxFrames], [3, 3, 3]);
    assert.deepEqual([s(tsEcho).rxFrames, s(tsEcho).txFrames, s(x86Ping).rxFrames], [3, 3, 3]);
    assert.equal(s(tsEcho).mac, "02:00:00:00:00:03");
    assert.equal(m.nic.switch.stats().switched, 16);
  },
});
