import { assert } from "../_assert.ts";
import { MemoryDisk } from "../../mod.ts";
import { packFiles } from "../../guests/sdk/files.ts";
import { exampleGuest, machine } from "./_machine.ts";

Deno.test("The TS web server serves files from its disk over TCP to TS clients, through loss", async () => {
  using m = machine();
  m.nic.switch.setLoss(0.05, 11);
  const big = new Uint8Array(300_000).map((_, i) => (i * 31) & 255);
  const image = packFiles({ "/index.html": "<h1>from disk</h1>\n", "/big.bin": big });
  const disk = new MemoryDisk(image.length / 4096);
  disk.write(0, image);
  const web = m.workers.create({ module: exampleGuest("web") });
  m.disks.map(web, 0, disk);
  m.kernel.start(web);
  const fetch = (path: string, times = 1) =>
    m.workers.create({
      module: exampleGuest("fetch"),
      config: { server: web, path, times, print: path === "/" },
      start: true,
    });
  const index = fetch("/", 2), bin = fetch("/big.bin"), missing = fetch("/missing");
  await m.kernel.run();
  assert.equal(m.kernel.consoleText(web), "serving 2 files from disk 0 at http://10.0.0.1:80/\n");
  assert.equal(m.kernel.inspect(web).state, "idle", "a server idles between requests");
  assert.equal(m.kernel.consoleText(index), "200 19 bytes\n<h1>from disk</h1>\n".repeat(2));
  assert.equal(m.kernel.consoleText(bin), "200 300000 bytes\n");
  assert.equal(m.kernel.consoleText(missing), "404 19 bytes\n");
  assert.deepEqual([index, bin, missing].map((id) => m.kernel.inspect(id).exitCode), [0, 0, 1]);
  assert.ok(m.nic.switch.stats().lost > 0, "frames were lost, and TCP recovered");
});
