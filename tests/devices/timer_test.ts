import { assert } from "../_assert.ts";
import { DeadlineQueue, type KernelOptions, TimerDevice } from "../../kernel/mod.ts";
import { guest, hasNasm, recordingKernel } from "../kernel/_guests.ts";

const ignore = !hasNasm;

const TIMER = `
%define T_ONESHOT 0x400
%define T_PERIODIC 0x404
%define T_CANCEL 0x408
%macro TOUT 2
  mov eax, %2
  mov dx, %1
  out dx, eax
%endmacro
%macro TIN 1
  mov dx, %1
  in eax, dx
%endmacro
`;

function timerKernel(options: KernelOptions = {}) {
  const r = recordingKernel(options);
  const timer = new TimerDevice();
  r.kernel.attach(timer);
  return { ...r, timer };
}

Deno.test("DeadlineQueue orders by deadline, then by arming order, and re-arms in place", () => {
  const q = new DeadlineQueue();
  for (const [slot, d] of [[5, 30], [1, 10], [9, 30], [3, 20], [40, 30]] as const) q.arm(slot, d);
  q.arm(3, 30); // re-armed: now behind 5, 9 and 40
  q.cancel(9);
  assert.equal(q.deadlineOf(40), 30);
  assert.equal(q.deadlineOf(9), -1);
  const order: number[] = [];
  while (q.size > 0) order.push(q.pop());
  assert.deepEqual(order, [1, 5, 40, 3]);
  assert.equal(q.peekDeadline(), Infinity);
});

Deno.test({
  name: "Timer wakes VMs in deadline order",
  ignore,
  async fn() {
    // 100 VMs; VM i arms a one-shot of perm(i) * 100 us, halts, and prints its id when woken.
    const image = await guest(
      TIMER + `
      mov eax, [V_VM_ID]
      imul eax, 37
      xor edx, edx
      mov ecx, 101
      div ecx             ; edx = 37 * id mod 101: a permutation of 1..100
      imul eax, edx, 100
      mov dx, T_ONESHOT
      out dx, eax
      hlt
      mov eax, [V_VM_ID]
      PRINT_HEX 4
      TERMINATE 0
    `,
    );
    const { kernel, timer, text } = timerKernel();
    const ids = Array.from({ length: 100 }, () => kernel.create({ image, start: true }));
    await kernel.run();
    const woke = text().match(/.{4}/g)!.map((h) => parseInt(h, 16));
    const expected = [...ids].sort((a, b) => (37 * a) % 101 - (37 * b) % 101);
    assert.deepEqual(woke, expected);
    assert.equal(timer.metrics(ids[0]!)!.expirations, 1);
    assert.equal(timer.armed, 0);
  },
});

Deno.test({
  name: "Timer periodic interrupts arrive once per period, and a late VM gets the count in one",
  ignore,
  async fn() {
    // VM 1: wakes ten times on a 100 us period, then reads the expiration count.
    const ticker = await guest(
      TIMER + `
      TOUT T_PERIODIC, 100
      mov esi, 10
    .wait:
      hlt
      dec esi
      jnz .wait
      TIN T_CANCEL        ; expirations so far
      PRINT_HEX 4
      TIN T_PERIODIC      ; period
      PRINT_HEX 4
      TOUT T_CANCEL, 0
      TIN T_ONESHOT       ; disarmed: all ones
      PRINT_HEX 4
      TERMINATE 0
    `,
    );
    // VM 2: arms 100 us, then computes for 10.5 periods in one long quantum before it looks.
    const late = await guest(
      TIMER + `
      TOUT T_PERIODIC, 100
      mov ecx, 52500      ; 105,000 instructions = 1,050 us
    .spin:
      dec ecx
      jnz .spin
      TIN T_CANCEL        ; 10 expirations, none delivered yet
      PRINT_HEX 4
      TIN T_ONESHOT       ; 50 us to the 11th (rounded up)
      PRINT_HEX 4
      hlt                 ; the kernel services the timer now: one interrupt for ten periods
      TIN T_CANCEL
      PRINT_HEX 4
      TOUT T_PERIODIC, 0
      TERMINATE 0
    `,
    );
    {
      const { kernel, timer, text } = timerKernel();
      const id = kernel.create({ image: ticker, start: true });
      await kernel.run();
      assert.equal(text(), "000a" + "0064" + "ffff");
      assert.deepEqual(timer.metrics(id), { arms: 1, expirations: 10, interrupts: 10 });
    }
    {
      const { kernel, timer, text } = timerKernel({ quantum: 1_000_000 });
      const id = kernel.create({ image: late, start: true });
      await kernel.run();
      assert.equal(kernel.inspect(id).state, "exited");
      assert.equal(text(), "000a" + "0032" + "000a"); // 49.9 us left, rounded up to 50
      assert.deepEqual(timer.metrics(id), { arms: 1, expirations: 10, interrupts: 1 });
    }
  },
});

Deno.test({
  name: "Timer one-shots can be cancelled and re-armed, and a zero timeout fires at once",
  ignore,
  async fn() {
    const image = await guest(
      TIMER + `
      TOUT T_ONESHOT, 100
      TOUT T_CANCEL, 0
      IDLE 1000           ; nothing fires: woken by the timeout, EAX = 0
      add al, '0'
      mov dx, 0x100
      out dx, al
      TOUT T_ONESHOT, 5000
      TOUT T_ONESHOT, 0   ; re-armed: fires at the end of this quantum
      IDLE 1000
      add al, '0'         ; woken by the interrupt, EAX = 1
      mov dx, 0x100
      out dx, al
      TERMINATE 0
    `,
    );
    const { kernel, timer, text } = timerKernel();
    const id = kernel.create({ image, start: true });
    await kernel.run();
    assert.equal(text(), "01");
    assert.deepEqual(timer.metrics(id), { arms: 3, expirations: 1, interrupts: 1 });
    assert.ok(kernel.stats().timeMicros < 1100, "the 5000 us one-shot was replaced");
  },
});

Deno.test({
  name: "Timer snapshot moves an armed periodic timer to another VM",
  ignore,
  async fn() {
    const waiter = await guest(
      TIMER + `
      mov esi, 3
    .wait:
      hlt
      dec esi
      jnz .wait
      TIN T_CANCEL
      PRINT_HEX 4
      TOUT T_CANCEL, 0
      TERMINATE 0
    `,
    );
    const armer = await guest(
      TIMER + `
      TOUT T_PERIODIC, 250
      hlt
    `,
    );
    const { kernel, timer, chunks } = timerKernel();
    const a = kernel.create({ image: armer, start: true });
    kernel.runSync(1);
    const snap = timer.snapshot(a);
    assert.equal(snap.armed, true);
    assert.equal(snap.periodMicros, 250);
    kernel.kill(a);
    assert.equal(timer.armed, 0);
    const b = kernel.create({ image: waiter });
    timer.restore(b, snap);
    kernel.start(b);
    await kernel.run();
    assert.deepEqual(chunks, [[b, "0003"]]);
  },
});
