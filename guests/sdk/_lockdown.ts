/**
 * What the bootstrap removes from a Worker guest's global scope before the
 * guest's code runs. Deno's `permissions: "none"` guards files, env, network,
 * subprocesses and FFI, but not these, which need no permission:
 *
 * - `BroadcastChannel`: reaches every other Worker of the process (a channel
 *   between guests that bypasses the virtual LAN);
 * - `caches` (Cache API): persistent storage on the host's disk, shared by
 *   every Worker of the process;
 * - `Worker`: nested Workers (from `data:` URLs), threads the kernel does not
 *   schedule or account;
 * - `Deno[Deno.internal]`: runtime internals;
 * - `Deno.exit`, `close`, `postMessage` of the Worker scope: replaced by
 *   functions that throw (a guest stops with `terminate(code)`);
 * - `console`: routed to the VM's console device (bounded, charged) instead
 *   of the host's terminal.
 *
 * This is defence in depth inside the Worker; the kernel still checks every
 * message and bounds every answer in time and size.
 *
 * @module
 */

/**
 * Globals deleted from a guest's scope.
 *
 * @example
 * ```ts
 * import { REMOVED_GLOBALS } from "./_lockdown.ts";
 * console.log(REMOVED_GLOBALS.includes("BroadcastChannel")); // true
 * ```
 */
export const REMOVED_GLOBALS: readonly string[] = [
  "BroadcastChannel",
  "caches",
  "CacheStorage",
  "Cache",
  "Worker",
  "SharedWorker",
];

/**
 * Locks the scope down; `write` receives what the guest prints with `console`.
 * Returns the names removed or replaced.
 *
 * @example
 * ```ts ignore
 * import { lockDown } from "./_lockdown.ts";
 * lockDown((text) => {}); // in a Worker guest only: it removes globals
 * ```
 */
export function lockDown(write: (text: string) => void): string[] {
  const g = globalThis as Record<string, unknown>;
  const done: string[] = [];
  for (const name of REMOVED_GLOBALS) {
    if (name in g && delete g[name]) done.push(name);
  }
  const deno = g.Deno as Record<PropertyKey, unknown> | undefined;
  if (deno !== undefined) {
    const internal = deno.internal as symbol | undefined;
    if (internal !== undefined && delete deno[internal]) done.push("Deno[Deno.internal]");
    deno.exit = refuse("exit", "return guest.terminate(code) from the handler");
    done.push("Deno.exit");
  }
  g.close = refuse("close the Worker", "return guest.terminate(code) from the handler");
  g.postMessage = refuse("post to the jail", "the guest talks to the kernel through the SDK");
  done.push("close", "postMessage");
  const print = (...args: unknown[]) => write(args.map(format).join(" ") + "\n");
  const con = g.console as Record<string, unknown>;
  for (const m of ["log", "info", "warn", "error", "debug", "trace"]) con[m] = print;
  done.push("console");
  return done;
}

function refuse(action: string, instead: string): () => never {
  return () => {
    throw new Error(`Cannot ${action}: ${instead}`);
  };
}

function format(x: unknown): string {
  if (typeof x === "string") return x;
  try {
    return Deno.inspect(x);
  } catch {
    return String(x);
  }
}
