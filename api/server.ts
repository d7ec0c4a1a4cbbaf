/**
 * Serves the control API and the dashboard with Deno.serve, on a Unix socket
 * (like Firecracker's API socket) or a loopback TCP port. A socket path left
 * behind by a kernel that died is replaced; one that a live kernel answers on
 * is refused.
 *
 * @module
 */

import { type ApiAddress, formatApiAddress } from "./address.ts";
import type { Machine } from "./machine.ts";
import { apiHandler } from "./routes.ts";

/**
 * A running API server.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * import { serveApi } from "./server.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const server = await serveApi(m, { transport: "tcp", hostname: "127.0.0.1", port: 0 });
 * const r = await fetch(`${server.url}/v1/kernel`);
 * console.log(r.status, (await r.json()).kernel.vms.total); // 200 0
 * await server.shutdown();
 * await m.close();
 * ```
 */
export interface ApiServer {
  /** Where it listens (with the port actually bound). */
  address: ApiAddress;
  /** Base URL for a TCP server; the socket path for a Unix one. */
  url: string;
  /** Stops accepting, ends open streams, removes the socket file. */
  shutdown(): Promise<void>;
}

/**
 * Starts serving `machine`'s API at `address`. Throws a one-line error if the
 * address is in use or cannot be bound.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * import { serveApi } from "./server.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const s = await serveApi(m, { transport: "unix", path: await Deno.makeTempFile() + ".sock" });
 * console.log(s.address.transport); // unix
 * await s.shutdown();
 * await m.close();
 * ```
 */
export async function serveApi(machine: Machine, address: ApiAddress): Promise<ApiServer> {
  const abort = new AbortController();
  // Streams (console follow, wait) end when the server shuts down.
  const handle = apiHandler(machine, { signal: abort.signal });
  let server: Deno.HttpServer;
  let bound: ApiAddress = address;
  const onError = (e: unknown) => {
    const message = (e instanceof Error ? e.message : String(e)).split("\n")[0];
    return Response.json({ error: `Cannot complete request: ${message}` }, { status: 500 });
  };
  try {
    if (address.transport === "unix") {
      await clearStaleSocket(address.path);
      server = Deno.serve({
        path: address.path,
        transport: "unix",
        signal: abort.signal,
        onListen() {},
        onError,
      }, handle);
    } else {
      let port = address.port;
      server = Deno.serve({
        hostname: address.hostname,
        port: address.port,
        signal: abort.signal,
        onListen(a) {
          port = (a as Deno.NetAddr).port;
        },
        onError,
      }, handle);
      bound = { ...address, port: (server.addr as Deno.NetAddr).port ?? port };
    }
  } catch (e) {
    const why = e instanceof Deno.errors.AddrInUse
      ? "address in use"
      : (e as Error).message.split("\n")[0];
    throw new Error(`Cannot serve API on ${formatApiAddress(address)}: ${why}`);
  }
  let done: Promise<void> | null = null;
  return {
    address: bound,
    url: formatApiAddress(bound),
    shutdown() {
      done ??= (async () => {
        abort.abort();
        await server.finished;
        if (address.transport === "unix") {
          await Deno.remove(address.path).catch(() => {});
        }
      })();
      return done;
    },
  };
}

/** Removes a socket file no kernel answers on; throws if one does. */
async function clearStaleSocket(path: string): Promise<void> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch {
    return;
  }
  if (!info.isSocket) throw new Error(`Cannot serve API on ${path}: it exists and is not a socket`);
  try {
    const conn = await Deno.connect({ transport: "unix", path });
    conn.close();
  } catch {
    await Deno.remove(path);
    return;
  }
  throw new Error(`Cannot serve API on ${path}: a running kernel already serves it`);
}
