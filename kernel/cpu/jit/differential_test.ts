// The translator against the interpreter on the conformance generator's random cases: every
// case runs with the interpreter alone and with the translator (at first execution, and after a
// few executions so that regions span several blocks), in random quanta; both must agree on
// everything, undefined flags included: stop, EIP, registers, EFLAGS, the exit record,
// instructions retired after every quantum, and memory.
import { assert } from "../../../tests/_assert.ts";
import { generateCase } from "../../../tests/conformance/gen.ts";
import {
  CODE_BASE,
  CODE_SIZE,
  DATA_BASE,
  DATA_SIZE,
  FIXED_BITS,
  initialData,
  SPACE_SIZE,
} from "../../../tests/conformance/layout.ts";
import { caseSeed, Prng } from "../../../tests/conformance/prng.ts";
import { AddressSpace } from "../../memory/address_space.ts";
import { PhysicalMemory } from "../../memory/physical.ts";
import { Cpu, type CpuOptions } from "../cpu.ts";
import { Stop } from "../state.ts";
import { TranslationCache } from "./cache.ts";

interface Trace {
  quanta: string[];
  data: Uint8Array;
}

const FILL = new Uint8Array(CODE_SIZE).fill(0xcc);

function runCase(seed: number, options: CpuOptions, budgets: number[]): Trace {
  const c = generateCase(seed);
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 16 }), SPACE_SIZE);
  mem.allocate(CODE_BASE, CODE_SIZE, true);
  mem.allocate(DATA_BASE, DATA_SIZE, true);
  mem.writeBytes(CODE_BASE, FILL);
  mem.writeBytes(CODE_BASE, c.code);
  mem.writeBytes(CODE_BASE + c.code.length, new Uint8Array([0xf4]));
  mem.writeBytes(DATA_BASE, initialData(c.memSeed, c.pokes));
  const cpu = new Cpu(mem, options);
  for (let i = 0; i < 8; i++) cpu.regs[i] = c.regs[i]!;
  cpu.eflags = c.eflags | FIXED_BITS;
  cpu.eip = CODE_BASE;
  const quanta: string[] = [];
  for (const b of budgets) {
    const why = cpu.run(b);
    const x = cpu.exit;
    quanta.push(
      [why, cpu.eip >>> 0, cpu.instructions, ...Array.from(cpu.regs), cpu.eflags >>> 0].join(" ") +
        (why === Stop.Fault
          ? ` ${x.fault} ${x.faultAddress >>> 0} ${x.faultWrite} ${x.detail}`
          : ""),
    );
    if (why !== Stop.Budget) break;
  }
  const data = mem.readBytes(DATA_BASE, DATA_SIZE)!;
  mem.release();
  return { quanta, data };
}

function compare(cases: number, jit: CpuOptions, seed: number): void {
  const r = new Prng(seed);
  for (let k = 0; k < cases; k++) {
    const s = caseSeed(seed, k);
    const budgets = r.chance(0.5)
      ? [100_000]
      : Array.from({ length: 40 }, () => r.range(1, r.chance(0.5) ? 4 : 40));
    const a = runCase(s, { jit: false }, budgets);
    const b = runCase(s, jit, budgets);
    assert.deepEqual(b.quanta, a.quanta, `case seed ${s} (index ${k}), budgets ${budgets}`);
    assert.deepEqual(b.data, a.data, `case seed ${s} (index ${k}): data region`);
  }
}

Deno.test("Translated code matches the interpreter on random cases, translated at first run", () => {
  compare(1500, { jit: true, jitThreshold: 0, jitCache: new TranslationCache() }, 11);
});

Deno.test("Translated code matches the interpreter on random cases, multi-block regions", () => {
  compare(1500, { jit: true, jitThreshold: 2, jitCache: new TranslationCache() }, 12);
});
