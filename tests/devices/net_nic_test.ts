import { assert } from "../_assert.ts";
import { Kernel, macForVm, NIC_TX_QUEUE_FULL, NicDevice, type NicOptions } from "../../mod.ts";
import {
  burstSender,
  echoer,
  hasNasm,
  macBytes,
  netGuest,
  pinger,
  reader,
  sender,
  sink,
} from "./net_guests.ts";

const ignore = !hasNasm;

function lan(nic: NicOptions = {}): { kernel: Kernel; nic: NicDevice } {
  const kernel = new Kernel({ clock: "deterministic" });
  const device = new NicDevice(nic);
  kernel.attach(device);
  return { kernel, nic: device };
}

/**
 * A fresh LAN with two VMs started: a pinger (VM 1, three frames of `text` to VM 2) and an
 * echoer of `echoes` frames (VM 2; 0: forever).
 */
async function pingPair(text: string, echoes: number) {
  const { kernel, nic } = lan();
  const a = kernel.create({ image: await pinger(2, text, 3), start: true });
  const b = kernel.create({ image: await echoer(echoes), start: true });
  return { kernel, nic, a, b };
}

/** A fresh LAN (with `nic` options) and a sink VM started on it, as `s`. */
async function sinkLan(nic: NicOptions = {}) {
  const { kernel, nic: device } = lan(nic);
  const s = kernel.create({ image: await sink(), start: true });
  return { kernel, nic: device, s };
}

/** Guest code that exits with the NIC's transmit status (an IN on NIC_TX) as its exit code. */
const EXIT_WITH_TX_STATUS = `
        mov dx, NIC_TX
        in eax, dx
        mov ebx, eax
        xor eax, eax
        vmcall`;

Deno.test({
  name: "NIC carries frames between two VMs through the switch, both ways",
  ignore,
  async fn() {
    const { kernel, nic, a, b } = await pingPair("hello", 3);
    await kernel.run();
    assert.equal(kernel.inspect(a).state, "exited");
    assert.equal(kernel.inspect(b).state, "exited");
    assert.equal(kernel.consoleText(a), "hellohellohello");
    const sa = nic.stats(a), sb = nic.stats(b);
    assert.equal(sa.mac, "02:00:00:00:00:01");
    assert.equal(sb.mac, "02:00:00:00:00:02");
    assert.deepEqual([sa.txFrames, sa.rxFrames, sb.txFrames, sb.rxFrames], [3, 3, 3, 3]);
    assert.equal(sa.txBytes, 3 * 19);
    assert.equal(sb.rxBytes, 3 * 19);
    assert.equal(sa.live, false, "the port is retired once the VM stops");
    const sw = nic.switch.stats();
    assert.equal(sw.switched, 6);
    assert.equal(sw.flooded, 1, "only the first frame, to a MAC not yet learned, floods");
    assert.equal(sw.forwarded, 5);
    assert.equal(sw.ports, 0);
    assert.equal(sw.macs, 0, "a stopped VM's MACs are forgotten");
  },
});

Deno.test({
  name: "NIC writes the VM's MAC into virtual registers 0x30 and 0x34 at creation",
  ignore,
  async fn() {
    const { kernel } = lan();
    const image = await netGuest(`
      mov ebx, [V_MAC_HI]
      shl ebx, 16
      mov eax, [V_MAC_LO]
      shr eax, 16
      or ebx, eax         ; MAC bytes 4 5 2 3
      xor eax, eax
      vmcall`);
    const ids = [kernel.create({ image, start: true }), kernel.create({ image, start: true })];
    await kernel.run();
    for (const id of ids) {
      const m = macForVm(id);
      const want = (m[4]! | m[5]! << 8) << 16 | m[2]! | m[3]! << 8;
      assert.equal(kernel.inspect(id).exitCode, want);
    }
  },
});

Deno.test({
  name: "NIC drops and counts frames past a VM's receive queue bound",
  ignore,
  async fn() {
    const { kernel, nic, s } = await sinkLan({ rxQueue: 8 });
    const a = kernel.create({ image: await sender(s, "x", 20), start: true });
    await kernel.run();
    assert.equal(kernel.inspect(a).state, "exited");
    assert.equal(kernel.consoleText(a), "0", "every send was queued (it yields after each)");
    const st = nic.stats(s);
    assert.equal(st.rxQueued, 8);
    assert.equal(st.rxDropped, 12);
    assert.equal(st.rxFrames, 0);
    assert.equal(
      kernel.inspect(s).stats.interruptsRaised,
      1,
      "one interrupt: the queue filled once",
    );
  },
});

Deno.test({
  name: "NIC refuses sends past the transmit queue bound with status 1 and counts them",
  ignore,
  async fn() {
    const { kernel, nic, s } = await sinkLan({ txQueue: 4 });
    const a = kernel.create({
      image: await netGuest(`
        SET_SRC_MAC frame+4
        mov edi, 10
      again:
        NIC_SEND frame
        dec edi
        jnz again
        ${EXIT_WITH_TX_STATUS}
      frame: dd 14
        db ${macBytes(s)}
        times 6 db 0
        db 0x88, 0xb5`),
      start: true,
    });
    await kernel.run();
    assert.equal(kernel.inspect(a).exitCode, NIC_TX_QUEUE_FULL);
    const st = nic.stats(a);
    assert.deepEqual([st.txFrames, st.txDropped], [4, 6]);
    assert.equal(nic.stats(s).rxQueued, 4, "the queued frames still went out after the VM exited");
  },
});

Deno.test({
  name:
    "NIC refuses a frame whose source MAC is not the VM's (status 2) and the switch learns nothing",
  ignore,
  async fn() {
    const { kernel, nic, s } = await sinkLan();
    const a = kernel.create({
      image: await netGuest(`
        NIC_SEND frame
        ${EXIT_WITH_TX_STATUS}
      frame: dd 14
        db 0xff,0xff,0xff,0xff,0xff,0xff
        db ${macBytes(s)}       ; the sink's MAC as source
        db 0x88, 0xb5`),
      start: true,
    });
    await kernel.run();
    assert.equal(kernel.inspect(a).exitCode, 2);
    assert.equal(nic.stats(a).txRejected, 1);
    assert.equal(nic.stats(a).txFrames, 0);
    assert.equal(nic.switch.stats().switched, 0);
    assert.equal(nic.switch.lookup(macForVm(s)), undefined);
  },
});

Deno.test({
  name: "NIC snapshot goes through JSON and restores queues and counters into a fresh VM",
  ignore,
  async fn() {
    const one = lan();
    const s1 = one.kernel.create({ image: await sink(), start: true });
    one.kernel.create({ image: await sender(s1, "abc", 3), start: true });
    await one.kernel.run();
    const snap = JSON.parse(JSON.stringify(one.nic.snapshot(s1)));
    assert.equal(snap.rx.length, 3);

    const two = lan();
    const s2 = two.kernel.create({ image: await reader(3) });
    assert.throws(
      () => two.nic.restore(s2, { ...snap, rx: ["AAAA"] }),
      /Cannot restore NIC state of VM 1: receive frame 0 has 3 bytes/,
    );
    two.nic.restore(s2, snap);
    const { rxQueued, ...counters } = two.nic.stats(s2);
    const { rxQueued: was, ...before } = one.nic.stats(s1);
    assert.equal(rxQueued, was);
    assert.deepEqual(counters, { ...before, live: true });
    two.kernel.start(s2);
    await two.kernel.run();
    assert.equal(two.kernel.inspect(s2).state, "exited");
    assert.equal(two.kernel.consoleText(s2), "abcabcabc");
    assert.equal(two.nic.stats(s2).rxFrames, 3);
  },
});

Deno.test({
  name: "NIC receive interrupt wakes a waiting VM, which sleeps again when the queue is empty",
  ignore,
  async fn() {
    const { kernel, nic, a, b } = await pingPair("z", 0);
    assert.equal(kernel.runSync(1000), "quiescent", "nobody spins: the echoer sleeps");
    assert.equal(kernel.inspect(a).state, "exited");
    assert.equal(kernel.inspect(b).state, "idle");
    assert.equal(nic.stats(b).rxFrames, 3);
    assert.ok(kernel.inspect(b).stats.quanta < 20);
  },
});

/** Counts upcalls while receiving `frames` frames (IF on, HLT between); exits with the count. */
const UPCALL_RECEIVER = (frames: number) => `
  mov dword [V_HANDLER], handler
  NIC_SETUP_RX
  SET_SRC_MAC hello+4
  NIC_SEND hello               ; lets the switch learn this VM's MAC
  mov esi, ${frames}
again:
  mov dx, NIC_RX
  in eax, dx
  test eax, eax
  jnz got
  hlt
  jmp again
got:
  dec esi
  jnz again
  TERMINATE [upcalls]
handler:
  mov dword [V_PENDING], 0
  inc dword [upcalls]
  iret
upcalls: dd 0
hello:
  dd 19
  db 2,0,0xff,0xff,0xff,0xff
  times 6 db 0
  db 0x88, 0xb5
  db "hello"`;

Deno.test({
  name:
    "NIC frames preempt their sender at once with immediate interrupts and wait for the receiver's turn when batched",
  ignore,
  async fn() {
    const run = async (interrupts: "batched" | "immediate") => {
      const kernel = new Kernel({ clock: "deterministic", interrupts });
      kernel.attach(new NicDevice());
      const r = kernel.create({ image: await netGuest(UPCALL_RECEIVER(40)), start: true });
      await kernel.run(); // the receiver announces itself and waits
      // 40 frames in bursts of 8, a YIELD after each burst.
      const s = kernel.create({ image: await burstSender(1, 40, 64, 8), start: true });
      const before = kernel.stats().contextSwitches;
      await kernel.run();
      assert.equal(kernel.inspect(s).exitCode, 0);
      return {
        upcalls: kernel.inspect(r).exitCode!,
        switches: kernel.stats().contextSwitches - before,
      };
    };
    const batched = await run("batched"), immediate = await run("immediate");
    // Batched: one upcall per burst at most. Immediate: each frame to an idle receiver
    // preempts the sender in the middle of its quantum, so nearly every frame costs an
    // upcall and two switches.
    assert.ok(batched.upcalls <= 6, JSON.stringify(batched));
    assert.ok(immediate.upcalls >= 35, JSON.stringify(immediate));
    assert.ok(
      immediate.switches >= 2 * batched.switches + 40,
      JSON.stringify({ batched, immediate }),
    );
  },
});
