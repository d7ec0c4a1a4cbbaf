/**
 * The example key-value store (guests/examples/kvstore.c) keeps its data on
 * its virtual disk: a client guest fills it, the store's VM stops (shut down,
 * or killed outright), a new VM is started on the same disk and another
 * client finds every key (and none of the deleted ones).
 */
import { assert } from "./_assert.ts";
import { FileDisk, MemoryDisk } from "../mod.ts";
import type { BlockStore } from "../devices/disk_store.ts";
import { buildGuest, describeExit, hasGcc32, runGroup } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn("guests_kv_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)");
}

const images = HAVE_GCC
  ? {
    store: await buildGuest("kvstore", ["examples/kvstore.c"]),
    client: await buildGuest("kvclient", ["examples/kvclient.c"]),
  }
  : null;

/** Runs the store on `disk` with one client; the store is killed if it does not exit. */
async function session(disk: BlockStore, clientArgs: string) {
  const { results } = await runGroup([
    { image: images!.store, memSize: 8 << 20, setup: (m, id) => m.disks.map(id, 0, disk) },
    { image: images!.client, args: `host=10.0.0.1 ${clientArgs}` },
  ]);
  return { store: results[0]!, client: results[1]! };
}

Deno.test({
  name: "kvstore data survives a VM restart on the same disk",
  ignore: !HAVE_GCC,
  fn: async () => {
    const disk = new MemoryDisk(512);
    const fill = await session(disk, "mode=fill count=300 conns=6 shutdown=1");
    assert.equal(fill.client.exit.code, 0, fill.client.output);
    assert.match(fill.store.output, /formatted a disk/);
    assert.match(fill.store.output, /shutdown with 270 keys/);
    const check = await session(disk, "mode=check count=300 conns=3 shutdown=1");
    assert.equal(check.client.exit.code, 0, check.client.output);
    assert.match(check.store.output, /recovered 270 keys from 330 records/);
  },
});

Deno.test({
  name: "kvstore acknowledged writes survive the VM being killed (file-backed disk)",
  ignore: !HAVE_GCC,
  fn: async () => {
    const path = await Deno.makeTempFile({ suffix: ".disk" });
    try {
      const disk = FileDisk.open(path, { blocks: 512 });
      // No shutdown: the store is still serving when the run ends, and is killed.
      const fill = await session(disk, "mode=fill count=120 conns=4 salt=7");
      assert.equal(fill.client.exit.code, 0, fill.client.output);
      assert.equal(fill.store.exit.state, "killed", describeExit(fill.store.exit));
      disk.close();
      const reopened = FileDisk.open(path);
      const check = await session(reopened, "mode=check count=120 conns=2 salt=7 shutdown=1");
      reopened.close();
      assert.equal(check.client.exit.code, 0, check.client.output);
      assert.match(check.store.output, /recovered 108 keys/);
    } finally {
      await Deno.remove(path);
    }
  },
});
