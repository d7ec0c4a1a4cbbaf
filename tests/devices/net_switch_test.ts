import { assert } from "../_assert.ts";
import {
  macForVm,
  macKey,
  type SwitchEndpoint,
  type SwitchPort,
  VirtualSwitch,
} from "../../mod.ts";

/** An endpoint with MAC 02:00:00:00:00:<n> that records what it takes (its filter: own MAC and groups). */
class Host implements SwitchEndpoint {
  readonly got: string[] = [];
  readonly mac: Uint8Array;
  port!: SwitchPort;
  constructor(readonly n: number) {
    this.mac = macForVm(n);
  }
  receive(frame: Uint8Array): boolean {
    if ((frame[0]! & 1) === 0 && macKey(frame) !== macKey(this.mac)) return false;
    this.got.push(new TextDecoder().decode(frame.subarray(14)));
    return true;
  }
  /** Queues a frame to `dst` with `text` as payload. */
  send(dst: Uint8Array, text: string): boolean {
    const body = new TextEncoder().encode(text);
    const f = new Uint8Array(14 + body.length);
    f.set(dst, 0);
    f.set(this.mac, 6);
    f.set([0x88, 0xb5], 12);
    f.set(body, 14);
    return this.port.send(f);
  }
}

function lan(n: number, options = {}): { sw: VirtualSwitch; hosts: Host[] } {
  const sw = new VirtualSwitch(options);
  const hosts = Array.from({ length: n }, (_, i) => new Host(i + 1));
  for (const h of hosts) h.port = sw.connect(h, `h${h.n}`);
  return { sw, hosts };
}

const BROADCAST = new Uint8Array(6).fill(0xff);
const MULTICAST = new Uint8Array([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]);

Deno.test("Switch floods broadcast and multicast to every port but the sender", () => {
  const { sw, hosts: [a, b, c] } = lan(3);
  a!.send(BROADCAST, "all");
  b!.send(MULTICAST, "group");
  sw.drain();
  assert.deepEqual([a!.got, b!.got, c!.got], [["group"], ["all"], ["all", "group"]]);
  const s = sw.stats();
  assert.deepEqual([s.flooded, s.delivered, s.forwarded, s.unwanted], [2, 4, 0, 0]);
});

Deno.test("Switch learns source MACs: after the first frame, unicast goes to the learned port only", () => {
  const { sw, hosts: [a, b, c] } = lan(3);
  let taken = 0;
  c!.receive = (f) => (taken++, Host.prototype.receive.call(c, f));
  a!.send(b!.mac, "1"); // b not learned yet: flooded, c's filter refuses it
  sw.drain();
  assert.deepEqual([b!.got, taken, sw.stats().flooded], [["1"], 1, 1]);
  b!.send(a!.mac, "2"); // a was learned from frame 1: forwarded to a only
  sw.drain();
  a!.send(b!.mac, "3"); // b learned from frame 2
  sw.drain();
  assert.deepEqual([a!.got, b!.got], [["2"], ["1", "3"]]);
  assert.equal(taken, 1, "c saw only the first, flooded frame");
  assert.deepEqual([sw.stats().flooded, sw.stats().forwarded, sw.stats().macs], [1, 2, 2]);
  assert.equal(sw.lookup(a!.mac), a!.port);
});

Deno.test("Switch drops frames nobody takes without delivering them, and counts them", () => {
  const { sw, hosts: [a, b] } = lan(2);
  a!.send(macForVm(99), "nobody");
  sw.drain();
  assert.deepEqual([a!.got, b!.got], [[], []]);
  assert.equal(sw.stats().unwanted, 1);
  b!.send(a!.mac, "x"); // learn b on its port, then a frame to b from b's own port is a hairpin
  sw.drain();
  const f = new Uint8Array(14);
  f.set(b!.mac, 0);
  f.set(b!.mac, 6);
  b!.port.send(f);
  sw.drain();
  assert.equal(sw.stats().hairpin, 1);
});

Deno.test("Switch takes one frame per port per round: a full queue does not delay others", () => {
  const { sw, hosts: [flood, q1, q2, dst] } = lan(4, { burst: 3 });
  while (flood!.send(dst!.mac, "f"));
  assert.equal(flood!.port.stats().queued, 64);
  assert.equal(flood!.send(dst!.mac, "f"), false, "a full queue refuses");
  assert.equal(flood!.port.stats().txDropped, 2, "both refused sends are counted");
  q1!.send(dst!.mac, "q1");
  q2!.send(dst!.mac, "q2");
  sw.advance(0); // one service: at most 3 frames, one from each port
  assert.deepEqual(dst!.got, ["f", "q1", "q2"]);
  sw.advance(0);
  assert.deepEqual(dst!.got, ["f", "q1", "q2", "f", "f", "f"]);
  assert.equal(sw.stats().queued, 60);
  assert.equal(sw.nextDeadline(), 0, "frames left: due at once");
  sw.drain();
  assert.equal(sw.nextDeadline(), Infinity);
});

Deno.test("Switch loss knob is seeded: the same seed and traffic lose the same frames", () => {
  const run = (seed: number) => {
    const { sw, hosts: [a, b] } = lan(2, { loss: 0.05, seed, txQueue: 2000 });
    for (let i = 0; i < 1000; i++) a!.send(BROADCAST, String(i));
    sw.drain();
    return { got: b!.got.join(","), lost: sw.stats().lost };
  };
  const one = run(7), two = run(7), other = run(8);
  assert.equal(one.got, two.got);
  assert.equal(one.lost, two.lost);
  assert.notEqual(one.got, other.got);
  assert.ok(one.lost > 20 && one.lost < 80, `about 5% lost (${one.lost})`);
  assert.equal(one.got.split(",").length, 1000 - one.lost);
});

Deno.test("Switch forgets a closed port's MACs; a retired port's queued frames still go out", () => {
  const { sw, hosts: [a, b, c] } = lan(3);
  a!.send(BROADCAST, "hi");
  sw.drain();
  assert.equal(sw.lookup(a!.mac), a!.port);
  a!.port.close();
  assert.equal(sw.lookup(a!.mac), undefined);
  assert.equal(a!.send(b!.mac, "late"), false);
  b!.send(c!.mac, "bye");
  b!.port.retire();
  sw.drain();
  assert.deepEqual(c!.got, ["hi", "bye"]);
  assert.equal(sw.lookup(b!.mac), undefined, "a retired port learns nothing");
  assert.equal(sw.stats().ports, 1);
  assert.throws(() => sw.connect(c!, "h3"), /Cannot connect port h3: the name is taken/);
});

Deno.test("Switch snapshot restores counters, the MAC table and the loss generator's position", () => {
  const { sw, hosts: [a, b] } = lan(2, { loss: 0.5, seed: 3 });
  for (let i = 0; i < 10; i++) a!.send(BROADCAST, "x"), b!.send(BROADCAST, "y");
  sw.drain();
  const snap = JSON.parse(JSON.stringify(sw.snapshot()));
  const copy = lan(2);
  copy.sw.restore(snap);
  assert.deepEqual(copy.sw.stats(), sw.stats());
  assert.equal(copy.sw.lookup(a!.mac)?.name, "h1");
  const next = (s: VirtualSwitch) => Array.from({ length: 16 }, () => s.loss!.drop());
  assert.deepEqual(next(copy.sw), next(sw));
  assert.throws(() => copy.sw.restore({ ...snap, version: 2 }), /Cannot restore switch/);
});
