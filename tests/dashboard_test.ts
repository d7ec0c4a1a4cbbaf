/**
 * The live dashboard in a real browser: headless Chromium (Debian's
 * `chromium`) loads the page from a served kernel, its script fetches the API
 * and draws the plots and the VM table; the test reads the resulting DOM and
 * takes a screenshot. Skipped, with the reason, when Chromium is missing.
 */
import { assert } from "./_assert.ts";
import { Machine } from "../api/machine.ts";
import { serveApi } from "../api/server.ts";
import { FOREVER, ticker } from "./_api_guests.ts";

async function findChromium(): Promise<string | null> {
  const candidates = [Deno.env.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"];
  for (const c of candidates) {
    if (!c) continue;
    try {
      const r = await new Deno.Command(c, { args: ["--version"], stdout: "null", stderr: "null" })
        .output();
      if (r.success) return c;
    } catch { /* not installed */ }
  }
  return null;
}

const CHROMIUM = await findChromium();

async function chromium(args: string[], profile: string): Promise<string> {
  const r = await new Deno.Command(CHROMIUM!, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      ...args,
    ],
    stdout: "piped",
    stderr: "null",
    signal: AbortSignal.timeout(90_000),
  }).output();
  assert.equal(r.code, 0, `chromium exited with ${r.code}`);
  return new TextDecoder().decode(r.stdout);
}

Deno.test({
  name: CHROMIUM === null
    ? "dashboard in headless Chromium: SKIPPED, chromium is not installed (apt-get install chromium)"
    : "dashboard renders the VM rows, load and plots in headless Chromium, and screenshots",
  ignore: CHROMIUM === null,
  async fn() {
    const machine = new Machine({ clock: "real", sampleMs: 100 });
    const loop = machine.run({ forever: true });
    const server = await serveApi(machine, { transport: "tcp", hostname: "127.0.0.1", port: 0 });
    const dir = await Deno.makeTempDir();
    try {
      const busy = await machine.create({ imageBytes: FOREVER, count: 3, name: "dash" });
      const [done] = await machine.create({ imageBytes: ticker(1, 1, 4), name: "done" });
      await machine.kernel.wait(done!);
      machine.kernel.pause(busy[2]!);
      await new Promise((r) => setTimeout(r, 400)); // a few load samples for the plots
      const url = `${server.url}/`;

      const dom = await chromium(["--virtual-time-budget=5000", "--dump-dom", url], `${dir}/a`);
      const updates = Number(/<body data-updates="(\d+)"/.exec(dom)?.[1] ?? "0");
      assert.ok(updates >= 1, "the page's script fetched the API and redrew");
      for (
        const [id, name, state] of [[1, "dash-1", "idle|running|ready"], [3, "dash-3", "paused"]]
      ) {
        assert.match(
          dom,
          new RegExp(
            `<tr class="vm state-(${state})" data-id="${id}"><td>${id}</td><td>${name}</td>`,
          ),
        );
      }
      assert.match(dom, /data-id="4"><td>4<\/td><td>done<\/td><td>exited \(4\)<\/td>/);
      assert.match(dom, /<b id="t-vms">4<\/b>/);
      assert.match(dom, /<b id="t-jit">\d+ KiB in \d+ regions<\/b>/);
      assert.ok((dom.match(/<polyline /g) ?? []).length >= 6, "every plot has its lines");
      assert.match(dom, /id="status" class="ok">live/);

      const png = `${dir}/dashboard.png`;
      await chromium(
        ["--window-size=1280,900", "--virtual-time-budget=3000", `--screenshot=${png}`, url],
        `${dir}/b`,
      );
      const bytes = await Deno.readFile(png);
      assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "a PNG file");
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      assert.deepEqual([view.getUint32(16), view.getUint32(20)], [1280, 900]);
      assert.ok(bytes.length > 30_000, `a non-trivial picture (${bytes.length} bytes)`);
    } finally {
      await server.shutdown();
      await machine.close();
      await loop;
      await Deno.remove(dir, { recursive: true });
    }
  },
});
