/**
 * 4 KiB disk IOPS, memory-backed and file-backed, measured two ways:
 *
 * - device path alone: the disk device's submit (checks, copy, host I/O) and
 *   completion (status word, tag, interrupt) driven directly, with a stand-in
 *   guest and host, one request at a time;
 * - from a guest: VMs on the deterministic clock with zero latency submit
 *   `depth` requests, wait for all of them (HLT), and repeat; IOPS is
 *   requests completed per second of host time, so it includes the kernel's
 *   exits, wake-ups and context switches.
 *
 * File-backed disks are files in a temporary directory (page cache; no fsync
 * in the loop). Needs nasm for the guest part.
 *
 * Run: deno run -A bench/disk_iops.ts [--ms N]
 *
 * @module
 */

import {
  BLOCK_SIZE,
  type BlockStore,
  DiskDevice,
  DiskOp,
  FileDisk,
  Kernel,
  MemoryDisk,
} from "../kernel/mod.ts";
import { nasm } from "../tests/_nasm.ts";
import { fmt } from "./_kernel_guests.ts";
import { devicePath, DISK_BLOCKS } from "./disk_standins.ts";

const args = Deno.args;
const msIndex = args.indexOf("--ms");
const MS = msIndex >= 0 ? Number(args[msIndex + 1]) : 1000;

/** Requests per second through the device alone, one 4 KiB request at a time. */
function devicePathIops(store: BlockStore, op: number): number {
  const path = devicePath(store, op);
  let n = 0;
  const end = performance.now() + MS;
  while (performance.now() < end) {
    path.run(1000);
    n += 1000;
  }
  return n / (MS / 1000);
}

/** A guest that submits `depth` requests of `op` (blocks 0..depth-1), waits for all, repeats. */
async function guestImage(op: number, depth: number): Promise<Uint8Array> {
  return await nasm(`
  .round:
    mov esi, reqs
    mov edi, ${depth}
  .submit:
    mov eax, esi
    mov dx, 0x300
    out dx, eax
    add esi, 28
    dec edi
    jnz .submit
  .wait:
    cli
    mov dx, 0x308
    in eax, dx
    test eax, eax
    jz .done
    hlt
    sti
    mov eax, 2
    vmcall
    jmp .wait
  .done:
    sti
  .drain:               ; take the completion tags
    mov dx, 0x304
    in eax, dx
    cmp eax, -1
    jne .drain
    jmp .round
  align 4
  reqs:
  %assign i 0
  %rep ${depth}
    dd ${op}, 0, i, 1, 0x40000 + i * 4096, 0, i
  %assign i i + 1
  %endrep
  `);
}

/** Requests per second of host time from `vms` guests with `depth` requests in flight each. */
function fromGuests(image: Uint8Array, stores: BlockStore[], depth: number): number {
  const k = new Kernel();
  const disks = new DiskDevice({ latencyMicros: 0, queueDepth: depth });
  k.attach(disks);
  for (const store of stores) {
    const id = k.create({ image: { flat: image, loadAddress: 0x10000 }, memSize: 2 << 20 });
    disks.map(id, 0, store);
    k.start(id);
  }
  k.runSync(2000); // warm up
  const before = disks.totals().requests;
  const t0 = performance.now();
  while (performance.now() - t0 < MS) k.runSync(500);
  const ms = performance.now() - t0;
  const t = disks.totals();
  if (t.errors > 0 || t.faults > 0) throw new Error("Cannot run benchmark: requests failed");
  return (t.requests - before) / (ms / 1000);
}

const dir = await Deno.makeTempDir({ prefix: "denali-iops-" });
try {
  const file = (name: string) => {
    const d = FileDisk.open(`${dir}/${name}`, { blocks: DISK_BLOCKS, create: true });
    d.write(0, new Uint8Array(DISK_BLOCKS * BLOCK_SIZE).fill(1)); // no holes: real reads
    return d;
  };
  const memory = () =>
    new MemoryDisk(DISK_BLOCKS, { contents: new Uint8Array(DISK_BLOCKS * BLOCK_SIZE) });
  const backends: [string, () => BlockStore][] = [["memory", memory], [
    "file",
    () => file("dev.img"),
  ]];
  for (const [name, make] of backends) {
    for (const [opName, op] of [["read", DiskOp.READ], ["write", DiskOp.WRITE]] as const) {
      const iops = Math.max(...[0, 1, 2].map(() => devicePathIops(make(), op)));
      console.log(`disk device path, ${name}-backed, 4 KiB ${opName}: ${fmt(iops)} IOPS`);
    }
  }
  for (const [name, make] of backends) {
    for (const [opName, op] of [["read", DiskOp.READ], ["write", DiskOp.WRITE]] as const) {
      for (const [vms, depth] of [[1, 1], [1, 32], [4, 32]] as const) {
        const image = await guestImage(op, depth);
        const stores = Array.from(
          { length: vms },
          (_, i) => name === "file" ? file(`g${i}.img`) : make(),
        );
        const iops = Math.max(...[0, 1].map(() => fromGuests(image, stores, depth)));
        console.log(
          `disk from guests, ${name}-backed, 4 KiB ${opName}, ${vms} VM(s) x ${depth} in flight: ` +
            `${fmt(iops)} IOPS`,
        );
        for (const s of stores) s.close();
      }
    }
  }
} finally {
  await Deno.remove(dir, { recursive: true });
}
