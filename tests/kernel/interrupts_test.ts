import { assert } from "../_assert.ts";
import { Cpu, Reg, Stop } from "../../kernel/cpu/mod.ts";
import { AddressSpace, PhysicalMemory } from "../../kernel/memory/mod.ts";
import { attachRaiser, guest, hasNasm, raiseAsm, recordingKernel } from "./_guests.ts";

/** VM 1: counts upcalls until lines 0..9 have all arrived; exits with the upcall count. */
const TARGET = `
  mov dword [V_HANDLER], handler
.wait:
  cmp dword [seen], 0x3ff
  je .done
  hlt
  jmp .wait
.done:
  TERMINATE [upcalls]
handler:
  push eax
  mov eax, [V_PENDING]
  or [seen], eax
  mov dword [V_PENDING], 0
  inc dword [upcalls]
  pop eax
  iret
seen: dd 0
upcalls: dd 0
`;

/** VM 2: raises lines 0..9 on VM 1, one OUT each, in one quantum. */
const SOURCE = `
  xor ecx, ecx
.loop:
  mov eax, ecx
  or eax, 1 << 8
  mov dx, 0x200
  out dx, eax
  inc ecx
  cmp ecx, 10
  jne .loop
  TERMINATE 0
`;

async function runPair(interrupts: "batched" | "immediate") {
  const { kernel } = recordingKernel({ interrupts });
  attachRaiser(kernel);
  const target = kernel.create({ image: await guest(TARGET), start: true });
  kernel.create({ image: await guest(SOURCE), start: true });
  await kernel.run();
  return { info: kernel.inspect(target), stats: kernel.stats() };
}

Deno.test({
  name: "Kernel delivers interrupts raised during one quantum in one batch (batched mode)",
  ignore: !hasNasm,
  fn: async () => {
    const { info, stats } = await runPair("batched");
    assert.equal(info.state, "exited");
    assert.equal(info.exitCode, 1);
    assert.equal(info.stats.interruptsRaised, 10);
    assert.equal(info.stats.interruptsDelivered, 10);
    assert.equal(info.stats.batches, 1);
    assert.equal(stats.contextSwitches, 3);
    assert.deepEqual(stats.interrupts, { raised: 10, delivered: 10, batches: 1 });
  },
});

Deno.test({
  name: "Kernel switches to the target at each interrupt in immediate mode",
  ignore: !hasNasm,
  fn: async () => {
    const { info, stats } = await runPair("immediate");
    assert.equal(info.exitCode, 10);
    assert.equal(info.stats.interruptsRaised, 10);
    assert.equal(info.stats.interruptsDelivered, 10);
    assert.equal(info.stats.batches, 10);
    // B, A, then (B, A) per interrupt: the source finishes after the last delivery.
    assert.equal(stats.contextSwitches, 22);
  },
});

Deno.test({
  name: "Kernel holds interrupts while the virtual IF is clear and delivers them after STI",
  ignore: !hasNasm,
  fn: async () => {
    const target = await guest(`
      mov dword [V_HANDLER], handler
      cli
      IDLE -1
      mov esi, [V_WAITING]
      mov edi, [upcalls]
      sti
      YIELD
      mov ebx, [upcalls]
      imul ebx, ebx, 1000
      add ebx, esi
      imul edi, edi, 100
      add ebx, edi
      TERMINATE ebx
    handler:
      mov dword [V_PENDING], 0
      inc dword [upcalls]
      iret
    upcalls: dd 0
    `);
    const { kernel } = recordingKernel();
    attachRaiser(kernel);
    const id = kernel.create({ image: target, start: true });
    kernel.create({ image: await guest(raiseAsm(1, 2) + "TERMINATE 0"), start: true });
    await kernel.run();
    // woken while IF clear with line 2 waiting (4), no upcall (0 * 100), one upcall after STI.
    assert.equal(kernel.inspect(id).exitCode, 1004);
  },
});

/** Whether the CPU's IRET pops ESP (and SS) after a CS word of 1, as kernel/ISA.md specifies. */
function iretSwitchesStacks(): boolean {
  const mem = new AddressSpace(new PhysicalMemory({ initialFrames: 4 }), 0x4000);
  mem.allocate(0x2000, 0x2000, true);
  // iret with the frame EIP=0x2001 (hlt), CS=1, EFLAGS=0x202, ESP=0x3abc, SS=0 at 0x3000.
  mem.writeBytes(0x2000, new Uint8Array([0xcf, 0xf4]));
  [0x2001, 1, 0x202, 0x3abc, 0].forEach((v, i) => mem.write32(0x3000 + 4 * i, v));
  const cpu = new Cpu(mem);
  cpu.eip = 0x2000;
  cpu.regs[Reg.ESP] = 0x3000;
  return cpu.run(10) === Stop.Hlt && cpu.regs[Reg.ESP] === 0x3abc;
}

Deno.test({
  name: "Kernel upcalls on the handler stack when one is set, and IRET returns to the old stack",
  ignore: !hasNasm || !iretSwitchesStacks(),
  fn: async () => {
    const target = await guest(`
      mov dword [V_HANDLER], handler
      mov dword [V_HANDLER_STACK], 0x9000
      mov ebp, esp
      hlt
      cmp esp, ebp
      jne .bad
      TERMINATE [handler_esp]
    .bad:
      TERMINATE 1
    handler:
      mov [handler_esp], esp
      mov dword [V_PENDING], 0
      iret
    handler_esp: dd 0
    `);
    const { kernel } = recordingKernel();
    attachRaiser(kernel);
    const id = kernel.create({ image: target, start: true });
    kernel.create({ image: await guest(raiseAsm(1, 0) + "TERMINATE 0"), start: true });
    await kernel.run();
    assert.equal(kernel.inspect(id).exitCode, 0x9000 - 20);
  },
});

Deno.test({
  name: "Kernel faults a VM whose upcall frame cannot be pushed, and only that VM",
  ignore: !hasNasm,
  fn: async () => {
    const target = await guest(`
      mov dword [V_HANDLER], 0x10000
      mov esp, 8  ; the frame would land in page 0
      hlt
    `);
    const { kernel } = recordingKernel();
    attachRaiser(kernel);
    const id = kernel.create({ image: target, start: true });
    const other = kernel.create({
      image: await guest(raiseAsm(1, 0) + "TERMINATE 5"),
      start: true,
    });
    await kernel.run();
    assert.equal(kernel.inspect(id).fault?.reason, "upcall-failed");
    assert.equal(kernel.inspect(other).exitCode, 5);
  },
});
