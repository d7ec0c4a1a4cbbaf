/**
 * The control API's routes: JSON over HTTP, one handler for every request
 * (Deno.serve's handler shape), so the same code serves a Unix socket or a
 * loopback port and can be tested without either. Every error is a JSON body
 * `{ "error": "Cannot <action>: <state>" }` with a status that says whose
 * fault it is: 400 bad request, 404 unknown VM or endpoint, 405 wrong
 * method, 409 wrong VM state, 413 body too large, 503 shutting down, 500 a
 * kernel bug.
 *
 * | method | path                     | does                                            |
 * | ------ | ------------------------ | ----------------------------------------------- |
 * | GET    | /v1/kernel               | kernel counters, device totals, latest load     |
 * | GET    | /v1/history              | load samples (rates per second) for plots       |
 * | GET    | /v1/vms                  | VM rows (`?limit=N&after=ID&state=S`)           |
 * | POST   | /v1/vms                  | create VMs from a path or base64 bytes          |
 * | GET    | /v1/vms/ID               | one VM: state, registers, counters, devices     |
 * | POST   | /v1/vms/ID/ACTION        | start, pause, resume, kill                      |
 * | DELETE | /v1/vms/ID               | remove a stopped VM                             |
 * | GET    | /v1/vms/ID/console       | console output (`?follow=1`, or SSE)            |
 * | POST   | /v1/vms/ID/keys          | type the body into the keyboard (`?end=1`)      |
 * | GET    | /v1/vms/ID/wait          | waits until the VM stops                        |
 * | GET    | /                        | the live dashboard                              |
 *
 * @module
 */

import { ImageError, KernelError } from "../kernel/mod.ts";
import { dashboardPage } from "../dashboard/page.ts";
import { consoleStream } from "./console_stream.ts";
import type { CreateRequest, Machine } from "./machine.ts";

/**
 * Largest request body accepted, bytes (a base64 image of up to about 48 MiB).
 *
 * @example
 * ```ts
 * import { MAX_BODY } from "./routes.ts";
 * console.log(MAX_BODY / (1 << 20)); // 64
 * ```
 */
export const MAX_BODY = 64 << 20;

/**
 * The version prefix of every API path.
 *
 * @example
 * ```ts
 * import { API_PREFIX } from "./routes.ts";
 * console.log(`${API_PREFIX}/vms`); // /v1/vms
 * ```
 */
export const API_PREFIX = "/v1";

/** An API error with its HTTP status. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Builds the request handler of the control API over `machine`. Aborting
 * `options.signal` ends every console stream and pending wait (the server
 * does this when it shuts down).
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * import { apiHandler } from "./routes.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const handle = apiHandler(m);
 * const r = await handle(new Request("http://x/v1/vms", { method: "POST", body: '{"imageBase64":"9A=="}' }));
 * console.log(r.status, await r.json()); // 201 { ids: [ 1 ] }
 * await m.close();
 * ```
 */
export function apiHandler(
  machine: Machine,
  options: { signal?: AbortSignal } = {},
): (request: Request) => Promise<Response> {
  const signal = options.signal ?? new AbortController().signal;
  return async (request) => {
    try {
      return await route(machine, request, signal);
    } catch (e) {
      const [status, message] = classify(e);
      return json({ error: message }, status);
    }
  };
}

async function route(machine: Machine, request: Request, signal: AbortSignal): Promise<Response> {
  const url = new URL(request.url);
  const path = url.pathname.replace(/\/+$/, "") || "/";
  const method = request.method;
  const k = machine.kernel;
  if (path === "/" || path === "/dashboard") {
    allow(method, ["GET", "HEAD"], path);
    const rows = method === "HEAD" ? [] : machine.rows({ limit: 200 });
    return new Response(dashboardPage({ rows, total: k.stats().vms.total }), {
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  }
  if (path === API_PREFIX) {
    allow(method, ["GET"], path);
    return json({ endpoints: ENDPOINTS });
  }
  if (path === `${API_PREFIX}/kernel`) {
    allow(method, ["GET"], path);
    return json(machine.overview());
  }
  if (path === `${API_PREFIX}/history`) {
    allow(method, ["GET"], path);
    return json({ samples: machine.history.samples() });
  }
  if (path === `${API_PREFIX}/vms`) {
    allow(method, ["GET", "POST"], path);
    if (method === "POST") {
      const body = await readJson(request) as CreateRequest;
      return json({ ids: await machine.create(body) }, 201);
    }
    const q = url.searchParams;
    const rows = machine.rows({
      ...(q.has("limit") ? { limit: queryInt(q, "limit") } : {}),
      ...(q.has("after") ? { after: queryInt(q, "after") } : {}),
      ...(q.has("state") ? { state: q.get("state")! } : {}),
    });
    return json({ total: k.stats().vms.total, vms: rows });
  }
  const m = /^\/v1\/vms\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
  if (!m) throw new HttpError(404, `Cannot ${method} ${path}: no such endpoint`);
  const id = vmId(m[1]!);
  const action = m[2];
  switch (action) {
    case undefined:
      allow(method, ["GET", "DELETE"], path);
      if (method === "DELETE") {
        machine.remove(id);
        return json({ removed: id });
      }
      return json(machine.vm(id));
    case "start":
    case "pause":
    case "resume":
    case "kill":
      allow(method, ["POST"], path);
      k[action](id);
      return json({ id, state: k.inspect(id).state });
    case "console": {
      allow(method, ["GET"], path);
      k.inspect(id); // 404 before streaming
      const sse = (request.headers.get("accept") ?? "").includes("text/event-stream");
      const follow = sse || ["1", "true", ""].includes(url.searchParams.get("follow") ?? "0");
      const body = consoleStream(machine, id, { encoding: sse ? "sse" : "raw", follow, signal });
      return new Response(body, {
        headers: {
          "content-type": sse ? "text/event-stream" : "text/plain; charset=utf-8",
          "cache-control": "no-store",
        },
      });
    }
    case "keys": {
      allow(method, ["POST"], path);
      k.inspect(id);
      const bytes = new Uint8Array(await readBody(request));
      const accepted = bytes.length > 0 ? machine.keyboard.type(id, bytes) : 0;
      if (url.searchParams.get("end") === "1" && accepted === bytes.length) {
        machine.keyboard.end(id);
      }
      return json({ accepted, room: machine.keyboard.room(id) });
    }
    case "wait": {
      allow(method, ["GET"], path);
      const stopped = new Promise<never>((_, reject) => {
        const fail = () =>
          reject(new HttpError(503, `Cannot wait for VM ${id}: the API is closing`));
        if (signal.aborted) fail();
        else signal.addEventListener("abort", fail, { once: true });
      });
      return json(await Promise.race([k.wait(id), stopped]));
    }
    default:
      throw new HttpError(404, `Cannot ${method} ${path}: no such endpoint`);
  }
}

/** The endpoint table returned by `GET /v1`. */
const ENDPOINTS = [
  "GET /v1/kernel",
  "GET /v1/history",
  "GET /v1/vms?limit=N&after=ID&state=S",
  "POST /v1/vms {image|imageBase64|worker, config, load, memSize, name, start, count, maxInstructions, disks}",
  "GET /v1/vms/ID",
  "DELETE /v1/vms/ID",
  "POST /v1/vms/ID/start|pause|resume|kill",
  "GET /v1/vms/ID/console[?follow=1] (Accept: text/event-stream for SSE)",
  "POST /v1/vms/ID/keys[?end=1]",
  "GET /v1/vms/ID/wait",
  "GET / (dashboard)",
];

function allow(method: string, methods: string[], path: string): void {
  if (!methods.includes(method)) {
    throw new HttpError(405, `Cannot ${method} ${path}: use ${methods.join(" or ")}`);
  }
}

function vmId(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new HttpError(404, `Cannot find VM "${decodeURIComponent(text)}": ids are integers >= 1`);
  }
  return n;
}

function queryInt(q: URLSearchParams, name: string): number {
  const text = q.get(name) ?? "";
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) {
    throw new HttpError(400, `Cannot read query ${name}: "${text}" is not an integer >= 0`);
  }
  return n;
}

async function readBody(request: Request): Promise<ArrayBuffer> {
  const length = Number(request.headers.get("content-length") ?? "0");
  if (length > MAX_BODY) {
    throw new HttpError(413, `Cannot read request: body of ${length} bytes is over ${MAX_BODY}`);
  }
  if (!request.body) return new ArrayBuffer(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of request.body) {
    total += chunk.length;
    if (total > MAX_BODY) {
      throw new HttpError(413, `Cannot read request: body is over ${MAX_BODY} bytes`);
    }
    chunks.push(chunk);
  }
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) all.set(c, at), at += c.length;
  return all.buffer;
}

async function readJson(request: Request): Promise<unknown> {
  const text = new TextDecoder().decode(await readBody(request));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new HttpError(400, "Cannot parse request body: it is not JSON");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new HttpError(400, "Cannot parse request body: it is not a JSON object");
  }
  return value;
}

function classify(e: unknown): [number, string] {
  const message = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
  if (e instanceof HttpError) return [e.status, message];
  if (e instanceof KernelError) {
    const status = e.code === "unknown-vm" ? 404 : e.code === "vm-state" ? 409 : 400;
    return [status, message];
  }
  if (e instanceof ImageError || e instanceof RangeError || e instanceof TypeError) {
    return [400, message];
  }
  return [500, `Cannot complete request: ${message}`];
}

function json(value: unknown, status = 200): Response {
  return new Response(JSON.stringify(value) + "\n", {
    status,
    headers: { "content-type": JSON_TYPE, "cache-control": "no-store" },
  });
}
