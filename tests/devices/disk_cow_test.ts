import { assert } from "../_assert.ts";
import { BLOCK_SIZE, CowDisk, FileDisk, MemoryDisk } from "../../kernel/mod.ts";
import { diskGuest, diskKernel, hasNasm } from "./disk_asm.ts";

function block(text: string): Uint8Array {
  const b = new Uint8Array(BLOCK_SIZE);
  b.set(new TextEncoder().encode(text));
  return b;
}

function head(store: { read(b: number, n: number, into: Uint8Array): void }, b: number): string {
  const out = new Uint8Array(BLOCK_SIZE);
  store.read(b, 1, out);
  return new TextDecoder().decode(out.subarray(0, out.indexOf(0)));
}

Deno.test({
  name: "Disk copy-on-write overlays keep two VMs sharing a base image apart",
  ignore: !hasNasm,
  async fn() {
    // Each VM: wait its turn, read block 0 and print it, write "vm<id>" there, read it back.
    const image = await diskGuest(`
      mov ebx, [V_VM_ID]
      imul ebx, 1000          ; VM 1 starts at 1 ms, VM 2 at 2 ms: VM 1's write is done by then
      IDLE ebx
      SUBMIT r
      WAIT r
      mov dword [0x40004], 0  ; print the first 4 bytes
      mov dword [msg], 4
      mov eax, [0x40000]
      mov [msg + 4], eax
      mov eax, msg
      mov dx, 0x104
      out dx, eax
      mov dword [0x40000], 'vm'
      mov ecx, [V_VM_ID]
      add ecx, '0'
      mov [0x40002], cl
      SUBMIT w
      WAIT w
      mov dword [0x40000], 0
      mov dword [r + R_STATUS], 0
      IDLE 5000               ; both VMs have written by the time they read again
      SUBMIT r
      WAIT r
      mov eax, [0x40000]
      mov [msg + 4], eax
      mov eax, msg
      mov dx, 0x104
      out dx, eax
      TERMINATE 0
    r: REQ OP_READ, 0, 0, 1, 0x40000, 0
    w: REQ OP_WRITE, 0, 0, 1, 0x40000, 0
    msg: dd 4, 0
    `);
    const { kernel, disks, chunks } = diskKernel({ latencyMicros: 10 });
    const base = new MemoryDisk(16, { readOnly: true, contents: block("BASE") });
    const ids = [kernel.create({ image }), kernel.create({ image })];
    const overlays = ids.map((id) => {
      const d = CowDisk.memory(base);
      disks.map(id, 0, d);
      kernel.start(id);
      return d;
    });
    await kernel.run();
    const out = (id: number) => chunks.filter((c) => c[0] === id).map((c) => c[1]).join("");
    assert.equal(out(ids[0]!), "BASEvm1\0");
    assert.equal(out(ids[1]!), "BASEvm2\0");
    assert.equal(head(base, 0), "BASE");
    assert.deepEqual(overlays.map((o) => o.overlayBlocks), [1, 1]);
    assert.equal(head(overlays[0]!, 0), "vm1");
    assert.equal(head(overlays[1]!, 0), "vm2");
  },
});

Deno.test("CowDisk reads runs that mix overlay and base blocks", () => {
  const contents = new Uint8Array(8 * BLOCK_SIZE);
  for (let b = 0; b < 8; b++) contents.fill(b + 1, b * BLOCK_SIZE, (b + 1) * BLOCK_SIZE);
  const base = new MemoryDisk(8, { readOnly: true, contents });
  const cow = CowDisk.memory(base);
  const two = new Uint8Array(2 * BLOCK_SIZE).fill(0xee);
  cow.write(2, two);
  cow.write(6, two.subarray(0, BLOCK_SIZE));
  const all = new Uint8Array(8 * BLOCK_SIZE);
  cow.read(0, 8, all);
  const firstBytes = [...Array(8).keys()].map((b) => all[b * BLOCK_SIZE]);
  assert.deepEqual(firstBytes, [1, 2, 0xee, 0xee, 5, 6, 0xee, 8]);
  assert.deepEqual([cow.has(2), cow.has(4), cow.overlayBlocks], [true, false, 3]);
  const copy = cow.clone();
  cow.write(0, two.subarray(0, BLOCK_SIZE));
  assert.deepEqual([copy.has(0), copy.overlayBlocks, cow.overlayBlocks], [false, 3, 4]);
  assert.throws(() => cow.read(7, 2, all), /outside 0..7/);
});

Deno.test("CowDisk file overlays survive reopening and refuse a base of another size", async () => {
  const dir = await Deno.makeTempDir({ prefix: "denali-cow-" });
  try {
    const basePath = `${dir}/base.img`, ovPath = `${dir}/vm1.cow`;
    const b = FileDisk.open(basePath, { blocks: 40_000, create: true });
    b.write(0, block("base zero"));
    b.write(39_999, block("base last"));
    b.close();
    const base = FileDisk.open(basePath, { readOnly: true });
    // 40,000 bits of bitmap take two 4 KiB blocks (32,768 bits each): the write of blocks
    // 32,767 and 32,768 updates both.
    const ov = CowDisk.file(base, ovPath, { create: true });
    const two = new Uint8Array(2 * BLOCK_SIZE);
    two.set(new TextEncoder().encode("mine"), 0);
    two.set(new TextEncoder().encode("mine too"), BLOCK_SIZE);
    ov.write(32_767, two);
    ov.write(0, block("changed"));
    ov.flush();
    ov.close();
    const again = CowDisk.file(base, ovPath);
    assert.equal(again.overlayBlocks, 3);
    assert.equal(head(again, 0), "changed");
    assert.equal(head(again, 32_767), "mine");
    assert.equal(head(again, 32_768), "mine too");
    assert.equal(head(again, 39_999), "base last");
    assert.equal(head(base, 0), "base zero");
    again.close();
    // The overlay file is sparse: a header, two bitmap blocks and three data blocks written.
    assert.equal(Deno.statSync(ovPath).size, (1 + 2 + 40_000) * BLOCK_SIZE);
    const small = new MemoryDisk(100, { readOnly: true });
    assert.throws(() => CowDisk.file(small, ovPath), /made for a base of 40000 blocks, not 100/);
    await Deno.writeFile(`${dir}/junk.cow`, new Uint8Array(BLOCK_SIZE * 3).fill(1));
    assert.throws(() => CowDisk.file(small, `${dir}/junk.cow`), /not a version 1 overlay/);
    assert.throws(() => CowDisk.file(small, `${dir}/missing.cow`), /Cannot open overlay/);
    base.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
