/**
 * Guest memory: physical frames in a SharedArrayBuffer and per-VM paged
 * address spaces with checked accessors.
 *
 * @example
 * ```ts
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const as = new AddressSpace(new PhysicalMemory(), 64 * 1024);
 * as.allocate(0x1000, 0x1000, true);
 * as.write8(0x1000, 7);
 * ```
 *
 * @module
 */
export * from "./physical.ts";
export * from "./address_space.ts";
