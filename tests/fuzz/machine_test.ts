import { assert } from "../_assert.ts";
import { FuzzMachine } from "./machine.ts";

Deno.test("FuzzMachine.check accepts untouched memory and writes to the VM's writable frames", () => {
  const m = new FuzzMachine(3);
  const f = m.take(5);
  m.phys.u8[f * 4096 + 100] = 1;
  assert.equal(m.check(new Map(), new Set([f])), null);
  m.give(f);
  assert.equal(m.check(new Map(), new Set()), null);
});

Deno.test("FuzzMachine.check reports a changed victim, free or read-only frame", () => {
  const m = new FuzzMachine(4);
  const victimFrame = m.victim.pte[1]! >>> 4;
  assert.equal(victimFrame, 0);
  const at = victimFrame * 4096 + 7;
  m.phys.u8[at] = m.phys.u8[at]! ^ 1;
  assert.match(m.check(new Map(), new Set()) ?? "", /frame 0 \(the victim VM\)/);
  m.phys.u8[at] = m.phys.u8[at]! ^ 1;

  const free = m.take(0);
  m.give(free);
  m.phys.u8[free * 4096 + 4095] = 9;
  assert.match(m.check(new Map(), new Set()) ?? "", /no VM \(free\)/);
  m.phys.u8[free * 4096 + 4095] = 0;

  const ro = m.take(1);
  const frozen = new Map([[ro, m.snapshot(ro)]]);
  m.phys.u8[ro * 4096] = 1;
  assert.match(m.check(frozen, new Set()) ?? "", /read-only or unmapped page/);
});
