import { assert } from "../_assert.ts";
import { exampleGuest, machine, testGuest } from "./_machine.ts";

/** Misbehaviours of tests/workers/guests/misbehave.ts and the fault each must give. */
const CASES: [string, string, RegExp][] = [
  ["throw", "worker-exception", /^Error: boom$/],
  ["reject", "worker-exception", /^RangeError: async boom$/],
  ["exit", "worker-exception", /^Error: Cannot exit: /],
  ["bad-next", "bad-message", /^next step "dance" is unknown$/],
  ["huge", "bad-message", /^answer carries at least 16777216 bytes, over the limit of 2097152$/],
  [
    "bad-frame",
    "bad-device-request",
    /^operation 0 \(send\): NIC frame length 10 is not in 14\.\.1514$/,
  ],
  ["garbage", "bad-message", /^message is a string, not an object$/],
  ["wrong-seq", "bad-message", /^answer to batch 99 while batch 1 is out$/],
  ["extra-field", "bad-message", /^answer has a field "note"$/],
  ["unknown-op", "bad-message", /^operation 0: kind "format-disk" is unknown$/],
  ["many-ops", "bad-message", /^answer has 5000 operations, over the limit of 1024$/],
];

Deno.test("Misbehaving Worker guests fault with a clear reason and the kernel stays healthy", async () => {
  using m = machine();
  const ids = CASES.map(([mode]) =>
    m.workers.create({ module: testGuest("misbehave"), config: { mode }, name: mode, start: true })
  );
  // A second answer is refused if it comes before the first is applied, else ignored.
  const twice = m.workers.create({
    module: testGuest("misbehave"),
    config: { mode: "twice", after: 2 },
    start: true,
  });
  const late = m.workers.create({
    module: testGuest("misbehave"),
    config: { mode: "throw", after: 3 },
    start: true,
  });
  const budget = m.workers.create({
    module: testGuest("ticker"),
    config: { ticks: 100, micros: 10 },
    maxInstructions: 5000,
    start: true,
  });
  const hog = m.workers.create({ module: testGuest("hog"), heapMb: 32, start: true });
  await m.kernel.run();
  for (const [i, [mode, reason, detail]] of CASES.entries()) {
    const info = m.kernel.inspect(ids[i]!);
    assert.equal(info.state, "faulted", mode);
    assert.equal(info.fault?.reason, reason, mode);
    assert.match(info.fault!.detail, detail, mode);
    assert.equal(m.workers.stats(ids[i]!).live, false, `${mode}: its Worker is gone`);
  }
  const t = m.kernel.inspect(twice);
  assert.ok(
    t.state === "exited" ||
      t.fault?.detail === "answer to batch 2 while batch 2 is out and answered",
    JSON.stringify(t.fault),
  );
  assert.equal(m.kernel.inspect(late).fault?.reason, "worker-exception");
  assert.equal(m.kernel.inspect(late).stats.quanta, 3, "it yielded twice, then threw");
  const b = m.kernel.inspect(budget);
  assert.equal(b.fault?.reason, "cpu-budget");
  assert.equal(
    b.stats.instructions,
    5 * 1000 + b.stats.consoleBytes,
    "five batches of 1000, and a console byte costs one",
  );
  assert.equal(m.kernel.inspect(hog).fault?.reason, "out-of-memory");
  assert.equal(m.kernel.inspect(hog).fault?.detail, "Worker heap over its limit of 32 MB");
  // The same kernel still runs Worker guests after all that.
  const ok = m.workers.create({ module: exampleGuest("hello"), start: true });
  await m.kernel.run();
  assert.equal(m.kernel.inspect(ok).state, "exited");
  assert.equal(m.kernel.stats().vms.exited, 1 + (t.state === "exited" ? 1 : 0));
});

Deno.test("Worker guests that stop answering are killed; guests that cannot load are faults", async () => {
  using m = machine({ workers: { answerBudgetMs: 1000, watchdogMs: 100 } });
  const spin = m.workers.create({
    module: testGuest("misbehave"),
    config: { mode: "spin", after: 2 },
    start: true,
  });
  const spinIdle = m.workers.create({
    module: testGuest("misbehave"),
    config: { mode: "spin-idle" },
    start: true,
  });
  const hog = m.workers.create({
    module: testGuest("misbehave"),
    config: { mode: "hog", after: 2 },
    heapMb: 32,
    start: true,
  });
  const noServe = m.workers.create({ module: testGuest("noserve"), start: true });
  const topThrow = m.workers.create({ module: testGuest("topthrow"), start: true });
  const ticker = m.workers.create({
    module: testGuest("ticker"),
    config: { ticks: 5, micros: 1000 },
    start: true,
  });
  const idle = m.workers.create({ module: testGuest("keys"), start: true });
  const idleExit = m.kernel.wait(spinIdle);
  await m.kernel.run(); // ends once the others are done or idle; the liveness checks go on
  const f = m.kernel.inspect(spin).fault!;
  assert.equal(f.reason, "worker-timeout");
  assert.equal(f.detail, "Worker did not answer batch 2 within its budget of 1000 ms");
  const g = (await idleExit).fault!;
  assert.equal(g.reason, "worker-timeout", "busy forever between batches");
  assert.match(g.detail, /did not answer a liveness check within .* 1000 ms/);
  // Deno 2.9 does not end a node:worker_threads Worker that reaches its heap limit inside an
  // event handler (it stops answering): the answer budget stops it.
  assert.ok(["out-of-memory", "worker-timeout"].includes(m.kernel.inspect(hog).fault!.reason));
  assert.equal(
    m.kernel.inspect(noServe).fault?.detail,
    "Error: Cannot run guest: its module did not call serve()",
  );
  assert.equal(m.kernel.inspect(topThrow).fault?.reason, "worker-exception");
  assert.match(m.kernel.inspect(topThrow).fault!.detail, /broken at load/);
  assert.equal(m.kernel.inspect(ticker).state, "exited", "a healthy guest runs on");
  assert.equal(m.kernel.inspect(idle).state, "idle", "an idle guest answers its checks");
});
