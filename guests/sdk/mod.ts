/**
 * The SDK for Worker guests: TypeScript services that run in their own Deno
 * Worker with no permissions and reach the world only through the kernel's
 * virtual devices, with the same concepts as the x86 ABI (kernel/ISA.md,
 * "Worker guests").
 *
 * A guest is a module that calls {@linkcode serve} with a handler. The kernel
 * calls the handler once per quantum with a {@linkcode Batch} of everything
 * that happened since the last one (interrupt lines, frames received, disk
 * completions, keys, the timer, the clock); the handler queues device
 * operations on the {@linkcode Guest} (NIC sends, disk reads, writes and
 * flushes, console writes, timer) and returns what the VM does next:
 * `guest.idle(timeout?)` (the default), `guest.yield()` or
 * `guest.terminate(code)`. Operations are performed in order when the handler
 * returns; their results arrive in later batches (send statuses, disk
 * completions), never by blocking, so the handler must not wait on the kernel
 * within one batch.
 *
 * @example An echo service: every frame goes back to its sender.
 * ```ts ignore
 * import { serve } from "./mod.ts";
 * serve((batch, guest) => {
 *   for (const f of batch.frames) {
 *     const reply = f.slice();
 *     reply.set(f.subarray(6, 12), 0); // destination := source
 *     reply.set(guest.mac, 6); // source := own MAC
 *     guest.nic.send(reply);
 *   }
 *   return guest.idle(); // until the next frame
 * });
 * ```
 *
 * @example A ticker: prints the kernel's time five times, 1 ms apart, then exits.
 * ```ts ignore
 * import { serve } from "./mod.ts";
 * let n = 0;
 * serve((batch, guest) => {
 *   guest.console.write(`t=${batch.time} us\n`);
 *   return ++n < 5 ? guest.idle(1000) : guest.terminate(0);
 * });
 * ```
 *
 * @module
 */

import { type Handler, runtime } from "./_runtime.ts";

export type { Batch, DiskCompletion, Guest, Handler, Next } from "./_runtime.ts";
export { Line } from "./protocol.ts";

/**
 * Serves the kernel's batches with `handler` for the rest of the guest's life.
 * Call it once, from the guest module's top level. A handler that throws (or
 * whose promise rejects) stops the VM with a "worker-exception" fault.
 *
 * @example
 * ```ts ignore
 * import { serve } from "./mod.ts";
 * serve((_batch, guest) => {
 *   guest.console.write(`hello from VM ${guest.vmId}\n`);
 *   return guest.terminate(0);
 * });
 * ```
 */
export function serve(handler: Handler): void {
  runtime.serve(handler);
}

/**
 * Disk request statuses (as in the disk ABI).
 *
 * @example
 * ```ts
 * import { DiskStatus } from "./mod.ts";
 * console.log(DiskStatus.OUT_OF_RANGE); // 3
 * ```
 */
export const DiskStatus = {
  /** Done. */
  OK: 0,
  /** Not a read, write or flush. */
  BAD_OP: 1,
  /** The VM has no such disk. */
  BAD_DISK: 2,
  /** The blocks run past the end of the disk, or the count is not 1-256. */
  OUT_OF_RANGE: 3,
  /** A write to a read-only disk. */
  READ_ONLY: 4,
  /** The host failed. */
  IO_ERROR: 5,
  /** Too many requests in flight; nothing was done. */
  BUSY: 6,
} as const;

/**
 * Bytes in a disk block.
 *
 * @example
 * ```ts
 * import { BLOCK_SIZE } from "./mod.ts";
 * console.log(new Uint8Array(2 * BLOCK_SIZE).length); // 8192: two blocks for disk.write
 * ```
 */
export const BLOCK_SIZE = 4096;

/**
 * Formats a MAC address as `xx:xx:xx:xx:xx:xx`.
 *
 * @example
 * ```ts
 * import { formatMac } from "./mod.ts";
 * console.log(formatMac(new Uint8Array([2, 0, 0, 0, 0, 7]))); // 02:00:00:00:00:07
 * ```
 */
export function formatMac(mac: Uint8Array): string {
  return Array.from(mac.subarray(0, 6), (b) => b.toString(16).padStart(2, "0")).join(":");
}
