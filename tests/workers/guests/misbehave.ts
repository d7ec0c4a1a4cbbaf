/**
 * Test guest: misbehaves as `config.mode` says, on its first batch (or, with
 * `config.after`, on that batch number), to check that the kernel faults it
 * and stays healthy:
 *
 * - "throw", "reject": the handler throws, or its promise rejects;
 * - "spin": the handler never returns;
 * - "spin-idle": answers (idle), then spins forever in a timer callback;
 * - "hog": the handler allocates without bound;
 * - "exit": calls Deno.exit (the lockdown makes it throw);
 * - "bad-next": returns a next step the protocol does not know;
 * - "huge": writes 16 MiB to the console (over the answer size limit);
 * - "bad-frame": sends a 10-byte frame (the NIC rejects it);
 * - "garbage", "wrong-seq", "twice", "extra-field", "unknown-op", "many-ops":
 *   bypasses the SDK and posts a malformed answer on its port.
 *
 * @module
 */

import { type Next, serve } from "../../../guests/sdk/mod.ts";

interface Config {
  mode: string;
  after?: number;
}

const proto = MessagePort.prototype as unknown as {
  postMessage(this: MessagePort, m: unknown, t?: Transferable[]): void;
};
const post = proto.postMessage;
let rewrite: ((m: Record<string, unknown>) => unknown[]) | null = null;
// Bypass the SDK: rewrite what the runtime posts, as a guest could.
proto.postMessage = function (this: MessagePort, m: unknown, t?: Transferable[]) {
  if (rewrite === null) return post.call(this, m, t);
  for (const x of rewrite(m as Record<string, unknown>)) post.call(this, x);
};

serve((batch, guest) => {
  const { mode, after = 1 } = guest.config as Config;
  if (batch.seq < after) return guest.yield();
  switch (mode) {
    case "throw":
      throw new Error("boom");
    case "reject":
      return Promise.reject(new RangeError("async boom"));
    case "spin":
      for (;;) { /* forever */ }
    case "hog": {
      const keep: number[][] = [];
      for (;;) keep.push(new Array(1 << 20).fill(keep.length));
    }
    case "spin-idle":
      setTimeout(() => {
        for (;;) { /* forever, between batches */ }
      }, 0);
      return guest.idle();
    case "exit":
      Deno.exit(7);
      break;
    case "bad-next":
      return { kind: "dance" } as unknown as Next;
    case "huge":
      guest.console.write(new Uint8Array(16 << 20));
      break;
    case "bad-frame":
      guest.nic.send(new Uint8Array(10));
      break;
    case "garbage":
      rewrite = () => ["not an answer"];
      break;
    case "wrong-seq":
      rewrite = (m) => [{ ...m, seq: 99 }];
      break;
    case "twice":
      rewrite = (m) => [m, m];
      break;
    case "extra-field":
      rewrite = (m) => [{ ...m, note: "x".repeat(100) }];
      break;
    case "unknown-op":
      rewrite = (m) => [{ ...m, ops: [{ op: "format-disk" }] }];
      break;
    case "many-ops":
      rewrite = (
        m,
      ) => [{
        ...m,
        ops: Array.from({ length: 5000 }, () => ({ op: "timer", mode: "cancel", micros: 0 })),
      }];
      break;
  }
  return guest.terminate(0);
});
