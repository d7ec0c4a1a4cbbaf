import { assert } from "../_assert.ts";
import { ConsoleDevice } from "../../kernel/mod.ts";

function guestWith(mem: Uint8Array) {
  return {
    vmId: 7,
    slot: 0,
    readBytes: (a: number, n: number) => a + n <= mem.length ? mem.slice(a, a + n) : null,
    charge: () => {},
    badRequest: (d: string) => {
      throw new Error(d);
    },
  };
}

Deno.test("ConsoleDevice streams every byte to its sink even past the ring within one quantum", () => {
  const got: number[] = [];
  const con = new ConsoleDevice({ ringBytes: 64, sink: (_id, b) => got.push(...b) });
  const mem = new Uint8Array(4 + 200);
  new DataView(mem.buffer).setUint32(0, 200, true);
  for (let i = 0; i < 200; i++) mem[4 + i] = i;
  const g = guestWith(mem);
  for (let i = 0; i < 150; i++) con.out(g, 0, 1, i & 0xff); // bytes, past the ring
  con.out(g, 4, 4, 0); // one write longer than the ring
  con.out(g, 0, 1, 0xaa);
  con.flush(0, 7);
  const want = [...Array.from({ length: 150 }, (_, i) => i), ...mem.slice(4), 0xaa];
  assert.deepEqual(got, want);
  assert.equal(con.output(0).length, 64, "the ring still retains only its bound");
});

Deno.test("ConsoleDevice without a sink keeps only the newest bytes, counting the rest", () => {
  const con = new ConsoleDevice({ ringBytes: 16 });
  const g = guestWith(new Uint8Array(8));
  for (let i = 0; i < 40; i++) con.out(g, 0, 1, i);
  assert.deepEqual([...con.output(0)], Array.from({ length: 16 }, (_, i) => 24 + i));
  assert.equal(con.counts(0).dropped, 24);
});
