/**
 * Child process of disk_crash_test.ts: runs a guest that writes block k with
 * the byte k+1, flushes, and prints "flushed k" (hex) once the flush has
 * completed, for every block of a file-backed disk, then stays alive until
 * the test kills it with SIGKILL.
 *
 * deno run --allow-read --allow-write disk_crash_child.ts file IMAGE DISK
 * deno run --allow-read --allow-write disk_crash_child.ts cow IMAGE BASE OVERLAY
 *
 * @module
 */

import { type BlockStore, CowDisk, DiskDevice, FileDisk, Kernel } from "../../kernel/mod.ts";

const [mode, imagePath, diskPath, overlayPath] = Deno.args;
const flat = await Deno.readFile(imagePath!);
let store: BlockStore;
if (mode === "cow") {
  store = CowDisk.file(FileDisk.open(diskPath!, { readOnly: true }), overlayPath!, {
    create: true,
  });
} else {
  store = FileDisk.open(diskPath!, { blocks: 256, create: true });
}
const out = (bytes: Uint8Array) => {
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
};
const kernel = new Kernel({ clock: "deterministic", onConsole: (_id, bytes) => out(bytes) });
const disks = new DiskDevice({ latencyMicros: 20 });
kernel.attach(disks);
const id = kernel.create({ image: { flat, loadAddress: 0x10000 } });
disks.map(id, 0, store);
kernel.start(id);
await kernel.run();
out(new TextEncoder().encode(`done ${kernel.inspect(id).state}\n`));
setInterval(() => {}, 1 << 30); // wait for the kill
