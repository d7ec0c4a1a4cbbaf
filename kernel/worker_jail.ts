/**
 * The jail: a Worker that the Worker host starts with read access to the
 * guests' module roots only (and no other permission), and that starts every
 * Worker guest itself. It exists because Deno checks a Worker's module loading
 * (static and dynamic `import`, including `with { type: "text" | "json" }`)
 * against the permissions of the Worker's *parent*, not its own: a guest
 * started by the kernel with `permissions: "none"` could still import any
 * file the kernel may read, and remote code the kernel may import. Started by
 * the jail, a guest can load code only from the module roots.
 *
 * Each guest opens a MessageChannel and posts one end to the jail, which
 * hands it to the kernel, so batches and answers go directly between kernel
 * and guest; the jail only starts, watches and stops guests, and reports
 * their deaths:
 *
 * ```
 * kernel --{t:"spawn", id, main, name, heapMb}--> jail --new Worker(main)--> guest
 * kernel <--{t:"port", id, port}-- jail <--{t:"port", port}-- guest (first message, once)
 * kernel <--{t:"died", id, reason, detail}-- jail   (uncaught error, out of memory, exit)
 * kernel --{t:"kill", id}--> jail
 * ```
 *
 * A guest is a Web Worker with `deno: { permissions: "none" }`, or, when a
 * heap bound is asked for, a `node:worker_threads` Worker with
 * `resourceLimits` (Deno enforces heap limits only there; it inherits the
 * jail's permissions: read of the module roots, nothing else).
 *
 * @module
 */

/** What the jail keeps per guest. */
interface Guest {
  kill(): void;
}

interface SpawnMessage {
  t: "spawn";
  id: number;
  main: string;
  name: string;
  heapMb: number;
}

interface JailScope {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as JailScope;
const guests = new Map<number, Guest>();

scope.onmessage = (e: MessageEvent) => {
  const m = e.data as { t: string; id: number };
  if (m.t === "spawn") spawn(m as SpawnMessage);
  else if (m.t === "kill") {
    guests.get(m.id)?.kill();
    guests.delete(m.id);
  }
};

function died(id: number, reason: string, detail: string): void {
  if (!guests.has(id)) return;
  guests.get(id)!.kill();
  guests.delete(id);
  scope.postMessage({ t: "died", id, reason, detail: detail.slice(0, 500) });
}

/** node:worker_threads, loaded on the first bounded guest (its start-up is not free). */
let nodeWorkers: typeof import("node:worker_threads") | null = null;

async function spawn(m: SpawnMessage): Promise<void> {
  if (m.heapMb > 0 && nodeWorkers === null) nodeWorkers = await import("node:worker_threads");
  let ported = false;
  // The guest's first message is its port; anything after it is ignored.
  const onPort = (data: unknown) => {
    const port = (data as { t?: string; port?: unknown } | null)?.port;
    if (ported || !(port instanceof MessagePort)) return;
    ported = true;
    scope.postMessage({ t: "port", id: m.id, port }, [port]);
  };
  try {
    if (m.heapMb > 0) {
      const w = new nodeWorkers!.Worker(new URL(m.main), {
        name: m.name,
        resourceLimits: { maxOldGenerationSizeMb: m.heapMb },
      });
      let killed = false;
      guests.set(m.id, {
        kill: () => {
          killed = true;
          w.terminate();
        },
      });
      w.on("message", onPort);
      w.on("error", (err: Error & { code?: string }) => {
        if (err.code === "ERR_WORKER_OUT_OF_MEMORY") {
          died(m.id, "out-of-memory", `Worker heap over its limit of ${m.heapMb} MB`);
        } else died(m.id, "worker-exception", firstLine(err));
      });
      w.on("exit", (code: number) => {
        if (!killed) died(m.id, "worker-exit", `Worker exited by itself with code ${code}`);
      });
    } else {
      const w = new Worker(m.main, {
        type: "module",
        name: m.name,
        deno: { permissions: "none" },
      } as WorkerOptions);
      guests.set(m.id, { kill: () => w.terminate() });
      w.onmessage = (e: MessageEvent) => onPort(e.data);
      w.onerror = (ev: ErrorEvent) => {
        ev.preventDefault();
        died(m.id, "worker-exception", ev.message || "uncaught error");
      };
      w.onmessageerror = () =>
        died(m.id, "bad-message", "Worker posted a message that cannot be read");
    }
  } catch (e) {
    guests.set(m.id, { kill: () => {} });
    died(m.id, "worker-exception", `Cannot start Worker: ${firstLine(e)}`);
  }
}

function firstLine(e: unknown): string {
  const s = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return s.split("\n")[0]!;
}
