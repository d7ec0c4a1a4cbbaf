import { assert } from "../_assert.ts";
import { RoundRobinScheduler } from "../../kernel/mod.ts";
import { guest, hasNasm, recordingKernel } from "./_guests.ts";

function drain(s: RoundRobinScheduler): number[] {
  const out: number[] = [];
  for (let x = s.next(); x >= 0; x = s.next()) out.push(x);
  return out;
}

Deno.test("RoundRobinScheduler runs ready VMs in FIFO order", () => {
  const s = new RoundRobinScheduler();
  for (const x of [3, 1, 2]) s.enqueue(x);
  assert.equal(s.length, 3);
  assert.deepEqual(drain(s), [3, 1, 2]);
  assert.equal(s.length, 0);
});

Deno.test("RoundRobinScheduler runs woken VMs first, in wake order, then a preempted one", () => {
  const s = new RoundRobinScheduler();
  s.enqueue(1);
  s.enqueue(2);
  s.wake(7);
  s.preempt(5);
  s.wake(8);
  assert.deepEqual(drain(s), [7, 8, 5, 1, 2]);
});

Deno.test("RoundRobinScheduler ignores duplicates and removed entries", () => {
  const s = new RoundRobinScheduler();
  s.enqueue(1);
  s.enqueue(1);
  s.enqueue(2);
  s.remove(1);
  s.enqueue(3);
  s.enqueue(1); // re-queued behind 3: its old position is gone
  s.wake(2); // moves from the ready queue to the boost queue
  assert.equal(s.length, 3);
  assert.deepEqual(drain(s), [2, 3, 1]);
});

Deno.test("RoundRobinScheduler handles thousands of slots", () => {
  const s = new RoundRobinScheduler();
  for (let i = 0; i < 5000; i++) s.enqueue(i);
  for (let i = 0; i < 5000; i += 2) s.remove(i);
  const out = drain(s);
  assert.equal(out.length, 2500);
  assert.equal(out[0], 1);
  assert.equal(out.at(-1), 4999);
});

Deno.test({
  name: "Kernel charges switchCostMicros of kernel time for each switch between VMs",
  ignore: !hasNasm,
  fn: async () => {
    // Two VMs yielding 50 times each: about 100 switches.
    const image = await guest(`
      mov esi, 50
    .again:
      YIELD
      dec esi
      jnz .again
      TERMINATE 0`);
    const timed = async (switchCostMicros: number) => {
      const { kernel } = recordingKernel({ switchCostMicros });
      kernel.create({ image, start: true });
      kernel.create({ image, start: true });
      await kernel.run();
      const s = kernel.stats();
      return { us: s.timeMicros, switches: s.contextSwitches };
    };
    const free = await timed(0), dear = await timed(10);
    assert.equal(dear.switches, free.switches);
    assert.ok(free.switches >= 100);
    assert.equal(dear.us - free.us, 10 * free.switches);
    assert.throws(
      () => recordingKernel({ switchCostMicros: -1 }),
      /Cannot create kernel: switchCostMicros -1 is not in 0\.\.1000000/,
    );
  },
});
