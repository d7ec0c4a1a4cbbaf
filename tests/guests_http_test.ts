/**
 * The example web server (guests/examples/httpd.c) answering the example
 * load generator (guests/examples/httpload.c) inside one kernel: HTTP/1.1
 * keep-alive and one-request connections, generated objects checked byte for
 * byte, objects from an archive on the server's disk, and a lossy LAN.
 */
import { assert } from "./_assert.ts";
import { MemoryDisk } from "../mod.ts";
import { buildArchive } from "../guests/examples/archive.ts";
import { buildGuest, describeExit, hasGcc32, runGroup } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn("guests_http_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)");
}

const images = HAVE_GCC
  ? {
    httpd: await buildGuest("httpd", ["examples/httpd.c"]),
    load: await buildGuest("httpload", ["examples/httpload.c"]),
  }
  : null;

function summary(out: string): Record<string, number> {
  const m = /httpload: (.*)/.exec(out);
  assert.ok(m, out);
  return Object.fromEntries(
    m[1]!.split(" ").map((kv) => kv.split("=")).map(([k, v]) => [k!, Number(v)]),
  );
}

async function serveAndLoad(loadArgs: string, options: { loss?: number; disk?: Uint8Array } = {}) {
  const { results } = await runGroup([
    {
      image: images!.httpd,
      args: "quit=1",
      memSize: 8 << 20,
      setup: (m, id) => {
        if (options.disk) {
          m.disks.map(
            id,
            0,
            new MemoryDisk(options.disk.length / 4096, { contents: options.disk }),
          );
        }
      },
    },
    { image: images!.load, args: `host=10.0.0.1 quit=1 ${loadArgs}`, memSize: 8 << 20 },
  ], { loss: options.loss ?? 0, seed: 5 });
  const [server, client] = results;
  assert.equal(client!.exit.state, "exited", describeExit(client!.exit) + client!.output);
  assert.equal(server!.exit.state, "exited", describeExit(server!.exit) + server!.output);
  return { server: server!.output, client: summary(client!.output), exit: client!.exit.code };
}

Deno.test({
  name: "httpd serves httpload in one kernel: 300 keep-alive requests of 2 KB, every byte checked",
  ignore: !HAVE_GCC,
  fn: async () => {
    const r = await serveAndLoad("conns=4 requests=300 keepalive=1 path=/bytes/2000");
    assert.equal(r.exit, 0);
    assert.equal(r.client.ok, 300);
    assert.equal(r.client.errors, 0);
    assert.equal(r.client.bytes, 600_000);
    assert.match(r.server, /quit after 301 requests on 5 connections/);
  },
});

Deno.test({
  name: "httpd serves one request per connection (HTTP/1.0 style) with 100 KB documents",
  ignore: !HAVE_GCC,
  fn: async () => {
    const r = await serveAndLoad("conns=3 requests=30 keepalive=0 path=/bytes/100000");
    assert.equal(r.client.ok, 30);
    assert.equal(r.client.errors, 0);
    assert.match(r.server, /quit after 31 requests on 31 connections/);
  },
});

Deno.test({
  name: "httpd serves objects from an archive on its virtual disk",
  ignore: !HAVE_GCC,
  fn: async () => {
    const big = new Uint8Array(70_000).map((_, i) => 97 + (i % 26));
    const disk = buildArchive({
      "/index.html": new TextEncoder().encode("<h1>Denali</h1>\n"),
      "/big.txt": big,
    });
    const index = await serveAndLoad("conns=2 requests=20 path=/ verify=0", { disk });
    assert.equal(index.client.ok, 20);
    assert.equal(index.client.bytes, 20 * 16);
    assert.match(index.server, /serving 2 objects/);
    const bigRun = await serveAndLoad("conns=2 requests=10 path=/big.txt verify=0", { disk });
    assert.equal(bigRun.client.ok, 10);
    assert.equal(bigRun.client.bytes, 700_000);
    const missing = await serveAndLoad("conns=1 requests=3 path=/missing", { disk });
    assert.equal(missing.client.ok, 0, "a 404 is not a success");
    assert.equal(missing.client.errors, 3);
  },
});

Deno.test({
  name: "httpd and httpload over a LAN losing 5% of frames: every response intact",
  ignore: !HAVE_GCC,
  fn: async () => {
    const r = await serveAndLoad("conns=4 requests=100 keepalive=1 path=/bytes/20000", {
      loss: 0.05,
    });
    assert.equal(r.client.ok, 100);
    assert.equal(r.client.errors, 0);
  },
});
