/**
 * Fans the kernel's console output out to whoever follows it: the CLI's
 * terminal, and any number of API clients streaming one VM's console. The
 * kernel flushes each VM's new output at the end of its quantum into one
 * sink; the hub copies it to the followers of that VM (and to followers of
 * every VM), so a slow reader never holds the kernel up (a stream buffers,
 * and drops a follower that falls more than `maxBuffered` bytes behind).
 *
 * @module
 */

/**
 * Receives console bytes of VM `vmId` (the bytes are the caller's: copy to keep them).
 *
 * @example
 * ```ts
 * import type { ConsoleListener } from "./console_hub.ts";
 * const print: ConsoleListener = (id, bytes) => console.log(id, bytes.length);
 * print(1, new Uint8Array(3)); // 1 3
 * ```
 */
export type ConsoleListener = (vmId: number, bytes: Uint8Array) => void;

/**
 * The console fan-out.
 *
 * @example
 * ```ts
 * import { ConsoleHub } from "./console_hub.ts";
 * const hub = new ConsoleHub();
 * const seen: string[] = [];
 * const off = hub.follow(1, (id, b) => seen.push(`${id}:${new TextDecoder().decode(b)}`));
 * hub.sink(1, new TextEncoder().encode("hi"));
 * hub.sink(2, new TextEncoder().encode("no"));
 * off();
 * hub.sink(1, new TextEncoder().encode("gone"));
 * console.log(seen); // [ "1:hi" ]
 * ```
 */
export class ConsoleHub {
  readonly #byVm = new Map<number, Set<ConsoleListener>>();
  readonly #all = new Set<ConsoleListener>();

  /** The kernel's console sink: pass it as `onConsole` or set it as `kernel.console.sink`. */
  readonly sink = (vmId: number, bytes: Uint8Array): void => {
    for (const l of this.#all) l(vmId, bytes);
    const set = this.#byVm.get(vmId);
    if (set) { for (const l of set) l(vmId, bytes); }
  };

  /** Calls `listener` with VM `vmId`'s output (every VM's if `vmId` is "all"); returns `unfollow`. */
  follow(vmId: number | "all", listener: ConsoleListener): () => void {
    if (vmId === "all") {
      this.#all.add(listener);
      return () => this.#all.delete(listener);
    }
    let set = this.#byVm.get(vmId);
    if (!set) this.#byVm.set(vmId, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#byVm.get(vmId) === set) this.#byVm.delete(vmId);
    };
  }

  /** Followers now (of one VM, or in total). */
  followers(vmId?: number): number {
    if (vmId !== undefined) return this.#byVm.get(vmId)?.size ?? 0;
    let n = this.#all.size;
    for (const s of this.#byVm.values()) n += s.size;
    return n;
  }
}
