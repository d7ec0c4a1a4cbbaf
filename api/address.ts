/**
 * Where the control API listens: a Unix socket (a path, as Firecracker's API
 * socket) or a TCP port on the loopback interface. Nothing else: the API
 * controls the machine, so it is never exposed beyond this host.
 *
 * @module
 */

/**
 * A parsed API address.
 *
 * @example
 * ```ts
 * import type { ApiAddress } from "./address.ts";
 * const a: ApiAddress = { transport: "tcp", hostname: "127.0.0.1", port: 7070 };
 * console.log(a.transport); // tcp
 * ```
 */
export type ApiAddress =
  | { transport: "unix"; path: string }
  | { transport: "tcp"; hostname: string; port: number };

/**
 * The address used when none is given: a Unix socket in /tmp.
 *
 * @example
 * ```ts
 * import { DEFAULT_API } from "./address.ts";
 * console.log(DEFAULT_API); // /tmp/denali.sock
 * ```
 */
export const DEFAULT_API = "/tmp/denali.sock";

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

/**
 * Parses an API address: a path (containing `/`, or ending in `.sock`) is a
 * Unix socket; `PORT`, `HOST:PORT` or `http://HOST:PORT` is a loopback TCP
 * port (HOST must be 127.0.0.1, localhost or ::1; port 0 picks a free one).
 * Throws a one-line RangeError for anything else.
 *
 * @example
 * ```ts
 * import { parseApiAddress } from "./address.ts";
 * console.log(parseApiAddress("/tmp/d.sock").transport, parseApiAddress("7070").transport);
 * // unix tcp
 * ```
 */
export function parseApiAddress(text: string): ApiAddress {
  const t = text.trim();
  if (t === "") throw new RangeError("Cannot parse API address: it is empty");
  if (!t.startsWith("http") && (t.includes("/") || t.endsWith(".sock"))) {
    return { transport: "unix", path: t };
  }
  const m = /^(?:http:\/\/)?(?:(\[::1\]|[a-z0-9.:]+?):)?(\d+)\/?$/i.exec(t);
  if (!m) {
    throw new RangeError(
      `Cannot parse API address "${text}": expected a socket path, PORT or 127.0.0.1:PORT`,
    );
  }
  const host = (m[1] ?? "127.0.0.1").toLowerCase();
  if (!LOOPBACK.has(host)) {
    throw new RangeError(
      `Cannot use API address "${text}": the API listens on loopback only (127.0.0.1, ::1)`,
    );
  }
  const port = Number(m[2]);
  if (port > 65535) throw new RangeError(`Cannot use API address "${text}": port over 65535`);
  const hostname = host === "localhost" ? "127.0.0.1" : host === "[::1]" ? "::1" : host;
  return { transport: "tcp", hostname, port };
}

/**
 * Shows an address as a user would type it.
 *
 * @example
 * ```ts
 * import { formatApiAddress } from "./address.ts";
 * console.log(formatApiAddress({ transport: "tcp", hostname: "127.0.0.1", port: 80 }));
 * // http://127.0.0.1:80
 * ```
 */
export function formatApiAddress(a: ApiAddress): string {
  if (a.transport === "unix") return a.path;
  const host = a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname;
  return `http://${host}:${a.port}`;
}
