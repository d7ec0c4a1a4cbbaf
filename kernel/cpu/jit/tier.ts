/**
 * What the CPU's run loop uses of the translator: building a translation for
 * a hot block, and the switch that callers read from their environment
 * (`DENALI_JIT`), so the CPU itself stays free of I/O.
 *
 * @module
 */

import type { AddressSpace } from "../../memory/address_space.ts";
import type { Translation } from "./cache.ts";
import { formRegion, regionCode, type RegionLimits, type SourceBlock } from "./region.ts";
import { compile, generate } from "./translate.ts";

/**
 * Forms the region rooted at `entry` from the CPU's decoded blocks and
 * compiles it; null when the entry cannot be translated.
 *
 * @example
 * ```ts
 * import { translateRegion } from "./tier.ts";
 * import { decode } from "../decoder.ts";
 * import { AddressSpace, PhysicalMemory } from "../../memory/mod.ts";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x10000);
 * mem.allocate(0x1000, 0x1000, true);
 * mem.writeBytes(0x1000, new Uint8Array([0xeb, 0xfe])); // l: jmp l
 * const b = { start: 0x1000, insns: [decode(mem, 0x1000)], valid: true };
 * console.log(translateRegion(mem, b, () => b)?.insns); // 1
 * ```
 */
export function translateRegion(
  mem: AddressSpace,
  entry: SourceBlock,
  lookup: (addr: number) => SourceBlock | undefined,
  limits: RegionLimits = {},
): Translation | null {
  const peek32 = (a: number): number | null => {
    const b = mem.readBytes(a, 4);
    return b === null ? null : b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
  };
  const region = formRegion(entry, lookup, limits, peek32);
  if (region === null) return null;
  const gen = generate(region);
  return {
    entry: entry.start,
    fn: compile(gen),
    entryLen: gen.entryLen,
    starts: gen.starts,
    lens: gen.lens,
    code: regionCode(mem, region),
    size: gen.source.length,
    insns: gen.insns.length,
    blocks: region.length,
    fallbacks: gen.fallbacks,
  };
}

/** The translation options a setting asks for. */
export interface JitSetting {
  /** Translate hot code. */
  jit: boolean;
  /** Block executions before translation. */
  jitThreshold?: number;
}

/**
 * Reads a `DENALI_JIT` value: "0"/"off" turns the tier off, "1"/"on" on,
 * "eager" on with translation at a block's first execution (for tests);
 * unset or empty gives `fallback`.
 *
 * @example
 * ```ts
 * import { jitSetting } from "./tier.ts";
 * console.log(jitSetting("eager")); // { jit: true, jitThreshold: 0 }
 * ```
 */
export function jitSetting(
  value: string | undefined,
  fallback: JitSetting = { jit: true },
): JitSetting {
  switch ((value ?? "").trim().toLowerCase()) {
    case "":
      return fallback;
    case "0":
    case "off":
    case "false":
      return { jit: false };
    case "1":
    case "on":
    case "true":
      return { jit: true };
    case "eager":
      return { jit: true, jitThreshold: 0 };
    default:
      throw new RangeError(`Cannot read DENALI_JIT: "${value}" is not 0, 1 or eager`);
  }
}
