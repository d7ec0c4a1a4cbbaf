/**
 * A TAP bridge inside a private network namespace, so that real host
 * programs (curl, ping, wrk, httperf) reach guests through the host's own
 * TCP/IP stack while the host's routes stay untouched: the TAP interface
 * joins the kernel's virtual switch, moves into a namespace made for it and
 * gets the host side's address there; commands run inside with `exec`, and
 * `close` removes the TAP and the namespace.
 *
 * Needs Linux, root, /dev/net/tun, `ip` (iproute2) and --allow-ffi;
 * {@linkcode netnsUnavailable} says which one is missing.
 *
 * @module
 */

import { TapBridge, type VirtualSwitch } from "../devices/net/mod.ts";

/**
 * What a host command printed (stdout, then stderr) and whether it succeeded.
 *
 * @example
 * ```ts
 * import type { CommandResult } from "./_netns.ts";
 * const r: CommandResult = { ok: true, out: "0\n" };
 * console.log(r.ok); // true
 * ```
 */
export interface CommandResult {
  /** The command ran and exited with status 0. */
  ok: boolean;
  /** Its stdout then its stderr, untrimmed (or why it could not start). */
  out: string;
}

/**
 * Runs a host command and collects its output; a command that cannot start
 * gives `ok: false` and the reason, never an exception.
 *
 * @example
 * ```ts
 * import { run } from "./_netns.ts";
 * const r = await run("echo", "hi");
 * console.log(r.ok, JSON.stringify(r.out)); // true "hi\n"
 * ```
 */
export async function run(cmd: string, ...args: string[]): Promise<CommandResult> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
}

/** Debian packages of the tools whose package has another name. */
const PACKAGES: Record<string, string> = { ip: "iproute2", ping: "iputils-ping" };

/**
 * Why a TAP bridge in a network namespace cannot be made here, or null if it
 * can: Linux, --allow-ffi, root, /dev/net/tun, `ip`, then each of `tools`
 * on the PATH.
 *
 * @example
 * ```ts
 * import { netnsUnavailable } from "./_netns.ts";
 * console.log(await netnsUnavailable(["curl"]) ?? "available");
 * ```
 */
export async function netnsUnavailable(tools: readonly string[] = []): Promise<string | null> {
  if (Deno.build.os !== "linux") return "TAP devices need Linux";
  if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return "needs --allow-ffi";
  if ((await run("id", "-u")).out.trim() !== "0") return "needs root (TAP and network namespaces)";
  // (Deno's own file API wants --allow-all for device files: ask the shell.)
  if (!(await run("test", "-c", "/dev/net/tun")).ok) return "/dev/net/tun is missing";
  if (!(await run("ip", "-V")).ok) return "`ip` (iproute2) is not installed";
  for (const tool of tools) {
    if (!(await run("sh", "-c", `command -v ${tool}`)).ok) {
      return `\`${tool}\` is not installed (apt-get install -y ${PACKAGES[tool] ?? tool})`;
    }
  }
  return null;
}

/**
 * Options of {@linkcode TapNamespace.open}.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "../devices/net/mod.ts";
 * import type { TapNamespaceOptions } from "./_netns.ts";
 * const o: TapNamespaceOptions = { ns: "dnl-x", dev: "dnlx0", switch: new VirtualSwitch() };
 * console.log(o.dev); // dnlx0
 * ```
 */
export interface TapNamespaceOptions {
  /** The network namespace's name: made by `up`, deleted by `close`. */
  ns: string;
  /** The TAP interface's name (1..15 bytes). */
  dev: string;
  /** The switch the TAP joins (a NicDevice's `switch`). */
  switch: VirtualSwitch;
  /** The host side's address in the namespace (default 10.0.255.254/16, on the guests' LAN). */
  address?: string;
}

/**
 * A TAP bridge moved into a network namespace of its own. `open` joins the
 * switch at once (so a kernel may start running); `up` makes the namespace
 * and brings the interface up in it.
 *
 * @example
 * ```ts ignore
 * import { Kernel, NicDevice } from "../mod.ts";
 * import { TapNamespace } from "./_netns.ts";
 * const kernel = new Kernel({ clock: "real" });
 * const nic = new NicDevice();
 * kernel.attach(nic);
 * const net = TapNamespace.open({ ns: "dnl-x", dev: "dnlx0", switch: nic.switch }); // root
 * try {
 *   await net.up();
 *   console.log((await net.exec("ip", "addr")).out);
 * } finally {
 *   await net.close();
 * }
 * ```
 */
export class TapNamespace {
  /** The namespace's name. */
  readonly ns: string;
  /** The host side's address (CIDR). */
  readonly address: string;
  /** The bridge (its interface is named as `dev`). */
  readonly tap: TapBridge;

  private constructor(ns: string, address: string, tap: TapBridge) {
    this.ns = ns;
    this.address = address;
    this.tap = tap;
  }

  /**
   * Opens the TAP interface on the switch (throws a TapError without root or
   * --allow-ffi); the namespace comes with {@linkcode TapNamespace.up}.
   *
   * @example
   * ```ts ignore
   * import { VirtualSwitch } from "../devices/net/mod.ts";
   * import { TapNamespace } from "./_netns.ts";
   * const net = TapNamespace.open({ ns: "dnl-x", dev: "dnlx0", switch: new VirtualSwitch() });
   * await net.close();
   * ```
   */
  static open(options: TapNamespaceOptions): TapNamespace {
    const tap = TapBridge.open({ name: options.dev, switch: options.switch });
    return new TapNamespace(options.ns, options.address ?? "10.0.255.254/16", tap);
  }

  /**
   * Makes the namespace, moves the interface into it, gives it the host
   * side's address and brings it up.
   *
   * @example
   * ```ts ignore
   * import { VirtualSwitch } from "../devices/net/mod.ts";
   * import { TapNamespace } from "./_netns.ts";
   * const net = TapNamespace.open({ ns: "dnl-x", dev: "dnlx0", switch: new VirtualSwitch() });
   * await net.up();
   * await net.close();
   * ```
   */
  async up(): Promise<void> {
    const { ns, address } = this, dev = this.tap.name;
    for (
      const args of [
        ["netns", "add", ns],
        ["link", "set", dev, "netns", ns],
        ["-n", ns, "addr", "add", address, "dev", dev],
        ["-n", ns, "link", "set", dev, "up"],
      ]
    ) {
      const r = await run("ip", ...args);
      if (!r.ok) throw new Error(`Cannot set up the TAP bridge: ip ${args.join(" ")}: ${r.out}`);
    }
  }

  /**
   * Runs a host command inside the namespace (`ip netns exec`).
   *
   * @example
   * ```ts ignore
   * import { VirtualSwitch } from "../devices/net/mod.ts";
   * import { TapNamespace } from "./_netns.ts";
   * const net = TapNamespace.open({ ns: "dnl-x", dev: "dnlx0", switch: new VirtualSwitch() });
   * await net.up();
   * console.log((await net.exec("ping", "-c", "1", "10.0.0.1")).ok);
   * await net.close();
   * ```
   */
  exec(cmd: string, ...args: string[]): Promise<CommandResult> {
    return run("ip", "netns", "exec", this.ns, cmd, ...args);
  }

  /**
   * Closes the bridge (the interface goes with it) and deletes the namespace.
   *
   * @example
   * ```ts ignore
   * import { VirtualSwitch } from "../devices/net/mod.ts";
   * import { TapNamespace } from "./_netns.ts";
   * const net = TapNamespace.open({ ns: "dnl-x", dev: "dnlx0", switch: new VirtualSwitch() });
   * await net.close();
   * ```
   */
  async close(): Promise<void> {
    try {
      await this.tap.close();
    } finally {
      await run("ip", "netns", "del", this.ns);
    }
  }
}
