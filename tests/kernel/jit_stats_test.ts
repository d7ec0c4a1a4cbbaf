import { assert } from "../_assert.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

// A loop, then HLT with interrupts off: the VM stays idle with its CPU (and translations).
const LOOP = `
  mov ecx, 5000
  xor eax, eax
top:
  add eax, ecx
  xor eax, 0x55
  dec ecx
  jnz top
  hlt
`;

Deno.test({
  name: "Kernel reports translated code per VM, shared by VMs running the same image",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(LOOP);
    const { kernel } = recordingKernel({ jit: "eager" });
    const a = kernel.create({ image, start: true });
    await kernel.run();
    const b = kernel.create({ image, start: true });
    await kernel.run();
    const ja = kernel.inspect(a).jit!, jb = kernel.inspect(b).jit!;
    assert.equal(kernel.inspect(a).state, "idle");
    assert.ok(ja.regions > 0 && ja.codeBytes > 0 && ja.compiled > 0, JSON.stringify(ja));
    assert.ok(ja.jitInstructions > 5000 * 3, "the loop ran translated");
    assert.equal(jb.compiled, 0, "the second VM compiled nothing");
    assert.equal(jb.reused, ja.compiled);
    assert.equal(jb.codeBytes, ja.codeBytes);
    const tr = kernel.stats().translations!;
    assert.equal(tr.entries, ja.compiled);
    assert.equal(tr.bytes, ja.codeBytes);
    assert.ok(tr.hits >= ja.compiled);
    assert.equal(kernel.inspect(a).registers!.eax, kernel.inspect(b).registers!.eax);
  },
});

Deno.test({
  name: "Kernel reports no translations with the tier off",
  ignore: !hasNasm,
  fn: async () => {
    const { kernel } = recordingKernel({ jit: "off" });
    const id = kernel.create({ image: await guest(LOOP), start: true });
    await kernel.run();
    assert.equal(kernel.inspect(id).state, "idle");
    assert.equal(kernel.inspect(id).jit, undefined);
    assert.equal(kernel.stats().translations, undefined);
  },
});

Deno.test({
  name: "Kernel compiles a hot loop once for 200 VMs of one image and shares it",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(LOOP.replace("mov ecx, 5000", "mov ecx, 20000"));
    const { kernel } = recordingKernel(); // the default tier: threshold 16,384
    // The first VM runs alone and compiles; the other 199 start together after it.
    const ids = [kernel.create({ image, start: true })];
    await kernel.run();
    for (let k = 1; k < 200; k++) ids.push(kernel.create({ image, start: true }));
    await kernel.run();
    const infos = ids.map((id) => kernel.inspect(id));
    assert.ok(infos.every((v) => v.state === "idle"));
    const compiled = infos.reduce((n, v) => n + v.jit!.compiled, 0);
    const shared = infos.filter((v) => v.jit!.reused > 0).length;
    assert.ok(compiled >= 1 && compiled <= 2, `compiled ${compiled} regions in all`);
    assert.equal(shared, 199, "every later VM took the shared translation");
    assert.equal(kernel.stats().translations!.compiled, compiled);
    // Most of every later VM's loop ran translated (it took the code after 32 iterations).
    assert.ok(infos[199]!.jit!.jitInstructions > 0.9 * infos[199]!.stats.instructions);
    assert.equal(new Set(infos.map((v) => v.registers!.eax)).size, 1);
  },
});
