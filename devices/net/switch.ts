/**
 * The virtual Ethernet switch: one learning L2 switch joins every VM of a
 * kernel and any host bridges (TAP devices) into one LAN.
 *
 * - **Learning**: the switch remembers, for each source MAC, the port it came
 *   from; a unicast frame to a learned MAC goes to that port only. Frames to
 *   group addresses (broadcast, multicast) and to unknown MACs are flooded to
 *   every other port; each endpoint's address filter then takes or refuses
 *   it. A frame no endpoint takes is dropped without any interrupt (counted
 *   as `unwanted`), as in Denali.
 * - **Fair transmit**: every port has a bounded transmit queue. Sending only
 *   queues; the kernel drains the queues through the device hooks (the
 *   switch reports `nextDeadline()` = the time the first frame was queued and
 *   `advance()` forwards), taking one frame per port per round in round-robin
 *   order, at most `burst` frames per service. A VM flooding the LAN fills
 *   its own queue (its further sends are refused and counted) and gets one
 *   frame per round like everybody else, so it cannot starve a quiet pair.
 * - **Loss knob**: a seeded fraction of frames is dropped before forwarding
 *   (for protocol tests); the same seed and traffic lose the same frames.
 *
 * @module
 */

import { formatMac, isGroupKey, macFromKey, macKey, parseMac } from "./ethernet.ts";
import { Fifo } from "./fifo.ts";
import { FrameLoss, type FrameLossState } from "./loss.ts";
import { type PortOwner, type SwitchEndpoint, SwitchPort } from "./switch_port.ts";

/** Default transmit queue of a port, in frames. */
export const SWITCH_TX_QUEUE = 64;
/** Default most frames forwarded per service (bounds the kernel's time between quanta). */
export const SWITCH_BURST = 4096;
/** Default bound of the MAC table (new MACs past it are not learned: their frames flood). */
export const SWITCH_MAX_MACS = 1 << 16;

/**
 * What the switch needs of the kernel: its clock and a way to say that its
 * deadline moved (the NIC passes the kernel's DeviceHost).
 *
 * @example
 * ```ts
 * import type { SwitchClock } from "@denali/kernel";
 * const clock: SwitchClock = { now: () => 0, deadlineChanged: () => {} };
 * console.log(clock.now()); // 0
 * ```
 */
export interface SwitchClock {
  /** Kernel time in ticks. */
  now(): number;
  /** The switch's `nextDeadline()` may have moved earlier. */
  deadlineChanged(): void;
}

/**
 * Options of {@linkcode VirtualSwitch}.
 *
 * @example
 * ```ts
 * import { VirtualSwitch, type SwitchOptions } from "@denali/kernel";
 * const o: SwitchOptions = { burst: 256, loss: 0.05, seed: 7 };
 * console.log(new VirtualSwitch(o).loss?.rate); // 0.05
 * ```
 */
export interface SwitchOptions {
  /** Transmit queue of a port, in frames, unless `connect` says otherwise (default 64). */
  txQueue?: number;
  /** Most frames forwarded per service (default 4096). */
  burst?: number;
  /** Most MACs learned (default 65536). */
  maxMacs?: number;
  /** Fraction of frames the switch drops, 0..1 (default 0). */
  loss?: number;
  /** Seed of the loss knob (default 1). */
  seed?: number;
}

/**
 * LAN-wide counters of a switch.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "@denali/kernel";
 * console.log(new VirtualSwitch().stats().forwarded); // 0
 * ```
 */
export interface SwitchStats {
  /** Open ports. */
  ports: number;
  /** MACs in the table. */
  macs: number;
  /** Frames waiting in transmit queues. */
  queued: number;
  /** Frames taken from transmit queues. */
  switched: number;
  /** Unicast frames sent to their learned port only. */
  forwarded: number;
  /** Frames flooded (broadcast, multicast, unknown unicast). */
  flooded: number;
  /** Copies accepted by endpoints. */
  delivered: number;
  /** Frames dropped by the loss knob. */
  lost: number;
  /** Frames no endpoint accepted (dropped without an interrupt). */
  unwanted: number;
  /** Frames whose learned port was the port they came from (dropped). */
  hairpin: number;
  /** Services (calls of `advance`) that forwarded at least one frame. */
  services: number;
}

/**
 * Plain state of a switch: counters, loss knob, MAC table by port name.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "@denali/kernel";
 * const snap = new VirtualSwitch().snapshot();
 * console.log(snap.version, snap.macs.length); // 1 0
 * ```
 */
export interface SwitchSnapshot {
  /** Layout version, 1. */
  version: 1;
  /** Counters (ports, macs and queued are recomputed on restore). */
  stats: SwitchStats;
  /** The loss knob, if set. */
  loss: FrameLossState | null;
  /** Learned MACs as `[mac, port name]`. */
  macs: [string, string][];
}

type Counter = Exclude<keyof SwitchStats, "ports" | "macs" | "queued">;
const COUNTERS: Counter[] = [
  "switched",
  "forwarded",
  "flooded",
  "delivered",
  "lost",
  "unwanted",
  "hairpin",
  "services",
];

const NO_CLOCK: SwitchClock = { now: () => 0, deadlineChanged: () => {} };

/**
 * A learning L2 switch with fair, bounded transmit queues.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "@denali/kernel";
 * const sw = new VirtualSwitch();
 * const got: string[] = [];
 * const a = sw.connect({ receive: () => (got.push("a"), true) }, "a");
 * sw.connect({ receive: () => (got.push("b"), true) }, "b");
 * const broadcast = new Uint8Array(14).fill(0xff);
 * broadcast.set([2, 0, 0, 0, 0, 1], 6); // source MAC
 * a.send(broadcast);
 * sw.advance(0);
 * console.log(got, sw.stats().flooded); // [ "b" ] 1
 * ```
 */
export class VirtualSwitch {
  readonly #txQueue: number;
  readonly #burst: number;
  readonly #maxMacs: number;
  #clock: SwitchClock = NO_CLOCK;
  #bound = false;
  #loss: FrameLoss | null = null;
  // INVARIANT: #ports holds the open ports, each at its `slot`; #byName indexes them by name.
  readonly #ports: SwitchPort[] = [];
  readonly #byName = new Map<string, SwitchPort>();
  // INVARIANT: #hostPorts holds the open ports whose endpoint has busy().
  readonly #hostPorts: SwitchPort[] = [];
  readonly #table = new Map<number, SwitchPort>();
  // INVARIANT: a port with queued frames is in #ring exactly once (inRing set).
  readonly #ring = new Fifo<SwitchPort>(Infinity, 16);
  // INVARIANT: #queued is the sum of the open ports' tx lengths.
  #queued = 0;
  #due = Infinity;
  readonly #count: Record<Counter, number> = {
    switched: 0,
    forwarded: 0,
    flooded: 0,
    delivered: 0,
    lost: 0,
    unwanted: 0,
    hairpin: 0,
    services: 0,
  };
  readonly #owner: PortOwner = {
    queued: (port, before) => {
      if (before === 0 && !port.inRing) {
        port.inRing = true;
        this.#ring.push(port);
      }
      if (this.#queued++ === 0) {
        this.#due = this.#clock.now();
        this.#clock.deadlineChanged();
      }
    },
    closed: (port, discarded) => this.#detach(port, discarded),
  };

  /** A switch with no ports; see {@linkcode SwitchOptions}. */
  constructor(options: SwitchOptions = {}) {
    this.#txQueue = options.txQueue ?? SWITCH_TX_QUEUE;
    this.#burst = options.burst ?? SWITCH_BURST;
    this.#maxMacs = options.maxMacs ?? SWITCH_MAX_MACS;
    const positive = (name: string, v: number) => {
      if (!(Number.isInteger(v) && v >= 1)) {
        throw new RangeError(`Cannot create switch: ${name} ${v} is not an integer >= 1`);
      }
    };
    positive("txQueue", this.#txQueue);
    positive("burst", this.#burst);
    positive("maxMacs", this.#maxMacs);
    if (options.loss !== undefined && options.loss > 0) {
      this.setLoss(options.loss, options.seed ?? 1);
    }
  }

  /** Connects the switch to a kernel's clock (once; the NIC does it when attached). */
  bind(clock: SwitchClock): void {
    if (this.#bound) throw new Error("Cannot bind switch: it already serves a kernel");
    this.#bound = true;
    this.#clock = clock;
    if (this.#queued > 0) this.#due = clock.now();
  }

  /**
   * Adds a port for `endpoint` named `name` (unique among open ports), with a
   * transmit queue of `txQueue` frames.
   */
  connect(endpoint: SwitchEndpoint, name: string, options: { txQueue?: number } = {}): SwitchPort {
    if (this.#byName.has(name)) throw new Error(`Cannot connect port ${name}: the name is taken`);
    const txQueue = options.txQueue ?? this.#txQueue;
    if (!(Number.isInteger(txQueue) && txQueue >= 1)) {
      throw new RangeError(
        `Cannot connect port ${name}: txQueue ${txQueue} is not an integer >= 1`,
      );
    }
    const port = new SwitchPort(this.#owner, endpoint, name, txQueue);
    port.slot = this.#ports.length;
    this.#ports.push(port);
    this.#byName.set(name, port);
    if (endpoint.busy) this.#hostPorts.push(port);
    return port;
  }

  /** The open port named `name`. */
  port(name: string): SwitchPort | undefined {
    return this.#byName.get(name);
  }

  /** The loss knob, or null when the switch loses nothing. */
  get loss(): FrameLoss | null {
    return this.#loss;
  }

  /** Drops `rate` (0..1) of the frames from now on, chosen by a generator seeded with `seed`. */
  setLoss(rate: number, seed = 1): void {
    const loss = new FrameLoss(rate, seed);
    this.#loss = rate > 0 ? loss : null;
  }

  // ---- device hooks (through the NIC) -----------------------------------

  /** The tick by which queued frames should be forwarded (Infinity: nothing queued). */
  nextDeadline(): number {
    return this.#queued > 0 ? this.#due : Infinity;
  }

  /**
   * Forwards queued frames round robin, one per port per round, at most
   * `burst` of them; what is left waits for the next service.
   */
  advance(now: number): void {
    let budget = this.#burst;
    const ring = this.#ring;
    const moved = budget;
    while (budget > 0 && ring.length > 0) {
      const port = ring.shift()!;
      port.inRing = false;
      // A closed port's queue is empty; a retired port's frames still go out.
      const frame = port.tx.shift();
      if (frame === undefined) continue;
      this.#queued--;
      budget--;
      this.#forward(frame, port);
      if (port.tx.length > 0) {
        port.inRing = true;
        ring.push(port);
      }
    }
    if (budget !== moved) this.#count.services++;
    if (this.#queued > 0) this.#due = now;
  }

  /** Forwards until every transmit queue is empty (tests and tools). */
  drain(): void {
    while (this.#queued > 0) this.advance(this.#clock.now());
  }

  /** True while a host endpoint (a TAP bridge) waits on the host. */
  busy(): boolean {
    for (const p of this.#hostPorts) if (p.endpoint.busy!()) return true;
    return false;
  }

  // ---- metrics and state ---------------------------------------------------

  /** LAN-wide counters. */
  stats(): SwitchStats {
    return {
      ports: this.#ports.length,
      macs: this.#table.size,
      queued: this.#queued,
      ...this.#count,
    };
  }

  /** The port a MAC was learned on, or undefined. */
  lookup(mac: Uint8Array): SwitchPort | undefined {
    return this.#table.get(macKey(mac));
  }

  /** Counters, loss knob and MAC table as plain data (queues belong to the ports' owners). */
  snapshot(): SwitchSnapshot {
    const macs: [string, string][] = [];
    for (const [key, port] of this.#table) macs.push([formatMac(macFromKey(key)), port.name]);
    return { version: 1, stats: this.stats(), loss: this.#loss?.state() ?? null, macs };
  }

  /**
   * Restores counters, the loss knob and the MAC entries whose port is open
   * now (entries for ports that are gone are skipped).
   */
  restore(snap: SwitchSnapshot): void {
    if (snap.version !== 1) {
      throw new RangeError(`Cannot restore switch: snapshot version ${snap.version} is not 1`);
    }
    for (const c of COUNTERS) {
      const v = snap.stats[c];
      if (!(Number.isSafeInteger(v) && v >= 0)) {
        throw new RangeError(`Cannot restore switch: counter ${c} is ${v}`);
      }
    }
    const macs = snap.macs.map(([mac, name]) => [parseMac(mac), name] as const);
    const loss = snap.loss ? FrameLoss.from(snap.loss) : null;
    for (const c of COUNTERS) this.#count[c] = snap.stats[c];
    this.#loss = loss && loss.rate > 0 ? loss : null;
    for (const [mac, name] of macs) {
      const port = this.#byName.get(name);
      if (port) this.#learn(macKey(mac), port);
    }
  }

  // ---- forwarding ----------------------------------------------------------

  #forward(frame: Uint8Array, from: SwitchPort): void {
    const count = this.#count;
    count.switched++;
    if (this.#loss !== null && this.#loss.drop()) {
      count.lost++;
      return;
    }
    const src = macKey(frame, 6);
    if (from.open && !isGroupKey(src)) this.#learn(src, from);
    const to = (frame[0]! & 1) === 0 ? this.#table.get(macKey(frame, 0)) : undefined;
    if (to === undefined) {
      count.flooded++;
      let taken = 0;
      const ports = this.#ports;
      for (let i = 0; i < ports.length; i++) {
        const p = ports[i]!;
        if (p !== from && this.#deliver(p, frame)) taken++;
      }
      if (taken === 0) count.unwanted++;
    } else if (to === from) {
      count.hairpin++;
    } else {
      count.forwarded++;
      if (!this.#deliver(to, frame)) count.unwanted++;
    }
  }

  #deliver(port: SwitchPort, frame: Uint8Array): boolean {
    if (!port.endpoint.receive(frame)) return false;
    port.delivered++;
    port.deliveredBytes += frame.length;
    this.#count.delivered++;
    return true;
  }

  #learn(key: number, port: SwitchPort): void {
    const old = this.#table.get(key);
    if (old === port) return;
    if (old !== undefined) {
      const i = old.learned.indexOf(key);
      if (i >= 0) old.learned.splice(i, 1);
    } else if (this.#table.size >= this.#maxMacs) return;
    this.#table.set(key, port);
    port.learned.push(key);
  }

  #detach(port: SwitchPort, discarded: number): void {
    this.#queued -= discarded;
    for (const key of port.learned) if (this.#table.get(key) === port) this.#table.delete(key);
    port.learned.length = 0;
    const last = this.#ports.pop()!;
    if (last !== port) {
      last.slot = port.slot;
      this.#ports[port.slot] = last;
    }
    port.slot = -1;
    this.#byName.delete(port.name);
    const h = this.#hostPorts.indexOf(port);
    if (h >= 0) this.#hostPorts.splice(h, 1);
  }
}
