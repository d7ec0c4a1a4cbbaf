/**
 * Snapshot and restore of one VM's NIC state as plain, JSON-safe data:
 * frames are base64 strings, the MAC is text.
 *
 * @module
 */

import { ETH_MAX_FRAME, ETH_MIN_FRAME, formatMac, parseMac } from "./ethernet.ts";
import { NIC_COUNTERS, type NicCounters, type NicVm } from "./nic_vm.ts";

/**
 * One VM's NIC state as plain data.
 *
 * @example
 * ```ts
 * import type { NicSnapshot } from "@denali/kernel";
 * const s: NicSnapshot = {
 *   version: 1, mac: "02:00:00:00:00:01", rxBuffer: 0, txStatus: 0, rx: [], tx: [],
 *   counters: { txFrames: 0, txBytes: 0, txDropped: 0, txRejected: 0,
 *     rxFrames: 0, rxBytes: 0, rxDropped: 0, rxFiltered: 0 },
 * };
 * console.log(JSON.stringify(s).length > 0); // true
 * ```
 */
export interface NicSnapshot {
  /** Layout version, 1. */
  version: 1;
  /** The VM's MAC, `xx:xx:xx:xx:xx:xx`. */
  mac: string;
  /** Registered receive buffer (guest address, 0: none). */
  rxBuffer: number;
  /** Status of the last send. */
  txStatus: number;
  /** Counters. */
  counters: NicCounters;
  /** Frames waiting for the guest, oldest first, base64. */
  rx: string[];
  /** Frames waiting in the VM's transmit queue on the switch, oldest first, base64. */
  tx: string[];
}

/**
 * The state of `vm` as a {@linkcode NicSnapshot}.
 *
 * @example
 * ```ts
 * import { NicVm, macForVm, snapshotNicVm } from "@denali/kernel";
 * const vm = new NicVm(1, 0, macForVm(1), 8, () => {});
 * console.log(snapshotNicVm(vm).mac); // 02:00:00:00:00:01
 * ```
 */
export function snapshotNicVm(vm: NicVm): NicSnapshot {
  return {
    version: 1,
    mac: formatMac(vm.mac),
    rxBuffer: vm.rxBuffer,
    txStatus: vm.txStatus,
    counters: { ...vm.counters },
    rx: vm.rx.toArray().map(toBase64),
    tx: vm.port ? vm.port.tx.toArray().map(toBase64) : [],
  };
}

/**
 * Checks a snapshot and decodes its frames; throws a RangeError naming the
 * first problem. `what` names the restore for the message.
 *
 * @example
 * ```ts
 * import { decodeNicSnapshot, NicVm, macForVm, snapshotNicVm } from "@denali/kernel";
 * const snap = snapshotNicVm(new NicVm(1, 0, macForVm(1), 8, () => {}));
 * console.log(decodeNicSnapshot(snap, "restore").rx.length); // 0
 * ```
 */
export function decodeNicSnapshot(
  snap: NicSnapshot,
  what: string,
): { mac: Uint8Array; rx: Uint8Array[]; tx: Uint8Array[] } {
  const fail = (why: string) => new RangeError(`Cannot ${what}: ${why}`);
  if (snap.version !== 1) throw fail(`snapshot version ${snap.version} is not 1`);
  let mac: Uint8Array;
  try {
    mac = parseMac(snap.mac);
  } catch {
    throw fail(`MAC "${snap.mac}" is not six hex bytes`);
  }
  for (const c of NIC_COUNTERS) {
    const v = snap.counters?.[c];
    if (!(Number.isSafeInteger(v) && v! >= 0)) throw fail(`counter ${c} is ${v}`);
  }
  if (!(Number.isInteger(snap.rxBuffer) && snap.rxBuffer >= 0 && snap.rxBuffer <= 0xffffffff)) {
    throw fail(`receive buffer ${snap.rxBuffer} is not a guest address`);
  }
  if (!(Number.isInteger(snap.txStatus) && snap.txStatus >= 0 && snap.txStatus <= 2)) {
    throw fail(`transmit status ${snap.txStatus} is not 0, 1 or 2`);
  }
  const frames = (list: string[], name: string) =>
    list.map((text, i) => {
      let f: Uint8Array;
      try {
        f = fromBase64(text);
      } catch {
        throw fail(`${name} frame ${i} is not base64`);
      }
      if (f.length < ETH_MIN_FRAME || f.length > ETH_MAX_FRAME) {
        throw fail(
          `${name} frame ${i} has ${f.length} bytes, not ${ETH_MIN_FRAME}..${ETH_MAX_FRAME}`,
        );
      }
      return f;
    });
  return { mac, rx: frames(snap.rx, "receive"), tx: frames(snap.tx, "transmit") };
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
