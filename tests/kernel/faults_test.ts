import { assert } from "../_assert.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

const PRINTER = `
  mov ecx, 5
.loop:
  PUTC 'x'
  YIELD
  dec ecx
  jnz .loop
  TERMINATE 0
`;

const FAULTY: [string, string, string][] = [
  ["invalid-opcode", "YIELD\n ud2", "0f 0b"],
  ["page-fault", "YIELD\n mov eax, [0]", "a1 00 00 00 00"],
  ["divide-error", "YIELD\n xor ecx, ecx\n div ecx", "f7 f1"],
  ["bad-device-request", "YIELD\n mov eax, 0x7ffffff0\n mov dx, 0x104\n out dx, eax", "ef"],
];

for (const [reason, body, bytes] of FAULTY) {
  Deno.test({
    name: `Kernel stops a VM on ${reason} with its EIP and bytes; the other VMs go on`,
    ignore: !hasNasm,
    fn: async () => {
      const { kernel } = recordingKernel();
      const printer = await guest(PRINTER);
      const before = kernel.create({ image: printer, start: true });
      const bad = kernel.create({ image: await guest(body), start: true });
      const after = kernel.create({ image: printer, start: true });
      const exit = kernel.wait(bad);
      await kernel.run();
      const info = kernel.inspect(bad);
      assert.equal(info.state, "faulted");
      assert.equal(info.fault?.reason, reason);
      assert.ok(info.fault!.bytes.startsWith(bytes), info.fault!.bytes);
      assert.ok(info.fault!.eip > 0x10000 && info.fault!.eip < 0x10020);
      assert.equal(info.stats.faults, 1);
      assert.equal(info.residentPages, 0);
      assert.equal((await exit).state, "faulted");
      for (const id of [before, after]) {
        assert.equal(kernel.inspect(id).exitCode, 0);
        assert.equal(kernel.consoleText(id), "xxxxx");
      }
      assert.equal(kernel.stats().vms.faulted, 1);
    },
  });
}

Deno.test({
  name: "Kernel reports the address of a page fault and maps untouched pages on demand",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(`
      mov dword [0x30000], 1   ; inside memory: a demand-zero page
      mov eax, [0x50000]       ; untouched: reads zero
      add eax, [0x30000]
      mov byte [0x7fff0], 0xaa ; near the top
      mov dword [0x80000], eax ; past memSize (512 KiB)
    `);
    const { kernel } = recordingKernel();
    const id = kernel.create({ image, memSize: 512 * 1024, start: true });
    await kernel.run();
    const fault = kernel.inspect(id).fault!;
    assert.equal(fault.reason, "page-fault");
    assert.equal(fault.address, 0x80000);
    assert.equal(fault.write, true);
  },
});

Deno.test({
  name: "Kernel backs only the pages a VM touches",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(`
      mov dword [0x30000], 1
      mov eax, [0x50000]
      hlt
    `);
    const { kernel } = recordingKernel();
    const id = kernel.create({ image, memSize: 1 << 20, start: true });
    await kernel.run();
    // image page, vregs page, 0x30000 and 0x50000 (reads map too: the CPU faults on them).
    assert.equal(kernel.inspect(id).residentPages, 4);
    assert.equal(kernel.stats().framesInUse, 4);
    kernel.kill(id);
    assert.equal(kernel.stats().framesInUse, 0);
  },
});

Deno.test({
  name: "Kernel stops a VM past its instruction limit with a cpu-budget fault",
  ignore: !hasNasm,
  fn: async () => {
    const { kernel } = recordingKernel({ quantum: 1000 });
    const id = kernel.create({ image: await guest("jmp $"), maxInstructions: 5000, start: true });
    await kernel.run();
    const info = kernel.inspect(id);
    assert.equal(info.fault?.reason, "cpu-budget");
    assert.equal(info.stats.instructions, 5000);
  },
});

Deno.test({
  name: "Kernel does not let an infinite loop starve the other VMs",
  ignore: !hasNasm,
  fn: async () => {
    const { kernel } = recordingKernel({ quantum: 500 });
    const looper = kernel.create({ image: await guest("jmp $"), start: true });
    const printer = await guest(PRINTER);
    const ids = [1, 2, 3].map(() => kernel.create({ image: printer, start: true }));
    // Each printer needs 6 quanta (5 yields, then terminate): 6 rounds of 4 VMs.
    assert.equal(kernel.runSync(24), "more");
    for (const id of ids) {
      assert.equal(kernel.inspect(id).state, "exited");
      assert.equal(kernel.consoleText(id), "xxxxx");
    }
    const looped = kernel.inspect(looper).stats;
    assert.equal(looped.quanta, 6);
    assert.equal(looped.instructions, 6 * 500);
    kernel.kill(looper);
    assert.equal(kernel.runSync(), "quiescent");
    assert.equal(kernel.inspect(looper).state, "killed");
  },
});
