import { assert } from "../_assert.ts";
import { Kernel } from "../../kernel/mod.ts";
import { guest, hasNasm } from "./_guests.ts";

Deno.test({
  name: "Kernel creates, runs to exit and frees 10,000 VMs of 64 KiB in one kernel",
  ignore: !hasNasm,
  fn: async () => {
    // Loaded at 0x2000 (64 KiB leaves no room at 0x10000): idle, print, exit with the id's low byte.
    const image = await guest(
      `
      mov ebx, [V_VM_ID]
      and ebx, 63
      IDLE ebx
      PUTC '.'
      mov ebx, [V_VM_ID]
      and ebx, 0xff
      TERMINATE ebx
    `,
      0x2000,
    );
    const k = new Kernel();
    const N = 10_000;
    const ids: number[] = [];
    for (let i = 0; i < N; i++) ids.push(k.create({ image, memSize: 64 * 1024, start: true }));
    assert.equal(k.stats().vms.ready, N);
    // Each VM holds its code page and the virtual registers page; the stack is untouched.
    assert.equal(k.stats().framesInUse, 2 * N);
    await k.run();
    const s = k.stats();
    assert.equal(s.vms.exited, N);
    assert.equal(s.framesInUse, 0);
    for (const id of ids) {
      const info = k.inspect(id);
      assert.equal(info.exitCode, id & 0xff);
      assert.equal(k.consoleText(id), ".");
    }
    for (const id of ids) k.remove(id);
    assert.equal(k.stats().vms.total, 0);
    assert.deepEqual(k.list(), []);
  },
});

Deno.test("Kernel never visits idle VMs while others run", () => {
  // l: hlt ; jmp l   and   l: mov eax, 2 ; vmcall ; jmp l   (flat, at 0x2000)
  const hlt = { flat: new Uint8Array([0xf4, 0xeb, 0xfd]), loadAddress: 0x2000 };
  const yld = {
    flat: new Uint8Array([0xb8, 2, 0, 0, 0, 0x0f, 0x01, 0xc1, 0xeb, 0xf6]),
    loadAddress: 0x2000,
  };
  const k = new Kernel();
  const idle = Array.from(
    { length: 5000 },
    () => k.create({ image: hlt, memSize: 65536, start: true }),
  );
  assert.equal(k.runSync(), "quiescent");
  k.create({ image: yld, memSize: 65536, start: true });
  k.create({ image: yld, memSize: 65536, start: true });
  const before = k.stats().quanta;
  assert.equal(k.runSync(10_000), "more");
  assert.equal(k.stats().quanta - before, 10_000);
  assert.equal(k.stats().runQueue, 2);
  assert.ok(idle.every((id) => k.inspect(id).stats.quanta === 1 && k.inspect(id).state === "idle"));
});
