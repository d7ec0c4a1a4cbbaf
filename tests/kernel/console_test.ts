import { assert } from "../_assert.ts";
import { Kernel } from "../../kernel/mod.ts";
import { guest, hasNasm } from "./_guests.ts";

Deno.test({
  name: "Console bounds a flood of output and charges it to the guest",
  ignore: !hasNasm,
  fn: async () => {
    // 16 writes of a 64 KiB buffer (1 MiB in all), then exit.
    const image = await guest(`
      mov dword [buf], 65536
      mov esi, 16
    .again:
      mov eax, buf
      mov dx, 0x104
      out dx, eax
      dec esi
      jnz .again
      TERMINATE 0
    align 4
    buf:
    `);
    let streamed = 0;
    const k = new Kernel({ consoleRingBytes: 4096, onConsole: (_id, b) => streamed += b.length });
    const id = k.create({ image, memSize: 1 << 20, start: true });
    await k.run();
    const info = k.inspect(id);
    assert.equal(info.state, "exited");
    assert.equal(info.stats.consoleBytes, 16 * 65536);
    assert.equal(info.stats.consoleDropped, 16 * 65536 - 4096);
    assert.equal(k.consoleOutput(id).length, 4096);
    assert.equal(k.console.allocated(0), 4096);
    // Each 64 KiB write costs 65,536 instructions, more than a quantum: one write per quantum,
    // and 1 MiB of output is 10 ms of virtual time at 100 MHz.
    assert.equal(info.stats.quanta, 17);
    assert.ok(k.stats().timeMicros >= 10_485);
    // The sink is fed before the ring would overwrite unstreamed bytes.
    assert.equal(
      streamed,
      16 * 65536,
      "a sink receives every byte; the kernel keeps only the ring",
    );
  },
});

Deno.test({
  name: "Console writes bytes and buffers in order and reads untouched memory as zeros",
  ignore: !hasNasm,
  fn: async () => {
    const image = await guest(`
      PUTC '<'
      mov eax, msg
      mov dx, 0x104
      out dx, eax
      mov dword [0x40000], 3  ; header of 3 bytes in a page nobody wrote: "\\0\\0\\0"
      mov eax, 0x40000
      out dx, eax
      PUTC '>'
      TERMINATE 0
    msg: dd 5
      db "hello"
    `);
    const k = new Kernel();
    const id = k.create({ image, start: true });
    await k.run();
    assert.equal(k.consoleText(id), "<hello\0\0\0>");
  },
});
