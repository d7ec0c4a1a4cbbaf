import { assert } from "../_assert.ts";
import { Prng, roundSeed } from "./prng.ts";

Deno.test("Prng gives the same sequence for the same seed and another for another seed", () => {
  const a = new Prng(123), b = new Prng(123), c = new Prng(124);
  const xs = Array.from({ length: 8 }, () => a.u32());
  assert.deepEqual(Array.from({ length: 8 }, () => b.u32()), xs);
  assert.notDeepEqual(Array.from({ length: 8 }, () => c.u32()), xs);
});

Deno.test("Prng.int and range stay in bounds and reach both ends", () => {
  const r = new Prng(7);
  const seen = new Set<number>();
  for (let i = 0; i < 2000; i++) {
    const v = r.range(-3, 3);
    assert.ok(v >= -3 && v <= 3 && Number.isInteger(v));
    seen.add(v);
  }
  assert.equal(seen.size, 7);
  for (let i = 0; i < 1000; i++) assert.ok(r.u32() >= 0 && r.int(0x1_0000_0000) <= 0xffffffff);
});

Deno.test("roundSeed gives different rounds different seeds", () => {
  const seeds = new Set(Array.from({ length: 1000 }, (_, r) => roundSeed(42, r)));
  assert.equal(seeds.size, 1000);
  assert.notEqual(roundSeed(1, 0), roundSeed(2, 0));
});
