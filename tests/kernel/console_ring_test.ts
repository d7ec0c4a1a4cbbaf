import { assert } from "../_assert.ts";
import { ConsoleRing } from "../../kernel/mod.ts";

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

Deno.test("ConsoleRing keeps the last capacity bytes and counts the dropped ones", () => {
  const r = new ConsoleRing(8, 2);
  r.write(enc("hello "));
  r.writeByte(0x77);
  r.write(enc("orld"));
  assert.equal(dec(r.tail()), "lo world");
  assert.equal(r.total, 11);
  assert.equal(r.dropped, 3);
  assert.equal(r.allocated, 8);
});

Deno.test("ConsoleRing grows from a small buffer only as output arrives", () => {
  const r = new ConsoleRing(4096);
  assert.equal(r.allocated, 64);
  r.write(enc("x".repeat(100)));
  assert.equal(r.allocated, 128);
  r.write(new Uint8Array(10_000));
  assert.equal(r.allocated, 4096);
  assert.equal(r.tail().length, 4096);
});

Deno.test("ConsoleRing streams new bytes once and skips bytes overwritten before streaming", () => {
  const r = new ConsoleRing(4, 4);
  r.write(enc("ab"));
  assert.equal(dec(r.takeNew()), "ab");
  assert.equal(r.takeNew(), null);
  r.write(enc("cdefgh"));
  assert.equal(dec(r.takeNew()), "efgh");
  assert.equal(dec(r.tail()), "efgh");
});
