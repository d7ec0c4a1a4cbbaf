/**
 * Argument parsing for every CLI command, behind one import of `node:util`'s
 * `parseArgs` (switching to `@std/cli` later is a change to this file only),
 * and the value parsers that turn a bad flag into a one-line
 * {@linkcode UsageError}.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { MAX_QUANTUM } from "../kernel/params.ts";

/**
 * A mistake on the command line (bad flag, missing or unreadable file, bad
 * value): the CLI prints its one-line message and exits with status 2.
 *
 * @example
 * ```ts
 * import { UsageError } from "./args.ts";
 * console.log(new UsageError("Cannot parse --vms: \"x\" is not an integer >= 1").message);
 * ```
 */
export class UsageError extends Error {
  /** Builds the error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * A flag of a command: a string value or a boolean switch.
 *
 * @example
 * ```ts
 * import type { FlagSpec } from "./args.ts";
 * const vms: FlagSpec = { type: "string" };
 * console.log(vms.type); // string
 * ```
 */
export type FlagSpec = { type: "string" | "boolean"; short?: string };

/**
 * Parsed flags: strings for string flags, booleans for switches.
 *
 * @example
 * ```ts
 * import { type FlagValues, parseFlags } from "./args.ts";
 * const v: FlagValues = parseFlags(["--json"], { json: { type: "boolean" } }).values;
 * console.log(v.json); // true
 * ```
 */
export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Parses `args` against `flags` (plus `-h/--help`), strictly: an unknown flag
 * or a missing value is a {@linkcode UsageError}.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./args.ts";
 * const { values, positionals } = parseFlags(["a.bin", "--vms", "3"], { vms: { type: "string" } });
 * console.log(values.vms, positionals); // 3 [ "a.bin" ]
 * ```
 */
export function parseFlags(
  args: string[],
  flags: Record<string, FlagSpec>,
): { values: FlagValues; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { ...flags, help: { type: "boolean", short: "h" } },
    });
    return { values: parsed.values as FlagValues, positionals: parsed.positionals };
  } catch (e) {
    const why = (e as Error).message.split("\n")[0]!.split(". To specify")[0];
    throw new UsageError(`Cannot parse arguments: ${why}`);
  }
}

/**
 * Parses a size: bytes, or with K, M or G (powers of 1024).
 *
 * @example
 * ```ts
 * import { parseSize } from "./args.ts";
 * console.log(parseSize("--mem", "64K")); // 65536
 * ```
 */
export function parseSize(flag: string, text: string): number {
  const m = /^(0x[0-9a-f]+|\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not a size like 65536, 64K or 1M`);
  }
  const unit = (m[2] ?? "").toLowerCase()[0];
  const scale = unit === "k" ? 1024 : unit === "m" ? 1 << 20 : unit === "g" ? 1 << 30 : 1;
  return Number(m[1]) * scale;
}

/**
 * Parses an integer (decimal or 0x hex) in `min..max`.
 *
 * @example
 * ```ts
 * import { parseCount } from "./args.ts";
 * console.log(parseCount("--vms", "0x10", 1)); // 16
 * ```
 */
export function parseCount(flag: string, text: string, min: number, max = Infinity): number {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not an integer ${range}`);
  }
  return n;
}

/**
 * Checks that `text` is one of `allowed`.
 *
 * @example
 * ```ts
 * import { oneOf } from "./args.ts";
 * console.log(oneOf("--clock", "real", ["deterministic", "real"] as const)); // real
 * ```
 */
export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not one of ${allowed.join(", ")}`);
  }
  return text as T;
}

/**
 * A path the user typed, made absolute against the directory they typed it
 * in: `deno task` runs commands in the project's directory and passes the
 * caller's directory as $INIT_CWD. Paths are left as they are without it.
 *
 * @example
 * ```ts
 * import { userPath } from "./args.ts";
 * console.log(userPath("/abs/guest.elf")); // /abs/guest.elf
 * ```
 */
export function userPath(path: string): string {
  if (path.startsWith("/") || path === "") return path;
  let base: string | undefined;
  try {
    base = Deno.env.get("INIT_CWD");
  } catch {
    base = undefined; // no --allow-env: the process's own directory
  }
  return base ? `${base.replace(/\/+$/, "")}/${path}` : path;
}

/**
 * The string value of flag `name`, or undefined.
 *
 * @example
 * ```ts
 * import { str } from "./args.ts";
 * console.log(str({ api: "7070", json: true }, "api"), str({ json: true }, "json")); // 7070 undefined
 * ```
 */
export function str(values: FlagValues, name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * Flags that configure a kernel, shared by `run` and `serve`.
 *
 * @example
 * ```ts
 * import { KERNEL_FLAGS } from "./args.ts";
 * console.log(Object.keys(KERNEL_FLAGS)); // [ "clock", "quantum", "interrupts", "jit", "switch-cost" ]
 * ```
 */
export const KERNEL_FLAGS: Record<string, FlagSpec> = {
  clock: { type: "string" },
  quantum: { type: "string" },
  interrupts: { type: "string" },
  jit: { type: "string" },
  "switch-cost": { type: "string" },
};

/**
 * Help text of {@linkcode KERNEL_FLAGS}.
 *
 * @example
 * ```ts
 * import { KERNEL_FLAGS_HELP } from "./args.ts";
 * console.log(KERNEL_FLAGS_HELP.includes("--quantum")); // true
 * ```
 */
export const KERNEL_FLAGS_HELP =
  `  --clock KIND            deterministic (default for run): virtual time that advances with
                          instructions and skips idle time, so runs reproduce exactly;
                          real (default for serve): wall-clock time, idle time is slept through
  --quantum N             instructions a VM runs before the next VM's turn (default 10000)
  --interrupts MODE       batched (default): pending interrupts are delivered together at
                          the VM's next quantum; immediate: switch to the VM at once
  --jit MODE              the CPU's translation tier: on (default), off (interpreter only),
                          eager (translate code the first time it runs)
  --switch-cost US        kernel time charged per switch between VMs, microseconds
                          (default 0; Denali's switches took 1.4-9 us)`;

/**
 * Kernel settings from the command line.
 *
 * @example
 * ```ts
 * import type { KernelFlags } from "./args.ts";
 * const k: KernelFlags = {
 *   clock: "real",
 *   quantum: 1000,
 *   interrupts: "batched",
 *   jit: "on",
 *   switchCostMicros: 0,
 * };
 * console.log(k.quantum); // 1000
 * ```
 */
export interface KernelFlags {
  /** Which clock. */
  clock: "deterministic" | "real";
  /** Instructions per quantum. */
  quantum: number;
  /** Interrupt delivery. */
  interrupts: "batched" | "immediate";
  /** The CPU's translation tier. */
  jit: "on" | "off" | "eager";
  /** Kernel time charged per context switch, microseconds. */
  switchCostMicros: number;
}

/**
 * Reads {@linkcode KERNEL_FLAGS} from parsed values.
 *
 * @example
 * ```ts
 * import { kernelFlags } from "./args.ts";
 * console.log(kernelFlags({ quantum: "500" }, "real").quantum); // 500
 * ```
 */
export function kernelFlags(
  values: FlagValues,
  defaultClock: "deterministic" | "real",
): KernelFlags {
  const quantum = str(values, "quantum");
  const cost = str(values, "switch-cost");
  const switchCostMicros = cost === undefined ? 0 : Number(cost);
  if (
    cost !== undefined && !(cost.trim() !== "" && switchCostMicros >= 0 && switchCostMicros <= 1e6)
  ) {
    throw new UsageError(
      `Cannot parse --switch-cost: "${cost}" is not a number of microseconds in 0..1000000`,
    );
  }
  return {
    clock: oneOf("--clock", str(values, "clock") ?? defaultClock, ["deterministic", "real"]),
    quantum: quantum === undefined ? 10_000 : parseCount("--quantum", quantum, 1, MAX_QUANTUM),
    interrupts: oneOf("--interrupts", str(values, "interrupts") ?? "batched", [
      "batched",
      "immediate",
    ]),
    jit: oneOf("--jit", str(values, "jit") ?? "on", ["on", "off", "eager"]),
    switchCostMicros,
  };
}
