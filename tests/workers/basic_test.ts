import { assert } from "../_assert.ts";
import { MemoryDisk } from "../../mod.ts";
import { exampleGuest, machine, testGuest } from "./_machine.ts";

Deno.test("Worker guest is a VM: id, MAC, console, timer interrupt, exit code", async () => {
  using m = machine();
  const id = m.workers.create({ module: exampleGuest("hello"), start: true });
  await m.kernel.run();
  const info = m.kernel.inspect(id);
  assert.equal(info.state, "exited");
  assert.equal(info.exitCode, 0);
  assert.match(
    m.kernel.consoleText(id),
    /^hello from VM 1 \(02:00:00:00:00:01\)\ntimer fired at \d+ us\n$/,
  );
  assert.equal(info.stats.quanta, 2, "one batch per quantum: the first, then the timer's");
  assert.equal(info.stats.interruptsDelivered, 1, "the timer line, delivered in the second batch");
  assert.equal(m.timer.metrics(id)?.expirations, 1);
  const w = m.workers.stats(id);
  assert.deepEqual([w.batches, w.answers, w.live], [2, 2, false]);
  assert.ok(w.startMillis > 0 && w.wallMicros > 0);
});

Deno.test("Worker guests idle with a timeout, wake by it, and print through console.log", async () => {
  using m = machine();
  const ids = [1, 2].map((k) =>
    m.workers.create({
      module: testGuest("ticker"),
      config: { ticks: 3, micros: 500 * k },
      start: true,
    })
  );
  await m.kernel.run();
  for (const [k, id] of ids.entries()) {
    assert.equal(m.kernel.inspect(id).exitCode, id, "terminate(code) sets the exit code");
    const lines = m.kernel.consoleText(id).trim().split("\n");
    assert.equal(lines[0], `start ${id}`, "console.log is routed to the VM's console");
    const times = lines.slice(1).map((l) => Number(/t=(\d+)/.exec(l)![1]));
    assert.equal(times.length, 3);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 500 * (k + 1));
    assert.ok(lines.slice(1).every((l) => l.endsWith("timedOut=true")));
  }
});

Deno.test("Worker guest reads the keys the host types, then the end of input", async () => {
  using m = machine();
  const id = m.workers.create({ module: testGuest("keys"), start: true });
  m.keyboard.type(id, "hello, ");
  const run = m.kernel.run();
  m.keyboard.type(id, "worker");
  m.keyboard.end(id);
  await run;
  await m.kernel.run();
  assert.equal(m.kernel.consoleText(id), "hello, worker<end>\n");
  assert.equal(m.kernel.inspect(id).state, "exited");
});

Deno.test("Worker guest disk I/O goes through the disk device with its statuses and order", async () => {
  using m = machine();
  const id = m.workers.create({ module: testGuest("disk") });
  const disk = new MemoryDisk(16);
  m.disks.map(id, 0, disk);
  m.kernel.start(id);
  await m.kernel.run();
  assert.equal(m.kernel.inspect(id).state, "exited", JSON.stringify(m.kernel.inspect(id).fault));
  assert.equal(
    m.kernel.consoleText(id),
    "disk0 16 blocks\nwrite 0\nflush 0\nread 0 data ok\npast-end 3\nno-disk 2\n",
  );
  const back = new Uint8Array(4096);
  disk.read(1, 1, back);
  assert.equal(back[5], ((4096 + 5) * 7 + 3) & 255, "the write reached the store");
  const d = m.disks.metrics(id)!;
  assert.deepEqual([d.requests, d.writes, d.reads, d.flushes, d.errors], [5, 1, 1, 1, 2]);
});
