/**
 * Ethernet framing as the virtual LAN uses it: frame size limits (the MTU),
 * MAC addresses of VMs, and MACs as plain numbers so the switch can key its
 * table on them without allocating.
 *
 * A frame here is the bytes from the destination MAC to the end of the
 * payload: no preamble, no frame check sequence, no 802.1Q tag.
 *
 * @module
 */

/** Bytes of an Ethernet header (destination, source, EtherType). */
export const ETH_HEADER = 14;
/** Smallest frame the LAN carries: a bare header (the switch does not pad). */
export const ETH_MIN_FRAME: number = ETH_HEADER;
/** Largest payload of a frame: the MTU of the virtual LAN (as on real Ethernet). */
export const ETH_MTU = 1500;
/** Largest frame the LAN carries: header plus MTU. */
export const ETH_MAX_FRAME: number = ETH_HEADER + ETH_MTU;

/** The broadcast MAC as a number (see {@linkcode macKey}). */
export const BROADCAST_KEY = 0xffff_ffff_ffff;

/**
 * The MAC address of VM `id`: `02:00` then the id as four big-endian bytes.
 * The `02` marks it locally administered and unicast, so it cannot collide
 * with a real card's address, and distinct ids give distinct MACs.
 *
 * @example
 * ```ts
 * import { formatMac, macForVm } from "@denali/kernel";
 * console.log(formatMac(macForVm(258))); // 02:00:00:00:01:02
 * ```
 */
export function macForVm(id: number): Uint8Array {
  return new Uint8Array([0x02, 0x00, id >>> 24 & 255, id >>> 16 & 255, id >>> 8 & 255, id & 255]);
}

/**
 * The six bytes of a MAC at `offset` of `bytes` as one number (byte 0 most
 * significant), exact since 48 bits fit a double.
 *
 * @example
 * ```ts
 * import { macKey } from "@denali/kernel";
 * const frame = new Uint8Array([2, 0, 0, 0, 0, 7, 2, 0, 0, 0, 0, 9, 8, 0]);
 * console.log(macKey(frame, 0), macKey(frame, 6)); // 2199023255559 2199023255561
 * ```
 */
export function macKey(bytes: Uint8Array, offset = 0): number {
  return (bytes[offset]! << 8 | bytes[offset + 1]!) * 0x1_0000_0000 +
    ((bytes[offset + 2]! << 24 | bytes[offset + 3]! << 16 | bytes[offset + 4]! << 8 |
      bytes[offset + 5]!) >>> 0);
}

/**
 * The MAC bytes of a number made by {@linkcode macKey}.
 *
 * @example
 * ```ts
 * import { formatMac, macFromKey, macKey, macForVm } from "@denali/kernel";
 * console.log(formatMac(macFromKey(macKey(macForVm(3))))); // 02:00:00:00:00:03
 * ```
 */
export function macFromKey(key: number): Uint8Array {
  const hi = Math.floor(key / 0x1_0000_0000), lo = key >>> 0;
  return new Uint8Array([
    hi >>> 8 & 255,
    hi & 255,
    lo >>> 24,
    lo >>> 16 & 255,
    lo >>> 8 & 255,
    lo & 255,
  ]);
}

/**
 * True when a MAC key is a group address (multicast or broadcast): the low bit
 * of its first byte is set.
 *
 * @example
 * ```ts
 * import { BROADCAST_KEY, isGroupKey, macForVm, macKey } from "@denali/kernel";
 * console.log(isGroupKey(BROADCAST_KEY), isGroupKey(macKey(macForVm(1)))); // true false
 * ```
 */
export function isGroupKey(key: number): boolean {
  return (Math.floor(key / 0x100_0000_0000) & 1) === 1;
}

/**
 * A MAC as `xx:xx:xx:xx:xx:xx` (lower-case hex).
 *
 * @example
 * ```ts
 * import { formatMac } from "@denali/kernel";
 * console.log(formatMac(new Uint8Array([2, 0, 0, 0, 0, 0x1f]))); // 02:00:00:00:00:1f
 * ```
 */
export function formatMac(mac: Uint8Array, offset = 0): string {
  const parts: string[] = [];
  for (let i = 0; i < 6; i++) parts.push(mac[offset + i]!.toString(16).padStart(2, "0"));
  return parts.join(":");
}

/**
 * Parses `xx:xx:xx:xx:xx:xx` (or with `-`); throws a RangeError for anything else.
 *
 * @example
 * ```ts
 * import { parseMac } from "@denali/kernel";
 * console.log(parseMac("02:00:00:00:00:01")); // Uint8Array(6) [ 2, 0, 0, 0, 0, 1 ]
 * ```
 */
export function parseMac(text: string): Uint8Array {
  const parts = text.split(/[:-]/);
  if (parts.length !== 6 || !parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) {
    throw new RangeError(`Cannot parse MAC address: "${text}" is not six hex bytes`);
  }
  return new Uint8Array(parts.map((p) => parseInt(p, 16)));
}
