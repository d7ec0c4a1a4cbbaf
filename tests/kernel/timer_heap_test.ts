import { assert } from "../_assert.ts";
import { DeadlineQueue } from "../../kernel/mod.ts";

Deno.test("DeadlineQueue pops slots in deadline order, ties in arming order", () => {
  const h = new DeadlineQueue();
  const deadlines = [50, 10, 30, 10, 70, 20, 30, 0];
  deadlines.forEach((d, slot) => h.arm(slot, d));
  const order: number[] = [];
  while (h.size > 0) order.push(h.pop());
  assert.deepEqual(order, [7, 1, 3, 5, 2, 6, 0, 4]);
  assert.equal(h.pop(), -1);
  assert.equal(h.peekDeadline(), Infinity);
});

Deno.test("DeadlineQueue cancels and re-arms timers anywhere in the heap", () => {
  const h = new DeadlineQueue();
  for (let s = 0; s < 100; s++) h.arm(s, (s * 37) % 101);
  for (let s = 0; s < 100; s += 3) assert.ok(h.cancel(s));
  assert.ok(!h.cancel(0));
  h.arm(1, 1000);
  assert.equal(h.deadlineOf(1), 1000);
  let last = -1;
  let count = 0;
  while (h.size > 0) {
    const d = h.peekDeadline();
    const s = h.pop();
    assert.ok(d >= last, `deadline ${d} after ${last}`);
    assert.ok(s % 3 !== 0);
    assert.ok(!h.has(s));
    last = d;
    count++;
  }
  assert.equal(count, 66);
});

Deno.test("DeadlineQueue grows past its initial capacity and slot range", () => {
  const h = new DeadlineQueue();
  for (let s = 5000; s > 0; s--) h.arm(s, s);
  assert.equal(h.size, 5000);
  assert.equal(h.peekSlot(), 1);
});
