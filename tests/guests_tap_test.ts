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
import { Kernel, NicDevice } from "../mod.ts";
import { netnsUnavailable, TapNamespace } from "../scenarios/_netns.ts";
import { buildGuest, hasGcc32 } from "./los_harness.ts";

async function why(tools: string[]): Promise<string | null> {
  if (!(await hasGcc32())) return "gcc -m32 is missing (apt-get install -y gcc-multilib)";
  return await netnsUnavailable(tools);
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
  fn: (net: TapNamespace, ips: string[]) => Promise<void>,
) {
  const kernel = new Kernel({ clock: "real" });
  const nic = new NicDevice();
  kernel.attach(nic);
  const image = await buildGuest("httpd", ["examples/httpd.c"]);
  const ips: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = kernel.create({ image, memSize: 8 << 20, start: true });
    ips.push(`10.0.${id >> 8}.${id & 255}`);
  }
  const net = TapNamespace.open({
    ns: `dnl-g-${Deno.pid}`,
    dev: `dnlg${Deno.pid % 100000}`,
    switch: nic.switch,
  });
  const stop = new AbortController();
  const running = kernel.run({ signal: stop.signal, forever: true });
  try {
    await net.up();
    await fn(net, ips);
  } finally {
    stop.abort();
    await running;
    await net.close();
  }
}

Deno.test({
  name: "curl fetches from three httpd guests through the TAP bridge (HTTP/1.1 and HTTP/1.0)",
  ignore: skipCurl !== null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    await withServers(async (net, ips) => {
      for (const ip of ips) {
        const body = await net.exec("curl", "-sS", "--max-time", "20", `http://${ip}/bytes/5000`);
        assert.ok(body.ok, body.out);
        assert.equal(body.out, pattern(5000), `body from ${ip}`);
        const old = await net.exec(
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
        const missing = await net.exec(
          "curl",
          ..."-s -o /dev/null -w %{http_code}".split(" "),
          `http://${ip}/nothing`,
        );
        assert.equal(missing.out, "404");
      }
      // Several URLs in one curl: HTTP/1.1 keep-alive reuses the connection.
      const many = await net.exec(
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
    await withServers(async (net, ips) => {
      const wrk = await net.exec("wrk", "-t1", "-c8", "-d3s", `http://${ips[0]}/bytes/1024`);
      assert.ok(wrk.ok, wrk.out);
      const requests = Number(/(\d+) requests in/.exec(wrk.out)?.[1] ?? 0);
      assert.ok(requests > 0, wrk.out);
      assert.doesNotMatch(wrk.out, /Socket errors|Non-2xx/, wrk.out);
      console.log(`wrk: ${/Requests\/sec:\s+[\d.]+/.exec(wrk.out)?.[0]}`);
      const hp = await net.exec(
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
