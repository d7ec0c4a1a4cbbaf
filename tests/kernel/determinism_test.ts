import { assert } from "../_assert.ts";
import { attachRaiser, guest, hasNasm, recordingKernel } from "./_guests.ts";

/** Idles for an RDTSC-derived time, prints, interrupts its neighbour, works; 8 rounds. */
const WORKER = `
  mov dword [V_HANDLER], handler
  mov edi, 8
.round:
  rdtsc
  xor eax, [V_VM_ID]
  and eax, 0x3ff
  mov ebx, eax
  mov eax, 1
  vmcall
  add [sum], eax
  mov al, [V_VM_ID]
  add al, 'a' - 1
  mov dx, 0x100
  out dx, al
  mov eax, [V_VM_ID]
  xor edx, edx
  mov ecx, 20
  div ecx
  inc edx
  shl edx, 8
  or edx, edi
  mov eax, edx
  mov dx, 0x200
  out dx, eax
  mov ecx, 300
.busy:
  add [sum], ecx
  loop .busy
  dec edi
  jnz .round
  mov eax, [V_TIME_LO]
  add [sum], eax
  TERMINATE [sum]
handler:
  push eax
  mov eax, [V_PENDING]
  add [sum], eax
  mov dword [V_PENDING], 0
  pop eax
  iret
sum: dd 0
`;

async function runOnce(interrupts: "batched" | "immediate", sliceMs: number) {
  const { kernel, chunks } = recordingKernel({ quantum: 200, interrupts, sliceMs });
  attachRaiser(kernel);
  const image = await guest(WORKER);
  for (let i = 0; i < 20; i++) kernel.create({ image, start: true });
  await kernel.run();
  return { chunks, vms: kernel.list(), stats: kernel.stats() };
}

for (const mode of ["batched", "immediate"] as const) {
  Deno.test({
    name: `Kernel runs the same multi-VM workload twice bit for bit (${mode} interrupts)`,
    ignore: !hasNasm,
    fn: async () => {
      const a = await runOnce(mode, 1);
      const b = await runOnce(mode, 50);
      assert.deepEqual(b.chunks, a.chunks);
      assert.deepEqual(b.vms, a.vms);
      assert.deepEqual(b.stats, a.stats);
      // The workload really idles, times out, takes interrupts and is preempted.
      assert.equal(a.stats.vms.exited, 20);
      assert.ok(a.stats.interrupts.delivered > 50);
      assert.ok(a.stats.timeMicros > 1000);
      assert.ok(a.stats.contextSwitches > 160);
      assert.ok(a.vms.every((v) => v.stats.idleMicros > 0));
    },
  });
}
