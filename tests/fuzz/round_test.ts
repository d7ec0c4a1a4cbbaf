import { assert } from "../_assert.ts";
import { Cpu, Stop } from "../../kernel/cpu/mod.ts";
import type { AddressSpace } from "../../kernel/memory/mod.ts";
import { FuzzMachine } from "./machine.ts";
import { type FuzzCpu, runRound } from "./round.ts";

// The fuzzer's checks are only worth something if they catch broken CPUs: each test below breaks
// the real CPU in one way and expects the matching violation.

const OPTIONS = { instructions: 2000, codeBytes: 1024 } as const;

function broken(run: (cpu: Cpu, budget: number, as: AddressSpace) => Stop) {
  return (as: AddressSpace, tsc: () => number): FuzzCpu => {
    const cpu = new Cpu(as, { tsc });
    cpu.run = (budget: number) => run(cpu, budget, as);
    return cpu;
  };
}

function firstViolation(makeCpu: ReturnType<typeof broken>, rounds = 20): string {
  const machine = new FuzzMachine(9);
  for (let round = 0; round < rounds; round++) {
    const r = runRound(machine, 9, round, { ...OPTIONS, makeCpu });
    if (r.violation) return r.violation.kind;
  }
  return "none";
}

Deno.test("runRound finds no violation in the real CPU on a few rounds", () => {
  const machine = new FuzzMachine(5);
  for (let round = 0; round < 30; round++) {
    const r = runRound(machine, 5, round, OPTIONS);
    assert.equal(r.violation, null, JSON.stringify(r.violation));
  }
});

Deno.test("runRound reports an exception escaping run", () => {
  assert.equal(
    firstViolation(broken(() => {
      throw new TypeError("boom");
    })),
    "exception",
  );
});

Deno.test("runRound reports a run that retires more than its budget", () => {
  assert.equal(
    firstViolation(broken((cpu, budget) => {
      cpu.instructions += budget + 1;
      return Stop.Budget;
    })),
    "budget",
  );
});

Deno.test("runRound reports a write to a frame the VM does not own", () => {
  assert.equal(
    firstViolation(broken((cpu, _budget, as) => {
      as.phys.u8[10] = as.phys.u8[10]! ^ 0xff; // frame 0 belongs to the victim
      cpu.instructions += 1;
      return Stop.Hlt;
    })),
    "isolation",
  );
});

Deno.test("runRound reports a page fault on a page the VM may access", () => {
  assert.equal(
    firstViolation(broken((cpu) => {
      cpu.exit.fault = "page-fault";
      cpu.exit.faultAddress = cpu.regs[4]! - 4; // the stack is usually mapped and writable
      cpu.exit.faultWrite = false;
      return Stop.Fault;
    })),
    "fault",
  );
});

Deno.test("runRound reports a fault that leaves the state changed", () => {
  assert.equal(
    firstViolation(broken((cpu) => {
      cpu.regs[0] = cpu.regs[0]! + 1;
      cpu.exit.fault = "invalid-opcode";
      return Stop.Fault;
    })),
    "imprecise",
  );
});
