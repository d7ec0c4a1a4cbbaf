/**
 * Command lines of the scenarios: `--size small|full` picks the preset (small
 * runs in CI in seconds; full reproduces the experiment), explicit flags
 * override the preset's values, `--out DIR` says where the CSV and SVG go
 * (default scenarios/out/<name>/), `--quiet` prints only the table.
 *
 * @module
 */

import { type FlagSpec, parseFlags, UsageError, userPath } from "../cli/args.ts";

/**
 * Settings every scenario shares.
 *
 * @example
 * ```ts
 * import type { CommonOptions } from "./_args.ts";
 * const o: CommonOptions = { size: "small", out: "/tmp/out", quiet: true };
 * console.log(o.size); // small
 * ```
 */
export interface CommonOptions {
  /** Preset size. */
  size: "small" | "full";
  /** Output directory. */
  out: string;
  /** Print only the table (no progress). */
  quiet: boolean;
}

/**
 * What a scenario's flag parser returns: the common options and its own flags.
 *
 * @example
 * ```ts
 * import { type ParsedScenarioArgs, scenarioArgs } from "./_args.ts";
 * const a = scenarioArgs("x", ["--n", "3"], { n: "count" }, "usage") as ParsedScenarioArgs;
 * console.log(a.flags.n); // 3
 * ```
 */
export interface ParsedScenarioArgs extends CommonOptions {
  /** The scenario's own flags as given (strings), for it to read. */
  flags: Record<string, string | undefined>;
}

/**
 * Parses a scenario's command line.
 *
 * @example
 * ```ts
 * import { scenarioArgs } from "./_args.ts";
 * const a = scenarioArgs("many", ["--size", "small", "--vms", "100"], { vms: "VM counts" }, "help");
 * console.log(a === "help" ? a : [a.size, a.flags.vms]); // [ "small", "100" ]
 * ```
 */
export function scenarioArgs(
  name: string,
  args: string[],
  own: Record<string, string>,
  usage: string,
): ParsedScenarioArgs | "help" {
  const spec: Record<string, FlagSpec> = {
    size: { type: "string" },
    out: { type: "string" },
    quiet: { type: "boolean" },
  };
  for (const k of Object.keys(own)) spec[k] = { type: "string" };
  const { values, positionals } = parseFlags(args, spec);
  if (values.help) {
    const flags = Object.entries(own).map(([k, v]) => `  --${k.padEnd(22)}${v}`).join("\n");
    console.log(`${usage}

Options:
  --size small|full       preset: small runs in seconds (CI), full reproduces the experiment
${flags}
  --out DIR               where to write ${name}.csv and the SVG plots
                          (default scenarios/out/${name}/)
  --quiet                 print only the results table
  -h, --help              show this help`);
    return "help";
  }
  if (positionals.length > 0) {
    throw new UsageError(`Cannot run scenario ${name}: unexpected argument "${positionals[0]}"`);
  }
  const size = (values.size ?? "small") as string;
  if (size !== "small" && size !== "full") {
    throw new UsageError(`Cannot parse --size: "${size}" is not one of small, full`);
  }
  const flags: Record<string, string | undefined> = {};
  for (const k of Object.keys(own)) flags[k] = values[k] as string | undefined;
  return {
    size,
    out: values.out !== undefined
      ? userPath(values.out as string)
      : new URL(`./out/${name}`, import.meta.url).pathname,
    quiet: values.quiet === true,
    flags,
  };
}

/**
 * Parses a list of integers of at least `min` (default 1): "10,100,1000".
 *
 * @example
 * ```ts
 * import { intList } from "./_args.ts";
 * console.log(intList("--vms", "10,1e3,10000")); // [ 10, 1000, 10000 ]
 * ```
 */
export function intList(flag: string, text: string, min = 1): number[] {
  const out = text.split(",").map((s) => s.trim() === "" ? NaN : Number(s.trim()));
  if (out.length === 0 || out.some((n) => !Number.isSafeInteger(n) || n < min)) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not a list of integers >= ${min}`);
  }
  return out;
}

/**
 * Parses a positive number.
 *
 * @example
 * ```ts
 * import { positive } from "./_args.ts";
 * console.log(positive("--seconds", "2.5")); // 2.5
 * ```
 */
export function positive(flag: string, text: string): number {
  const n = Number(text);
  if (!(n > 0) || !isFinite(n)) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not a number > 0`);
  }
  return n;
}

/**
 * Runs a scenario's `main` as a program: one-line errors, exit statuses 0, 1, 2.
 *
 * @example
 * ```ts
 * import { runMain } from "./_args.ts";
 * console.log(typeof runMain); // function
 * ```
 */
export async function runMain(main: (args: string[]) => Promise<unknown>): Promise<never> {
  let status = 0;
  try {
    await main(Deno.args);
  } catch (e) {
    console.error(`denali: ${(e instanceof Error ? e.message : String(e)).split("\n")[0]}`);
    status = e instanceof UsageError ? 2 : 1;
  }
  Deno.exit(status);
}
