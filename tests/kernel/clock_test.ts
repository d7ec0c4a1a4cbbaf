import { assert } from "../_assert.ts";
import { createClock, DeterministicClock } from "../../kernel/mod.ts";

Deno.test("DeterministicClock advances with instructions and skips idle time forward only", () => {
  const c = new DeterministicClock(100_000);
  assert.equal(c.ticksPerMicro, 100);
  c.advance(1234);
  assert.equal(c.now(), 1234);
  assert.equal(c.micros(), 12);
  c.skipTo(1000);
  assert.equal(c.now(), 1234);
  c.skipTo(500_000);
  assert.equal(c.micros(), 5000);
});

Deno.test("RealClock ignores execution and moves by itself", () => {
  const c = createClock("real", 100_000);
  c.advance(1e9);
  c.skipTo(1e12);
  assert.ok(c.micros() < 10_000_000);
  assert.equal(c.kind, "real");
});
