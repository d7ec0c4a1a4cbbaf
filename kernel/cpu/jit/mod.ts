/**
 * The second tier of the CPU: hot regions of guest code translated into
 * JavaScript functions, shared between VMs through a
 * {@linkcode TranslationCache}. See `translate.ts` for the design.
 *
 * @example
 * ```ts
 * import { TranslationCache } from "@denali/kernel/cpu";
 * import { Cpu } from "@denali/kernel/cpu";
 * import { AddressSpace, PhysicalMemory } from "@denali/kernel/memory";
 * const cache = new TranslationCache();
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * const cpu = new Cpu(mem, { jit: true, jitCache: cache });
 * console.log(cpu.jitStats.regions); // 0
 * ```
 *
 * @module
 */
export {
  type Translation,
  TranslationCache,
  type TranslationCacheOptions,
  type TranslationCacheStats,
} from "./cache.ts";
export { type JitSetting, jitSetting, translateRegion } from "./tier.ts";
export type { RegionCode, RegionLimits } from "./region.ts";
export type { Guard, RegionFn } from "./translate.ts";
