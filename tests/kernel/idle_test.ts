import { assert } from "../_assert.ts";
import { attachRaiser, guest, hasNasm, raiseAsm, recordingKernel } from "./_guests.ts";

Deno.test({
  name: "Kernel wakes idle-with-timeout VMs in deadline order on the deterministic clock",
  ignore: !hasNasm,
  fn: async () => {
    // VM n idles (6 - n) ms, prints its letter, and exits with the time it woke (us).
    const image = await guest(`
      mov eax, 6
      sub eax, [V_VM_ID]
      imul ebx, eax, 1000
      mov eax, 1
      vmcall
      mov esi, eax
      mov al, [V_VM_ID]
      add al, 'A' - 1
      mov dx, 0x100
      out dx, al
      test esi, esi
      jnz .bad
      TERMINATE [V_TIME_LO]
    .bad:
      TERMINATE -1
    `);
    const { kernel, text } = recordingKernel();
    const ids = [1, 2, 3, 4, 5].map(() => kernel.create({ image, start: true }));
    await kernel.run();
    assert.equal(text(), "EDCBA");
    for (const id of ids) {
      const info = kernel.inspect(id);
      assert.equal(info.exitCode, (6 - id) * 1000, `vm ${id}`);
      assert.ok(info.stats.idleMicros >= (6 - id) * 1000 - 1);
    }
    assert.equal(kernel.stats().timeMicros, 5000);
  },
});

Deno.test({
  name: "Kernel returns 1 from idle-with-timeout woken by an interrupt and 0 on timeout",
  ignore: !hasNasm,
  fn: async () => {
    const sleeper = await guest(`
      IDLE 5000000
      mov esi, eax
      IDLE 100
      mov edi, eax
      mov ecx, [V_PENDING]
      imul ebx, esi, 10
      add ebx, edi
      imul ecx, ecx, 100
      add ebx, ecx
      TERMINATE ebx
    `);
    const raiser = await guest(raiseAsm(1, 3) + "TERMINATE 0");
    const { kernel } = recordingKernel();
    attachRaiser(kernel);
    const a = kernel.create({ image: sleeper, start: true });
    kernel.create({ image: raiser, start: true });
    await kernel.run();
    // woke by interrupt (1), then by timeout (0); line 3 posted to PENDING (no handler): 8 * 100.
    assert.equal(kernel.inspect(a).exitCode, 810);
    assert.ok(kernel.stats().timeMicros < 1000);
  },
});

Deno.test({
  name: "Kernel lets HLT sleep until an interrupt and reports VMs idle forever as quiescent",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(`
      hlt
      TERMINATE 3
    `);
    const { kernel } = recordingKernel();
    const id = kernel.create({ image, start: true });
    await kernel.run();
    assert.equal(kernel.inspect(id).state, "idle");
    assert.equal(kernel.stats().timers, 0);
    kernel.raise(id, 0);
    await kernel.run();
    assert.equal(kernel.inspect(id).exitCode, 3);
  },
});
