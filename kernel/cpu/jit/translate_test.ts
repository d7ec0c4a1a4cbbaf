import { assert } from "../../../tests/_assert.ts";
import { hasNasm, nasm } from "../../../tests/_nasm.ts";
import { AddressSpace } from "../../memory/address_space.ts";
import { PhysicalMemory } from "../../memory/physical.ts";
import { decode } from "../decoder.ts";
import type { Insn } from "../insn.ts";
import { ALL, CF } from "./gen.ts";
import { flagLiveness, generate, nativeSpec } from "./translate.ts";
import { jitSetting } from "./tier.ts";

const t = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore: !hasNasm, fn });

/** Decodes `source` (one block, straight line) at 0x10000. */
async function block(source: string): Promise<Insn[]> {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 8 }), 0x20000);
  mem.allocate(0x10000, 0x1000, true);
  const code = await nasm(source, 0x10000);
  mem.writeBytes(0x10000, code);
  const out: Insn[] = [];
  for (let a = 0x10000; a < 0x10000 + code.length; a = out[out.length - 1]!.next) {
    out.push(decode(mem, a));
  }
  return out;
}

t(
  "Flag liveness: flags overwritten before a read are dead; faults and branches read all",
  async () => {
    const keep = flagLiveness(
      await block(`add eax, ebx
    inc ecx
    jc $`),
    );
    assert.equal(keep[0], CF, "ADD: INC passes CF on to JC");
    const insns = await block(`add eax, ebx
    sub ecx, edx
    inc esi
    cmp eax, ecx
    jl $
    mov eax, [ebx]
    add eax, 1
    hlt`);
    const live = flagLiveness(insns);
    assert.equal(live[0], 0, "ADD: SUB overwrites every flag first");
    assert.equal(live[1], 0, "SUB: INC passes CF on, but CMP overwrites it");
    assert.equal(live[2], 0, "INC: CMP overwrites everything");
    assert.equal(live[3], ALL, "CMP: the branch may leave");
    assert.equal(live[4], ALL, "after a branch");
    assert.equal(live[5], 0, "MOV from memory: ADD overwrites");
    assert.equal(live[6], ALL, "ADD before the HLT, which runs through its handler");
  },
);

t(
  "Generated code records no flags for dead producers and compares directly after CMP",
  async () => {
    const insns = await block(`add eax, ebx
    imul ecx, edx
    cmp eax, ecx
    jl $`);
    const src = generate([{ start: 0x10000, insns }]).source;
    assert.equal((src.match(/Fop = \d/g) ?? []).length, 1, "only CMP records its flags");
    assert.ok(!src.includes("mulHiS("), "IMUL's overflow test is skipped: its flags are dead");
    assert.ok(/if \(\(d_\d+ < s_\d+\)\)/.test(src), "JL after CMP is a signed compare");
  },
);

t("Instructions outside the native set run through their handlers", async () => {
  const insns = await block(`rcl eax, 1
    bsf eax, ebx
    rep movsb
    add eax, ebx`);
  assert.deepEqual(insns.map((i) => nativeSpec(i) !== null), [false, false, false, true]);
  assert.equal(generate([{ start: 0x10000, insns }]).fallbacks, 3);
});

Deno.test("jitSetting reads DENALI_JIT values", () => {
  assert.deepEqual(jitSetting(undefined), { jit: true });
  assert.deepEqual(jitSetting("", { jit: false }), { jit: false });
  assert.deepEqual(jitSetting("0"), { jit: false });
  assert.deepEqual(jitSetting("on"), { jit: true });
  assert.deepEqual(jitSetting("eager"), { jit: true, jitThreshold: 0 });
  assert.throws(() => jitSetting("fast"), /Cannot read DENALI_JIT/);
});
