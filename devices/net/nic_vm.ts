/**
 * The NIC's state for one VM: its MAC, its bounded receive queue, its
 * registered receive buffer, the status of its last send, its counters, and
 * its port on the switch. It is the VM's {@linkcode SwitchEndpoint}: its
 * address filter takes frames for its MAC and group addresses, and a frame
 * landing in an empty receive queue raises the VM's receive interrupt.
 *
 * @module
 */

import { macKey } from "./ethernet.ts";
import { Fifo } from "./fifo.ts";
import type { SwitchEndpoint, SwitchPort } from "./switch_port.ts";

/**
 * Per-VM counters of the NIC (guest's view).
 *
 * @example
 * ```ts
 * import type { NicCounters } from "@denali/kernel";
 * const c: NicCounters = {
 *   txFrames: 0, txBytes: 0, txDropped: 0, txRejected: 0,
 *   rxFrames: 0, rxBytes: 0, rxDropped: 0, rxFiltered: 0,
 * };
 * console.log(Object.keys(c).length); // 8
 * ```
 */
export interface NicCounters {
  /** Frames sent (queued on the switch). */
  txFrames: number;
  /** Bytes of those frames. */
  txBytes: number;
  /** Frames refused because the transmit queue was full. */
  txDropped: number;
  /** Frames refused because their source MAC was not the VM's. */
  txRejected: number;
  /** Frames the guest received (read with the receive PIO). */
  rxFrames: number;
  /** Bytes of those frames. */
  rxBytes: number;
  /** Frames for the VM dropped because its receive queue was full. */
  rxDropped: number;
  /** Flooded frames refused by the address filter (not for this VM). */
  rxFiltered: number;
}

/** Names of the counters, in a stable order. */
export const NIC_COUNTERS: readonly (keyof NicCounters)[] = [
  "txFrames",
  "txBytes",
  "txDropped",
  "txRejected",
  "rxFrames",
  "rxBytes",
  "rxDropped",
  "rxFiltered",
];

/**
 * One VM's NIC state.
 *
 * @example
 * ```ts
 * import { NicVm, macForVm } from "@denali/kernel";
 * const raised: number[] = [];
 * const vm = new NicVm(1, 0, macForVm(1), 8, (slot) => raised.push(slot));
 * const frame = new Uint8Array(14);
 * frame.set(macForVm(1), 0);
 * console.log(vm.receive(frame), vm.receive(frame), vm.rx.length, raised); // true true 2 [ 0 ]
 * ```
 */
export class NicVm implements SwitchEndpoint {
  /** The VM's id. */
  readonly id: number;
  /** Its slot in the kernel. */
  readonly slot: number;
  /** Frames waiting for the guest. */
  readonly rx: Fifo<Uint8Array>;
  /** Counters. */
  readonly counters: NicCounters = {
    txFrames: 0,
    txBytes: 0,
    txDropped: 0,
    txRejected: 0,
    rxFrames: 0,
    rxBytes: 0,
    rxDropped: 0,
    rxFiltered: 0,
  };
  /** Guest address of the registered receive buffer (0: none). */
  rxBuffer = 0;
  /** Result of the last send (a NIC_TX_* status). */
  txStatus = 0;
  /** The VM's port on the switch (retired once the VM stopped). */
  port: SwitchPort | null = null;
  #mac: Uint8Array;
  #key: number;
  readonly #raise: (slot: number) => void;

  /** State for VM `id` in `slot`, with MAC `mac`, a receive queue of `rxQueue` frames. */
  constructor(
    id: number,
    slot: number,
    mac: Uint8Array,
    rxQueue: number,
    raise: (slot: number) => void,
  ) {
    this.id = id;
    this.slot = slot;
    this.#mac = mac.slice(0, 6);
    this.#key = macKey(this.#mac);
    this.rx = new Fifo<Uint8Array>(rxQueue);
    this.#raise = raise;
  }

  /** The VM's MAC (a copy). */
  get mac(): Uint8Array {
    return this.#mac.slice();
  }

  /** The VM's MAC as a number (see macKey). */
  get macKey(): number {
    return this.#key;
  }

  /** Changes the MAC (restoring a snapshot). */
  setMac(mac: Uint8Array): void {
    this.#mac = mac.slice(0, 6);
    this.#key = macKey(this.#mac);
  }

  /** Address filter, receive queue and interrupt: see the module doc. */
  receive(frame: Uint8Array): boolean {
    if ((frame[0]! & 1) === 0 && macKey(frame, 0) !== this.#key) {
      this.counters.rxFiltered++;
      return false;
    }
    if (!this.rx.push(frame)) {
      this.counters.rxDropped++;
      return true;
    }
    // The interrupt says "the queue is no longer empty": a driver reads until the receive PIO returns 0.
    if (this.rx.length === 1) this.#raise(this.slot);
    return true;
  }
}
