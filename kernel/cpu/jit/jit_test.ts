// The translation tier's promises, each against the interpreter: precise faults inside
// translated code, self-modifying code, budget exactness, identical instruction counts, and
// translations shared between CPUs through one cache.
import { assert } from "../../../tests/_assert.ts";
import { hasNasm } from "../../../tests/_nasm.ts";
import { DATA, type Machine, machine, RO, STACK_TOP, UNMAPPED } from "../_test_util.ts";
import type { CpuOptions } from "../cpu.ts";
import { Reg, Stop } from "../state.ts";
import { TranslationCache } from "./cache.ts";

const ignore = !hasNasm;
const t = (name: string, fn: () => Promise<void>) => Deno.test({ name, ignore, fn });
const INTERP: CpuOptions = { jit: false };
const jit = (threshold = 2, cache = new TranslationCache()): CpuOptions => ({
  jit: true,
  jitThreshold: threshold,
  jitCache: cache,
});

/** Everything a guest or the kernel can see of a stopped CPU. */
function state(m: Machine, stop: Stop): string {
  const c = m.cpu, x = c.exit;
  const fault = stop === Stop.Fault ? ` ${x.fault} ${x.faultAddress} ${x.faultWrite}` : "";
  return `${stop} eip=${c.eip} n=${c.instructions} ${Array.from(c.regs)} fl=${c.eflags}${fault}`;
}

/** Runs `source` in both modes with the same budgets; returns both traces of states. */
async function both(
  source: string,
  budgets: number[],
  opts = jit(),
): Promise<[string[], string[], Machine]> {
  const traces: string[][] = [];
  let last: Machine | null = null;
  for (const o of [INTERP, opts]) {
    const m = await machine(source, o);
    const trace: string[] = [];
    for (const b of budgets) {
      const s = m.cpu.run(b);
      trace.push(state(m, s));
      if (s !== Stop.Budget) break;
    }
    trace.push(Array.from(m.mem.readBytes(DATA, 64)!).join(","));
    traces.push(trace);
    last = m;
  }
  return [traces[0]!, traces[1]!, last!];
}

const LOOP = `
    mov ecx, 300
    xor eax, eax
    mov esi, ${DATA}
  top:
    add eax, ecx
    mov [esi], eax
    imul ebx, eax, 7
    shr ebx, 3
    cmp ebx, 1000
    jb small
    sub ebx, 999
  small:
    add [esi+4], ebx
    dec ecx
    jnz top
    hlt`;

t("Translated loop gives the interpreter's state and instruction count", async () => {
  const [a, b, m] = await both(LOOP, [1_000_000]);
  assert.deepEqual(b, a);
  assert.ok(m.cpu.jitStats.jitInstructions > 2000, "most of the loop ran translated");
  assert.ok(m.cpu.jitStats.codeBytes > 0);
});

t("Translated code honours every budget exactly and resumes where it stopped", async () => {
  for (const budget of [1, 2, 3, 5, 7, 11, 64, 97]) {
    const budgets = new Array(5000).fill(budget);
    const [a, b] = await both(LOOP, budgets);
    assert.deepEqual(b, a, `budget ${budget}`);
  }
});

t("A page fault inside a translated block is precise", async () => {
  // The loop runs translated until ESI walks off the read-only page into unmapped memory. The
  // faulting load sits after register and flag updates of the same block.
  const src = `
    mov esi, ${RO + 0x1000 - 0x40}
    mov edi, 0
    xor edx, edx
  top:
    inc edi
    add edx, edi
    cmp edx, 5
    mov eax, [esi]
    add esi, 4
    jmp top`;
  const [a, b, m] = await both(src, [1_000_000]);
  assert.deepEqual(b, a);
  assert.equal(m.cpu.exit.fault, "page-fault");
  assert.equal(m.cpu.exit.faultAddress, RO + 0x1000);
  assert.equal(m.cpu.regs[Reg.EDI], 17, "EDI counts the 17th pass, which faults");
  assert.ok(m.cpu.jitStats.jitInstructions > 0);
});

t(
  "A fault in a handler called from translated code is precise (REP MOVSD into a hole)",
  async () => {
    const src = `
    mov ebx, 40
  again:
    mov esi, ${DATA}
    mov edi, ${DATA + 0x100}
    mov ecx, 8
    cld
    rep movsd
    dec ebx
    jnz again
    mov esi, ${DATA}
    mov edi, ${UNMAPPED - 8}
    mov ecx, 8
    rep movsd
    hlt`;
    for (const budgets of [[1_000_000], new Array(2000).fill(3)]) {
      const [a, b] = await both(src, budgets);
      assert.deepEqual(b, a);
    }
  },
);

t("Divide errors and breakpoints in translated code are precise", async () => {
  const src = `
    mov ecx, 30
  top:
    mov eax, 1000
    cdq
    idiv ecx
    sub ecx, 3
    stc
    jmp top`;
  const [a, b, m] = await both(src, [1_000_000]);
  assert.deepEqual(b, a);
  assert.equal(m.cpu.exit.fault, "divide-error");
  const [c, d] = await both(`mov ecx, 50\ntop: dec ecx\njnz top\nint3`, [1_000_000]);
  assert.deepEqual(d, c);
});

t("A translated loop that rewrites its own code runs the new code", async () => {
  // Each pass patches the immediate of "add eax, imm32" (inside the same block) to the pass
  // number; the translation must be dropped and the new immediate used at once.
  const src = `
    mov ecx, 60
    xor eax, eax
  top:
    mov [patch + 1], ecx
  patch:
    add eax, 0x11111111
    dec ecx
    jnz top
    hlt`;
  for (const budgets of [[1_000_000], new Array(500).fill(4)]) {
    const [a, b, m] = await both(src, budgets);
    assert.deepEqual(b, a);
    if (budgets.length === 1) assert.equal(m.cpu.regs[Reg.EAX], (60 * 61) / 2);
  }
});

t("A store into another block of a region invalidates the region", async () => {
  // The loop calls a function in the same region; after 50 passes it rewrites the function's
  // "mov eax, 1" into "mov eax, 2" and must see the change on the next call. Flags set just
  // before the store must survive the exit that follows it.
  const src = `
    mov ecx, 100
    xor ebx, ebx
  top:
    call fn
    add ebx, eax
    cmp ecx, 50
    jne skip
    mov dword [fn + 1], 2
    jz skip
    hlt
  skip:
    dec ecx
    jnz top
    hlt
  fn:
    mov eax, 1
    ret`;
  for (const budgets of [[1_000_000], new Array(300).fill(5)]) {
    const [a, b, m] = await both(src, budgets);
    assert.deepEqual(b, a);
    if (budgets.length === 1) assert.equal(m.cpu.regs[Reg.EBX], 51 + 2 * 49);
  }
});

t("Exits to the kernel leave translated code with the exit recorded", async () => {
  const src = `
    mov ecx, 20
  top:
    mov eax, ecx
    out 0x80, al
    in al, 0x81
    dec ecx
    jnz top
    vmcall
    hlt`;
  const traces: string[][] = [];
  for (const o of [INTERP, jit(1)]) {
    const m = await machine(src, o);
    const trace: string[] = [];
    for (let k = 0; k < 100; k++) {
      const s = m.cpu.run(1000);
      trace.push(`${state(m, s)} ${m.cpu.exit.port} ${m.cpu.exit.value}`);
      if (s === Stop.In) m.cpu.completeIn(k);
      if (s === Stop.Hlt) break;
    }
    traces.push(trace);
  }
  assert.deepEqual(traces[1], traces[0]);
});

t("CPUs with one cache share translations of the same code and not of other code", async () => {
  const cache = new TranslationCache();
  const a = await machine(LOOP, jit(2, cache));
  a.cpu.run(1_000_000);
  const compiled = a.cpu.jitStats.compiled;
  assert.ok(compiled > 0);
  const b = await machine(LOOP, jit(2, cache));
  b.cpu.run(1_000_000);
  assert.equal(b.cpu.jitStats.compiled, 0, "the second CPU compiles nothing");
  assert.equal(b.cpu.jitStats.reused, compiled);
  assert.deepEqual(Array.from(b.cpu.regs), Array.from(a.cpu.regs));
  // Same addresses, one immediate changed: nothing may be shared.
  const c = await machine(LOOP.replace("imul ebx, eax, 7", "imul ebx, eax, 9"), jit(2, cache));
  c.cpu.run(1_000_000);
  const ref = await machine(LOOP.replace("imul ebx, eax, 7", "imul ebx, eax, 9"), INTERP);
  ref.cpu.run(1_000_000);
  assert.deepEqual(Array.from(c.cpu.regs), Array.from(ref.cpu.regs));
  assert.ok(c.cpu.jitStats.compiled > 0);
});

t("A bounded cache evicts, and CPUs holding evicted code translate again", async () => {
  const cache = new TranslationCache({ maxBytes: 1 });
  const [a, b, m] = await both(LOOP, new Array(200).fill(50), jit(1, cache));
  assert.deepEqual(b, a);
  assert.ok(cache.stats.evictions > 0);
  assert.ok(cache.stats.entries <= 1);
  assert.ok(m.cpu.jitStats.compiled > 1);
});

t("The stack and flags stay exact across calls and returns in translated code", async () => {
  const src = `
    mov ecx, 200
    xor esi, esi
  top:
    push ecx
    call square
    add esp, 4
    add esi, eax
    adc edi, 0
    dec ecx
    jnz top
    hlt
  square:
    push ebp
    mov ebp, esp
    mov eax, [ebp + 8]
    imul eax, eax
    pop ebp
    ret`;
  const [a, b] = await both(src, new Array(1000).fill(13));
  assert.deepEqual(b, a);
  const m = await machine(src, jit());
  m.cpu.run(1_000_000);
  assert.equal(m.cpu.regs[Reg.ESP], STACK_TOP);
  assert.ok(m.cpu.jitStats.jitInstructions > 1000);
});

t("INC and DEC keep the carry across blocks, budget stops, handlers and faults", async () => {
  const src = `
    mov ecx, 120
    mov ebx, 0x7fffff00
    xor esi, esi
  top:
    add ebx, 0x01234567
    inc edi
    dec edx
    jz skip
  skip:
    inc eax
    adc esi, 0
    dec ebx
    rcl edi, 1
    inc edi
    jnc nc
    inc esi
  nc:
    sbb ebp, 0
    dec ecx
    jnz top
    mov ebx, ${RO + 0x1000 - 4}
    inc ecx
    add dword [ebx + 8], 1
    hlt`;
  for (const budgets of [[1_000_000], new Array(3000).fill(1), new Array(800).fill(7)]) {
    for (const threshold of [0, 1, 3]) {
      const [a, b] = await both(src, budgets, jit(threshold));
      assert.deepEqual(b, a, `threshold ${threshold}, budgets of ${budgets[0]}`);
    }
  }
});

t(
  "A region is entered at any of its blocks, so code reached from elsewhere needs no second one",
  async () => {
    // `top` joins the region rooted at `mid` (which gets hot first); phase 2 then jumps to `top`
    // from outside 100 times.
    const src = `mov edi, phase2
    mov ecx, 50
  top: add eax, 1
    jmp mid
  mid: add ebx, 2
    dec ecx
    jnz top
    jmp edi
  phase2: mov edi, back
    mov esi, 100
  p2: mov ecx, 1
    jmp top
  back: dec esi
    jnz p2
    hlt`;
    const [a, b, m] = await both(src, [1_000_000], jit(4));
    assert.deepEqual(b, a);
    // Regions rooted at `mid` (holding `top`), at the loop's exit `jmp edi` and at `back`:
    // `top` got none of its own.
    assert.equal(m.cpu.jitStats.compiled, 3);
    assert.equal(m.cpu.jitStats.reused, 0, "`top` was attached when its region was made");
    assert.ok(m.cpu.jitStats.jitInstructions > 600);
  },
);

t("Blocks run fewer times than a quarter of the threshold stay out of a region", async () => {
  const src = `mov ecx, 100
  top: add eax, 1
    cmp ecx, 100
    jne skip
    call cold
  skip: dec ecx
    jnz top
    hlt
  cold: add ebx, 1
    add ebx, 2
    add ebx, 3
    add ebx, 4
    ret`;
  const [a, b, m] = await both(src, [1_000_000], jit(20));
  assert.deepEqual(b, a);
  const [, , all] = await both(src, [1_000_000], { ...jit(20), jitRegion: { minHits: 0 } });
  assert.ok(m.cpu.jitStats.insns > 0);
  assert.equal(
    all.cpu.jitStats.insns - m.cpu.jitStats.insns,
    5,
    "the cold call's five instructions",
  );
});

t(
  "A CPU takes a translation another CPU made after 32 executions, long before its threshold",
  async () => {
    const cache = new TranslationCache();
    const loop = (n: number) =>
      `mov ecx, ${n}
    xor eax, eax
  top: add eax, ecx
    rol eax, 3
    dec ecx
    jnz top
    hlt`;
    const first = await machine(loop(20_000), { jit: true, jitCache: cache });
    first.cpu.run(1_000_000);
    assert.equal(first.cpu.jitStats.compiled, 1, "the default threshold was reached once");
    const second = await machine(loop(200), { jit: true, jitCache: cache });
    second.cpu.run(1_000_000);
    const ref = await machine(loop(200), INTERP);
    ref.cpu.run(1_000_000);
    assert.deepEqual(Array.from(second.cpu.regs), Array.from(ref.cpu.regs));
    assert.equal(second.cpu.instructions, ref.cpu.instructions);
    assert.equal(second.cpu.jitStats.compiled, 0);
    assert.equal(second.cpu.jitStats.reused, 1);
    assert.ok(
      second.cpu.jitStats.jitInstructions > 4 * 150,
      "most of 200 iterations ran translated",
    );
  },
);

t("A CPU compiles at most jitMaxCompiles regions and runs the rest interpreted", async () => {
  // Eight loops one after another: each is a region of its own.
  const loops = Array.from({ length: 8 }, (_, k) =>
    `mov ecx, 300
  l${k}: add eax, ${k + 1}
    rol eax, 1
    dec ecx
    jnz l${k}`).join("\n");
  const src = `xor eax, eax\n${loops}\nhlt`;
  const limited = await machine(src, { jit: true, jitThreshold: 4, jitMaxCompiles: 3 });
  limited.cpu.run(1_000_000);
  const ref = await machine(src, INTERP);
  ref.cpu.run(1_000_000);
  assert.deepEqual(Array.from(limited.cpu.regs), Array.from(ref.cpu.regs));
  assert.equal(limited.cpu.instructions, ref.cpu.instructions);
  assert.equal(limited.cpu.jitStats.compiled, 3);
  const free = await machine(src, { jit: true, jitThreshold: 4 });
  free.cpu.run(1_000_000);
  assert.ok(free.cpu.jitStats.compiled >= 8);
  assert.ok(limited.cpu.jitStats.jitInstructions < free.cpu.jitStats.jitInstructions / 2);
  // The shared cache's own bound stops every CPU that uses it.
  const cache = new TranslationCache({ maxCompiles: 2 });
  const shared = await machine(src, { jit: true, jitThreshold: 4, jitCache: cache });
  shared.cpu.run(1_000_000);
  assert.deepEqual(Array.from(shared.cpu.regs), Array.from(ref.cpu.regs));
  assert.equal(shared.cpu.jitStats.compiled, 2);
  assert.equal(cache.full, true);
});
