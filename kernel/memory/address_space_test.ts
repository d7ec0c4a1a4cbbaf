import { assert } from "../../tests/_assert.ts";
import { AddressSpace, MemoryFault, PTE_CODE } from "./address_space.ts";
import { OutOfMemoryError, PhysicalMemory } from "./physical.ts";

Deno.test("AddressSpace never maps page 0 and faults on it", () => {
  const as = new AddressSpace(new PhysicalMemory(), 0x10000);
  assert.throws(() => as.map(0, 0, true), RangeError);
  assert.throws(() => as.read8(0), MemoryFault);
  assert.equal(as.fault.address, 0);
  assert.equal(as.fault.reason, "unmapped");
});

Deno.test("AddressSpace keeps two VMs' frames apart", () => {
  const phys = new PhysicalMemory({ initialFrames: 4 });
  const a = new AddressSpace(phys, 0x10000), b = new AddressSpace(phys, 0x10000);
  a.allocate(0x1000, 0x1000, true);
  b.allocate(0x1000, 0x1000, true);
  a.write32(0x1000, 0x11111111);
  b.write32(0x1000, 0x22222222);
  assert.equal(a.read32(0x1000), 0x11111111);
  assert.equal(b.read32(0x1000), 0x22222222);
  assert.throws(() => a.read8(0x10000), MemoryFault, "past the end of the space");
});

Deno.test("AddressSpace refuses writes to read-only pages, leaving memory unchanged", () => {
  const as = new AddressSpace(new PhysicalMemory(), 0x10000);
  as.allocate(0x1000, 0x1000, true);
  as.allocate(0x2000, 0x1000, false);
  assert.throws(() => as.write32(0x1ffe, -1), MemoryFault);
  assert.equal(as.fault.reason, "read-only");
  assert.equal(as.fault.address, 0x2000);
  assert.equal(as.read16(0x1ffe), 0);
  assert.equal(as.writeBytes(0x2000, new Uint8Array([1]), true), false);
  assert.equal(as.writeBytes(0x2000, new Uint8Array([1])), true, "loaders may write");
});

Deno.test("AddressSpace calls onCodeWrite before a write to a code page lands", () => {
  const as = new AddressSpace(new PhysicalMemory(), 0x10000);
  as.allocate(0x1000, 0x1000, true);
  as.pte[1] = as.pte[1]! | PTE_CODE;
  const seen: number[] = [];
  as.onCodeWrite = (p) => {
    seen.push(p, as.read8(0x1000));
    as.pte[p] = as.pte[p]! & ~PTE_CODE;
  };
  as.write8(0x1000, 9);
  as.write8(0x1000, 10);
  assert.deepEqual(seen, [1, 0]);
  assert.equal(as.read8(0x1000), 10);
});

Deno.test("PhysicalMemory grows to its limit, then refuses with a typed error", () => {
  const phys = new PhysicalMemory({ initialFrames: 1, maxFrames: 3 });
  const frames = [phys.alloc(), phys.alloc(), phys.alloc()];
  assert.equal(new Set(frames).size, 3);
  assert.throws(() => phys.alloc(), OutOfMemoryError);
  phys.u8[frames[1]! * 4096] = 7;
  phys.free(frames[1]!);
  const again = phys.alloc();
  assert.equal(phys.u8[again * 4096], 0, "frames come back zeroed");
  assert.equal(phys.framesInUse, 3);
});

Deno.test("AddressSpace release returns every frame", () => {
  const phys = new PhysicalMemory();
  const as = new AddressSpace(phys, 0x10000);
  as.allocate(0x1000, 0x8000, true);
  assert.equal(phys.framesInUse, 8);
  assert.equal(as.mappedPages(), 8);
  as.release();
  assert.equal(phys.framesInUse, 0);
});
