import { assert } from "../_assert.ts";
import { runFuzzWorker } from "./watchdog.ts";

Deno.test("runFuzzWorker reports a worker that stops making progress as a hang", async () => {
  const report = await runFuzzWorker({ seed: 5, bytes: 1000 }, {
    stallMs: 1000,
    workerUrl: new URL("./_hang_worker.ts", import.meta.url),
  });
  assert.equal(report.failure?.kind, "hang");
  assert.equal(report.failure?.round, 7);
  assert.equal(report.failure?.eip, 0x1234);
  assert.match(report.failure?.message ?? "", /run\(100\)/);
});

Deno.test("runFuzzWorker returns the worker's report when the run finishes", async () => {
  const report = await runFuzzWorker({ seed: 5, bytes: 2000 });
  assert.equal(report.failure, null);
  assert.ok(report.rounds > 0 && report.codeBytes >= 2000);
});
