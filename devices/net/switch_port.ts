/**
 * One port of the virtual switch: the endpoint behind it (a VM's NIC or a
 * host bridge), its bounded transmit queue, and its counters. The switch
 * creates ports ({@linkcode VirtualSwitch.connect}); endpoints send through
 * them and close them.
 *
 * @module
 */

import { Fifo } from "./fifo.ts";

/**
 * What sits behind a switch port: it takes the frames the switch forwards to it.
 *
 * @example
 * ```ts
 * import type { SwitchEndpoint } from "@denali/kernel";
 * const seen: Uint8Array[] = [];
 * const sink: SwitchEndpoint = { receive: (f) => (seen.push(f), true) };
 * console.log(sink.receive(new Uint8Array(14)), seen.length); // true 1
 * ```
 */
export interface SwitchEndpoint {
  /**
   * Takes a frame from the switch; returns false if its address filter
   * refused it (it was not for this endpoint). The frame is shared with other
   * ports when flooded: never modify it.
   */
  receive(frame: Uint8Array): boolean;
  /** True while the endpoint waits on the host (a TAP): the kernel must keep running. */
  busy?(): boolean;
}

/**
 * Per-port counters.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "@denali/kernel";
 * const port = new VirtualSwitch().connect({ receive: () => true }, "p");
 * console.log(port.stats().sent); // 0
 * ```
 */
export interface SwitchPortStats {
  /** Frames the endpoint queued for sending. */
  sent: number;
  /** Bytes of those frames. */
  sentBytes: number;
  /** Frames refused because the transmit queue was full. */
  txDropped: number;
  /** Frames waiting in the transmit queue now. */
  queued: number;
  /** Frames the switch handed to the endpoint and it accepted. */
  delivered: number;
  /** Bytes of those frames. */
  deliveredBytes: number;
}

/** Called by a port when its queue goes from empty to non-empty, or when it closes. */
export interface PortOwner {
  /** A frame was queued on `port` (which held `before` frames). */
  queued(port: SwitchPort, before: number): void;
  /** `port` closed with `discarded` frames still queued. */
  closed(port: SwitchPort, discarded: number): void;
}

/**
 * A switch port. Made by {@linkcode VirtualSwitch.connect}, not directly.
 *
 * @example
 * ```ts
 * import { VirtualSwitch } from "@denali/kernel";
 * const sw = new VirtualSwitch();
 * const port = sw.connect({ receive: () => true }, "host", { txQueue: 1 });
 * const frame = new Uint8Array(14).fill(0xff);
 * console.log(port.send(frame), port.send(frame), port.stats().txDropped); // true false 1
 * port.close();
 * ```
 */
export class SwitchPort {
  /** Unique name on its switch (`vm<id>` for VMs, `tap:<ifname>` for TAP bridges). */
  readonly name: string;
  /** What sits behind the port. */
  readonly endpoint: SwitchEndpoint;
  /** Frames waiting to be forwarded. INVARIANT: only the switch removes them. */
  readonly tx: Fifo<Uint8Array>;
  /** MAC keys the switch learned on this port (for purging them when it closes). */
  readonly learned: number[] = [];
  /** True while the port is in the switch's round-robin ring. */
  inRing: boolean = false;
  /** Position in the switch's list of open ports (kept by the switch). */
  slot: number = -1;
  /** Frames delivered to the endpoint. */
  delivered: number = 0;
  /** Bytes delivered to the endpoint. */
  deliveredBytes: number = 0;
  #sent = 0;
  #sentBytes = 0;
  #txDropped = 0;
  #owner: PortOwner | null;

  /** A port with a transmit queue of `txQueue` frames, reporting to `owner`. */
  constructor(owner: PortOwner, endpoint: SwitchEndpoint, name: string, txQueue: number) {
    this.#owner = owner;
    this.endpoint = endpoint;
    this.name = name;
    this.tx = new Fifo<Uint8Array>(txQueue);
  }

  /** False once closed. */
  get open(): boolean {
    return this.#owner !== null;
  }

  /**
   * Queues `frame` for the switch (which keeps it: do not modify it after).
   * False when the queue is full or the port closed: the frame is dropped and
   * counted.
   */
  send(frame: Uint8Array): boolean {
    const owner = this.#owner;
    const before = this.tx.length;
    if (owner === null || !this.tx.push(frame)) {
      this.#txDropped++;
      return false;
    }
    this.#sent++;
    this.#sentBytes += frame.length;
    owner.queued(this, before);
    return true;
  }

  /** Detaches the port: queued frames are discarded, learned MACs forgotten. */
  close(): void {
    const owner = this.#owner;
    if (owner === null) return;
    this.#owner = null;
    owner.closed(this, this.tx.clear());
  }

  /**
   * Detaches the port like {@linkcode SwitchPort.close}, except that frames
   * already queued still go out (a VM that sent and then stopped).
   */
  retire(): void {
    const owner = this.#owner;
    if (owner === null) return;
    this.#owner = null;
    owner.closed(this, 0);
  }

  /** Counters of this port. */
  stats(): SwitchPortStats {
    return {
      sent: this.#sent,
      sentBytes: this.#sentBytes,
      txDropped: this.#txDropped,
      queued: this.tx.length,
      delivered: this.delivered,
      deliveredBytes: this.deliveredBytes,
    };
  }

  /** Overwrites the counters (restoring a snapshot). */
  setCounters(c: Pick<SwitchPortStats, "sent" | "sentBytes" | "txDropped">): void {
    this.#sent = c.sent;
    this.#sentBytes = c.sentBytes;
    this.#txDropped = c.txDropped;
  }
}
