/**
 * Real clients against web-server guests through the TAP bridge: the
 * kernel's switch is bridged to a TAP interface inside a private network
 * namespace (the host's own routes stay untouched) with 10.0.255.254/16 on
 * the host side; curl fetches from each of three httpd guests (HTTP/1.1 and
 * HTTP/1.0, every byte compared), then wrk and httperf load one of them for
 * a few seconds and must see no errors. Runs on the real clock.
 *
 * Needs Linux, root, /dev/net/tun, --allow-ffi, gcc -m32, `ip` (iproute2),
 * `curl`, and for the load part `wrk` and `httperf`; otherwise the tests are
 * skipped with the reason.
 */
import { assert } from "./_assert.ts";
import { Kernel, NicDevice, TapBridge } from "../mod.ts";
import { buildGuest, hasGcc32 } from "./los_harness.ts";

async function sh(cmd: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
}

async function why(tools: string[]): Promise<string | null> {
  if (Deno.build.os !== "linux") return "TAP devices need Linux";
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return "needs --allow-ffi";
  if (!(await hasGcc32())) return "gcc -m32 is missing (apt-get install -y gcc-multilib)";
  if ((await sh("id", "-u")).out.trim() !== "0") return "needs root (TAP and network namespaces)";
  if (!(await sh("test", "-c", "/dev/net/tun")).ok) return "/dev/net/tun is missing";
  if (!(await sh("ip", "-V")).ok) return "`ip` is not installed (apt-get install -y iproute2)";
  for (const t of tools) {
    if (!(await sh("sh", "-c", `command -v ${t}`)).ok) {
      return `\`${t}\` is not installed (apt-get install -y ${t})`;
    }
  }
  return null;
}

const skipCurl = await why(["curl"]);
const skipLoad = skipCurl ?? await why(["wrk", "httperf"]);
if (skipCurl) console.warn(`guests_tap_test: skipped: ${skipCurl}`);
else if (skipLoad) console.warn(`guests_tap_test: load part skipped: ${skipLoad}`);

function pattern(n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += i % 64 === 63 ? "\n" : String.fromCharCode(97 + (i % 26));
  return s;
}

/** Three httpd guests on a real-clock kernel, bridged into a fresh namespace. */
async function withServers(
  fn: (
    inNs: (...cmd: string[]) => Promise<{ ok: boolean; out: string }>,
    ips: string[],
  ) => Promise<void>,
) {
  const ns = `dnl-g-${Deno.pid}`;
  const dev = `dnlg${Deno.pid % 100000}`;
  const kernel = new Kernel({ clock: "real" });
  const nic = new NicDevice();
  kernel.attach(nic);
  const image = await buildGuest("httpd", ["examples/httpd.c"]);
  const ips: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = kernel.create({ image, memSize: 8 << 20, start: true });
    ips.push(`10.0.${id >> 8}.${id & 255}`);
  }
  const tap = TapBridge.open({ name: dev, switch: nic.switch });
  const stop = new AbortController();
  const running = kernel.run({ signal: stop.signal, forever: true });
  try {
    for (
      const args of [
        ["netns", "add", ns],
        ["link", "set", dev, "netns", ns],
        ["-n", ns, "addr", "add", "10.0.255.254/16", "dev", dev],
        ["-n", ns, "link", "set", dev, "up"],
      ]
    ) {
      const r = await sh("ip", ...args);
      assert.ok(r.ok, `ip ${args.join(" ")}: ${r.out}`);
    }
    await fn((...cmd) => sh("ip", "netns", "exec", ns, ...cmd), ips);
  } finally {
    stop.abort();
    await running;
    await tap.close();
    await sh("ip", "netns", "del", ns);
  }
}

Deno.test({
  name: "curl fetches from three httpd guests through the TAP bridge (HTTP/1.1 and HTTP/1.0)",
  ignore: skipCurl !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServers(async (inNs, ips) => {
      for (const ip of ips) {
        const body = await inNs("curl", "-sS", "--max-time", "20", `http://${ip}/bytes/5000`);
        assert.ok(body.ok, body.out);
        assert.equal(body.out, pattern(5000), `body from ${ip}`);
        const old = await inNs(
          "curl",
          "-sS",
          "--http1.0",
          "-i",
          "--max-time",
          "20",
          `http://${ip}/bytes/300000`,
        );
        assert.ok(old.ok, old.out.slice(0, 200));
        assert.match(old.out, /^HTTP\/1\.0 200 OK\r\n/);
        assert.match(old.out, /Content-Length: 300000\r\nConnection: close\r\n\r\n/);
        assert.ok(old.out.endsWith(pattern(300000)), `300 KB body from ${ip}`);
        const missing = await inNs(
          "curl",
          "-s",
          "-o",
          "/dev/null",
          "-w",
          "%{http_code}",
          `http://${ip}/nothing`,
        );
        assert.equal(missing.out, "404");
      }
      // Several URLs in one curl: HTTP/1.1 keep-alive reuses the connection.
      const many = await inNs(
        "curl",
        "-sS",
        "-v",
        "--max-time",
        "20",
        `http://${ips[0]}/bytes/10`,
        `http://${ips[0]}/bytes/20`,
        `http://${ips[0]}/bytes/30`,
      );
      assert.ok(many.ok, many.out);
      assert.match(many.out, /Re-using existing connection/);
    });
  },
});

Deno.test({
  name: "wrk and httperf load an httpd guest through the TAP bridge without errors",
  ignore: skipLoad !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServers(async (inNs, ips) => {
      const wrk = await inNs("wrk", "-t1", "-c8", "-d3s", `http://${ips[0]}/bytes/1024`);
      assert.ok(wrk.ok, wrk.out);
      const requests = Number(/(\d+) requests in/.exec(wrk.out)?.[1] ?? 0);
      assert.ok(requests > 0, wrk.out);
      assert.doesNotMatch(wrk.out, /Socket errors|Non-2xx/, wrk.out);
      console.log(`wrk: ${/Requests\/sec:\s+[\d.]+/.exec(wrk.out)?.[0]}`);
      const hp = await inNs(
        "httperf",
        `--server=${ips[1]}`,
        "--uri=/bytes/1024",
        "--rate=100",
        "--num-conns=200",
        "--num-calls=2",
        "--timeout=5",
      );
      assert.ok(hp.ok, hp.out);
      assert.match(hp.out, /Reply status: 1xx=0 2xx=400 3xx=0 4xx=0 5xx=0/, hp.out);
      assert.match(hp.out, /Errors: total 0 /, hp.out);
      console.log(`httperf: ${/Request rate: [^\n]*/.exec(hp.out)?.[0]}`);
    });
  },
});
