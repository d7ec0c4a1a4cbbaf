import { assert } from "./_assert.ts";
import { runFuzzWorker } from "./fuzz/watchdog.ts";
import { describeFailure } from "./fuzz/report.ts";

// A few seconds of fuzzing with fixed seeds (long runs: `deno task fuzz`). The run is in a Worker
// watched by a heartbeat, so a CPU that hangs inside `run` fails the test instead of stalling it.
for (const seed of [1, 20260101]) {
  Deno.test(`CPU under fuzz (seed ${seed}) stops cleanly, keeps its budget, stays isolated`, async () => {
    const report = await runFuzzWorker({ seed, bytes: 150_000 }, { stallMs: 120_000 });
    assert.equal(report.failure, null, report.failure ? describeFailure(report.failure) : "");
    assert.ok(report.rounds > 10 && report.instructions > 0);
    assert.ok((report.stops["Fault"] ?? 0) > 0 && (report.stops["Budget"] ?? 0) > 0);
  });
}
