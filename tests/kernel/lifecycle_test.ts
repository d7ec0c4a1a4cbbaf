import { assert } from "../_assert.ts";
import {
  BadOptionError,
  ImageError,
  Kernel,
  KernelError,
  MemoryLimitError,
  UnknownVmError,
  VmStateError,
} from "../../kernel/mod.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

const EXIT7 = { flat: new Uint8Array([0xbb, 7, 0, 0, 0, 0x31, 0xc0, 0x0f, 0x01, 0xc1]) };

Deno.test("Kernel creates, starts, waits for and removes a VM", async () => {
  const k = new Kernel();
  const id = k.create({ image: EXIT7, name: "seven" });
  assert.equal(k.inspect(id).state, "created");
  assert.equal(k.inspect(id).name, "seven");
  const done = k.wait(id);
  k.start(id);
  assert.equal(k.inspect(id).state, "ready");
  await k.run();
  assert.deepEqual(await done, { id, state: "exited", code: 7 });
  assert.deepEqual(await k.wait(id), { id, state: "exited", code: 7 });
  assert.deepEqual(k.ids(), [id]);
  k.remove(id);
  assert.deepEqual(k.list(), []);
  assert.throws(() => k.inspect(id), UnknownVmError);
  assert.equal(k.stats().framesInUse, 0);
});

Deno.test("Kernel rejects operations that do not fit the VM's state with one-line errors", async () => {
  const k = new Kernel();
  const id = k.create({ image: EXIT7 });
  assert.throws(() => k.resume(id), {
    name: "VmStateError",
    message: `Cannot resume VM ${id}: it is created`,
  });
  assert.throws(() => k.remove(id), VmStateError);
  k.start(id);
  assert.throws(() => k.start(id), VmStateError);
  await k.run();
  assert.throws(() => k.kill(id), VmStateError);
  assert.throws(() => k.pause(id), VmStateError);
  assert.throws(() => k.start(99), { message: "Cannot start VM 99: no such VM" });
  assert.throws(() => k.raise(id, 32), BadOptionError);
  assert.equal(k.raise(id, 1), false);
});

Deno.test("Kernel rejects bad images and memory sizes with typed errors, mapping nothing", () => {
  const k = new Kernel({ maxVmMemory: 1 << 20 });
  assert.throws(() => k.create({ image: new Uint8Array([1, 2, 3]) }), ImageError);
  assert.throws(
    () => k.create({ image: { flat: new Uint8Array(8), loadAddress: 0x1000 } }),
    ImageError,
  );
  assert.throws(() => k.create({ image: EXIT7, memSize: 2 << 20 }), MemoryLimitError);
  assert.throws(() => k.create({ image: EXIT7, memSize: 0 }), MemoryLimitError);
  assert.throws(
    () => k.create({ image: { flat: new Uint8Array(16), loadAddress: 0x2000 }, memSize: 0x2000 }),
    MemoryLimitError,
  );
  assert.throws(() => new Kernel({ quantum: 0 }), { message: /^Cannot create kernel: quantum 0/ });
  assert.throws(() => new Kernel({ clock: "fast" as "real" }), BadOptionError);
  assert.equal(k.stats().framesInUse, 0);
  assert.equal(k.stats().vms.total, 0);
});

Deno.test({
  name: "Kernel pauses and resumes VMs, running and idle, where they were",
  ignore: !hasNasm,
  fn: async () => {
    const { kernel: k, text } = recordingKernel();
    const busy = k.create({
      image: await guest(`
        PUTC 'a'
        YIELD
        PUTC 'b'
        TERMINATE 0
      `),
      start: true,
    });
    const sleeper = k.create({
      image: await guest(`
        IDLE 1000
        PUTC 'z'
        TERMINATE [V_TIME_LO]
      `),
      start: true,
    });
    assert.equal(k.runSync(2), "more");
    assert.equal(k.inspect(sleeper).state, "idle");
    k.pause(busy);
    k.pause(sleeper);
    assert.equal(k.runSync(), "quiescent");
    assert.equal(text(), "a");
    assert.deepEqual(k.list().map((v) => v.state), ["paused", "paused"]);
    k.resume(sleeper);
    k.resume(busy);
    await k.run();
    assert.equal(text(), "abz");
    assert.equal(k.inspect(sleeper).exitCode, 1000);
  },
});

Deno.test({
  name: "Kernel kills a running VM and frees its memory at once",
  ignore: !hasNasm,
  fn: async () => {
    const k = new Kernel();
    const id = k.create({ image: await guest("jmp $"), start: true });
    const done = k.wait(id);
    const run = k.run();
    setTimeout(() => k.kill(id), 20);
    await run;
    assert.equal((await done).state, "killed");
    assert.equal(k.stats().framesInUse, 0);
    assert.ok(k.inspect(id).stats.instructions > 0);
  },
});

Deno.test({
  name: "Kernel keeps the virtual registers page current",
  ignore: !hasNasm,
  fn: async () => {
    // Exits with a checksum of the page's words; the kernel's values are known.
    const image = await guest(`
      cmp dword [V_VERSION], 1
      jne .bad
      cmp dword [V_MEM_SIZE], 0x40000
      jne .bad
      cmp dword [V_CPU_KHZ], 100000
      jne .bad
      cmp dword [V_QUANTUM], 10000
      jne .bad
      cmp dword [V_IF], 1
      jne .bad
      IDLE 250
      mov ebx, [V_TIME_LO]
      imul ebx, ebx, 100
      add ebx, [V_VM_ID]
      TERMINATE ebx
    .bad:
      TERMINATE -1
    `);
    const k = new Kernel();
    k.create({ image: EXIT7, start: true });
    const id = k.create({ image, memSize: 0x40000, start: true });
    await k.run();
    assert.equal(k.inspect(id).exitCode, 250 * 100 + id);
  },
});

Deno.test({
  name: "Kernel sets FS and GS bases by hypercall and ignores unknown hypercalls",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(`
      mov dword [0x20010], 0x11
      mov dword [0x30020], 0x2200
      mov eax, 3
      mov ebx, 0x20000
      vmcall
      mov esi, eax
      mov eax, 4
      mov ebx, 0x30000
      vmcall
      add esi, eax
      mov eax, 77
      vmcall
      cmp eax, -1
      jne .bad
      mov ebx, [fs:0x10]
      add ebx, [gs:0x20]
      add ebx, esi
      TERMINATE ebx
    .bad:
      TERMINATE -1
    `);
    const k = new Kernel();
    const id = k.create({ image, start: true });
    await k.run();
    assert.equal(k.inspect(id).exitCode, 0x2211);
  },
});

Deno.test({
  name: "Kernel run loop keeps the caller's event loop responsive",
  ignore: !hasNasm,
  fn: async () => {
    // An endless guest: the run only ends because interval callbacks keep running.
    const k = new Kernel({ quantum: 1000 });
    const id = k.create({ image: await guest("jmp $"), start: true });
    let ticks = 0;
    const timer = setInterval(() => {
      if (++ticks === 3) k.kill(id);
    }, 1);
    await k.run();
    clearInterval(timer);
    assert.equal(ticks, 3);
    assert.equal(k.inspect(id).state, "killed");
  },
});

Deno.test({
  name: "Kernel lets console and device callbacks manage VMs but not re-enter the run loop",
  ignore: !hasNasm,
  fn: async () => {
    let nested: unknown = null;
    const k: Kernel = new Kernel({
      onConsole: (id) => {
        if (id === 1) {
          k.kill(2);
          k.create({ image: EXIT7, start: true });
          try {
            k.runSync();
          } catch (e) {
            nested = e;
          }
        }
      },
    });
    k.create({ image: await guest("PUTC 'x'\n TERMINATE 0"), start: true });
    k.create({ image: await guest("jmp $"), start: true });
    await k.run();
    assert.ok(nested instanceof KernelError);
    assert.equal((nested as KernelError).code, "busy");
    assert.deepEqual(k.list().map((v) => v.state), ["exited", "killed", "exited"]);
    assert.equal(k.inspect(3).exitCode, 7);
  },
});
