import { assert } from "../_assert.ts";
import { MemoryDisk } from "../../kernel/mod.ts";
import { diskGuest, diskKernel, hasNasm } from "./disk_asm.ts";

Deno.test({
  name: "Disk snapshot carries disks, requests in flight and counters to another VM",
  ignore: !hasNasm,
  async fn() {
    const tail = `
      WAIT r
      mov eax, [r + R_STATUS]
      PRINT_HEX 8
      mov dx, DISK_COMPLETED
      in eax, dx
      PRINT_HEX 8
      mov eax, [DISK_COUNT]
      PRINT_HEX 8
      TERMINATE 0
    r: REQ OP_READ, 1, 0, 1, 0x40000, 0x5eed
    `;
    const submitter = await diskGuest(`SUBMIT r\n${tail}`);
    const waiter = await diskGuest(`mov dword [r + R_STATUS], PENDING\n${tail}`);
    const { kernel, disks, chunks } = diskKernel({ latencyMicros: 1000 });
    const store = new MemoryDisk(8);
    const a = kernel.create({ image: submitter });
    disks.map(a, 1, store);
    kernel.start(a);
    kernel.runSync(1); // A submits and halts: its request is in flight
    const snap = disks.snapshot(a);
    assert.equal(snap.inFlight.length, 1);
    assert.equal(snap.inFlight[0]!.tag, 0x5eed);
    assert.ok(snap.inFlight[0]!.dueInMicros > 900 && snap.inFlight[0]!.dueInMicros <= 1000);
    assert.deepEqual(snap.disks, [null, store, null, null]);
    kernel.kill(a);
    assert.equal(kernel.runSync(), "quiescent", "a killed VM's requests are dropped");

    const b = kernel.create({ image: waiter });
    disks.restore(b, snap);
    assert.equal(disks.disk(b, 1), store);
    kernel.start(b);
    await kernel.run();
    const out = chunks.filter((c) => c[0] === b).map((c) => c[1]).join("");
    assert.equal(out, "00000000" + "00005eed" + "00000002");
    assert.equal(disks.metrics(b)!.reads, 1, "counters came with the snapshot");
    assert.equal(disks.metrics(a)!.reads, 1);
    assert.throws(() => disks.snapshot(a), /no such live VM/);
  },
});
