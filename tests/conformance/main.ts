/**
 * `deno task conformance`: differential conformance of kernel/cpu against the real CPU (or
 * qemu-i386).
 *
 *   deno task conformance --seed S --cases N [--ref native|qemu] [--groups a,b] [--case K]
 *                         [--max-units U] [--keep-going] [--subject ours,ours-jit,native,qemu] [--list]
 *
 * Prints progress on long runs, the first mismatch in detail (instruction bytes, a listing, and
 * both states), and a summary line; exits 1 on any mismatch, 2 when the reference cannot run.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { generateCase, GROUPS, listing } from "./gen.ts";
import { ReferenceUnavailable } from "./native.ts";
import { caseSeed } from "./prng.ts";
import { type EngineName, runConformance } from "./run.ts";

const USAGE = `usage: deno task conformance [--seed S] [--cases N] [--ref native|qemu]
  [--groups a,b,...] [--skip a,b,...] [--case K] [--max-units U] [--keep-going] [--subject ours,ours-jit,native,qemu] [--list]
groups: ${GROUPS.map((g) => g.name).join(" ")}`;

function fail(message: string, code: number): never {
  console.error(message);
  Deno.exit(code);
}

const { values } = parseArgs({
  args: Deno.args,
  options: {
    seed: { type: "string", default: "1" },
    cases: { type: "string", default: "10000" },
    ref: { type: "string", default: "native" },
    subject: { type: "string", default: "ours,ours-jit" },
    groups: { type: "string" },
    skip: { type: "string" },
    case: { type: "string" },
    "max-units": { type: "string" },
    "keep-going": { type: "boolean", default: false },
    list: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
  strict: true,
});
if (values.help) fail(USAGE, 0);

const int = (name: string, s: string | undefined): number | undefined => {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) {
    fail(`Cannot parse --${name}: "${s}" is not a non-negative integer`, 2);
  }
  return n;
};
const seed = int("seed", values.seed)!;
const cases = int("cases", values.cases)!;
const only = int("case", values.case);
const maxUnits = int("max-units", values["max-units"]);
const groups = values.groups?.split(",").filter((g) => g);
const skip = values.skip?.split(",").filter((g) => g);
if (values.ref !== "native" && values.ref !== "qemu") {
  fail(`Cannot use --ref ${values.ref}: use native or qemu`, 2);
}
const subjects = values.subject.split(",").filter((s) => s) as EngineName[];
for (const s of subjects) {
  if (!["ours", "ours-jit", "native", "qemu"].includes(s)) {
    fail(`Cannot use --subject ${s}: use ours, ours-jit, native or qemu (comma-separated)`, 2);
  }
}

if (values.list) {
  // Print the generated case(s) without running them.
  const gen = {
    ...(groups ? { groups } : {}),
    ...(skip ? { skip } : {}),
    ...(maxUnits ? { maxUnits } : {}),
    qemuSafe: values.ref === "qemu" || subjects.includes("qemu"),
  };
  const from = only ?? 0, to = only === undefined ? Math.min(cases, 20) : only + 1;
  for (let k = from; k < to; k++) {
    console.log(`case ${k}:\n${listing(generateCase(caseSeed(seed, k), gen))}`);
  }
  Deno.exit(0);
}

const tty = Deno.stderr.isTerminal();
const started = performance.now();
let lastShown = started;
const progress = (done: number, total: number, bad: number) => {
  const now = performance.now();
  if (done < total && now - lastShown < 2000) return;
  lastShown = now;
  const line = `  ${done}/${total} cases, ${bad} mismatches, ${
    ((now - started) / 1000).toFixed(1)
  } s`;
  if (tty) {
    Deno.stderr.writeSync(new TextEncoder().encode(`\r${line}${done === total ? "\n" : ""}`));
  } else console.error(line);
};

let summary;
try {
  summary = await runConformance({
    seed,
    cases,
    ref: values.ref,
    subject: subjects,
    ...(groups ? { groups } : {}),
    ...(skip ? { skip } : {}),
    ...(maxUnits ? { maxUnits } : {}),
    ...(only !== undefined ? { only } : {}),
    keepGoing: values["keep-going"],
    progress,
  });
} catch (e) {
  if (e instanceof ReferenceUnavailable) fail(e.message, 2);
  if (e instanceof Error && e.message.startsWith("Cannot")) fail(e.message, 2);
  throw e;
}
if (tty && summary.mismatches) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
for (const f of summary.findings) console.log(f.report + "\n");
const secs = ((performance.now() - started) / 1000).toFixed(1);
const outcomes = [...summary.outcomes].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`)
  .join(", ");
console.log(
  `conformance: ${summary.cases} cases, ${summary.mismatches} mismatches ` +
    `(seed ${seed}, ${
      subjects.join("+")
    } vs ${values.ref}, ${secs} s; reference outcomes: ${outcomes})`,
);
Deno.exit(summary.mismatches ? 1 : 0);
