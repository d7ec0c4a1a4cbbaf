/**
 * `deno bench` entries for the disk device path (run by `deno task bench`);
 * bench/disk_iops.ts prints IOPS for the device path and from guests.
 *
 * @module
 */

import { DiskOp, FileDisk, MemoryDisk } from "../kernel/mod.ts";
import { devicePath, DISK_BLOCKS } from "./disk_standins.ts";

const dir = Deno.makeTempDirSync({ prefix: "denali-disk-bench-" });
globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
const file = FileDisk.open(`${dir}/d.img`, { blocks: DISK_BLOCKS, create: true });
const memory = new MemoryDisk(DISK_BLOCKS);
for (const [name, store] of [["memory", memory], ["file", file]] as const) {
  for (const [opName, op] of [["read", DiskOp.READ], ["write", DiskOp.WRITE]] as const) {
    const path = devicePath(store, op);
    Deno.bench(`disk: 100 4 KiB ${opName}s, ${name}-backed, device path`, { group: name }, () => {
      path.run(100);
    });
  }
}
