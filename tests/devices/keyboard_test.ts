import { assert } from "../_assert.ts";
import { type KernelOptions, KeyboardDevice } from "../../kernel/mod.ts";
import { guest, hasNasm, recordingKernel } from "../kernel/_guests.ts";
import { ECHO_KEYS } from "./keyboard_guest.ts";

const ignore = !hasNasm;

function kbKernel(bufferBytes?: number, options: KernelOptions = {}) {
  const r = recordingKernel(options);
  const kb = new KeyboardDevice(bufferBytes === undefined ? {} : { bufferBytes });
  r.kernel.attach(kb);
  return { ...r, kb };
}

Deno.test({
  name: "Keyboard input reaches the VM it is typed into and raises line 1",
  ignore,
  async fn() {
    const { kernel, kb, chunks } = kbKernel();
    const image = await guest(ECHO_KEYS);
    const a = kernel.create({ image, start: true });
    const b = kernel.create({ image, start: true });
    await kernel.run(); // both wait for keys
    assert.equal(kb.type(a, "hello"), 5);
    await kernel.run();
    assert.equal(kb.type(b, new Uint8Array([0x42])), 1);
    assert.equal(kb.type(a, " world"), 6);
    kb.end(a);
    await kernel.run();
    const out = (id: number) => chunks.filter((c) => c[0] === id).map((c) => c[1]).join("");
    assert.equal(out(a), "hello world");
    assert.equal(out(b), "B");
    assert.equal(kernel.inspect(a).state, "exited");
    assert.equal(kernel.inspect(b).state, "idle");
    assert.equal(kernel.inspect(a).stats.interruptsRaised, 3);
    assert.deepEqual(kb.metrics(a), { typed: 11, read: 11, dropped: 0, interrupts: 3 });
    assert.equal(kb.type(a, "late"), 0, "a stopped VM takes no input");
    assert.equal(kb.type(999, "x"), 0, "nor does a VM that does not exist");
  },
});

Deno.test({
  name: "Keyboard posts line 1 to PENDING and reads all ones when empty",
  ignore,
  async fn() {
    const { kernel, kb, text } = kbKernel();
    const id = kernel.create({
      image: await guest(`
        mov dx, 0x500
        in al, dx           ; empty: 0xff
        mov bl, al
        in eax, dx          ; empty: 0xffffffff
        cmp eax, 0xffffffff
        jne .bad
        cmp bl, 0xff
        jne .bad
        hlt                 ; woken by the key
        YIELD               ; next quantum: the line is delivered into PENDING
        mov eax, [V_PENDING]
        add al, '0'
        mov dx, 0x100
        out dx, al
        mov dx, 0x500
        in al, dx
        mov dx, 0x100
        out dx, al
        TERMINATE 0
      .bad:
        TERMINATE 1
      `),
      start: true,
    });
    await kernel.run();
    kb.type(id, "k");
    await kernel.run();
    assert.equal(kernel.inspect(id).exitCode, 0);
    assert.equal(text(), "2k"); // PENDING = 1 << 1
  },
});

Deno.test({
  name: "Keyboard bounds each VM's buffer and counts what it drops",
  ignore,
  async fn() {
    const { kernel, kb, text } = kbKernel(8);
    const id = kernel.create({
      image: await guest(`
        hlt
        mov dx, 0x504
        in eax, dx          ; waiting
        add al, '0'
        mov dx, 0x100
        out dx, al
        mov dx, 0x508
        in eax, dx          ; dropped
        add al, 'a'
        mov dx, 0x100
        out dx, al
        TERMINATE 0
      `),
      start: true,
    });
    await kernel.run();
    assert.equal(kb.type(id, "0123456789abcdefghij"), 8);
    await kernel.run();
    assert.equal(text(), "8m"); // 8 waiting, 12 dropped ('a' + 12)
    assert.deepEqual(kb.metrics(id), { typed: 8, read: 0, dropped: 12, interrupts: 1 });
    assert.throws(() => new KeyboardDevice({ bufferBytes: 0 }), /bufferBytes 0/);
  },
});

Deno.test({
  name: "Keyboard snapshot moves waiting keys to another VM",
  ignore,
  async fn() {
    const { kernel, kb, chunks } = kbKernel();
    const image = await guest(ECHO_KEYS);
    const a = kernel.create({ image });
    kb.type(a, "abc");
    assert.equal(kb.room(a), 253);
    kb.end(a);
    assert.equal(kb.room(a), 0);
    const snap = kb.snapshot(a);
    assert.deepEqual([...snap.waiting], [97, 98, 99]);
    kernel.kill(a);
    const b = kernel.create({ image });
    kb.restore(b, snap);
    kernel.start(b);
    await kernel.run();
    assert.deepEqual(chunks, [[b, "abc"]]);
    assert.equal(kernel.inspect(b).state, "exited");
  },
});
