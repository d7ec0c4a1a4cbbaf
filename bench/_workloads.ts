/**
 * The CPU benchmark workloads (bench/programs/*.c) and their builds: the guest image at -O2
 * with a fixed repetition count compiled in (guests get no argv), and the same source as a
 * native 32-bit program that takes the repetition count as its first argument.
 *
 * @module
 */

import { BUILD_DIR, buildImage, buildNative } from "../guests/build.ts";

/** One benchmark program. */
export interface Workload {
  /** Short name, also the file name in bench/programs/. */
  name: string;
  /** What it stresses. */
  kind: string;
  /** Repetitions compiled into the guest image. */
  guestReps: number;
}

/**
 * The workloads: integer loop, memory-heavy and call-heavy.
 *
 * @example
 * ```ts
 * import { WORKLOADS } from "./_workloads.ts";
 * console.log(WORKLOADS.map((w) => w.name)); // ["intloop", "memory", "calls"]
 * ```
 */
export const WORKLOADS: Workload[] = [
  { name: "intloop", kind: "integer ALU and branches", guestReps: 1 },
  { name: "memory", kind: "loads, stores, strided access", guestReps: 1 },
  { name: "calls", kind: "calls, returns, indirect calls", guestReps: 1 },
];

const SRC = new URL("./programs/", import.meta.url).pathname;

/**
 * Builds the guest image of `w` with `reps` repetitions (default `w.guestReps`); returns its
 * bytes.
 *
 * @example
 * ```ts
 * import { guestImage, WORKLOADS } from "./_workloads.ts";
 * import { runImage } from "../tests/programs/_run.ts";
 * const r = runImage(await guestImage(WORKLOADS[0]!), { memSize: 4 << 20 });
 * console.log(r.console); // "intloop 1 ...."
 * ```
 */
export async function guestImage(w: Workload, reps = w.guestReps): Promise<Uint8Array> {
  const path = await buildImage({
    sources: [`${SRC}${w.name}.c`],
    output: `${BUILD_DIR}/bench/${w.name}-r${reps}.elf`,
    opt: "-O2",
    defines: { REPS: reps },
  });
  return await Deno.readFile(path);
}

/**
 * Builds the native program of `w`; returns its path. It takes the repetition count as its
 * first argument.
 *
 * @example
 * ```ts
 * import { nativeProgram, WORKLOADS } from "./_workloads.ts";
 * const exe = await nativeProgram(WORKLOADS[2]!);
 * await new Deno.Command(exe, { args: ["10"] }).output();
 * ```
 */
export async function nativeProgram(w: Workload): Promise<string> {
  return await buildNative({
    sources: [`${SRC}${w.name}.c`],
    output: `${BUILD_DIR}/bench/${w.name}.native`,
    opt: "-O2",
  });
}
