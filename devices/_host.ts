/**
 * What the device back-ends share for calls from the host side (a test, the
 * CLI, the control API) that name a VM by id: the kernel they are attached
 * to, and the slot of a live VM, each with its one-line error.
 *
 * @module
 */

import type { DeviceHost } from "./device.ts";

/**
 * `host`, or an Error "Cannot use DEVICE: it is not attached to a kernel".
 *
 * @example
 * ```ts
 * import { attached } from "./_host.ts";
 * try {
 *   attached(null, "keyboard");
 * } catch (e) {
 *   console.log((e as Error).message); // Cannot use keyboard: it is not attached to a kernel
 * }
 * ```
 */
export function attached(host: DeviceHost | null, device: string): DeviceHost {
  if (host === null) throw new Error(`Cannot use ${device}: it is not attached to a kernel`);
  return host;
}

/**
 * The slot of live VM `vmId`, or a RangeError "Cannot ACTION VM ID: no such
 * live VM".
 *
 * @example
 * ```ts
 * import { liveSlot } from "./_host.ts";
 * import type { DeviceHost } from "./device.ts";
 * const host = { slotOf: (id: number) => id === 7 ? 0 : -1 } as unknown as DeviceHost;
 * console.log(liveSlot(host, "type to", 7)); // 0
 * ```
 */
export function liveSlot(host: DeviceHost, action: string, vmId: number): number {
  const slot = host.slotOf(vmId);
  if (slot < 0) throw new RangeError(`Cannot ${action} VM ${vmId}: no such live VM`);
  return slot;
}
