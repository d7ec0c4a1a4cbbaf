/**
 * The {@linkcode DeviceHost} a kernel hands to its devices: the only way a
 * device reaches the kernel. Every call names a VM by slot and is checked
 * against the table (a slot that holds no live VM reads as nothing and
 * writes nowhere), so a device cannot touch a stopped VM's memory or another
 * kernel's state. Calls that may make a VM ready also wake the run loop.
 *
 * @module
 */

import type { DeviceHost } from "../devices/device.ts";
import type { KernelCore } from "./core.ts";
import { readGuest, writeGuest } from "./guest_memory.ts";
import { isFinalState } from "./vm_state.ts";

/**
 * The device host over `core`; `poke` wakes the kernel's sleeping run loop.
 *
 * @example
 * ```ts
 * import { Kernel, TimerDevice } from "@denali/kernel";
 * // The Kernel binds every attached device to the host built here.
 * const k = new Kernel();
 * k.attach(new TimerDevice());
 * console.log(k.stats().timers); // 0
 * ```
 */
export function deviceHost(core: KernelCore, poke: () => void): DeviceHost {
  const t = core.table, clock = core.config.clock, phys = core.config.phys;
  const live = (slot: number) =>
    slot >= 0 && slot < t.capacity && t.spaces[slot] != null && !isFinalState(t.state[slot]!);
  return {
    now: () => clock.now(),
    ticksPerMicro: clock.ticksPerMicro,
    raise: (slot, line) => {
      if (!live(slot)) return false;
      const ok = core.raise(slot, line);
      poke();
      return ok;
    },
    deadlineChanged: () => {
      core.devices.refresh();
      poke();
    },
    vmId: (slot) => live(slot) ? t.id[slot]! : -1,
    slotOf: (id) => {
      const slot = t.slotOf(id);
      return live(slot) ? slot : -1;
    },
    readGuest: (slot, addr, length) => live(slot) ? readGuest(t.spaces[slot]!, addr, length) : null,
    writeGuest: (slot, addr, bytes) =>
      live(slot) ? writeGuest(t.spaces[slot]!, addr, bytes) : false,
    setVreg: (slot, offset, value) => {
      if (!live(slot) || offset < 0x30 || offset > 0xffc || (offset & 3)) return;
      phys.i32[t.vregs[slot]! + (offset >>> 2)] = value;
    },
  };
}
