/**
 * The host bridge: a real TAP interface on the host, attached to the virtual
 * switch as one more port, so host programs reach guest IP addresses through
 * the host's own TCP/IP stack (as with QEMU or Firecracker).
 *
 * I/O never blocks the kernel: the TAP's descriptor is non-blocking; a loop
 * waits for it with poll() on a Deno FFI worker thread (a promise, so the
 * event loop and the kernel's run loop go on), then reads every waiting frame
 * (at most `burst` per wake) and queues them on its switch port; the switch
 * forwards them at its next service. Frames the switch sends to the host are
 * written at once (non-blocking; if the host would block, the frame is
 * dropped and counted). While the bridge is open it reports itself busy, so
 * `Kernel.run()` keeps waiting for host traffic instead of returning.
 *
 * Host frames arrive when the host sends them, so a kernel serving a bridge
 * should use the real clock (on the deterministic clock it works, but runs
 * are no longer reproducible).
 *
 * Needs Linux, root or CAP_NET_ADMIN, and `--allow-ffi`; without them
 * {@linkcode TapBridge.open} throws a {@linkcode TapError} with one line.
 *
 * @module
 */

import { ETH_MAX_FRAME, ETH_MIN_FRAME } from "./ethernet.ts";
import type { VirtualSwitch } from "./switch.ts";
import type { SwitchEndpoint, SwitchPort } from "./switch_port.ts";
import {
  closeFd,
  errnoName,
  openTap,
  readFrame,
  TapError,
  waitReadable,
  writeFrame,
} from "./tap_ffi.ts";

/** Default frames from the host that may wait for the switch. */
export const TAP_TX_QUEUE = 1024;
/** Default poll timeout in ms: how long `close()` may wait for the reader thread. */
export const TAP_POLL_MS = 50;
/** Default frames read per wake-up. */
export const TAP_BURST = 256;

/**
 * Options of {@linkcode TapBridge.open}.
 *
 * @example
 * ```ts
 * import { VirtualSwitch, type TapOptions } from "@denali/kernel";
 * const o: TapOptions = { name: "dnl0", switch: new VirtualSwitch() };
 * console.log(o.name); // dnl0
 * ```
 */
export interface TapOptions {
  /** Interface name (1..15 bytes); made if missing, deleted when closed. */
  name: string;
  /** The switch to join (a NicDevice's `switch`). */
  switch: VirtualSwitch;
  /** Frames from the host that may wait for the switch (default 1024). */
  txQueue?: number;
  /** Poll timeout in ms (default 50). */
  pollMs?: number;
  /** Frames read per wake-up (default 256). */
  burst?: number;
}

/**
 * Counters of a TAP bridge.
 *
 * @example
 * ```ts
 * import type { TapStats } from "@denali/kernel";
 * const s: TapStats = {
 *   fromHost: 0, fromHostBytes: 0, toHost: 0, toHostBytes: 0,
 *   fromHostDropped: 0, toHostDropped: 0, badFrames: 0, errors: 0,
 * };
 * console.log(s.toHost); // 0
 * ```
 */
export interface TapStats {
  /** Frames read from the host and queued on the switch. */
  fromHost: number;
  /** Bytes of those frames. */
  fromHostBytes: number;
  /** Frames written to the host. */
  toHost: number;
  /** Bytes of those frames. */
  toHostBytes: number;
  /** Host frames dropped because the bridge's switch queue was full. */
  fromHostDropped: number;
  /** Frames for the host dropped because the TAP would block. */
  toHostDropped: number;
  /** Host frames outside 14..1514 bytes (dropped). */
  badFrames: number;
  /** Failed reads and writes. */
  errors: number;
}

/**
 * A TAP interface bridged to a virtual switch.
 *
 * @example
 * ```ts ignore
 * import { Kernel, NicDevice, TapBridge } from "@denali/kernel";
 * const kernel = new Kernel({ clock: "real" });
 * const nic = new NicDevice();
 * kernel.attach(nic);
 * const tap = TapBridge.open({ name: "dnl0", switch: nic.switch }); // root, --allow-ffi
 * // ... `ip addr add 10.0.0.1/24 dev dnl0; ip link set dnl0 up`, create guests, kernel.run() ...
 * await tap.close();
 * ```
 */
export class TapBridge implements SwitchEndpoint {
  /** The interface's name. */
  readonly name: string;
  /** Its port on the switch (named `tap:<name>`). */
  readonly port: SwitchPort;
  /** Why the reader stopped early, if it did. */
  error: string | null = null;
  readonly #fd: number;
  readonly #pollMs: number;
  readonly #burst: number;
  #open = true;
  #reading = true;
  readonly #reader: Promise<void>;
  readonly #stats: TapStats = {
    fromHost: 0,
    fromHostBytes: 0,
    toHost: 0,
    toHostBytes: 0,
    fromHostDropped: 0,
    toHostDropped: 0,
    badFrames: 0,
    errors: 0,
  };

  private constructor(fd: number, name: string, options: TapOptions) {
    this.#fd = fd;
    this.name = name;
    this.#pollMs = options.pollMs ?? TAP_POLL_MS;
    this.#burst = options.burst ?? TAP_BURST;
    this.port = options.switch.connect(this, `tap:${name}`, {
      txQueue: options.txQueue ?? TAP_TX_QUEUE,
    });
    this.#reader = this.#read();
  }

  /**
   * Makes TAP interface `options.name` and joins it to `options.switch`.
   * Throws a {@linkcode TapError} (one line) without root/CAP_NET_ADMIN,
   * without /dev/net/tun, or without `--allow-ffi`.
   */
  static open(options: TapOptions): TapBridge {
    for (const k of ["txQueue", "pollMs", "burst"] as const) {
      const v = options[k];
      if (v !== undefined && !(Number.isInteger(v) && v >= 1)) {
        throw new RangeError(
          `Cannot open TAP device ${options.name}: ${k} ${v} is not an integer >= 1`,
        );
      }
    }
    if (options.switch.port(`tap:${options.name}`)) {
      throw new TapError(`Cannot open TAP device ${options.name}: it is already on this switch`);
    }
    const { fd, name } = openTap(options.name);
    return new TapBridge(fd, name, options);
  }

  /** True while open: the kernel keeps waiting for host frames. */
  get open(): boolean {
    return this.#open;
  }

  /** Counters. */
  stats(): TapStats {
    return { ...this.#stats };
  }

  /** A frame from the switch for the host: written to the TAP now. */
  receive(frame: Uint8Array): boolean {
    if (!this.#open) return false;
    const n = writeFrame(this.#fd, frame);
    if (n === frame.length) {
      this.#stats.toHost++;
      this.#stats.toHostBytes += n;
    } else if (n === 0) {
      this.#stats.toHostDropped++;
    } else {
      this.#stats.errors++;
    }
    return true;
  }

  /** Busy while open and reading (see the module doc). */
  busy(): boolean {
    return this.#open && this.#reading;
  }

  /** Leaves the switch, stops the reader and deletes the interface. */
  async close(): Promise<void> {
    if (!this.#open) return await this.#reader;
    this.#open = false;
    this.port.close();
    await this.#reader;
    closeFd(this.#fd);
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(65536);
    const s = this.#stats;
    try {
      while (this.#open) {
        const ready = await waitReadable(this.#fd, this.#pollMs);
        if (!this.#open) break;
        if (ready === "timeout") continue;
        if (ready === "error") {
          this.error = `Cannot read TAP device ${this.name}: the device failed or went away`;
          break;
        }
        for (let i = 0; i < this.#burst; i++) {
          const n = readFrame(this.#fd, buf);
          if (n === 0) break;
          if (n < 0) {
            s.errors++;
            this.error = `Cannot read TAP device ${this.name}: ${errnoName(-n)}`;
            break;
          }
          if (n < ETH_MIN_FRAME || n > ETH_MAX_FRAME) {
            s.badFrames++;
            continue;
          }
          if (this.port.send(buf.slice(0, n))) {
            s.fromHost++;
            s.fromHostBytes += n;
          } else s.fromHostDropped++;
        }
      }
    } catch (e) {
      this.error = `Cannot read TAP device ${this.name}: ${(e as Error).message}`;
    } finally {
      this.#reading = false;
    }
  }
}
