/**
 * Differential conformance of kernel/cpu against the real CPU (tests/conformance/): a quick run,
 * and tests that the generator is deterministic and broad and that the comparator is not
 * vacuous. Long runs: `deno task conformance --seed S --cases N`.
 *
 * @module
 */

import { assert } from "./_assert.ts";
import { compareStates } from "./conformance/compare.ts";
import { generateCase, GROUPS, listing } from "./conformance/gen.ts";
import { AF, CF, DATA_BASE, initialData, OF, ZF } from "./conformance/layout.ts";
import type { MachineState } from "./conformance/machine.ts";
import { buildRunner, NativeEngine, ReferenceUnavailable } from "./conformance/native.ts";
import { caseSeed } from "./conformance/prng.ts";
import { runConformance } from "./conformance/run.ts";

let unavailable = "";
try {
  await buildRunner();
} catch (e) {
  if (!(e instanceof ReferenceUnavailable)) throw e;
  unavailable = e.message;
  console.log(`conformance: native tests skipped: ${unavailable}`);
}
const ignore = unavailable !== "";

Deno.test("Conformance generator gives the same case for a seed and other cases for other seeds", () => {
  const a = [], b = [];
  for (let k = 0; k < 300; k++) {
    a.push(generateCase(caseSeed(11, k)));
    b.push(generateCase(caseSeed(11, k)));
  }
  assert.deepEqual(a, b);
  const other = generateCase(caseSeed(12, 0));
  assert.notDeepEqual(other.code, a[0]!.code);
  assert.notEqual(caseSeed(11, 0), caseSeed(11, 1));
});

Deno.test("Conformance generator covers every group, operand size and addressing form", () => {
  const seen = new Set<string>();
  let text = "";
  for (let k = 0; k < 3000; k++) {
    const c = generateCase(caseSeed(5, k));
    for (const u of c.units) seen.add(u.group);
    if (k < 1500) text += listing(c) + "\n";
  }
  for (const g of GROUPS) {
    if (g.weight > 0) assert.ok(seen.has(g.name), `group ${g.name} never generated`);
  }
  const forms = [
    "byte [",
    "word [",
    "dword [",
    "qword [",
    "*1",
    "*2",
    "*4",
    "*8",
    "[esp",
    "[ebp",
    "[0x3",
    "lock ",
    " ah,",
    " ax,",
    "rep movs",
    "repe cmps",
    "repne scas",
  ];
  for (const f of forms) assert.ok(text.includes(f), `no generated instruction has "${f}"`);
  assert.match(text, / 66 /); // operand-size prefixes
});

/** Runs cases on the real CPU. */
async function native(
  seeds: number[],
): Promise<[ReturnType<typeof generateCase>[], MachineState[]]> {
  const cases = seeds.map((s) => generateCase(s));
  const engine = await NativeEngine.start("native");
  try {
    return [cases, await engine.run(cases, cases.map((c) => initialData(c.memSeed, c.pokes)))];
  } finally {
    await engine.close();
  }
}

Deno.test({
  name: "Conformance comparator reports corrupted state and ignores undefined flags only",
  ignore,
  fn: async () => {
    const seeds = Array.from({ length: 400 }, (_, k) => caseSeed(21, k));
    const [cases, states] = await native(seeds);
    const k = states.findIndex((s, i) => s.outcome === "ok" && (cases[i]!.undefAfter & AF) !== 0);
    assert.ok(k >= 0, "no case ends with AF undefined");
    const c = cases[k]!, s = states[k]!;
    const clone = (): MachineState => ({ ...s, regs: [...s.regs], data: s.data.slice() });
    assert.deepEqual(compareStates(c, s, clone()), []);
    const undefFlip = clone();
    undefFlip.eflags ^= AF;
    assert.deepEqual(compareStates(c, s, undefFlip), [], "an undefined flag was compared");
    const corruptions: [string, (m: MachineState) => void][] = [
      ["eax", (m) => void (m.regs[0] = (m.regs[0]! ^ 1) >>> 0)],
      ["edi", (m) => void (m.regs[7] = (m.regs[7]! ^ 0x80000000) >>> 0)],
      ["eip", (m) => void (m.eip += 1)],
      ["outcome", (m) => void (m.outcome = "page-fault")],
      ["memory", (m) => void (m.data[0x123] = m.data[0x123]! ^ 0x10)],
    ];
    for (const flag of [CF, ZF, OF]) {
      if (!(c.undefAfter & flag)) corruptions.push(["flags", (m) => void (m.eflags ^= flag)]);
    }
    for (const [what, corrupt] of corruptions) {
      const m = clone();
      corrupt(m);
      const d = compareStates(c, s, m);
      assert.ok(d.some((line) => line.startsWith(what)), `corrupted ${what} not reported: ${d}`);
    }
    const m = clone();
    m.data[0x123] = m.data[0x123]! ^ 0x10;
    const mem = compareStates(c, s, m);
    assert.ok(mem[0]!.includes((DATA_BASE + 0x120).toString(16)), mem[0]);
  },
});

Deno.test({
  name: "Conformance run finds a tampered result and shows the differing unit",
  ignore,
  fn: async () => {
    const clean = await runConformance({ seed: 3, cases: 300, subject: "native" });
    assert.equal(clean.mismatches, 0, clean.findings[0]?.report);
    const bad = await runConformance({
      seed: 3,
      cases: 300,
      subject: "native",
      tamper: (s) => void (s.regs[3] = (s.regs[3]! + 1) >>> 0),
    });
    assert.equal(bad.mismatches, 1);
    assert.match(bad.findings[0]!.report, /MISMATCH in case 0 of seed 3/);
    assert.match(bad.findings[0]!.report, /ebx: expected [0-9a-f]{8}, got [0-9a-f]{8}/);
    assert.match(bad.findings[0]!.report, /unit bytes: [0-9a-f]{2}/);
  },
});

Deno.test("Conformance engine ours-jit runs the cases in the JIT tier", async () => {
  const { OurEngine } = await import("./conformance/ours.ts");
  const cases = Array.from({ length: 200 }, (_, k) => generateCase(caseSeed(31, k)));
  const engine = new OurEngine({ jit: true });
  await engine.run(cases, cases.map((c) => initialData(c.memSeed, c.pokes)));
  const { all, jit } = engine.retired;
  await engine.close();
  assert.ok(all > 0 && jit > all / 2, `only ${jit} of ${all} instructions ran translated`);
});

Deno.test({
  name: "CPU (interpreter and JIT tier) matches the real CPU on 3,000 generated cases",
  ignore,
  fn: async () => {
    const s = await runConformance({ seed: 1, cases: 3000 });
    assert.equal(s.cases, 3000, s.findings[0]?.report);
    assert.equal(s.mismatches, 0, s.findings[0]?.report);
  },
});
