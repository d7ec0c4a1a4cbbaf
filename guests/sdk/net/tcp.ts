/**
 * A TCP connection of the guest network stack: the RFC 793 state machine with
 * what a LAN service needs and no more. In-order receive (out-of-order
 * segments are dropped and re-acknowledged), the peer's window and MSS
 * respected, go-back-N retransmission on a timeout that doubles up to 8
 * tries, FIN in both directions, RST. No congestion control, SACK, window
 * scaling or urgent data. Time is the kernel's (microseconds), so on the
 * deterministic clock a connection's behaviour is reproducible.
 *
 * @module
 */

import { type Segment, TcpFlag } from "./wire.ts";

/**
 * Connection states (RFC 793 names).
 *
 * @example
 * ```ts
 * import { TcpState } from "./tcp.ts";
 * console.log(TcpState.ESTABLISHED);
 * ```
 */
export const TcpState = {
  SYN_SENT: "SYN_SENT",
  SYN_RECEIVED: "SYN_RECEIVED",
  ESTABLISHED: "ESTABLISHED",
  FIN_WAIT_1: "FIN_WAIT_1",
  FIN_WAIT_2: "FIN_WAIT_2",
  CLOSE_WAIT: "CLOSE_WAIT",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
  CLOSED: "CLOSED",
} as const;

/**
 * A value of {@linkcode TcpState}.
 *
 * @example
 * ```ts
 * import { TcpState } from "./tcp.ts";
 * const s: TcpState = TcpState.CLOSED;
 * console.log(s); // CLOSED
 * ```
 */
export type TcpState = typeof TcpState[keyof typeof TcpState];

/**
 * Most retransmissions of one segment before the connection is reset.
 *
 * @example
 * ```ts
 * import { MAX_RETRIES } from "./tcp.ts";
 * console.log(MAX_RETRIES); // 8
 * ```
 */
export const MAX_RETRIES = 8;
/**
 * Receive window offered (bytes).
 *
 * @example
 * ```ts
 * import { RECEIVE_WINDOW } from "./tcp.ts";
 * console.log(RECEIVE_WINDOW); // 65535
 * ```
 */
export const RECEIVE_WINDOW = 65535;

const EMPTY = new Uint8Array(0);

/** seq a < b in 32-bit sequence space. */
function lt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

/**
 * What a connection needs from its stack.
 *
 * @example
 * ```ts
 * import type { TcpHost } from "./tcp.ts";
 * const host: TcpHost = { emit: () => {}, closed: () => {}, now: () => 0 };
 * console.log(host.now()); // 0
 * ```
 */
export interface TcpHost {
  /** Sends a segment of this connection (ports and addresses are filled in by the stack). */
  emit(
    c: TcpConnection,
    seq: number,
    ack: number,
    flags: number,
    data: Uint8Array,
    mss: number,
  ): void;
  /** The connection closed for good: forget it. */
  closed(c: TcpConnection): void;
  /** Kernel time, microseconds. */
  now(): number;
}

/**
 * One TCP connection.
 *
 * @example
 * ```ts ignore
 * stack.listen(7, (conn) => {
 *   conn.onData = (bytes) => conn.write(bytes); // echo
 *   conn.onEnd = () => conn.end();
 * });
 * ```
 */
export class TcpConnection {
  /** Local IPv4 address. */
  readonly localIp: number;
  /** Local port. */
  readonly localPort: number;
  /** Peer's address. */
  readonly remoteIp: number;
  /** Peer's port. */
  readonly remotePort: number;
  /** Current state. */
  state: TcpState;
  /** Called with each chunk of data received, in order. */
  onData: (bytes: Uint8Array) => void = () => {};
  /** Called once when the peer has sent everything (its FIN). */
  onEnd: () => void = () => {};
  /** Called once when the connection is established. */
  onConnect: () => void = () => {};
  /** Called once when the connection is gone (closed, reset or timed out); `error` if not clean. */
  onClose: (error?: string) => void = () => {};

  readonly #host: TcpHost;
  readonly #rtoInitial: number;
  #iss: number;
  #sndUna: number;
  #sndNxt: number;
  #sndWnd = RECEIVE_WINDOW;
  #mss: number;
  #rcvNxt = 0;
  /** Bytes written and not yet acknowledged, starting at #sndUna (+1 while the SYN is out). */
  #buf: Uint8Array = EMPTY;
  #bufLen = 0;
  #finQueued = false;
  #finSent = false;
  #rto: number;
  #deadline = Infinity;
  #retries = 0;
  #done = false;

  /** A connection in `state` with initial send sequence `iss` (made by the stack). */
  constructor(
    host: TcpHost,
    local: [number, number],
    remote: [number, number],
    state: TcpState,
    iss: number,
    options: { mss: number; rtoMicros: number },
  ) {
    this.#host = host;
    [this.localIp, this.localPort] = local;
    [this.remoteIp, this.remotePort] = remote;
    this.state = state;
    this.#iss = iss >>> 0;
    this.#sndUna = this.#iss;
    this.#sndNxt = this.#iss;
    this.#mss = options.mss;
    this.#rtoInitial = options.rtoMicros;
    this.#rto = options.rtoMicros;
  }

  /** Bytes written and not yet acknowledged by the peer. */
  get unacknowledged(): number {
    return this.#bufLen;
  }

  /** When this connection next needs `poll` (microseconds), or Infinity. */
  get deadline(): number {
    return this.#deadline;
  }

  /** Queues bytes (a string as UTF-8) to send. */
  write(data: Uint8Array | string): void {
    if (this.#finQueued || this.#done) {
      throw new Error("Cannot write to TCP connection: it is closing");
    }
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    if (this.#bufLen + bytes.length > this.#buf.length) {
      const grown = new Uint8Array(
        Math.max(this.#bufLen + bytes.length, this.#buf.length * 2, 4096),
      );
      grown.set(this.#buf.subarray(0, this.#bufLen));
      this.#buf = grown;
    }
    this.#buf.set(bytes, this.#bufLen);
    this.#bufLen += bytes.length;
    this.#output();
  }

  /** Sends FIN once everything written has been sent; receiving goes on. */
  end(): void {
    if (this.#finQueued || this.#done) return;
    this.#finQueued = true;
    this.#output();
  }

  /** Resets the connection at once. */
  abort(): void {
    if (this.#done) return;
    if (this.state !== TcpState.SYN_SENT) {
      this.#host.emit(this, this.#sndNxt, this.#rcvNxt, TcpFlag.RST | TcpFlag.ACK, EMPTY, 0);
    }
    this.#close("aborted");
  }

  // ---- used by the stack ---------------------------------------------------------

  /** Sends the SYN of an active open. */
  open(): void {
    this.#sndNxt = (this.#iss + 1) >>> 0;
    this.#host.emit(this, this.#iss, 0, TcpFlag.SYN, EMPTY, this.#mss);
    this.#arm();
  }

  /** Answers the SYN `s` of a passive open with SYN-ACK. */
  accept(s: Segment): void {
    this.#rcvNxt = (s.seq + 1) >>> 0;
    if (s.mss > 0) this.#mss = Math.min(this.#mss, s.mss);
    this.#sndWnd = s.window;
    this.#sndNxt = (this.#iss + 1) >>> 0;
    this.#host.emit(this, this.#iss, this.#rcvNxt, TcpFlag.SYN | TcpFlag.ACK, EMPTY, this.#mss);
    this.#arm();
  }

  /** Handles a segment of this connection. */
  input(s: Segment): void {
    if (this.#done) return;
    if (s.flags & TcpFlag.RST) return this.#close("reset by peer");
    if (this.state === TcpState.SYN_SENT) return this.#synSent(s);
    if (s.flags & TcpFlag.SYN) {
      // A retransmitted SYN (our SYN-ACK was lost) or a stray one: acknowledge again.
      return this.#ackNow(this.state === TcpState.SYN_RECEIVED);
    }
    if (!(s.flags & TcpFlag.ACK)) return;
    this.#acked(s);
    if (this.#done) return;
    const fin = (s.flags & TcpFlag.FIN) !== 0;
    if (s.data.length === 0 && !fin) return this.#output();
    if (s.seq !== this.#rcvNxt) return this.#ackNow(false); // out of order or duplicate
    if (s.data.length > 0 && this.#receiving()) {
      this.#rcvNxt = (this.#rcvNxt + s.data.length) >>> 0;
      this.onData(s.data);
    }
    if (fin && this.#receiving()) {
      this.#rcvNxt = (this.#rcvNxt + 1) >>> 0;
      if (this.state === TcpState.ESTABLISHED) this.state = TcpState.CLOSE_WAIT;
      else if (this.state === TcpState.FIN_WAIT_1) this.state = TcpState.CLOSING;
      else if (this.state === TcpState.FIN_WAIT_2) this.#timeWait();
      this.onEnd();
    }
    if (this.#done) return;
    this.#ackNow(false);
    this.#output();
  }

  /** Retransmits if its timer is due. */
  poll(now: number): void {
    if (this.#done || now < this.#deadline) return;
    if (this.state === TcpState.TIME_WAIT) return this.#close();
    if (++this.#retries > MAX_RETRIES) {
      this.#host.emit(this, this.#sndNxt, this.#rcvNxt, TcpFlag.RST | TcpFlag.ACK, EMPTY, 0);
      return this.#close("timed out");
    }
    this.#rto = Math.min(this.#rto * 2, 60_000_000);
    // Go back N: everything unacknowledged goes again.
    if (this.state === TcpState.SYN_SENT) {
      this.#host.emit(this, this.#iss, 0, TcpFlag.SYN, EMPTY, this.#mss);
    } else if (this.state === TcpState.SYN_RECEIVED) {
      this.#host.emit(this, this.#iss, this.#rcvNxt, TcpFlag.SYN | TcpFlag.ACK, EMPTY, this.#mss);
    } else {
      this.#sndNxt = this.#sndUna;
      this.#finSent = false;
      this.#output(true);
    }
    this.#deadline = this.#host.now() + this.#rto;
  }

  // ---- internals -----------------------------------------------------------------

  #receiving(): boolean {
    const s = this.state;
    return s === TcpState.ESTABLISHED || s === TcpState.FIN_WAIT_1 || s === TcpState.FIN_WAIT_2;
  }

  #synSent(s: Segment): void {
    const want = (this.#iss + 1) >>> 0;
    if ((s.flags & (TcpFlag.SYN | TcpFlag.ACK)) !== (TcpFlag.SYN | TcpFlag.ACK) || s.ack !== want) {
      return;
    }
    this.#rcvNxt = (s.seq + 1) >>> 0;
    this.#sndUna = want;
    this.#sndWnd = s.window;
    if (s.mss > 0) this.#mss = Math.min(this.#mss, s.mss);
    this.state = TcpState.ESTABLISHED;
    this.#settled();
    this.#ackNow(false);
    this.onConnect();
    this.#output();
  }

  /** Takes the acknowledgement of `s`. */
  #acked(s: Segment): void {
    this.#sndWnd = s.window;
    if (this.state === TcpState.SYN_RECEIVED) {
      if (s.ack !== ((this.#iss + 1) >>> 0)) return;
      this.#sndUna = s.ack;
      this.state = TcpState.ESTABLISHED;
      this.#settled();
      this.onConnect();
      return;
    }
    if (!lt(this.#sndUna, s.ack) || lt(this.#sndNxt, s.ack)) return; // old or from the future
    let n = (s.ack - this.#sndUna) >>> 0;
    this.#sndUna = s.ack;
    const finAcked = this.#finSent && s.ack === this.#sndNxt;
    if (finAcked) n--;
    this.#buf.copyWithin(0, n, this.#bufLen);
    this.#bufLen -= n;
    this.#settled();
    if (this.#sndUna !== this.#sndNxt) this.#arm();
    if (!finAcked) return;
    if (this.state === TcpState.FIN_WAIT_1) this.state = TcpState.FIN_WAIT_2;
    else if (this.state === TcpState.CLOSING) this.#timeWait();
    else if (this.state === TcpState.LAST_ACK) this.#close();
  }

  /** Sends what the window allows, then a FIN if one is queued and everything went. */
  #output(retransmit = false): void {
    if (this.#done || this.state === TcpState.SYN_SENT || this.state === TcpState.SYN_RECEIVED) {
      return;
    }
    const canSend = this.state === TcpState.ESTABLISHED || this.state === TcpState.CLOSE_WAIT ||
      retransmit;
    for (;;) {
      const sent = (this.#sndNxt - this.#sndUna) >>> 0;
      const room = Math.min(this.#sndWnd, RECEIVE_WINDOW) - sent;
      const left = this.#bufLen - sent;
      if (!canSend || left <= 0 || room <= 0) break;
      const n = Math.min(left, room, this.#mss);
      const data = this.#buf.slice(sent, sent + n);
      const psh = n === left ? TcpFlag.PSH : 0;
      this.#host.emit(this, this.#sndNxt, this.#rcvNxt, TcpFlag.ACK | psh, data, 0);
      this.#sndNxt = (this.#sndNxt + n) >>> 0;
      this.#arm();
    }
    const allSent = ((this.#sndNxt - this.#sndUna) >>> 0) === this.#bufLen;
    if (this.#finQueued && !this.#finSent && allSent) {
      this.#host.emit(this, this.#sndNxt, this.#rcvNxt, TcpFlag.FIN | TcpFlag.ACK, EMPTY, 0);
      this.#sndNxt = (this.#sndNxt + 1) >>> 0;
      this.#finSent = true;
      if (this.state === TcpState.ESTABLISHED) this.state = TcpState.FIN_WAIT_1;
      else if (this.state === TcpState.CLOSE_WAIT) this.state = TcpState.LAST_ACK;
      this.#arm();
    }
  }

  #ackNow(syn: boolean): void {
    const flags = syn ? TcpFlag.SYN | TcpFlag.ACK : TcpFlag.ACK;
    const seq = syn ? this.#iss : this.#sndNxt;
    this.#host.emit(this, seq, this.#rcvNxt, flags, EMPTY, syn ? this.#mss : 0);
  }

  /** Starts the retransmission timer unless it runs. */
  #arm(): void {
    if (this.#deadline === Infinity) this.#deadline = this.#host.now() + this.#rto;
  }

  /** Progress: the retransmission timer restarts (or stops when nothing is outstanding). */
  #settled(): void {
    this.#retries = 0;
    this.#rto = this.#rtoInitial;
    this.#deadline = this.#sndUna === this.#sndNxt ? Infinity : this.#host.now() + this.#rto;
  }

  #timeWait(): void {
    this.state = TcpState.TIME_WAIT;
    this.#deadline = this.#host.now() + 2 * this.#rtoInitial;
  }

  #close(error?: string): void {
    if (this.#done) return;
    this.#done = true;
    this.state = TcpState.CLOSED;
    this.#deadline = Infinity;
    this.#host.closed(this);
    this.onClose(error);
  }
}
