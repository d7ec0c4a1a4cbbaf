/**
 * The part of interrupt delivery that works on one VM's memory and CPU and
 * needs no kernel state: counting the lines of a batch, and the upcall that
 * enters the VM's handler, on the VM's own stack or on the handler stack
 * named in its virtual registers page. The core (core.ts) decides when a
 * batch is delivered and faults the VM when an upcall fails.
 *
 * @module
 */

import { demandZero, writeGuest } from "./guest_memory.ts";
import { type AddressSpace, OutOfMemoryError, PAGE_SHIFT } from "./memory/mod.ts";
import type { KernelCpu } from "./core_types.ts";

const ESP = 4;

/**
 * Why an upcall failed: the VM stops with a fault of this reason and detail.
 *
 * @example
 * ```ts
 * import type { UpcallFailure } from "./_interrupts.ts";
 * const f: UpcallFailure = { reason: "upcall-failed", detail: "handler stack 0x0 is not writable" };
 * console.log(f.reason); // upcall-failed
 * ```
 */
export interface UpcallFailure {
  /** The fault's reason ("upcall-failed" or "out-of-memory"). */
  reason: string;
  /** A human-readable detail. */
  detail: string;
}

/**
 * The number of lines (set bits) in a batch of pending interrupts.
 *
 * @example
 * ```ts
 * import { popcount } from "./_interrupts.ts";
 * console.log(popcount(0b1011), popcount(-1)); // 3 32
 * ```
 */
export function popcount(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Enters the interrupt handler at `handler`. With `stack` 0 the CPU pushes
 * its upcall frame on the VM's own stack (demand-zero pages it lands on are
 * mapped); otherwise the frame (SS, ESP, EFLAGS, CS=1, EIP) goes below
 * `stack`, ESP points at it and virtual interrupts are disabled. Returns null,
 * or why the VM must fault (CPU state is left as the failed push left it).
 *
 * @example
 * ```ts
 * import { Cpu } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * import { upcall } from "./_interrupts.ts";
 * const space = new AddressSpace(new PhysicalMemory(), 0x10000);
 * space.allocate(0x2000, 0x1000, true);
 * const cpu = new Cpu(space);
 * cpu.eip = 0x2000;
 * cpu.vif = true;
 * console.log(upcall(space, cpu, 0x2100, 0x3000), cpu.eip.toString(16), cpu.vif); // null 2100 false
 * ```
 */
export function upcall(
  space: AddressSpace,
  cpu: KernelCpu,
  handler: number,
  stack: number,
): UpcallFailure | null {
  if (stack === 0) {
    // Map the stack pages the frame lands on, then let the CPU push it.
    const esp = cpu.regs[ESP]! >>> 0;
    for (let tries = 0; tries < 3; tries++) {
      if (cpu.upcall(handler)) return null;
      if (cpu.exit.fault !== "page-fault") break;
      try {
        if (!demandZero(space, (cpu.exit.faultAddress >>> 0) >>> PAGE_SHIFT)) break;
      } catch (err) {
        if (!(err instanceof OutOfMemoryError)) throw err;
        return { reason: "out-of-memory", detail: err.message };
      }
    }
    return {
      reason: "upcall-failed",
      detail: `cannot push the interrupt frame below ESP 0x${esp.toString(16)}`,
    };
  }
  // Stack switch: the frame is SS, ESP, EFLAGS, CS=1, EIP on the handler stack.
  const frame = new Uint8Array(20);
  const v = new DataView(frame.buffer);
  v.setInt32(0, cpu.eip, true);
  v.setInt32(4, 1, true);
  v.setInt32(8, cpu.eflags, true);
  v.setInt32(12, cpu.regs[ESP]!, true);
  v.setInt32(16, 0, true);
  let ok = false;
  try {
    ok = writeGuest(space, (stack - 20) >>> 0, frame);
  } catch (e) {
    if (!(e instanceof OutOfMemoryError)) throw e;
  }
  if (!ok) {
    return {
      reason: "upcall-failed",
      detail: `handler stack 0x${stack.toString(16)} is not writable memory`,
    };
  }
  cpu.regs[ESP] = (stack - 20) | 0;
  cpu.vif = false;
  cpu.eip = handler;
  return null;
}
