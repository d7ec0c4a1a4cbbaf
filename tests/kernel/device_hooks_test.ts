import { assert } from "../_assert.ts";
import type { Device, DeviceHost } from "../../kernel/mod.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

const ignore = !hasNasm;

/** A one-shot alarm device: OUT32 at 0x600 arms line 0 on the writer `value` ticks from now. */
function alarm(): Device & { created: number[]; finished: number[] } {
  let host: DeviceHost;
  const due = new Map<number, number>(); // slot -> tick
  return {
    name: "alarm",
    base: 0x600,
    size: 4,
    created: [],
    finished: [],
    in: () => 0,
    out(g, _offset, _size, value) {
      due.set(g.slot, host.now() + value);
      host.deadlineChanged();
    },
    bind(h) {
      host = h;
    },
    nextDeadline: () => Math.min(Infinity, ...due.values()),
    advance(now) {
      for (const [slot, t] of due) {
        if (t <= now) {
          due.delete(slot);
          host.raise(slot, 0);
        }
      }
    },
    vmCreated(slot) {
      this.created.push(slot);
    },
    vmFinished(slot) {
      this.finished.push(slot);
      due.delete(slot);
    },
  };
}

Deno.test({
  name: "Kernel runs device deadlines on the deterministic clock and wakes the VM they raise",
  ignore,
  async fn() {
    const { kernel, text } = recordingKernel({ clock: "deterministic" });
    const dev = alarm();
    kernel.attach(dev);
    const src = await guest(`
      mov eax, 50000
      mov dx, 0x600
      out dx, eax
      hlt            ; nothing else will wake it: only the alarm
      mov eax, [V_PENDING]
      add al, '0'
      mov dx, 0x100
      out dx, al
      TERMINATE 0`);
    const id = kernel.create({ image: src, start: true });
    await kernel.run();
    assert.equal(kernel.inspect(id).state, "exited");
    assert.equal(text(), "1");
    assert.ok(kernel.inspect(id).stats.idleMicros >= 400, "time skipped to the deadline");
    assert.deepEqual(dev.created.length, 1);
    assert.deepEqual(dev.finished, dev.created);
  },
});
