/**
 * Starts Worker guests through jails (kernel/worker_jail.ts): one jail per set
 * of module roots (the SDK's directory, the guest module's directory and any
 * extra roots the host allows), started with read access to those roots and
 * no other permission, so that what a guest's `import` may load is bounded by
 * the roots and not by the kernel's own permissions.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { dirname } from "node:path";

/** The jail's module. */
const JAIL_URL = new URL("./worker_jail.ts", import.meta.url);
/**
 * The first module of every guest (the SDK's bootstrap).
 *
 * @example
 * ```ts
 * import { BOOT_URL } from "./worker_jails.ts";
 * console.log(BOOT_URL.pathname.endsWith("/guests/sdk/_boot.ts")); // true
 * ```
 */
export const BOOT_URL: URL = new URL("../guests/sdk/_boot.ts", import.meta.url);
/** The SDK's runtime (the wrapper tells it when the guest's module has run). */
const RUNTIME_URL = new URL("../guests/sdk/_runtime.ts", import.meta.url);
/**
 * The SDK's directory, a module root of every guest.
 *
 * @example
 * ```ts
 * import { SDK_DIR } from "./worker_jails.ts";
 * console.log(SDK_DIR.endsWith("/guests/sdk")); // true
 * ```
 */
export const SDK_DIR: string = dirname(fileURLToPath(BOOT_URL));

/**
 * What a jail reports about a guest.
 *
 * @example
 * ```ts
 * import type { JailEvents } from "./worker_jails.ts";
 * const events: JailEvents = { port: (id) => console.log("up", id), died: () => {} };
 * ```
 */
export interface JailEvents {
  /** Guest `id` started; `port` is the kernel's end of its channel. */
  port(id: number, port: MessagePort): void;
  /** Guest `id` died by itself (uncaught error, out of memory, exit). */
  died(id: number, reason: string, detail: string): void;
}

/**
 * Options of {@linkcode JailPool.spawn}.
 *
 * @example
 * ```ts
 * import type { SpawnOptions } from "./worker_jails.ts";
 * const o: SpawnOptions = { module: new URL("file:///srv/echo.ts"), name: "vm1", heapMb: 0, roots: [] };
 * console.log(o.name);
 * ```
 */
export interface SpawnOptions {
  /** The guest module (a file: URL). */
  module: URL;
  /** The Worker's name. */
  name: string;
  /** Heap bound in MB (0: none, a Web Worker; > 0: a node:worker_threads Worker). */
  heapMb: number;
  /** Directories the guest may load code from besides the SDK's and its module's. */
  roots: readonly string[];
}

/**
 * The jails of one Worker host.
 *
 * @example
 * ```ts
 * import { JailPool } from "./worker_jails.ts";
 * const pool = new JailPool({ port: () => {}, died: () => {} });
 * console.log(pool.jails); // 0
 * pool.close();
 * ```
 */
export class JailPool {
  readonly #events: JailEvents;
  readonly #jails = new Map<string, Worker>();
  readonly #jailOf = new Map<number, Worker>();

  /** A pool reporting to `events`. */
  constructor(events: JailEvents) {
    this.#events = events;
  }

  /** Jails running. */
  get jails(): number {
    return this.#jails.size;
  }

  /** Starts guest `id`; its port (or its death) is reported to the events. */
  spawn(id: number, options: SpawnOptions): void {
    if (options.module.protocol !== "file:") {
      throw new TypeError(
        `Cannot start Worker guest: module ${options.module.href} is not a file: URL`,
      );
    }
    const roots = [...new Set([SDK_DIR, dirname(fileURLToPath(options.module)), ...options.roots])]
      .sort();
    const jail = this.#jail(roots);
    this.#jailOf.set(id, jail);
    jail.postMessage({
      t: "spawn",
      id,
      main: wrapper(options.module),
      name: options.name,
      heapMb: options.heapMb,
    });
  }

  /** Stops guest `id` (no effect if it is gone). */
  kill(id: number): void {
    const jail = this.#jailOf.get(id);
    if (jail === undefined) return;
    this.#jailOf.delete(id);
    jail.postMessage({ t: "kill", id });
  }

  /** Terminates every jail, and with them every guest. */
  close(): void {
    for (const jail of this.#jails.values()) jail.terminate();
    this.#jails.clear();
    this.#jailOf.clear();
  }

  #jail(roots: string[]): Worker {
    const key = roots.join("\n");
    let jail = this.#jails.get(key);
    if (jail !== undefined) return jail;
    jail = new Worker(JAIL_URL, {
      type: "module",
      name: "denali-jail",
      deno: {
        permissions: {
          read: roots,
          write: false,
          net: false,
          env: false,
          run: false,
          ffi: false,
          sys: false,
          import: false,
        },
      },
    } as WorkerOptions);
    const events = this.#events;
    jail.onmessage = (e: MessageEvent) => {
      const m = e.data as { t: string; id: number; port?: MessagePort; reason?: string };
      if (m.t === "port") events.port(m.id, m.port!);
      else if (m.t === "died") {
        this.#jailOf.delete(m.id);
        events.died(m.id, m.reason!, String((m as { detail?: string }).detail));
      }
    };
    jail.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      for (const [id, j] of [...this.#jailOf]) {
        if (j !== jail) continue;
        this.#jailOf.delete(id);
        events.died(id, "worker-exception", `Cannot run Worker: its jail failed: ${e.message}`);
      }
      jail!.terminate();
      this.#jails.delete(key);
    };
    this.#jails.set(key, jail);
    return jail;
  }
}

/**
 * The guest's main module, as a data: URL: the bootstrap, then the guest's
 * module, then `runtime.loaded()` (see guests/sdk/_boot.ts).
 *
 * @example
 * ```ts
 * import { wrapper } from "./worker_jails.ts";
 * console.log(wrapper(new URL("file:///srv/echo.ts")).startsWith("data:")); // true
 * ```
 */
export function wrapper(module: URL): string {
  const src = `import ${JSON.stringify(BOOT_URL.href)};\n` +
    `import ${JSON.stringify(module.href)};\n` +
    `import { runtime } from ${JSON.stringify(RUNTIME_URL.href)};\n` +
    "runtime.loaded();\n";
  return `data:application/javascript,${encodeURIComponent(src)}`;
}
