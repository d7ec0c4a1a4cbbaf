/**
 * The one import of the host's "let the event loop run" primitive. The
 * kernel's run loop awaits it between slices. `setImmediate` runs after
 * pending timers and I/O callbacks (measured: a 1 ms interval fires on every
 * yield) and costs about a microsecond; `setTimeout(0)` is clamped to a few
 * milliseconds and a MessageChannel yield starves timers.
 *
 * @module
 */

import { setImmediate } from "node:timers";

/** Resolves after the event loop has run its pending timers and I/O callbacks. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
