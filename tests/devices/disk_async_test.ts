import { assert } from "../_assert.ts";
import { BLOCK_SIZE, type BlockStore, DiskStatus, FileDisk, MemoryDisk } from "../../kernel/mod.ts";
import { diskGuest, diskKernel, hasNasm } from "./disk_asm.ts";

/** Writes block 1, flushes, reads it back; prints both statuses and exits. */
const WRITE_FLUSH_READ = `
  mov dword [0x40000], 0xfeedf00d
  SUBMIT w
  SUBMIT f
  WAIT f
  mov eax, [f + R_STATUS]
  PRINT_HEX 8
  mov dword [0x40000], 0
  SUBMIT r
  WAIT r
  mov eax, [r + R_STATUS]
  PRINT_HEX 8
  mov eax, [0x40000]
  PRINT_HEX 8
  TERMINATE 0
w: REQ OP_WRITE, 0, 1, 1, 0x40000, 0
f: REQ OP_FLUSH, 0, 0, 0, 0, 0
r: REQ OP_READ, 0, 1, 1, 0x40000, 0
`;

/** A disk whose host I/O fails on demand. */
class FailingDisk extends MemoryDisk {
  failFlush = false;
  failRead = false;
  override read(block: number, count: number, into: Uint8Array): void {
    if (this.failRead) throw new Error("Cannot read disk: device gone");
    super.read(block, count, into);
  }
  override flush(): void {
    if (this.failFlush) throw new Error("Cannot flush disk: device gone");
  }
  flushAsync(): Promise<void> {
    return this.failFlush
      ? Promise.reject(new Error("Cannot flush disk: gone"))
      : Promise.resolve();
  }
}

Deno.test({
  name: "Disk completes asynchronous flushes on the real clock",
  ignore: !hasNasm,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denali-async-" });
    try {
      const { kernel, disks, text } = diskKernel({ hostIo: "async", latencyMicros: 50 }, {
        clock: "real",
      });
      const store = FileDisk.open(`${dir}/d.img`, { blocks: 4, create: true });
      const id = kernel.create({ image: await diskGuest(WRITE_FLUSH_READ) });
      disks.map(id, 0, store);
      kernel.start(id);
      await kernel.run();
      assert.equal(text(), "00000000" + "00000000" + "feedf00d");
      assert.equal(disks.metrics(id)!.flushes, 1);
      assert.equal(disks.busy(), false);
      const blk = new Uint8Array(BLOCK_SIZE);
      store.read(1, 1, blk);
      assert.equal(new DataView(blk.buffer).getUint32(0, true), 0xfeedf00d);
      store.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

for (const hostIo of ["sync", "async"] as const) {
  Deno.test({
    name: `Disk reports host failures as IO_ERROR (${hostIo} host I/O)`,
    ignore: !hasNasm,
    async fn() {
      const { kernel, disks, text } = diskKernel({ hostIo }, {
        clock: hostIo === "sync" ? "deterministic" : "real",
      });
      const store = new FailingDisk(4);
      store.failFlush = store.failRead = true;
      const id = kernel.create({ image: await diskGuest(WRITE_FLUSH_READ) });
      disks.map(id, 0, store as BlockStore);
      kernel.start(id);
      await kernel.run();
      const e = DiskStatus.IO_ERROR.toString(16).padStart(8, "0");
      assert.equal(text(), e + e + "00000000");
      const m = disks.metrics(id)!;
      assert.deepEqual([m.writes, m.flushes, m.reads, m.errors], [1, 0, 0, 2]);
    },
  });
}
