/**
 * A minimal HTTP/1.1 over the guest's TCP: a server that answers one request
 * per connection (`Connection: close`), and a client that fetches one URL
 * path. Enough for a static web server and its tests; no chunked encoding,
 * keep-alive or pipelining.
 *
 * @module
 */

import type { NetStack } from "./stack.ts";

/**
 * A parsed request.
 *
 * @example
 * ```ts
 * import { parseRequest } from "./http.ts";
 * const r = parseRequest("GET /a.txt HTTP/1.1\r\nHost: x\r\n\r\n");
 * console.log(r?.method, r?.path, r?.headers.get("host")); // GET /a.txt x
 * ```
 */
export interface HttpRequest {
  /** GET, HEAD, ... */
  method: string;
  /** The path, query included. */
  path: string;
  /** Headers, names in lower case. */
  headers: Map<string, string>;
}

/**
 * A response to send.
 *
 * @example
 * ```ts
 * import type { HttpResponse } from "./http.ts";
 * const r: HttpResponse = { status: 200, type: "text/plain", body: "hi\n" };
 * console.log(r.status);
 * ```
 */
export interface HttpResponse {
  /** Status code. */
  status: number;
  /** Content-Type (default text/plain). */
  type?: string;
  /** The body. */
  body: Uint8Array | string;
}

/**
 * Longest request head accepted (bytes).
 *
 * @example
 * ```ts
 * import { MAX_HEAD } from "./http.ts";
 * console.log(MAX_HEAD); // 8192
 * ```
 */
export const MAX_HEAD = 8192;

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  404: "Not Found",
  405: "Method Not Allowed",
  431: "Request Header Fields Too Large",
};

/**
 * Parses a request head (up to and including the blank line); null if malformed.
 *
 * @example
 * ```ts
 * import { parseRequest } from "./http.ts";
 * console.log(parseRequest("nonsense\r\n\r\n")); // null
 * ```
 */
export function parseRequest(head: string): HttpRequest | null {
  const lines = head.split("\r\n");
  const m = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? "");
  if (m === null) return null;
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    if (l === "") break;
    const at = l.indexOf(":");
    if (at <= 0) return null;
    headers.set(l.slice(0, at).trim().toLowerCase(), l.slice(at + 1).trim());
  }
  return { method: m[1]!, path: m[2]!, headers };
}

/**
 * Encodes a response with Content-Length and `Connection: close`; `head` leaves the body out.
 *
 * @example
 * ```ts
 * import { encodeResponse } from "./http.ts";
 * const text = new TextDecoder().decode(encodeResponse({ status: 404, body: "no\n" }, false));
 * console.log(text.split("\r\n")[0]); // HTTP/1.1 404 Not Found
 * ```
 */
export function encodeResponse(r: HttpResponse, head: boolean): Uint8Array {
  const body = typeof r.body === "string" ? new TextEncoder().encode(r.body) : r.body;
  const text = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? "Unknown"}\r\n` +
    `Content-Type: ${r.type ?? "text/plain"}\r\nContent-Length: ${body.length}\r\n` +
    "Connection: close\r\nServer: denali-worker\r\n\r\n";
  const h = new TextEncoder().encode(text);
  if (head) return h;
  const out = new Uint8Array(h.length + body.length);
  out.set(h);
  out.set(body, h.length);
  return out;
}

/**
 * Answers a request: a response, or null to answer later (see {@linkcode HttpServer.retry}).
 *
 * @example
 * ```ts
 * import type { HttpHandler } from "./http.ts";
 * const hello: HttpHandler = (req) => ({ status: 200, body: `you asked for ${req.path}\n` });
 * ```
 */
export type HttpHandler = (req: HttpRequest) => HttpResponse | null;

/**
 * An HTTP server on one port of a stack: one request per connection.
 *
 * @example
 * ```ts ignore
 * const http = new HttpServer(net, 80, (req) => ({ status: 200, body: `you asked for ${req.path}\n` }));
 * ```
 */
export class HttpServer {
  /** Requests answered. */
  served = 0;
  readonly #handler: HttpHandler;
  #deferred: [HttpRequest, (r: HttpResponse) => void][] = [];

  /** Serves `port` of `stack` with `handler`. */
  constructor(stack: NetStack, port: number, handler: HttpHandler) {
    this.#handler = handler;
    stack.listen(port, (conn) => {
      let head = "";
      let answered = false;
      const decoder = new TextDecoder();
      const answer = (r: HttpResponse, method: string) => {
        answered = true;
        this.served++;
        conn.write(encodeResponse(r, method === "HEAD"));
        conn.end();
      };
      conn.onData = (bytes) => {
        if (answered) return;
        head += decoder.decode(bytes, { stream: true });
        const end = head.indexOf("\r\n\r\n");
        if (end < 0) {
          if (head.length > MAX_HEAD) {
            answer({ status: 431, body: "request head too large\n" }, "GET");
          }
          return;
        }
        answered = true;
        const req = parseRequest(head.slice(0, end + 4));
        if (req === null) return answer({ status: 400, body: "bad request\n" }, "GET");
        const r = this.#handler(req);
        if (r !== null) answer(r, req.method);
        else this.#deferred.push([req, (r) => answer(r, req.method)]);
      };
      conn.onEnd = () => {
        if (!answered) conn.end();
      };
    });
  }

  /** Asks the handler again about the requests it deferred. */
  retry(): void {
    const waiting = this.#deferred;
    this.#deferred = [];
    for (const [req, send] of waiting) {
      const r = this.#handler(req);
      if (r !== null) send(r);
      else this.#deferred.push([req, send]);
    }
  }
}

/**
 * What {@linkcode httpGet} reports.
 *
 * @example
 * ```ts
 * import type { HttpResult } from "./http.ts";
 * function ok(r: HttpResult): boolean { return r.status === 200; }
 * ```
 */
export interface HttpResult {
  /** Status code (0 if the connection failed). */
  status: number;
  /** Headers, names in lower case. */
  headers: Map<string, string>;
  /** The body. */
  body: Uint8Array;
  /** Why it failed, if it did. */
  error?: string;
}

/**
 * GETs `path` from `ip`:`port`; `done` gets the response once the server has closed.
 *
 * @example
 * ```ts ignore
 * httpGet(net, ipOfVm(2), 80, "/", (r) => guest.console.write(`${r.status}\n`));
 * ```
 */
export function httpGet(
  stack: NetStack,
  ip: number,
  port: number,
  path: string,
  done: (r: HttpResult) => void,
): void {
  const conn = stack.connect(ip, port);
  const chunks: Uint8Array[] = [];
  let finished = false;
  const finish = (error?: string) => {
    if (finished) return;
    finished = true;
    const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      all.set(c, at);
      at += c.length;
    }
    const text = new TextDecoder().decode(all);
    const split = text.indexOf("\r\n\r\n");
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
    if (error !== undefined || split < 0 || m === null) {
      return done({
        status: 0,
        headers: new Map(),
        body: all,
        error: error ?? "malformed response",
      });
    }
    const headers = new Map<string, string>();
    for (const l of text.slice(0, split).split("\r\n").slice(1)) {
      const c = l.indexOf(":");
      if (c > 0) headers.set(l.slice(0, c).trim().toLowerCase(), l.slice(c + 1).trim());
    }
    const headBytes = new TextEncoder().encode(text.slice(0, split + 4)).length;
    done({ status: Number(m[1]), headers, body: all.slice(headBytes) });
  };
  conn.onConnect = () =>
    conn.write(`GET ${path} HTTP/1.1\r\nHost: vm\r\nConnection: close\r\n\r\n`);
  conn.onData = (bytes) => chunks.push(bytes.slice());
  conn.onEnd = () => {
    conn.end();
    finish();
  };
  conn.onClose = (error) => finish(error);
}
