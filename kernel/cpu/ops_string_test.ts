// REP MOVS / REP STOS moved in bulk (ops_string.ts `bulk`) must be indistinguishable from one
// element at a time: memory, registers, instruction counts, budget resumption, faults part-way,
// copies that overlap themselves, page crossings and writes over code.
import { assert } from "../../tests/_assert.ts";
import { cpuTest as t, DATA, machine, run } from "./_test_util.ts";
import { Stop } from "./state.ts";

const ECX = 1, ESI = 6, EDI = 7, EBX = 3;
const u32 = (x: number) => x >>> 0;

/** Forward element-by-element copy of `n` elements of `size` bytes inside `mem`. */
function modelMovs(mem: Uint8Array, si: number, di: number, n: number, size: number): void {
  for (let k = 0; k < n; k++) {
    const el = mem.slice(si + k * size, si + (k + 1) * size);
    mem.set(el, di + k * size);
  }
}

/** Fills DATA..DATA+len with a seeded byte pattern from the guest itself. */
const fill = (len: number) =>
  `mov edi, ${DATA}
    mov ecx, ${len}
    mov eax, 12345
  fill: imul eax, eax, 1103515245
    add eax, 12345
    mov [edi], ah
    inc edi
    loop fill`;

for (const [size, sfx] of [[1, "b"], [2, "w"], [4, "d"]] as const) {
  const cases: [number, number, number][] = [[1, 0x2003, 3000 / size], [0x10, 0x11, 700], [
    0x200,
    0x202,
    900,
  ]];
  for (const [si, di, n] of cases) {
    const name = `REP MOVS${sfx.toUpperCase()} of ${n} from +0x${si.toString(16)} to ` +
      `+0x${di.toString(16)} in 97-instruction quanta matches a copy element by element`;
    t(name, async () => {
      const src = `${fill(0x4000)}
        mov esi, ${DATA + si}
        mov edi, ${DATA + di}
        mov ecx, ${n}
        rep movs${sfx}
        hlt`;
      const ref = await run(`${fill(0x4000)}\nhlt`);
      const expect = ref.mem.readBytes(DATA, 0x4000)!;
      modelMovs(expect, si, di, n, size);
      const m = await machine(src);
      let quanta = 0;
      while (m.cpu.run(97) === Stop.Budget) quanta++;
      assert.ok(quanta > 1);
      assert.deepEqual(m.mem.readBytes(DATA, 0x4000), expect);
      assert.equal(m.cpu.regs[ECX], 0);
      assert.equal(u32(m.cpu.regs[ESI]!), DATA + si + n * size);
      assert.equal(u32(m.cpu.regs[EDI]!), DATA + di + n * size);
      // The fill (4 setup + 5 per byte), 3 setups, one unit per iteration and the HLT.
      assert.equal(m.cpu.instructions, ref.cpu.instructions - 1 + 3 + n + 1);
    });
  }
}

t("REP STOSW and STOSD, unaligned and across pages, store every element", async () => {
  const m = await run(`mov edi, ${DATA + 0xff1}
    mov ecx, 1000
    mov eax, 0xa1b2c3d4
    rep stosw
    mov ebx, edi
    mov edi, ${DATA + 0x2ffc}
    mov ecx, 3
    rep stosd
    hlt`);
  for (let k = 0; k < 1000; k++) assert.equal(m.mem.read16(DATA + 0xff1 + 2 * k), 0xc3d4);
  assert.equal(m.mem.read16(DATA + 0xff1 + 2000), 0);
  assert.equal(u32(m.cpu.regs[EBX]!), DATA + 0xff1 + 2000);
  for (let k = 0; k < 3; k++) assert.equal(u32(m.mem.read32(DATA + 0x2ffc + 4 * k)), 0xa1b2c3d4);
});

t(
  "REP STOSD running into an unmapped page faults there with the elements before it done",
  async () => {
    const end = DATA + 0x4000; // the next page is not mapped
    const m = await run(`mov edi, ${end - 8}
    mov ecx, 10
    mov eax, 7
    rep stosd
    hlt`);
    assert.equal(m.stop, Stop.Fault);
    assert.equal(m.cpu.exit.fault, "page-fault");
    assert.equal(u32(m.cpu.exit.faultAddress), end);
    assert.equal(m.cpu.regs[ECX], 8);
    assert.equal(u32(m.cpu.regs[EDI]!), end);
    assert.equal(m.mem.read32(end - 8), 7);
    assert.equal(m.mem.read32(end - 4), 7);
  },
);

t("REP STOSB over code just ahead of it changes what runs next", async () => {
  const m = await run(`mov edi, patch
    mov al, 0x90
    mov ecx, 2
    rep stosb
  patch: jmp short other
    mov ebx, 1
    hlt
  other: mov ebx, 2
    hlt`);
  assert.equal(m.stop, Stop.Hlt);
  assert.equal(m.cpu.regs[EBX], 1);
});
