import { assert } from "../../../tests/_assert.ts";
import { AddressSpace } from "../../memory/address_space.ts";
import { PhysicalMemory } from "../../memory/physical.ts";
import { decode } from "../decoder.ts";
import { TranslationCache } from "./cache.ts";
import { translateRegion } from "./tier.ts";

/** A space with `code` at 0x1000 and its one-block translation. */
function setup(code: number[]) {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 8 }), 0x10000);
  mem.allocate(0x1000, 0x1000, true);
  mem.writeBytes(0x1000, new Uint8Array(code));
  const b = { start: 0x1000, insns: [decode(mem, 0x1000)], valid: true };
  return { mem, t: translateRegion(mem, b, () => b)! };
}

const JMP_SELF = [0xeb, 0xfe], NOP_JMP = [0x90, 0xeb, 0xfd];

Deno.test("TranslationCache finds a translation only for the exact bytes at its address", () => {
  const cache = new TranslationCache();
  const a = setup(JMP_SELF);
  cache.add(a.t);
  assert.equal(cache.find(0x1000, a.mem), a.t);
  assert.equal(cache.find(0x1000, setup(JMP_SELF).mem), a.t, "another space, same bytes");
  assert.equal(cache.find(0x1000, setup([0xeb, 0xfd]).mem), null, "other bytes");
  assert.equal(cache.find(0x2000, a.mem), null, "other address");
  const unmapped = new AddressSpace(new PhysicalMemory({ initialFrames: 8 }), 0x10000);
  assert.equal(cache.find(0x1000, unmapped), null, "nothing mapped there");
  assert.deepEqual({ ...cache.stats, bytes: 0 }, {
    entries: 1,
    bytes: 0,
    hits: 2,
    misses: 3,
    evictions: 0,
    compiled: 1,
  });
});

Deno.test("TranslationCache evicts the least recently used beyond its bound and kills their code", () => {
  const a = setup(JMP_SELF).t, b = setup(NOP_JMP).t;
  const cache = new TranslationCache({ maxBytes: a.size + b.size });
  cache.add(a);
  cache.add(b);
  assert.equal(cache.stats.entries, 2);
  const c = setup(JMP_SELF);
  cache.find(0x1000, c.mem); // a is now the most recently used
  cache.add(c.t);
  assert.equal(cache.stats.evictions >= 1, true);
  assert.equal(b.fn, null, "b was the least recently used");
  assert.notEqual(c.t.fn, null);
  assert.ok(cache.stats.bytes <= a.size + b.size);
});

Deno.test("TranslationCache keeps a bounded number of translations per address", () => {
  const cache = new TranslationCache({ maxPerEntry: 2 });
  const ts = [[0xeb, 0xfe], [0x90, 0xeb, 0xfd], [0x40, 0xeb, 0xfd]].map((c) => setup(c).t);
  for (const t of ts) cache.add(t);
  assert.equal(cache.stats.entries, 2);
  assert.equal(ts[0]!.fn, null);
  cache.clear();
  assert.equal(cache.stats.entries, 0);
  assert.equal(cache.stats.bytes, 0);
});

Deno.test("TranslationCache finds a region by any of its blocks", () => {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 8 }), 0x10000);
  mem.allocate(0x1000, 0x1000, true);
  // 0x1000: jmp 0x1010 ... 0x1010: jmp 0x1000
  mem.writeBytes(0x1000, new Uint8Array([0xeb, 0x0e]));
  mem.writeBytes(0x1010, new Uint8Array([0xeb, 0xee]));
  const blocks = new Map([0x1000, 0x1010].map((a) => [a, {
    start: a,
    insns: [decode(mem, a)],
    valid: true,
  }]));
  const t = translateRegion(mem, blocks.get(0x1000)!, (a) => blocks.get(a))!;
  assert.deepEqual(t.starts, [0x1000, 0x1010]);
  const cache = new TranslationCache();
  cache.add(t);
  assert.equal(cache.find(0x1010, mem), t);
  assert.equal(cache.find(0x1008, mem), null, "not a block start");
  cache.clear();
  assert.equal(cache.find(0x1010, mem), null);
});

Deno.test("TranslationCache is full after maxCompiles additions, evictions or not", () => {
  const cache = new TranslationCache({ maxCompiles: 2, maxBytes: 1 });
  assert.equal(cache.full, false);
  cache.add(setup(JMP_SELF).t);
  cache.add(setup(NOP_JMP).t);
  assert.equal(cache.full, true);
  assert.equal(cache.stats.entries, 1, "evicted down to the byte bound");
  assert.equal(cache.stats.compiled, 2);
});
