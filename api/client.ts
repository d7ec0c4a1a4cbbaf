/**
 * A client of the control API, for the CLI and for scripts: fetch over the
 * Unix socket (through a Deno HTTP client bound to it) or the loopback port.
 * Failures are one-line errors: {@linkcode ApiUnreachableError} when no
 * kernel answers, {@linkcode ApiError} (with the HTTP status) when the kernel
 * refused the request.
 *
 * @module
 */

import { type ApiAddress, formatApiAddress } from "./address.ts";
import type { Sample } from "./history.ts";
import type { CreateRequest, Overview, VmRow, VmView } from "./machine.ts";
import type { VmExit } from "../kernel/mod.ts";

/**
 * The kernel answered with an error.
 *
 * @example
 * ```ts
 * import { ApiError } from "./client.ts";
 * const e = new ApiError(404, "Cannot inspect VM 9: no such VM");
 * console.log(e.status, e.message); // 404 Cannot inspect VM 9: no such VM
 * ```
 */
export class ApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** Builds the error. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
  }
}

/**
 * No kernel answers at the address.
 *
 * @example
 * ```ts
 * import { ApiUnreachableError } from "./client.ts";
 * console.log(new ApiUnreachableError("/tmp/x.sock", "no such file").message);
 * ```
 */
export class ApiUnreachableError extends Error {
  /** Builds the error for `address` and the reason. */
  constructor(address: string, why: string) {
    super(
      `Cannot reach the kernel API at ${address}: ${why} (start one with "denali serve")`,
    );
    this.name = "ApiUnreachableError";
  }
}

/**
 * What the client accepts as the VM action of {@linkcode ApiClient.action}.
 *
 * @example
 * ```ts
 * import type { VmAction } from "./client.ts";
 * const a: VmAction = "pause";
 * console.log(a); // pause
 * ```
 */
export type VmAction = "start" | "pause" | "resume" | "kill";

/**
 * The API client.
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * import { serveApi } from "./server.ts";
 * import { ApiClient } from "./client.ts";
 * const m = new Machine({ sampleMs: 0 });
 * const server = await serveApi(m, { transport: "tcp", hostname: "127.0.0.1", port: 0 });
 * const api = new ApiClient(server.address);
 * const [id] = await api.create({ imageBase64: btoa("\xf4"), start: false });
 * console.log((await api.inspect(id!)).state); // created
 * api.close();
 * await server.shutdown();
 * await m.close();
 * ```
 */
export class ApiClient {
  /** The address it talks to. */
  readonly address: ApiAddress;
  readonly #base: string;
  readonly #client: Deno.HttpClient | undefined;

  /** A client of the API at `address`. */
  constructor(address: ApiAddress) {
    this.address = address;
    if (address.transport === "unix") {
      this.#client = Deno.createHttpClient({ proxy: { transport: "unix", path: address.path } });
      this.#base = "http://localhost";
    } else {
      this.#base = formatApiAddress(address);
    }
  }

  /** Releases the connection pool. */
  close(): void {
    this.#client?.close();
  }

  /** Kernel-wide figures. */
  kernel(): Promise<Overview> {
    return this.#json("GET", "/v1/kernel");
  }

  /** The load history. */
  async history(): Promise<Sample[]> {
    return (await this.#json<{ samples: Sample[] }>("GET", "/v1/history")).samples;
  }

  /** VM rows. */
  list(query: { limit?: number; after?: number; state?: string } = {}): Promise<
    { total: number; vms: VmRow[] }
  > {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) q.set(k, String(v));
    const s = q.toString();
    return this.#json("GET", `/v1/vms${s ? `?${s}` : ""}`);
  }

  /** Creates VMs; returns their ids. */
  async create(request: CreateRequest): Promise<number[]> {
    return (await this.#json<{ ids: number[] }>("POST", "/v1/vms", JSON.stringify(request))).ids;
  }

  /** One VM. */
  inspect(id: number): Promise<VmView> {
    return this.#json("GET", `/v1/vms/${id}`);
  }

  /** Starts, pauses, resumes or kills a VM; returns its state after. */
  action(id: number, action: VmAction): Promise<{ id: number; state: string }> {
    return this.#json("POST", `/v1/vms/${id}/${action}`);
  }

  /** Removes a stopped VM. */
  async remove(id: number): Promise<void> {
    await this.#json("DELETE", `/v1/vms/${id}`);
  }

  /** Waits until a VM stops. */
  wait(id: number): Promise<VmExit> {
    return this.#json("GET", `/v1/vms/${id}/wait`);
  }

  /** Types bytes into a VM's keyboard; returns how many it took (and ends input if `end`). */
  async keys(id: number, bytes: Uint8Array, end = false): Promise<{ accepted: number }> {
    return await this.#json("POST", `/v1/vms/${id}/keys${end ? "?end=1" : ""}`, bytes);
  }

  /** A VM's console output: what it retained, then (with `follow`) new output until it stops. */
  async console(id: number, follow: boolean): Promise<ReadableStream<Uint8Array>> {
    const r = await this.#fetch("GET", `/v1/vms/${id}/console${follow ? "?follow=1" : ""}`);
    if (!r.ok) throw await errorOf(r);
    return r.body ?? new ReadableStream({ start: (c) => c.close() });
  }

  async #json<T>(method: string, path: string, body?: string | Uint8Array): Promise<T> {
    const r = await this.#fetch(method, path, body);
    if (!r.ok) throw await errorOf(r);
    return await r.json() as T;
  }

  async #fetch(method: string, path: string, body?: string | Uint8Array): Promise<Response> {
    const init: RequestInit & { client?: Deno.HttpClient } = { method };
    if (body !== undefined) init.body = body as BodyInit;
    if (this.#client) init.client = this.#client;
    try {
      return await fetch(this.#base + path, init);
    } catch (e) {
      throw new ApiUnreachableError(formatApiAddress(this.address), reason(e));
    }
  }
}

function reason(e: unknown): string {
  const text = e instanceof Error ? `${e.message} ${String(e.cause ?? "")}` : String(e);
  if (/No such file|ENOENT|not found/i.test(text)) return "no such socket";
  if (/refused|ECONNREFUSED/i.test(text)) return "connection refused";
  if (/permission|EACCES|NotCapable|Requires/i.test(text)) return "permission denied";
  return text.split("\n")[0]!.trim();
}

async function errorOf(r: Response): Promise<ApiError> {
  let message = `Cannot complete request: HTTP ${r.status}`;
  try {
    const body = await r.json();
    if (body && typeof body.error === "string") message = body.error;
  } catch { /* not JSON */ }
  return new ApiError(r.status, message);
}
