/**
 * The guest network stack: one IPv4 address on the LAN, ARP (answers for its
 * address, resolves the peers it sends to, learns senders), ICMP echo (so a
 * host can ping it through a TAP bridge) and TCP (listen and connect). It is
 * driven by the guest's batches and has no clock or thread of its own:
 *
 * ```ts ignore
 * const net = new NetStack({ mac: guest.mac, ip: ipOfVm(guest.vmId), send: (f) => guest.nic.send(f) });
 * serve((batch, guest) => {
 *   net.input(batch.frames, batch.time); // frames in, replies out
 *   return guest.idle(net.timeout(batch.time)); // until a frame or the next retransmission
 * });
 * ```
 *
 * @module
 */

import { TcpConnection, type TcpHost, TcpState } from "./tcp.ts";
import {
  decodeTcp,
  encodeTcp,
  ETH_HEADER,
  ETHERTYPE_ARP,
  ETHERTYPE_IPV4,
  get16,
  get32,
  IP_HEADER,
  ipPacket,
  onesSum,
  PROTO_ICMP,
  PROTO_TCP,
  put16,
  put32,
  type Segment,
  TcpFlag,
} from "./wire.ts";

/**
 * Options of {@linkcode NetStack}.
 *
 * @example
 * ```ts
 * import type { NetStackOptions } from "./stack.ts";
 * const o: NetStackOptions = { mac: new Uint8Array([2, 0, 0, 0, 0, 1]), ip: 0x0a000001, send: () => {} };
 * console.log(o.ip);
 * ```
 */
export interface NetStackOptions {
  /** The guest's MAC. */
  mac: Uint8Array;
  /** Its IPv4 address. */
  ip: number;
  /** Sends a frame (the guest's `nic.send`). */
  send(frame: Uint8Array): void;
  /** Largest TCP payload per segment (default 1460). */
  mss?: number;
  /** First retransmission timeout, microseconds (default 20,000: a LAN). */
  rtoMicros?: number;
}

/**
 * Counters of a {@linkcode NetStack}.
 *
 * @example
 * ```ts
 * import type { NetStats } from "./stack.ts";
 * function dropped(s: NetStats): number { return s.badChecksum + s.noListener; }
 * ```
 */
export interface NetStats {
  /** Frames taken by the stack. */
  framesIn: number;
  /** Frames sent. */
  framesOut: number;
  /** ARP requests answered. */
  arpReplies: number;
  /** ICMP echo requests answered. */
  pings: number;
  /** Segments or packets dropped for a bad checksum or header. */
  badChecksum: number;
  /** SYNs to ports nobody listens on (answered with RST). */
  noListener: number;
  /** Connections accepted and opened. */
  connections: number;
}

const BROADCAST = new Uint8Array([255, 255, 255, 255, 255, 255]);
const NO_MAC = new Uint8Array(6);

/**
 * One guest's network stack.
 *
 * @example
 * ```ts
 * import { NetStack } from "./stack.ts";
 * const out: Uint8Array[] = [];
 * const net = new NetStack({ mac: new Uint8Array([2, 0, 0, 0, 0, 1]), ip: 0x0a000001, send: (f) => out.push(f) });
 * net.listen(80, (conn) => conn.write("hi"));
 * console.log(net.timeout(0), out.length); // undefined 0
 * ```
 */
export class NetStack implements TcpHost {
  /** Its IPv4 address. */
  readonly ip: number;
  /** Counters. */
  readonly stats: NetStats = {
    framesIn: 0,
    framesOut: 0,
    arpReplies: 0,
    pings: 0,
    badChecksum: 0,
    noListener: 0,
    connections: 0,
  };
  readonly #mac: Uint8Array;
  readonly #send: (frame: Uint8Array) => void;
  readonly #mss: number;
  readonly #rto: number;
  readonly #arp = new Map<number, Uint8Array>();
  readonly #waiting = new Map<number, Uint8Array[]>();
  readonly #asked = new Map<number, number>();
  readonly #listeners = new Map<number, (c: TcpConnection) => void>();
  readonly #conns = new Map<string, TcpConnection>();
  #now = 0;
  #ipId = 0;
  #nextPort = 49152;
  #iss = 0x1000;

  /** A stack for `options.mac` and `options.ip`. */
  constructor(options: NetStackOptions) {
    this.#mac = options.mac.slice(0, 6);
    this.ip = options.ip >>> 0;
    this.#send = options.send;
    this.#mss = options.mss ?? 1460;
    this.#rto = options.rtoMicros ?? 20_000;
  }

  /** Accepts connections on `port`; `onAccept` gets each one as it opens (set its handlers there). */
  listen(port: number, onAccept: (c: TcpConnection) => void): void {
    this.#listeners.set(port, onAccept);
  }

  /** Opens a connection to `ip`:`port` (resolving its MAC first if needed). */
  connect(ip: number, port: number): TcpConnection {
    let local = this.#nextPort;
    while (this.#conns.has(key(local, ip, port))) local = local >= 65535 ? 49152 : local + 1;
    this.#nextPort = local >= 65535 ? 49152 : local + 1;
    const c = this.#conn([this.ip, local], [ip >>> 0, port], TcpState.SYN_SENT);
    this.stats.connections++;
    c.open();
    return c;
  }

  /** Open connections. */
  get connections(): number {
    return this.#conns.size;
  }

  /** Takes received frames at kernel time `now` (us), then runs the timers. */
  input(frames: readonly Uint8Array[], now: number): void {
    this.#now = now;
    for (const f of frames) this.#frame(f);
    this.poll(now);
  }

  /** Runs the retransmission and TIME_WAIT timers due by `now`. */
  poll(now: number): void {
    this.#now = now;
    for (const c of [...this.#conns.values()]) c.poll(now);
  }

  /** Microseconds from `now` to the next timer (for `guest.idle`), or undefined: none. */
  timeout(now: number): number | undefined {
    let d = Infinity;
    for (const c of this.#conns.values()) d = Math.min(d, c.deadline);
    return d === Infinity ? undefined : Math.max(1, Math.ceil(d - now));
  }

  // ---- TcpHost ---------------------------------------------------------------------

  /** Kernel time of the batch being handled, us. */
  now(): number {
    return this.#now;
  }

  /** Sends a segment of connection `c`. */
  emit(
    c: TcpConnection,
    seq: number,
    ack: number,
    flags: number,
    data: Uint8Array,
    mss: number,
  ): void {
    const s: Segment = {
      src: this.ip,
      dst: c.remoteIp,
      srcPort: c.localPort,
      dstPort: c.remotePort,
      seq,
      ack,
      flags,
      window: 65535,
      mss,
      data,
    };
    this.#ip(c.remoteIp, PROTO_TCP, encodeTcp(s));
  }

  /** Forgets a closed connection. */
  closed(c: TcpConnection): void {
    this.#conns.delete(key(c.localPort, c.remoteIp, c.remotePort));
  }

  // ---- input -----------------------------------------------------------------------

  #frame(f: Uint8Array): void {
    if (f.length < ETH_HEADER) return;
    const type = get16(f, 12);
    if (type === ETHERTYPE_ARP) return this.#arpIn(f);
    if (type !== ETHERTYPE_IPV4 || f.length < ETH_HEADER + IP_HEADER) return;
    const ip = f.subarray(ETH_HEADER);
    const ihl = (ip[0]! & 15) * 4;
    const total = get16(ip, 2);
    if (ip[0]! >>> 4 !== 4 || ihl < IP_HEADER || total < ihl || total > ip.length) return;
    if (onesSum(ip.subarray(0, ihl)) !== 0xffff) {
      this.stats.badChecksum++;
      return;
    }
    if ((get16(ip, 6) & 0x3fff) !== 0) return; // fragments are not reassembled
    const src = get32(ip, 12), dst = get32(ip, 16);
    if (dst !== this.ip) return;
    this.stats.framesIn++;
    this.#arp.set(src, f.slice(6, 12)); // learn the sender
    const payload = ip.subarray(ihl, total);
    if (ip[9] === PROTO_ICMP) this.#icmpIn(src, payload);
    else if (ip[9] === PROTO_TCP) this.#tcpIn(src, payload);
  }

  #arpIn(f: Uint8Array): void {
    if (f.length < ETH_HEADER + 28) return;
    const a = f.subarray(ETH_HEADER);
    if (get16(a, 0) !== 1 || get16(a, 2) !== ETHERTYPE_IPV4 || a[4] !== 6 || a[5] !== 4) return;
    const op = get16(a, 6), senderIp = get32(a, 14), targetIp = get32(a, 24);
    if (targetIp !== this.ip) return;
    this.stats.framesIn++;
    this.#arp.set(senderIp, a.slice(8, 14));
    this.#flush(senderIp);
    if (op !== 1) return;
    this.stats.arpReplies++;
    this.#arpOut(2, a.slice(8, 14), senderIp);
  }

  #icmpIn(src: number, p: Uint8Array): void {
    if (p.length < 8 || p[0] !== 8 || onesSum(p) !== 0xffff) return;
    const reply = p.slice();
    reply[0] = 0;
    put16(reply, 2, 0);
    put16(reply, 2, ~onesSum(reply) & 0xffff);
    this.stats.pings++;
    this.#ip(src, PROTO_ICMP, reply);
  }

  #tcpIn(src: number, p: Uint8Array): void {
    const s = decodeTcp(src, this.ip, p);
    if (s === null) {
      this.stats.badChecksum++;
      return;
    }
    const c = this.#conns.get(key(s.dstPort, src, s.srcPort));
    if (c !== undefined) return c.input(s);
    if (s.flags & TcpFlag.RST) return;
    const onAccept = this.#listeners.get(s.dstPort);
    if ((s.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && onAccept !== undefined) {
      const conn = this.#conn([this.ip, s.dstPort], [src, s.srcPort], TcpState.SYN_RECEIVED);
      this.stats.connections++;
      onAccept(conn);
      conn.accept(s);
      return;
    }
    this.stats.noListener++;
    // RFC 793 reset: acknowledge what came, or take the sequence of its acknowledgement.
    const len = s.data.length + (s.flags & TcpFlag.SYN ? 1 : 0) + (s.flags & TcpFlag.FIN ? 1 : 0);
    const rst: Segment = {
      src: this.ip,
      dst: src,
      srcPort: s.dstPort,
      dstPort: s.srcPort,
      seq: s.flags & TcpFlag.ACK ? s.ack : 0,
      ack: (s.seq + len) >>> 0,
      flags: s.flags & TcpFlag.ACK ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
      window: 0,
      mss: 0,
      data: new Uint8Array(0),
    };
    this.#ip(src, PROTO_TCP, encodeTcp(rst));
  }

  // ---- output ----------------------------------------------------------------------

  #conn(local: [number, number], remote: [number, number], state: TcpState): TcpConnection {
    this.#iss = (this.#iss + 0x10000 + 7919) >>> 0; // deterministic, distinct per connection
    const c = new TcpConnection(this, local, remote, state, this.#iss, {
      mss: this.#mss,
      rtoMicros: this.#rto,
    });
    this.#conns.set(key(local[1], remote[0], remote[1]), c);
    return c;
  }

  #ip(dst: number, proto: number, payload: Uint8Array): void {
    const packet = ipPacket(this.ip, dst, proto, payload, this.#ipId++);
    const mac = this.#arp.get(dst);
    if (mac !== undefined) return this.#eth(mac, ETHERTYPE_IPV4, packet);
    const queue = this.#waiting.get(dst);
    if (queue === undefined) this.#waiting.set(dst, [packet]);
    else if (queue.length < 64) queue.push(packet);
    // Ask (again, if the last request went unanswered for a retransmission timeout).
    const asked = this.#asked.get(dst);
    if (asked === undefined || this.#now - asked >= this.#rto) {
      this.#asked.set(dst, this.#now);
      this.#arpOut(1, NO_MAC, dst);
    }
  }

  #flush(ip: number): void {
    const queue = this.#waiting.get(ip), mac = this.#arp.get(ip);
    if (queue === undefined || mac === undefined) return;
    this.#waiting.delete(ip);
    this.#asked.delete(ip);
    for (const p of queue) this.#eth(mac, ETHERTYPE_IPV4, p);
  }

  #arpOut(op: number, targetMac: Uint8Array, targetIp: number): void {
    const a = new Uint8Array(28);
    put16(a, 0, 1);
    put16(a, 2, ETHERTYPE_IPV4);
    a[4] = 6;
    a[5] = 4;
    put16(a, 6, op);
    a.set(this.#mac, 8);
    put32(a, 14, this.ip);
    a.set(targetMac, 18);
    put32(a, 24, targetIp);
    this.#eth(op === 1 ? BROADCAST : targetMac, ETHERTYPE_ARP, a);
  }

  #eth(dst: Uint8Array, type: number, payload: Uint8Array): void {
    const f = new Uint8Array(ETH_HEADER + payload.length);
    f.set(dst, 0);
    f.set(this.#mac, 6);
    put16(f, 12, type);
    f.set(payload, ETH_HEADER);
    this.stats.framesOut++;
    this.#send(f);
  }
}

function key(localPort: number, remoteIp: number, remotePort: number): string {
  return `${localPort}/${remoteIp}/${remotePort}`;
}
