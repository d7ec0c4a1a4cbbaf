/**
 * Test guest: tries what a Worker guest must not be able to do, and prints
 * one line per attempt: `name: denied (<error>)` or `name: ALLOWED`. Then it
 * exits 0. The kernel test reads the lines from the VM's console.
 *
 * @module
 */

import { serve } from "../../../guests/sdk/mod.ts";

type Attempt = [string, () => unknown];

const remote = ["https://deno.land/std/version.ts"][0]!;
const passwd = ["file:///etc/passwd"][0]!;
const sdk = new URL("../../../guests/sdk/mod.ts", import.meta.url);

const attempts: Attempt[] = [
  ["read file", () => Deno.readTextFile("/etc/hostname")],
  ["read own code", () => Deno.readTextFile(sdk)],
  ["write file", () => Deno.writeTextFile("/tmp/denali-worker-guest", "x")],
  ["read env", () => Deno.env.get("HOME")],
  ["list env", () => Deno.env.toObject()],
  ["connect", () => Deno.connect({ hostname: "127.0.0.1", port: 80 })],
  ["listen", () => Deno.listen({ port: 0 })],
  ["fetch", () => fetch("http://127.0.0.1:8080/")],
  ["websocket", () => new WebSocket("ws://127.0.0.1:8080/")],
  ["subprocess", () => new Deno.Command("true").output()],
  ["ffi", () => Deno.dlopen("libc.so.6", {})],
  ["import remote", () => import(remote)],
  ["import file", () => import(passwd)],
  ["import text", () => import(passwd, { with: { type: "text" } } as ImportCallOptions)],
  ["hostname", () => Deno.hostname()],
  ["exit", () => Deno.exit(3)],
  ["worker", () => new (globalThis as unknown as { Worker: typeof Worker }).Worker("data:,")],
  [
    "broadcast",
    () =>
      new (globalThis as unknown as { BroadcastChannel: typeof BroadcastChannel }).BroadcastChannel(
        "x",
      ),
  ],
  ["cache", () => (globalThis as unknown as { caches: CacheStorage }).caches.open("x")],
];

serve(async (_batch, guest) => {
  for (const [name, attempt] of attempts) {
    try {
      await attempt();
      guest.console.write(`${name}: ALLOWED\n`);
    } catch (e) {
      const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
      guest.console.write(`${name}: denied (${msg.split("\n")[0]})\n`);
    }
  }
  return guest.terminate(0);
});
