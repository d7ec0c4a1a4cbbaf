/**
 * A VM's console as an HTTP response body: the output the kernel retained,
 * then (when following) every new byte as the kernel flushes it, until the
 * VM stops. Two encodings: raw bytes (chunked, for `curl -N`) and
 * Server-Sent Events (for browsers: one `output` event per flush with the
 * text as a JSON string, then one `exit` event). A follower that falls more
 * than `maxBuffered` bytes behind is cut off with a note, so a stalled
 * reader cannot make the kernel hold memory.
 *
 * @module
 */

import type { Machine } from "./machine.ts";

/**
 * How a console stream is encoded.
 *
 * @example
 * ```ts
 * import type { ConsoleEncoding } from "./console_stream.ts";
 * const e: ConsoleEncoding = "sse";
 * console.log(e); // sse
 * ```
 */
export type ConsoleEncoding = "raw" | "sse";

/**
 * Options of {@linkcode consoleStream}.
 *
 * @example
 * ```ts
 * import type { ConsoleStreamOptions } from "./console_stream.ts";
 * const o: ConsoleStreamOptions = { encoding: "raw", follow: false };
 * console.log(o.follow); // false
 * ```
 */
export interface ConsoleStreamOptions {
  /** "raw" bytes or "sse" events. */
  encoding: ConsoleEncoding;
  /** Keep streaming new output until the VM stops (default true). */
  follow?: boolean;
  /** Bytes a follower may fall behind before it is cut off (default 1 MiB). */
  maxBuffered?: number;
  /** Ends the stream early (the server is shutting down). */
  signal?: AbortSignal;
}

const enc = new TextEncoder();

/**
 * The body of a console response for VM `id` (which must exist).
 *
 * @example
 * ```ts
 * import { Machine } from "./machine.ts";
 * import { consoleStream } from "./console_stream.ts";
 * const m = new Machine({ sampleMs: 0 });
 * // mov al, 'A' ; out 0x100... : mov dx,0x100 ; mov al,0x41 ; out dx,al ; xor eax,eax ; vmcall
 * const code = [0x66, 0xba, 0, 1, 0xb0, 0x41, 0xee, 0x31, 0xc0, 0x0f, 0x01, 0xc1];
 * const [id] = await m.create({ imageBase64: btoa(String.fromCharCode(...code)) });
 * const body = consoleStream(m, id!, { encoding: "raw" });
 * await m.run();
 * console.log(await new Response(body).text()); // A
 * await m.close();
 * ```
 */
export function consoleStream(
  machine: Machine,
  id: number,
  options: ConsoleStreamOptions,
): ReadableStream<Uint8Array> {
  const kernel = machine.kernel;
  const sse = options.encoding === "sse";
  const follow = options.follow ?? true;
  const maxBuffered = options.maxBuffered ?? 1 << 20;
  const frame = (bytes: Uint8Array): Uint8Array =>
    sse
      ? enc.encode(`event: output\ndata: ${JSON.stringify(new TextDecoder().decode(bytes))}\n\n`)
      : bytes.slice();
  let unfollow = () => {};
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const close = (last?: Uint8Array) => {
        if (!open) return;
        open = false;
        unfollow();
        if (last) controller.enqueue(last);
        controller.close();
      };
      const retained = kernel.consoleOutput(id);
      if (retained.length > 0) controller.enqueue(frame(retained));
      const state = kernel.inspect(id).state;
      const stopped = state === "exited" || state === "faulted" || state === "killed";
      if (!follow || stopped) {
        close(sse ? exitEvent(machine, id) : undefined);
        return;
      }
      unfollow = machine.consoles.follow(id, (_vm, bytes) => {
        if (!open) return;
        controller.enqueue(frame(bytes));
        if ((controller.desiredSize ?? 0) < -maxBuffered) {
          const note = "\n[denali: console reader fell behind; stream closed]\n";
          close(sse ? enc.encode(`event: dropped\ndata: ${JSON.stringify(note)}\n\n`) : undefined);
        }
      });
      kernel.wait(id).then(
        () => close(sse ? exitEvent(machine, id) : undefined),
        () => close(),
      );
      const signal = options.signal;
      if (signal?.aborted) return close();
      const onAbort = () => close();
      signal?.addEventListener("abort", onAbort, { once: true });
      const unfollowConsole = unfollow;
      unfollow = () => {
        unfollowConsole();
        signal?.removeEventListener("abort", onAbort);
      };
    },
    cancel() {
      unfollow();
    },
  }, new ByteLengthQueuingStrategy({ highWaterMark: 0 }));
}

function exitEvent(machine: Machine, id: number): Uint8Array {
  let data: unknown = null;
  try {
    const v = machine.kernel.inspect(id);
    data = { id, state: v.state, exitCode: v.exitCode ?? null, fault: v.fault ?? null };
  } catch { /* removed meanwhile */ }
  return enc.encode(`event: exit\ndata: ${JSON.stringify(data)}\n\n`);
}
