import { assert } from "../_assert.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

const PRINTER = `
  mov ecx, 3
.loop:
  mov al, [V_VM_ID]
  add al, 'A' - 1
  mov dx, 0x100
  out dx, al
  push ecx
  YIELD
  pop ecx
  loop .loop
  TERMINATE 0
`;

Deno.test({
  name: "Kernel interleaves the console output of VMs that yield, round robin",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(PRINTER);
    const { kernel, chunks, text } = recordingKernel();
    const ids = [1, 2, 3, 4].map(() => kernel.create({ image, start: true }));
    await kernel.run();
    assert.equal(text(), "ABCDABCDABCD");
    assert.deepEqual(chunks.slice(0, 4).map((c) => c[0]), ids);
    for (const id of ids) {
      const info = kernel.inspect(id);
      assert.equal(info.state, "exited");
      assert.equal(kernel.consoleText(id), String.fromCharCode(64 + id).repeat(3));
      assert.equal(info.stats.consoleBytes, 3);
      assert.equal(info.stats.quanta, 4);
    }
    assert.equal(kernel.stats().contextSwitches, 16);
  },
});

Deno.test({
  name: "Kernel preempts VMs at the end of their quantum and keeps output per VM",
  ignore: !hasNasm,
  fn: async () => {
    // Each VM prints its letter 200 times in a tight loop: no yields, so only the quantum switches.
    const image = await guest(`
      mov ecx, 200
    .loop:
      mov al, [V_VM_ID]
      add al, 'a' - 1
      mov dx, 0x100
      out dx, al
      loop .loop
      TERMINATE 0
    `);
    const { kernel, chunks } = recordingKernel({ quantum: 100 });
    const ids = Array.from({ length: 20 }, () => kernel.create({ image, start: true }));
    await kernel.run();
    for (const id of ids) {
      const own = chunks.filter((c) => c[0] === id).map((c) => c[1]).join("");
      assert.equal(own, String.fromCharCode(96 + id).repeat(200));
    }
    // 200 iterations of 5 instructions, plus a byte charged per OUT: about 12 quanta each.
    const switches = kernel.stats().contextSwitches;
    assert.ok(switches > 20 * 10, `only ${switches} switches`);
    assert.notEqual(chunks[0]![0], chunks[1]![0]);
  },
});
