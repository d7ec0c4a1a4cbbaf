import { assert } from "../_assert.ts";
import { BLOCK_SIZE, DiskStatus, MemoryDisk } from "../../kernel/mod.ts";
import { diskGuest, diskKernel, hasNasm } from "./disk_asm.ts";

const ignore = !hasNasm;

/** Writes 2 blocks at block 5, reads them back elsewhere, compares, drains the completion tags. */
const READ_AFTER_WRITE = `
  mov edi, 0x40000        ; write buffer: byte i = i * 7
  xor ecx, ecx
.fill:
  mov eax, ecx
  imul eax, 7
  mov [edi + ecx], al
  inc ecx
  cmp ecx, 8192
  jne .fill
  mov eax, [DISK_COUNT]
  add al, '0'
  mov dx, 0x100
  out dx, al              ; disk count
  SUBMIT wreq
  mov dx, DISK_IN_FLIGHT
  in eax, dx
  add al, '0'
  mov dx, 0x100
  out dx, al              ; in flight right after submission: 1
  WAIT wreq
  mov eax, [wreq + R_STATUS]
  PRINT_HEX 8
  SUBMIT rreq
  WAIT rreq
  mov eax, [rreq + R_STATUS]
  PRINT_HEX 8
  mov esi, 0x40000
  mov edi, 0x60000
  mov ecx, 8192 / 4
  repe cmpsd
  jne .differ
  PUTC '='
.differ:
  mov dx, DISK_COMPLETED
  in eax, dx
  PRINT_HEX 8
  mov dx, DISK_COMPLETED
  in eax, dx
  PRINT_HEX 8
  mov dx, DISK_COMPLETED
  in eax, dx
  PRINT_HEX 8
  TERMINATE 0
wreq: REQ OP_WRITE, 0, 5, 2, 0x40000, 0x11
rreq: REQ OP_READ, 0, 5, 2, 0x60000, 0x22
`;

Deno.test({
  name: "Disk reads back what a VM wrote, completing requests in order with their tags",
  ignore,
  async fn() {
    const { kernel, disks, text } = diskKernel({ latencyMicros: 200 });
    const store = new MemoryDisk(64);
    const id = kernel.create({ image: await diskGuest(READ_AFTER_WRITE) });
    disks.map(id, 0, store);
    kernel.start(id);
    await kernel.run();
    assert.equal(kernel.inspect(id).state, "exited", JSON.stringify(kernel.inspect(id).fault));
    assert.equal(
      text(),
      "11" + "00000000" + "00000000" + "=" + "00000011" + "00000022" + "ffffffff",
    );
    const out = new Uint8Array(2 * BLOCK_SIZE);
    store.read(5, 2, out);
    for (let i = 0; i < out.length; i++) assert.equal(out[i], (i * 7) & 0xff);
    assert.equal(store.allocatedBlocks, 2);
    const m = disks.metrics(id)!;
    assert.equal(m.requests, 2);
    assert.equal(m.reads, 1);
    assert.equal(m.writes, 1);
    assert.equal(m.bytesRead, 8192);
    assert.equal(m.bytesWritten, 8192);
    assert.equal(m.errors, 0);
    // Two requests of 200 us each, one after the other: the VM idled for most of 400 us.
    const info = kernel.inspect(id);
    assert.ok(info.stats.idleMicros >= 380, `idle ${info.stats.idleMicros} us`);
    assert.ok(kernel.stats().timeMicros >= 400);
  },
});

Deno.test({
  name: "Disk runs are reproducible on the deterministic clock",
  ignore,
  async fn() {
    const image = await diskGuest(READ_AFTER_WRITE);
    const run = async () => {
      const { kernel, disks, text } = diskKernel({ latencyMicros: 37 });
      const ids = [0, 1, 2].map(() => kernel.create({ image }));
      for (const id of ids) disks.map(id, 0, new MemoryDisk(16));
      for (const id of ids) kernel.start(id);
      await kernel.run();
      return JSON.stringify([text(), kernel.stats(), ids.map((id) => kernel.inspect(id))]);
    };
    assert.equal(await run(), await run());
  },
});

Deno.test({
  name: "Disk reports BUSY at once when a VM has too many requests in flight",
  ignore,
  async fn() {
    const { kernel, disks, text } = diskKernel({ queueDepth: 2 });
    const id = kernel.create({
      image: await diskGuest(`
        SUBMIT r1
        SUBMIT r2
        SUBMIT r3
        mov eax, [r3 + R_STATUS]   ; BUSY, written at once
        PRINT_HEX 8
        WAIT r2
        mov eax, [r1 + R_STATUS]
        PRINT_HEX 8
        mov eax, [r2 + R_STATUS]
        PRINT_HEX 8
        TERMINATE 0
      r1: REQ OP_READ, 0, 0, 1, 0x40000, 1
      r2: REQ OP_FLUSH, 0, 0, 0, 0, 2
      r3: REQ OP_READ, 0, 1, 1, 0x40000, 3
      `),
    });
    disks.map(id, 0, new MemoryDisk(4));
    kernel.start(id);
    await kernel.run();
    assert.equal(text(), `${hex(DiskStatus.BUSY)}00000000` + "00000000");
    const m = disks.metrics(id)!;
    assert.deepEqual([m.requests, m.busy, m.errors, m.reads, m.flushes], [3, 1, 1, 1, 1]);
  },
});

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

Deno.test({
  name: "Disk rejects bad requests with a status or a fault of that VM only",
  ignore,
  async fn() {
    const { kernel, disks, chunks } = diskKernel({ latencyMicros: 10 });
    // VM A: every kind of bad request, one at a time, then a buffer outside memory (faults).
    const bad = await diskGuest(`
      mov esi, reqs
    .next:
      cmp esi, reqs_end
      je .fatal
      SUBMIT esi
      WAIT esi
      mov eax, [esi + R_STATUS]
      PRINT_HEX 8
      PUTC ' '
      add esi, 28
      jmp .next
    .fatal:
      SUBMIT outside
      TERMINATE 0          ; not reached
    reqs:
      REQ OP_READ, 0, 60, 8, 0x40000, 0           ; past the end of a 64-block disk
      REQ OP_READ, 0, 1, 0xffffffff, 0x40000, 0   ; count that would overflow
      REQ OP_READ, 0, 0xffffffff, 1, 0x40000, 0   ; block past the end
      REQ OP_READ, 0, 0, 0, 0x40000, 0            ; count 0
      REQ OP_READ, 0, 0, 257, 0x40000, 0          ; over 1 MiB in one request
      REQ OP_READ, 1, 0, 1, 0x40000, 0            ; no disk 1
      REQ OP_READ, 0xffffffff, 0, 1, 0x40000, 0   ; no such index
      REQ 9, 0, 0, 1, 0x40000, 0                  ; no such op
      REQ OP_WRITE, 2, 0, 1, 0x40000, 0           ; disk 2 is read-only
      REQ OP_FLUSH, 2, 0, 0, 0, 0                 ; flushing a read-only disk is fine
    reqs_end:
    outside:
      REQ OP_READ, 0, 0, 2, 0xfffff000, 0         ; buffer far outside 1 MiB of memory
    `);
    // VM B: ordinary I/O next to it.
    const good = await diskGuest(`
      mov dword [0x40000], 0x600d600d
      SUBMIT w
      WAIT w
      mov dword [0x40000], 0
      SUBMIT r
      WAIT r
      mov ebx, [0x40000]
      cmp ebx, 0x600d600d
      jne .bad
      TERMINATE 0
    .bad:
      TERMINATE 1
    w: REQ OP_WRITE, 0, 3, 1, 0x40000, 0
    r: REQ OP_READ, 0, 3, 1, 0x40000, 0
    `);
    const faulty = (src: string) => diskGuest(src + "\n  TERMINATE 0");
    const base = new MemoryDisk(8, { readOnly: true, contents: new Uint8Array([1, 2, 3]) });
    const a = kernel.create({ image: bad });
    const b = kernel.create({ image: good });
    const c = kernel.create({ image: await faulty("SUBMIT 0x0ffc") }); // block in page 0
    const d = kernel.create({ image: await faulty("SUBMIT 0xfffe8") }); // block crosses memSize
    const e = kernel.create({ // a write buffer that ends 1 byte past memory
      image: await faulty(`SUBMIT r\nTERMINATE 0\nr: REQ OP_WRITE, 0, 0, 1, 0xff001, 0`),
    });
    const f = kernel.create({ image: await faulty("mov al, 0\nmov dx, 0x300\nout dx, al") });
    const mine = new MemoryDisk(64), theirs = new MemoryDisk(64);
    disks.map(a, 0, mine);
    disks.map(a, 2, base);
    disks.map(b, 0, theirs);
    for (const id of [c, d, e, f]) disks.map(id, 0, new MemoryDisk(4));
    for (const id of [a, b, c, d, e, f]) kernel.start(id);
    await kernel.run();

    const s = DiskStatus;
    const expected = [
      ...Array(5).fill(s.OUT_OF_RANGE),
      s.BAD_DISK,
      s.BAD_DISK,
      s.BAD_OP,
      s.READ_ONLY,
      s.OK,
    ].map((x) => hex(x) + " ").join("");
    assert.equal(chunks.filter(([id]) => id === a).map((c) => c[1]).join(""), expected);
    const fa = kernel.inspect(a).fault!;
    assert.equal(fa.reason, "bad-device-request");
    assert.match(fa.detail, /read buffer of 8192 bytes at 0xfffff000 is outside writable memory/);
    assert.equal(kernel.inspect(b).exitCode, 0);
    for (
      const [id, why] of [[c, /outside memory/], [d, /outside memory/], [e, /write buffer/], [
        f,
        /needs OUT32/,
      ]] as const
    ) {
      const info = kernel.inspect(id);
      assert.equal(info.fault?.reason, "bad-device-request", `vm ${id}`);
      assert.match(info.fault!.detail, why);
    }
    // Nothing reached A's disks; B's write landed on B's disk only.
    assert.equal(mine.allocatedBlocks, 0);
    const blk = new Uint8Array(BLOCK_SIZE);
    base.read(0, 1, blk);
    assert.deepEqual([...blk.subarray(0, 4)], [1, 2, 3, 0]);
    theirs.read(3, 1, blk);
    assert.equal(new DataView(blk.buffer).getUint32(0, true), 0x600d600d);
    const ma = disks.metrics(a)!;
    assert.deepEqual([ma.requests, ma.errors, ma.faults, ma.flushes], [11, 9, 1, 1]);
    assert.equal(disks.metrics(c)!.faults, 1);
    assert.equal(disks.totals().faults, 5);
  },
});
