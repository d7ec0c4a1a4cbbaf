/**
 * CPU fuzzer: feeds random machine code to the x86-subset CPU and checks that
 * it only ever stops cleanly, respects its budget and stays inside the VM's
 * page table.
 *
 * ```sh
 * deno task fuzz --seed 1 --bytes 4000000      # a long run
 * deno task fuzz --seed 1 --round 123 --step   # reproduce one round, single-stepped
 * ```
 *
 * Exits 1 on the first broken promise, printing the seed and round to reproduce it.
 *
 * @module
 */

import { parseArgs } from "node:util";
import type { FuzzReport } from "./fuzz.ts";
import { describeFailure, summary } from "./report.ts";
import { runFuzzWorker } from "./watchdog.ts";

const HELP = `Usage: deno task fuzz [options]
  --seed S          run seed (default: random, printed)
  --bytes N         bytes of random code to feed (default 1000000; k/M suffixes allowed)
  --rounds N        stop after N rounds
  --round R         run only round R (with --seed, to reproduce a report)
  --step            single-step every quantum and check memory after each instruction
  --instructions N  most instructions per round (default 20000)
  --replay-every N  replay every N-th round on other frames and with other quantum cuts,
                    compare results (default 8; 1 with --round)
  --stall S         report a hang when no round finishes for S seconds (default 60)
  --quiet           no progress lines
  --help`;

function count(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`Cannot parse --${name}: ${JSON.stringify(text)} is not a count`);
  const scale = m[2] === "" ? 1 : m[2]!.toLowerCase() === "k" ? 1e3 : 1e6;
  return Math.floor(Number(m[1]) * scale);
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: "string" },
      bytes: { type: "string" },
      rounds: { type: "string" },
      round: { type: "string" },
      step: { type: "boolean", default: false },
      instructions: { type: "string" },
      "replay-every": { type: "string" },
      stall: { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seed = values.seed === undefined
    ? crypto.getRandomValues(new Uint32Array(1))[0]!
    : count(values.seed, 0, "seed") >>> 0;
  const single = values.round === undefined ? undefined : count(values.round, 0, "round");
  const bytes = count(values.bytes, single === undefined ? 1_000_000 : Infinity, "bytes");
  const rounds = single === undefined ? values.rounds : "1";
  console.log(
    `fuzz: seed ${seed}, ${bytes === Infinity ? "one round" : `${bytes} code bytes`}` +
      (values.step ? ", single-stepping" : ""),
  );
  const report = await runFuzzWorker(
    {
      seed,
      bytes,
      ...(rounds === undefined ? {} : { rounds: count(rounds, 0, "rounds") }),
      ...(single === undefined ? {} : { firstRound: single }),
      instructions: count(values.instructions, 20_000, "instructions"),
      replayEvery: count(values["replay-every"], single === undefined ? 8 : 1, "replay-every"),
      step: values.step,
    },
    {
      stallMs: count(values.stall, 60, "stall") * 1000,
      ...(values.quiet ? {} : {
        onProgress: (r: FuzzReport) =>
          console.log(
            `  ... round ${r.rounds}, ${r.codeBytes}/${bytes} code bytes, ` +
              `${r.instructions} instructions, ${(r.ms / 1000).toFixed(0)} s`,
          ),
      }),
    },
  );
  console.log(summary(report));
  if (report.failure === null) {
    console.log("fuzz: no violations");
    return 0;
  }
  console.log(describeFailure(report.failure));
  return 1;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    Deno.exit(2);
  }
}
