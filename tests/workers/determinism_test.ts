import { assert } from "../_assert.ts";
import { echoer, hasNasm } from "../devices/net_guests.ts";
import { exampleGuest, machine, testGuest } from "./_machine.ts";

/** Runs x86 and Worker guests that talk and sleep; returns everything observable but host time. */
async function run(): Promise<unknown> {
  using m = machine();
  const k = m.kernel, w = m.workers;
  const x86 = k.create({ image: await echoer(4), start: true });
  const ids = [
    x86,
    w.create({
      module: testGuest("pinger"),
      config: { peer: x86, payload: "a", count: 4 },
      start: true,
    }),
    w.create({ module: testGuest("ticker"), config: { ticks: 4, micros: 250 }, start: true }),
    w.create({ module: exampleGuest("echo"), config: { count: 3 }, start: true }),
  ];
  ids.push(
    w.create({
      module: testGuest("pinger"),
      config: { peer: ids[3], payload: "b", count: 3 },
      start: true,
    }),
  );
  await k.run();
  const { timeMicros, contextSwitches, quanta, instructions, interrupts } = k.stats();
  return {
    kernel: { timeMicros, contextSwitches, quanta, instructions, interrupts },
    vms: ids.map((id) => ({ ...k.inspect(id), text: k.consoleText(id), nic: m.nic.stats(id) })),
    switch: m.nic.switch.stats(),
  };
}

Deno.test({
  name: "Runs of Worker and x86 guests on the deterministic clock are identical",
  ignore: !hasNasm,
  async fn() {
    const a = await run(), b = await run();
    assert.deepEqual(a, b);
    const vms = (a as { vms: { state: string }[] }).vms;
    assert.ok(vms.every((v) => v.state === "exited"), JSON.stringify(vms));
  },
});
