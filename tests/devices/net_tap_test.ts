/**
 * The TAP bridge against the host's real network stack. The test makes its
 * own TAP interface, moves it into a network namespace it creates (so the
 * host's own routes are untouched and every packet stays inside this test),
 * gives the host side 10.77.0.1/24, and pings a guest at 10.77.0.2 that
 * answers ARP and ICMP echo. `ping -c 3 -w 10` stops at the third reply (or
 * after 10 s at worst), so a slow reply on a loaded machine is not counted
 * as lost. Needs root, /dev/net/tun, `ip`, `ping`, nasm and
 * --allow-ffi; otherwise it is skipped with the reason.
 *
 * @module
 */

import { assert } from "../_assert.ts";
import { Kernel, NicDevice } from "../../mod.ts";
import { netnsUnavailable, run, TapNamespace } from "../../scenarios/_netns.ts";
import { hasNasm, pingResponder } from "./net_guests.ts";

const skip = hasNasm ? await netnsUnavailable(["ping"]) : "nasm is not installed";
if (skip) console.warn(`net_tap_test: skipped: ${skip}`);

Deno.test({
  name: "TAP bridge: ping from the host's network stack reaches a guest that answers ARP and ICMP",
  ignore: skip !== null,
  async fn() {
    const kernel = new Kernel({ clock: "real" });
    const nic = new NicDevice();
    kernel.attach(nic);
    const vm = kernel.create({ image: await pingResponder("10.77.0.2"), start: true });
    const net = TapNamespace.open({
      ns: `dnl-test-${Deno.pid}`,
      dev: "dnl-test0",
      switch: nic.switch,
      address: "10.77.0.1/24",
    });
    const { tap } = net;
    const stop = new AbortController();
    const running = kernel.run({ signal: stop.signal });
    try {
      await net.up();
      const ping = await net.exec("ping", ..."-n -c 3 -i 0.2 -w 10 10.77.0.2".split(" "));
      assert.match(ping.out, / 3 received/, ping.out);
      assert.ok(ping.ok);
      const st = nic.stats(vm);
      assert.ok(st.rxFrames >= 4, "an ARP request and three echo requests reached the guest");
      assert.ok(st.txFrames >= 4, "and it answered them");
      assert.ok(tap.stats().toHost >= 4);
      assert.ok(tap.stats().fromHost >= 4);
      assert.equal(tap.error, null);
      const info = kernel.inspect(vm);
      assert.ok(["idle", "ready"].includes(info.state), `the guest is alive (${info.state})`);
      assert.ok(
        info.stats.quanta < 20 * st.rxFrames,
        `it does not spin (${info.stats.quanta} quanta)`,
      );
    } finally {
      stop.abort();
      await running;
      await net.close();
    }
    assert.equal(nic.switch.stats().ports, 1, "the bridge left the switch");
    assert.equal((await run("ip", "link", "show", "dnl-test0")).ok, false, "the TAP is gone");
  },
});

Deno.test({
  name: "TAP bridge fails with one clear line without CAP_NET_ADMIN or without --allow-ffi",
  ignore: skip !== null || !(await run("setpriv", "--version")).ok,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denali-tap-" });
    try {
      const script = `${dir}/open.ts`;
      const mod = new URL("../../mod.ts", import.meta.url).href;
      await Deno.writeTextFile(
        script,
        `import { TapBridge, VirtualSwitch } from "${mod}";
try {
  TapBridge.open({ name: "dnl-test1", switch: new VirtualSwitch() });
  console.log("opened");
} catch (e) {
  console.log((e as Error).message);
}
Deno.exit(0);
`,
      );
      const deno = Deno.execPath();
      const noCap = await run(
        "setpriv",
        "--inh-caps=-net_admin",
        "--bounding-set=-net_admin",
        "--",
        deno,
        "run",
        "-A",
        script,
      );
      assert.equal(
        noCap.out.trim(),
        "Cannot open TAP device dnl-test1: needs root or CAP_NET_ADMIN (ioctl TUNSETIFF: EPERM)",
      );
      const noFfi = await run(
        deno,
        "run",
        `--allow-read=${dir},${new URL("../..", import.meta.url).pathname}`,
        script,
      );
      assert.equal(
        noFfi.out.trim(),
        "Cannot open TAP device dnl-test1: FFI is not allowed (run deno with --allow-ffi)",
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
