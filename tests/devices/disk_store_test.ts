import { assert } from "../_assert.ts";
import { BLOCK_SIZE, checkBlocks, FileDisk, MemoryDisk } from "../../kernel/mod.ts";

Deno.test("checkBlocks accepts exactly the ranges inside the disk, whatever the numbers", () => {
  checkBlocks("read", 10, 0, 10);
  checkBlocks("read", 10, 9, 1);
  for (
    const [b, n] of [[10, 1], [9, 2], [0, 0], [0, 11], [-1, 1], [1, 2 ** 53], [2 ** 32, 1], [
      0.5,
      1,
    ]]
  ) {
    assert.throws(() => checkBlocks("read", 10, b!, n!), RangeError, `${b}+${n}`);
  }
});

Deno.test("MemoryDisk stores written blocks only and refuses writes when read-only", () => {
  const d = new MemoryDisk(1 << 20); // a 4 GiB disk costs nothing until written
  const blk = new Uint8Array(BLOCK_SIZE).fill(5);
  d.write((1 << 20) - 1, blk);
  const out = new Uint8Array(2 * BLOCK_SIZE).fill(9);
  d.read((1 << 20) - 2, 2, out);
  assert.deepEqual([out[0], out[BLOCK_SIZE], d.allocatedBlocks], [0, 5, 1]);
  assert.throws(() => d.write(0, new Uint8Array(100)), /not a whole number of 4 KiB blocks/);
  assert.throws(() => d.write(1 << 20, blk), /outside/);
  const ro = new MemoryDisk(2, { readOnly: true });
  assert.throws(() => ro.write(0, blk), /read-only/);
  assert.throws(() => new MemoryDisk(0), /not in 1\.\./);
  assert.throws(() => new MemoryDisk(1, { contents: new Uint8Array(BLOCK_SIZE + 1) }), /exceed/);
  d.close();
  assert.throws(() => d.read(0, 1, out), /closed/);
});

Deno.test("FileDisk creates sparse files, reopens them, and checks their size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "denali-disk-" });
  try {
    const path = `${dir}/d.img`;
    assert.throws(() => FileDisk.open(path, { blocks: 4 }), /Cannot open disk/); // no create
    const d = FileDisk.open(path, { blocks: 1024, create: true });
    assert.equal(Deno.statSync(path).size, 1024 * BLOCK_SIZE);
    const data = new Uint8Array(3 * BLOCK_SIZE);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    d.write(1021, data);
    d.flush();
    await d.flushAsync();
    d.close();
    assert.throws(() => d.read(0, 1, data), /closed/);

    const again = FileDisk.open(path); // size from the file
    assert.equal(again.blocks, 1024);
    const out = new Uint8Array(3 * BLOCK_SIZE);
    again.read(1021, 3, out);
    assert.deepEqual(out, data);
    again.read(0, 1, out);
    assert.ok(out.subarray(0, BLOCK_SIZE).every((x) => x === 0));
    assert.throws(() => again.read(1023, 2, out), /outside 0..1023/);
    again.close();

    assert.throws(() => FileDisk.open(path, { blocks: 8 }), /has 4194304 bytes, not 32768/);
    const ro = FileDisk.open(path, { readOnly: true });
    assert.throws(() => ro.write(0, out.subarray(0, BLOCK_SIZE)), /read-only/);
    ro.flush(); // nothing to do
    ro.close();
    await Deno.writeFile(`${dir}/odd.img`, new Uint8Array(100));
    assert.throws(() => FileDisk.open(`${dir}/odd.img`), /not a whole number of 4 KiB blocks/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
