/**
 * Typing stdin into a VM's keyboard: in-process (`run --attach`, straight to
 * the keyboard device) or over the API (`attach ID`). Input goes no faster
 * than the guest reads it (nothing is dropped); end of file ends the VM's
 * input; on a terminal, keys go through as typed (cbreak mode).
 *
 * @module
 */

import type { Machine } from "../api/machine.ts";

/**
 * Types stdin into VM `id`'s keyboard until end of file (then ends its
 * input), never faster than the guest reads. `stopped` aborts when the VM
 * stops; `detach` restores the terminal.
 *
 * @example
 * ```ts
 * import { attachStdin } from "./attach.ts";
 * console.log(typeof attachStdin); // function
 * ```
 */
export function attachStdin(
  machine: Machine,
  id: number,
): { stopped: AbortSignal; detach: () => void } {
  const keyboard = machine.keyboard;
  return pumpStdin(
    machine.kernel.wait(id).then(() => {}),
    (chunk) => Promise.resolve(keyboard.type(id, chunk.subarray(0, keyboard.room(id)))),
    () => Promise.resolve(keyboard.end(id)),
  );
}

/**
 * Pumps stdin through `type` (which returns how many bytes it took) until end
 * of file, then calls `end`; stops when `finished` settles.
 *
 * @example
 * ```ts
 * import { pumpStdin } from "./attach.ts";
 * console.log(typeof pumpStdin); // function
 * ```
 */
export function pumpStdin(
  finished: Promise<void>,
  type: (chunk: Uint8Array) => Promise<number>,
  end: () => Promise<void>,
): { stopped: AbortSignal; detach: () => void } {
  const stopped = new AbortController();
  finished.then(() => stopped.abort(), () => stopped.abort());
  const raw = Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true, { cbreak: true });
  (async () => {
    for await (let chunk of Deno.stdin.readable) {
      while (chunk.length > 0) {
        if (stopped.signal.aborted) return;
        const n = await type(chunk);
        chunk = chunk.subarray(n);
        if (chunk.length > 0) await new Promise((r) => setTimeout(r, 2));
      }
    }
    if (!stopped.signal.aborted) await end();
  })().catch(() => end().catch(() => {}));
  return {
    stopped: stopped.signal,
    detach: () => {
      if (raw) Deno.stdin.setRaw(false);
    },
  };
}
