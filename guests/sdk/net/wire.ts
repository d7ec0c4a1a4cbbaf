/**
 * Wire formats of the guest network stack: Ethernet, ARP, IPv4, ICMP and TCP
 * headers (big-endian fields), the Internet checksum, and IPv4 addresses as
 * numbers. Addressing follows the library OS (guests/los): VM `id` has
 * 10.0.(id >> 8).(id & 255).
 *
 * @module
 */

/**
 * EtherType of ARP.
 *
 * @example
 * ```ts
 * import { ETHERTYPE_ARP } from "./wire.ts";
 * console.log(ETHERTYPE_ARP.toString(16)); // 806
 * ```
 */
export const ETHERTYPE_ARP = 0x0806;
/**
 * EtherType of IPv4.
 *
 * @example
 * ```ts
 * import { ETHERTYPE_IPV4 } from "./wire.ts";
 * console.log(ETHERTYPE_IPV4.toString(16)); // 800
 * ```
 */
export const ETHERTYPE_IPV4 = 0x0800;
/**
 * IP protocol number of ICMP.
 *
 * @example
 * ```ts
 * import { PROTO_ICMP } from "./wire.ts";
 * console.log(PROTO_ICMP); // 1
 * ```
 */
export const PROTO_ICMP = 1;
/**
 * IP protocol number of TCP.
 *
 * @example
 * ```ts
 * import { PROTO_TCP } from "./wire.ts";
 * console.log(PROTO_TCP); // 6
 * ```
 */
export const PROTO_TCP = 6;
/**
 * Ethernet header bytes.
 *
 * @example
 * ```ts
 * import { ETH_HEADER } from "./wire.ts";
 * console.log(ETH_HEADER); // 14
 * ```
 */
export const ETH_HEADER = 14;
/**
 * IPv4 header bytes (no options).
 *
 * @example
 * ```ts
 * import { IP_HEADER } from "./wire.ts";
 * console.log(IP_HEADER); // 20
 * ```
 */
export const IP_HEADER = 20;
/**
 * TCP header bytes (no options).
 *
 * @example
 * ```ts
 * import { TCP_HEADER } from "./wire.ts";
 * console.log(TCP_HEADER); // 20
 * ```
 */
export const TCP_HEADER = 20;

/**
 * TCP header flags.
 *
 * @example
 * ```ts
 * import { TcpFlag } from "./wire.ts";
 * console.log(TcpFlag.SYN | TcpFlag.ACK); // 18
 * ```
 */
export const TcpFlag = { FIN: 1, SYN: 2, RST: 4, PSH: 8, ACK: 16 } as const;

/**
 * The IPv4 address of VM `id` on the default LAN.
 *
 * @example
 * ```ts
 * import { formatIp, ipOfVm } from "./wire.ts";
 * console.log(formatIp(ipOfVm(258))); // 10.0.1.2
 * ```
 */
export function ipOfVm(id: number): number {
  return (0x0a000000 | ((id >>> 8) & 255) << 8 | (id & 255)) >>> 0;
}

/**
 * Parses dotted decimal; throws a RangeError on anything else.
 *
 * @example
 * ```ts
 * import { parseIp } from "./wire.ts";
 * console.log(parseIp("10.0.0.1").toString(16)); // a000001
 * ```
 */
export function parseIp(s: string): number {
  const p = s.split(".");
  if (p.length !== 4 || !p.every((x) => /^\d{1,3}$/.test(x) && Number(x) <= 255)) {
    throw new RangeError(`Cannot parse IP address: "${s}" is not dotted decimal`);
  }
  return p.reduce((a, x) => (a << 8 | Number(x)) >>> 0, 0);
}

/**
 * Formats an address as dotted decimal.
 *
 * @example
 * ```ts
 * import { formatIp } from "./wire.ts";
 * console.log(formatIp(0x0a00fffe)); // 10.0.255.254
 * ```
 */
export function formatIp(ip: number): string {
  return [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join(".");
}

/**
 * The one's-complement sum of `bytes` folded to 16 bits, starting from `sum`
 * (for pseudo-headers); the checksum is its complement.
 *
 * @example
 * ```ts
 * import { onesSum } from "./wire.ts";
 * console.log((~onesSum(new Uint8Array([0x45, 0, 0, 0x1c])) & 0xffff).toString(16)); // bae3
 * ```
 */
export function onesSum(bytes: Uint8Array, sum = 0): number {
  const n = bytes.length;
  for (let i = 0; i + 1 < n; i += 2) sum += bytes[i]! << 8 | bytes[i + 1]!;
  if (n & 1) sum += bytes[n - 1]! << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * Reads a big-endian u16.
 *
 * @example
 * ```ts
 * import { get16 } from "./wire.ts";
 * console.log(get16(new Uint8Array([8, 6]), 0).toString(16)); // 806
 * ```
 */
export function get16(b: Uint8Array, at: number): number {
  return b[at]! << 8 | b[at + 1]!;
}

/**
 * Reads a big-endian u32.
 *
 * @example
 * ```ts
 * import { get32 } from "./wire.ts";
 * console.log(get32(new Uint8Array([10, 0, 0, 1]), 0)); // 167772161
 * ```
 */
export function get32(b: Uint8Array, at: number): number {
  return (b[at]! << 24 | b[at + 1]! << 16 | b[at + 2]! << 8 | b[at + 3]!) >>> 0;
}

/**
 * Writes a big-endian u16.
 *
 * @example
 * ```ts
 * import { put16 } from "./wire.ts";
 * const b = new Uint8Array(2);
 * put16(b, 0, 0x0800);
 * console.log(b); // Uint8Array(2) [ 8, 0 ]
 * ```
 */
export function put16(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 8;
  b[at + 1] = v;
}

/**
 * Writes a big-endian u32.
 *
 * @example
 * ```ts
 * import { put32 } from "./wire.ts";
 * const b = new Uint8Array(4);
 * put32(b, 0, 0x0a000001);
 * console.log(b); // Uint8Array(4) [ 10, 0, 0, 1 ]
 * ```
 */
export function put32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = v >>> 16;
  b[at + 2] = v >>> 8;
  b[at + 3] = v;
}

/**
 * A TCP segment as the stack sees it.
 *
 * @example
 * ```ts
 * import type { Segment } from "./wire.ts";
 * const s: Segment = {
 *   src: 1, dst: 2, srcPort: 80, dstPort: 4000, seq: 0, ack: 0, flags: 2, window: 65535,
 *   mss: 1460, data: new Uint8Array(0),
 * };
 * console.log(s.flags);
 * ```
 */
export interface Segment {
  /** Source IPv4 address. */
  src: number;
  /** Destination IPv4 address. */
  dst: number;
  /** Source port. */
  srcPort: number;
  /** Destination port. */
  dstPort: number;
  /** Sequence number. */
  seq: number;
  /** Acknowledgement number. */
  ack: number;
  /** {@linkcode TcpFlag} bits. */
  flags: number;
  /** Receive window. */
  window: number;
  /** MSS option (SYN segments), or 0. */
  mss: number;
  /** Payload. */
  data: Uint8Array;
}

/**
 * Builds an IPv4 packet (header checksum filled in) carrying `payload`.
 *
 * @example
 * ```ts
 * import { ipPacket, PROTO_ICMP } from "./wire.ts";
 * console.log(ipPacket(1, 2, PROTO_ICMP, new Uint8Array(8), 1).length); // 28
 * ```
 */
export function ipPacket(
  src: number,
  dst: number,
  proto: number,
  payload: Uint8Array,
  id: number,
): Uint8Array {
  const p = new Uint8Array(IP_HEADER + payload.length);
  p[0] = 0x45;
  put16(p, 2, p.length);
  put16(p, 4, id & 0xffff);
  put16(p, 6, 0x4000); // don't fragment
  p[8] = 64;
  p[9] = proto;
  put32(p, 12, src);
  put32(p, 16, dst);
  put16(p, 10, ~onesSum(p.subarray(0, IP_HEADER)) & 0xffff);
  p.set(payload, IP_HEADER);
  return p;
}

/**
 * Encodes a TCP segment (checksum over the pseudo-header filled in).
 *
 * @example
 * ```ts
 * import { decodeTcp, encodeTcp, TcpFlag } from "./wire.ts";
 * const seg = encodeTcp({
 *   src: 1, dst: 2, srcPort: 80, dstPort: 4000, seq: 7, ack: 0, flags: TcpFlag.SYN,
 *   window: 1000, mss: 1460, data: new Uint8Array(0),
 * });
 * console.log(decodeTcp(1, 2, seg)?.mss); // 1460
 * ```
 */
export function encodeTcp(s: Segment): Uint8Array {
  const opt = s.mss > 0 ? 4 : 0;
  const t = new Uint8Array(TCP_HEADER + opt + s.data.length);
  put16(t, 0, s.srcPort);
  put16(t, 2, s.dstPort);
  put32(t, 4, s.seq);
  put32(t, 8, s.ack);
  t[12] = (TCP_HEADER + opt) / 4 << 4;
  t[13] = s.flags;
  put16(t, 14, Math.min(s.window, 0xffff));
  if (opt) {
    t[20] = 2;
    t[21] = 4;
    put16(t, 22, s.mss);
  }
  t.set(s.data, TCP_HEADER + opt);
  put16(t, 16, ~onesSum(t, pseudoSum(s.src, s.dst, t.length)) & 0xffff);
  return t;
}

/**
 * Decodes a TCP segment from IP `src` to `dst`; null if it is malformed or its checksum is wrong.
 *
 * @example
 * ```ts
 * import { decodeTcp } from "./wire.ts";
 * console.log(decodeTcp(1, 2, new Uint8Array(5))); // null
 * ```
 */
export function decodeTcp(src: number, dst: number, t: Uint8Array): Segment | null {
  if (t.length < TCP_HEADER) return null;
  const off = (t[12]! >>> 4) * 4;
  if (off < TCP_HEADER || off > t.length) return null;
  if (onesSum(t, pseudoSum(src, dst, t.length)) !== 0xffff) return null;
  let mss = 0;
  for (let i = TCP_HEADER; i < off;) {
    const kind = t[i]!;
    if (kind === 0) break;
    if (kind === 1) {
      i++;
      continue;
    }
    const len = t[i + 1] ?? 0;
    if (len < 2) break;
    if (kind === 2 && len === 4) mss = get16(t, i + 2);
    i += len;
  }
  return {
    src,
    dst,
    srcPort: get16(t, 0),
    dstPort: get16(t, 2),
    seq: get32(t, 4),
    ack: get32(t, 8),
    flags: t[13]! & 0x3f,
    window: get16(t, 14),
    mss,
    data: t.subarray(off),
  };
}

function pseudoSum(src: number, dst: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + PROTO_TCP + length;
}
