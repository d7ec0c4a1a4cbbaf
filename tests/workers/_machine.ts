/**
 * Helpers for the Worker guest tests: a machine (kernel on the deterministic
 * clock, timer, keyboard, disks, NIC with its switch, and a Worker host) and
 * the URLs of the test and example guests.
 *
 * @module
 */

import {
  DiskDevice,
  Kernel,
  type KernelOptions,
  KeyboardDevice,
  NicDevice,
  TimerDevice,
} from "../../mod.ts";
import { WorkerHost, type WorkerHostOptions } from "../../kernel/worker_host.ts";

/**
 * A test guest module (tests/workers/guests/NAME.ts).
 *
 * @example
 * ```ts
 * import { testGuest } from "./_machine.ts";
 * console.log(testGuest("ticker").pathname.endsWith("/guests/ticker.ts")); // true
 * ```
 */
export function testGuest(name: string): URL {
  return new URL(`./guests/${name}.ts`, import.meta.url);
}

/**
 * An example guest module (guests/examples/ts/NAME.ts).
 *
 * @example
 * ```ts
 * import { exampleGuest } from "./_machine.ts";
 * console.log(exampleGuest("web").pathname.endsWith("/examples/ts/web.ts")); // true
 * ```
 */
export function exampleGuest(name: string): URL {
  return new URL(`../../guests/examples/ts/${name}.ts`, import.meta.url);
}

/**
 * A kernel with every device and a Worker host.
 *
 * @example
 * ```ts
 * import type { Machine } from "./_machine.ts";
 * function vms(m: Machine): number { return m.kernel.stats().vms.total; }
 * ```
 */
export interface Machine {
  kernel: Kernel;
  workers: WorkerHost;
  nic: NicDevice;
  disks: DiskDevice;
  keyboard: KeyboardDevice;
  timer: TimerDevice;
  [Symbol.dispose](): void;
}

/**
 * Builds a machine; dispose of it (`using m = machine()`) to stop every Worker.
 *
 * @example
 * ```ts
 * import { machine } from "./_machine.ts";
 * using m = machine();
 * console.log(m.workers.ids()); // []
 * ```
 */
export function machine(
  options: { kernel?: KernelOptions; workers?: WorkerHostOptions } = {},
): Machine {
  const kernel = new Kernel({ clock: "deterministic", ...options.kernel });
  const nic = new NicDevice(), disks = new DiskDevice(), keyboard = new KeyboardDevice();
  const timer = new TimerDevice();
  for (const d of [nic, disks, keyboard, timer]) kernel.attach(d);
  // `deno test` type-checks each Worker's modules as it starts: on a cold cache that takes
  // seconds, so the first answer gets a generous budget here.
  const workers = new WorkerHost(kernel, { startBudgetMs: 60_000, ...options.workers });
  return {
    kernel,
    workers,
    nic,
    disks,
    keyboard,
    timer,
    [Symbol.dispose]: () => workers.close(),
  };
}
