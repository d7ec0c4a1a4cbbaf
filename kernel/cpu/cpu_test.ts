import { assert } from "../../tests/_assert.ts";
import { hasNasm } from "../../tests/_nasm.ts";
import { CODE, cpuTest, DATA, machine, RO, run, STACK_TOP, u32, UNMAPPED } from "./_test_util.ts";
import { FLAGS, Reg, Stop } from "./state.ts";

const ignore = !hasNasm;
const t = (name: string, fn: () => Promise<void>) => cpuTest(name, fn, ignore);
const { CF, PF, AF, ZF, SF, OF, DF } = FLAGS;
const arith = (f: number) => f & (CF | PF | AF | ZF | SF | OF);

t("Cpu ADD sets CF, OF, ZF, SF, AF, PF as the real CPU does", async () => {
  const m = await run(`mov eax, 0x7fffffff
    add eax, 1
    hlt`);
  assert.equal(m.stop, Stop.Hlt);
  assert.equal(u32(m.cpu.regs[Reg.EAX]!), 0x80000000);
  assert.equal(arith(m.cpu.eflags), OF | SF | AF | PF);
  const z = await run(`mov eax, -1
    add eax, 1
    hlt`);
  assert.equal(arith(z.cpu.eflags), CF | ZF | AF | PF);
});

t("Cpu ADC and SBB chain carries across 64-bit arithmetic", async () => {
  const m = await run(`mov eax, 0xffffffff
    mov edx, 1
    add eax, 1
    adc edx, 0
    mov ebx, 0
    mov ecx, 0
    sub ebx, 1
    sbb ecx, 0
    hlt`);
  const r = m.cpu.regs;
  assert.equal(r[Reg.EAX], 0);
  assert.equal(r[Reg.EDX], 2);
  assert.equal(u32(r[Reg.EBX]!), 0xffffffff);
  assert.equal(u32(r[Reg.ECX]!), 0xffffffff);
  assert.equal(m.cpu.eflags & CF, CF);
});

t("Cpu 8-bit and 16-bit forms touch only their part of the register", async () => {
  const m = await run(`mov eax, 0x11223344
    mov ah, 0xff
    add al, 0xcc
    mov ebx, 0xaaaabbbb
    add bx, 0x4446
    hlt`);
  assert.equal(u32(m.cpu.regs[Reg.EAX]!), 0x1122ff10);
  assert.equal(u32(m.cpu.regs[Reg.EBX]!), 0xaaaa0001);
  assert.equal(m.cpu.eflags & (CF | ZF), CF);
});

t("Cpu INC and DEC keep CF; NEG sets CF for non-zero", async () => {
  const m = await run(`stc
    mov eax, 0xffffffff
    inc eax
    hlt`);
  assert.equal(arith(m.cpu.eflags) & (CF | ZF), CF | ZF);
  const n = await run(`mov eax, 5
    neg eax
    hlt`);
  assert.equal(n.cpu.regs[Reg.EAX], -5);
  assert.equal(n.cpu.eflags & CF, CF);
});

t("Cpu MUL, IMUL and DIV give 64-bit results and exact quotients", async () => {
  const m = await run(`mov eax, 0xfffffffe
    mov ecx, 0xfffffffd
    mul ecx
    mov esi, eax
    mov edi, edx
    mov eax, -7
    mov ecx, 3
    cdq
    idiv ecx
    mov ebx, edx
    imul ecx, ecx, -5
    hlt`);
  const r = m.cpu.regs;
  // 0xfffffffe * 0xfffffffd = 0xfffffffb_00000006
  assert.equal(u32(r[Reg.ESI]!), 6);
  assert.equal(u32(r[Reg.EDI]!), 0xfffffffb);
  assert.equal(r[Reg.EAX], -2);
  assert.equal(r[Reg.EBX], -1);
  assert.equal(r[Reg.ECX], -15);
  const d = await run(`mov edx, 0x12345678
    mov eax, 0x9abcdef0
    mov ecx, 0x87654321
    div ecx
    hlt`);
  // 0x123456789abcdef0 / 0x87654321 = 0x2253a0a5 rem 0x3b2f3a15 (computed with BigInt below)
  const n = 0x123456789abcdef0n, dv = 0x87654321n;
  assert.equal(u32(d.cpu.regs[Reg.EAX]!), Number(n / dv));
  assert.equal(u32(d.cpu.regs[Reg.EDX]!), Number(n % dv));
});

t("Cpu divide errors are precise faults", async () => {
  const m = await run(`mov eax, 0x80000000
    mov edx, 0xffffffff
    mov ecx, -1
    stc
    idiv ecx
    hlt`);
  assert.equal(m.stop, Stop.Fault);
  assert.equal(m.cpu.exit.fault, "divide-error");
  assert.equal(m.cpu.eip, CODE + 16); // at the IDIV (5+5+5+1 bytes before it)
  assert.equal(u32(m.cpu.regs[Reg.EAX]!), 0x80000000);
  assert.equal(m.cpu.eflags & CF, CF);
  assert.equal(m.cpu.instructions, 4);
  const z = await run(`xor ecx, ecx
    div ecx`);
  assert.equal(z.cpu.exit.fault, "divide-error");
  assert.equal(z.cpu.eip, CODE + 2);
});

t("Cpu shifts and rotates: RCL/RCR through carry, SHLD/SHRD, SAR sign", async () => {
  const m = await run(`stc
    mov eax, 0x80000001
    rcl eax, 1
    mov ebx, eax
    mov ecx, 0x12345678
    mov edx, 0x9abcdef0
    shld ecx, edx, 8
    mov esi, -16
    sar esi, 2
    mov al, 0x81
    ror al, 1
    hlt`);
  const r = m.cpu.regs;
  assert.equal(r[Reg.EBX], 3);
  assert.equal(u32(r[Reg.ECX]!), 0x3456789a);
  assert.equal(r[Reg.ESI], -4);
  assert.equal(r[Reg.EAX]! & 0xff, 0xc0);
  assert.equal(m.cpu.eflags & CF, CF);
});

t("Cpu bit instructions: BT family, BSF/BSR, BSWAP", async () => {
  const m = await run(`mov eax, 0x00f00000
    bsf ebx, eax
    bsr ecx, eax
    mov edx, 0x11223344
    bswap edx
    mov dword [${DATA}], 0
    mov esi, 37
    bts [${DATA}], esi
    bt dword [${DATA}+4], 5
    hlt`);
  const r = m.cpu.regs;
  assert.equal(r[Reg.EBX], 20);
  assert.equal(r[Reg.ECX], 23);
  assert.equal(u32(r[Reg.EDX]!), 0x44332211);
  assert.equal(m.mem.read32(DATA + 4), 1 << 5);
  assert.equal(m.cpu.eflags & CF, CF);
});

t("Cpu string instructions copy, scan and honour DF", async () => {
  const m = await run(`mov edi, ${DATA}
    mov ecx, 11
    mov esi, msg
    rep movsb
    mov edi, ${DATA}
    xor eax, eax
    mov ecx, -1
    repne scasb
    not ecx
    dec ecx
    mov ebx, ecx
    std
    mov edi, ${DATA + 0x103}
    mov eax, 0x41414141
    mov ecx, 4
    rep stosb
    cld
    hlt
    msg: db "hello there", 0`);
  assert.equal(m.cpu.regs[Reg.EBX], 11);
  assert.equal(new TextDecoder().decode(m.mem.readBytes(DATA, 11)!), "hello there");
  assert.equal(m.mem.read32(DATA + 0x100), 0x41414141);
});

t("Cpu REP instructions spend the budget per iteration and resume exactly", async () => {
  const src = `mov edi, ${DATA}
    mov ecx, 1000
    mov eax, 0x01020304
    rep stosd
    hlt`;
  const m = await machine(src);
  let runs = 0;
  while (m.cpu.run(7) === Stop.Budget) runs++;
  assert.ok(runs > 100);
  assert.equal(m.cpu.regs[Reg.ECX], 0);
  assert.equal(m.mem.read32(DATA + 999 * 4), 0x01020304);
  assert.equal(m.mem.read32(DATA + 1000 * 4), 0);
  // 3 movs + 1000 iterations + hlt
  assert.equal(m.cpu.instructions, 1004);
});

t("Cpu control flow: CALL/RET, LOOP, JECXZ, SETcc, CMOVcc", async () => {
  const m = await run(`mov ecx, 5
    xor eax, eax
  l1: add eax, ecx
    loop l1
    call f
    xor ecx, ecx
    jecxz skip
    mov eax, 0
  skip:
    cmp eax, 100
    setl bl
    mov edx, 7
    cmovg edx, eax
    hlt
  f: add eax, 100
    ret`);
  const r = m.cpu.regs;
  assert.equal(r[Reg.EAX], 115);
  assert.equal(r[Reg.EBX]! & 0xff, 0);
  assert.equal(r[Reg.EDX], 115);
  assert.equal(r[Reg.ESP], STACK_TOP);
});

t("Cpu stack: PUSHAD/POPAD, ENTER/LEAVE, PUSHFD/POPFD", async () => {
  const m = await run(`mov eax, 1
    mov ebx, 2
    mov ebp, 3
    pushad
    xor eax, eax
    xor ebx, ebx
    popad
    enter 16, 0
    mov esi, esp
    leave
    std
    pushfd
    cld
    popfd
    pushfd
    pop edi
    hlt`);
  const r = m.cpu.regs;
  assert.equal(r[Reg.EAX], 1);
  assert.equal(r[Reg.EBX], 2);
  assert.equal(r[Reg.EBP], 3);
  assert.equal(r[Reg.ESI], STACK_TOP - 4 - 16);
  assert.equal(r[Reg.ESP], STACK_TOP);
  assert.equal(r[Reg.EDI]! & DF, DF);
});

t("Cpu atomics: XADD, CMPXCHG, CMPXCHG8B", async () => {
  const m = await run(`mov dword [${DATA}], 10
    mov eax, 5
    lock xadd [${DATA}], eax
    mov ebx, eax
    mov eax, 15
    mov ecx, 99
    lock cmpxchg [${DATA}], ecx
    mov esi, eax
    mov eax, 99
    xor edx, edx
    mov ebx, 0xdead
    mov ecx, 0xbeef
    cmpxchg8b [${DATA}]
    hlt`);
  assert.equal(m.cpu.regs[Reg.ESI], 15);
  assert.equal(m.mem.read32(DATA), 0xdead);
  assert.equal(m.mem.read32(DATA + 4), 0xbeef);
  assert.equal(m.cpu.eflags & ZF, ZF);
});

t("Cpu exits: VMCALL, OUT and IN stop with their details and resume after", async () => {
  const m = await machine(`mov eax, 3
    vmcall
    mov dx, 0x104
    mov eax, 0xcafe
    out dx, eax
    in al, 0x42
    hlt`);
  const { cpu } = m;
  assert.equal(cpu.run(100), Stop.Vmcall);
  assert.equal(cpu.regs[Reg.EAX], 3);
  assert.equal(cpu.exit.eip, CODE + 5);
  assert.equal(cpu.run(100), Stop.Out);
  assert.deepEqual([cpu.exit.port, cpu.exit.size, cpu.exit.value], [0x104, 4, 0xcafe]);
  assert.equal(cpu.exit.eip, CODE + 17);
  assert.equal(cpu.run(100), Stop.In);
  assert.deepEqual([cpu.exit.port, cpu.exit.size], [0x42, 1]);
  cpu.completeIn(0x99);
  assert.equal(cpu.regs[Reg.EAX], 0xca99);
  assert.equal(cpu.run(100), Stop.Hlt);
  assert.equal(cpu.instructions, 7);
});

t("Cpu page faults are precise: unmapped read, NULL, read-only write", async () => {
  const m = await run(`mov ebx, ${UNMAPPED + 8}
    mov eax, 1
    add eax, [ebx]`);
  assert.equal(m.stop, Stop.Fault);
  assert.equal(m.cpu.exit.fault, "page-fault");
  assert.equal(m.cpu.exit.faultAddress, UNMAPPED + 8);
  assert.equal(m.cpu.eip, CODE + 10);
  assert.equal(m.cpu.regs[Reg.EAX], 1);
  const n = await run(`xor eax, eax
    mov eax, [eax]`);
  assert.equal(n.cpu.exit.faultAddress, 0);
  const w = await run(`mov eax, 5
    cmp eax, 5
    add dword [${RO}], 7`);
  assert.equal(w.cpu.exit.fault, "page-fault");
  assert.equal(w.cpu.exit.faultWrite, true);
  assert.equal(w.mem.read32(RO), 0);
  assert.equal(w.cpu.eflags & ZF, ZF, "flags untouched by the faulting ADD");
});

t("Cpu accesses that straddle pages are checked as a whole", async () => {
  const m = await run(`mov eax, 0x11223344
    mov [${DATA + 0x3ffe}], eax
    hlt`);
  assert.equal(m.stop, Stop.Fault);
  assert.equal(m.cpu.exit.faultAddress, DATA + 0x4000);
  assert.equal(m.mem.read16(DATA + 0x3ffe), 0, "nothing written before the fault");
  const ok = await run(`mov eax, 0x11223344
    mov [${DATA + 0xffe}], eax
    mov ebx, [${DATA + 0xffe}]
    hlt`);
  assert.equal(ok.cpu.regs[Reg.EBX], 0x11223344);
});

t("Cpu push to an unmapped stack faults without moving ESP", async () => {
  const m = await machine(`push eax
    hlt`);
  m.cpu.regs[Reg.ESP] = UNMAPPED + 4;
  assert.equal(m.cpu.run(10), Stop.Fault);
  assert.equal(m.cpu.regs[Reg.ESP], UNMAPPED + 4);
});

t("Cpu invalid, breakpoint, INT n and over-long instructions fault at their start", async () => {
  const ud = await run(`nop
    ud2`);
  assert.equal(ud.cpu.exit.fault, "invalid-opcode");
  assert.equal(ud.cpu.eip, CODE + 1);
  const sys = await run(`nop
    syscall`);
  assert.equal(sys.cpu.exit.fault, "invalid-opcode");
  const bp = await run(`int3`);
  assert.equal(bp.cpu.exit.fault, "breakpoint");
  const gp = await run(`int 0x80`);
  assert.equal(gp.cpu.exit.fault, "general-protection");
  const long = await run(`times 15 db 0x66
    nop`);
  assert.equal(long.cpu.exit.fault, "general-protection");
  assert.equal(long.cpu.eip, CODE);
});

t("Cpu running off the end of mapped code faults with the fetch address", async () => {
  const m = await machine(`jmp ${0x14000 - 2}`);
  m.mem.writeBytes(0x14000 - 2, new Uint8Array([0x90, 0xb8])); // nop ; mov eax, imm32 (cut)
  assert.equal(m.cpu.run(10), Stop.Fault);
  assert.equal(m.cpu.exit.fault, "page-fault");
  assert.equal(m.cpu.exit.faultAddress, 0x14000);
  assert.equal(m.cpu.eip, 0x14000 - 1);
});

t("Cpu self-modifying code runs the new bytes, in another block and in the same one", async () => {
  const m = await run(`mov ecx, 2
  again:
    call patchme
    mov byte [patchme + 1], 42
    loop again
    mov byte [here + 1], 9
  here:
    mov edx, 1
    hlt
  patchme:
    mov eax, 1
    ret`);
  assert.equal(m.cpu.regs[Reg.EAX], 42);
  assert.equal(m.cpu.regs[Reg.EDX], 9);
});

t("Cpu the budget bounds an infinite loop exactly", async () => {
  const m = await machine(`l: jmp l`);
  assert.equal(m.cpu.run(12345), Stop.Budget);
  assert.equal(m.cpu.instructions, 12345);
  assert.equal(m.cpu.eip, CODE);
});

t("Cpu FS and GS overrides add the per-VM base", async () => {
  const m = await machine(`mov eax, [fs:8]
    mov dword [gs:4], 77
    hlt`);
  m.cpu.fsBase = DATA;
  m.cpu.gsBase = DATA + 0x100;
  m.mem.write32(DATA + 8, 1234);
  assert.equal(m.cpu.run(10), Stop.Hlt);
  assert.equal(m.cpu.regs[Reg.EAX], 1234);
  assert.equal(m.mem.read32(DATA + 0x104), 77);
});

t("Cpu CPUID names the kernel and RDTSC reads the kernel's clock", async () => {
  const m = await machine(`xor eax, eax
    cpuid
    mov [${DATA}], ebx
    mov [${DATA + 4}], edx
    mov [${DATA + 8}], ecx
    rdtsc
    hlt`);
  m.cpu.tsc = () => 0x1_0000_0005;
  m.cpu.run(100);
  assert.equal(new TextDecoder().decode(m.mem.readBytes(DATA, 12)!), "DenaliKernel");
  assert.equal(m.cpu.regs[Reg.EAX], 5);
  assert.equal(m.cpu.regs[Reg.EDX], 1);
});

t("Cpu upcall pushes a frame, clears IF, and IRET returns with IF restored", async () => {
  const m = await machine(`mov eax, 1
    hlt
  handler:
    mov ebx, 2
    iret`);
  const { cpu } = m;
  assert.equal(cpu.run(10), Stop.Hlt);
  const back = cpu.eip;
  assert.equal(cpu.upcall(CODE + 6), true);
  assert.equal(cpu.vif, false);
  assert.equal(cpu.regs[Reg.ESP], STACK_TOP - 12);
  assert.equal(cpu.run(2), Stop.Budget);
  assert.equal(cpu.eip, back);
  assert.equal(cpu.vif, true);
  assert.equal(cpu.regs[Reg.EBX], 2);
  assert.equal(cpu.regs[Reg.ESP], STACK_TOP);
  cpu.regs[Reg.ESP] = UNMAPPED + 8;
  assert.equal(cpu.upcall(CODE + 6), false);
  assert.equal(cpu.exit.fault, "page-fault");
});

t("Cpu CLI/STI and LAHF/SAHF", async () => {
  const m = await run(`cli
    mov ah, 0xd5
    sahf
    mov ah, 0
    lahf
    hlt`);
  assert.equal(m.cpu.vif, false);
  assert.equal((m.cpu.regs[Reg.EAX]! >> 8) & 0xff, 0xd7);
  assert.equal(arith(m.cpu.eflags), CF | PF | AF | ZF | SF);
});

t("Cpu IRET from a handler-stack frame (CS = 1) also restores ESP", async () => {
  const m = await machine(`mov esp, ${DATA + 0x800 - 20}
    iret`);
  const base = DATA + 0x800 - 20;
  m.mem.write32(base, CODE + 0x100);
  m.mem.write32(base + 4, 1);
  m.mem.write32(base + 8, 0x202 | CF);
  m.mem.write32(base + 12, STACK_TOP - 64);
  m.mem.write32(base + 16, 0);
  m.mem.writeBytes(CODE + 0x100, new Uint8Array([0xf4]));
  assert.equal(m.cpu.run(10), Stop.Hlt);
  assert.equal(m.cpu.regs[Reg.ESP], STACK_TOP - 64);
  assert.equal(m.cpu.eflags & CF, CF);
  assert.equal(m.cpu.vif, true);
});

t("Cpu LOCK is accepted on read-modify-write memory forms and invalid elsewhere", async () => {
  const ok = await run(`lock add dword [${DATA}], 3
    lock bts dword [${DATA}], 4
    hlt`);
  assert.equal(ok.stop, Stop.Hlt);
  assert.equal(ok.mem.read32(DATA), 0x13);
  const mov = await run(`db 0xf0
    mov [${DATA}], eax`);
  assert.equal(mov.cpu.exit.fault, "invalid-opcode");
  const reg = await run(`db 0xf0
    add eax, ebx`);
  assert.equal(reg.cpu.exit.fault, "invalid-opcode");
  const cmp = await run(`lock cmp dword [${DATA}], 1`).catch((e) => e);
  assert.ok(cmp instanceof Error || cmp.cpu.exit.fault === "invalid-opcode");
});
