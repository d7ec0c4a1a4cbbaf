/**
 * The virtual Ethernet NIC (kernel/ISA.md, "NIC"): one PIO sends a frame, one
 * PIO receives the next frame, as in Denali.
 *
 * - Send: `OUT32 0x200` with the guest address of `{u32 length; u8 bytes[length]}`.
 *   The frame is copied onto the VM's transmit queue on the switch.
 * - Receive: the guest registers a buffer `{u32 capacity; u8 bytes[capacity]}`
 *   once (`OUT32 0x208`); then each `IN32 0x204` copies the next frame into it
 *   and returns its length, or 0 when none is waiting.
 * - The VM's MAC (02:00 + its id) is in virtual registers 0x30/0x34 from
 *   creation; a frame arriving in an empty receive queue raises line 2.
 *
 * Every address and length from the guest is checked; a bad one faults that
 * VM (bad-device-request). A full queue is not an error: the frame is dropped
 * and counted, as on a real LAN. The NIC also carries the kernel's virtual
 * switch through the device hooks (its deadline, its service, its host
 * bridges' busy state), so attaching the NIC attaches the LAN. Attach it
 * before creating VMs: a VM created earlier gets its MAC and its port at its
 * first NIC access, and cannot receive before that.
 *
 * @module
 */

import type { Device, DeviceGuest, DeviceHost } from "../device.ts";
import { ETH_MAX_FRAME, ETH_MIN_FRAME, formatMac, macForVm, macKey } from "./ethernet.ts";
import { decodeNicSnapshot, type NicSnapshot, snapshotNicVm } from "./nic_snapshot.ts";
import { NIC_COUNTERS, type NicCounters, NicVm } from "./nic_vm.ts";
import { VirtualSwitch } from "./switch.ts";

/** First NIC port. */
export const NIC_BASE = 0x200;
/** NIC ports (0x200-0x20F). */
export const NIC_PORTS = 16;
/** Offset of the send port (OUT32: send; IN32: status of the last send). */
export const NIC_TX = 0x0;
/** Offset of the receive port (IN32: receive the next frame; returns its length or 0). */
export const NIC_RX = 0x4;
/** Offset of the receive-buffer port (OUT32: register the buffer; IN32: its address). */
export const NIC_RX_BUFFER = 0x8;
/** Offset of the receive-pending port (IN32: frames waiting). */
export const NIC_RX_PENDING = 0xc;
/** Interrupt line raised when a frame arrives in an empty receive queue. */
export const NIC_LINE = 2;
/** Virtual register holding MAC bytes 0-3 (byte 0 in the low bits). */
export const NIC_VREG_MAC_LO = 0x30;
/** Virtual register holding MAC bytes 4-5 (byte 4 in the low bits). */
export const NIC_VREG_MAC_HI = 0x34;
/** Send status: the frame was queued. */
export const NIC_TX_OK = 0;
/** Send status: the transmit queue was full; the frame was dropped. */
export const NIC_TX_QUEUE_FULL = 1;
/** Send status: the source MAC was not the VM's; the frame was dropped. */
export const NIC_TX_SPOOFED = 2;
/** Default receive queue per VM, in frames. */
export const NIC_RX_QUEUE = 64;
/** Default transmit queue per VM, in frames. */
export const NIC_TX_QUEUE = 64;
/** Instructions charged for a PIO that moves a frame, plus one per 4 bytes moved. */
export const NIC_FRAME_COST = 10;

/**
 * Options of {@linkcode NicDevice}.
 *
 * @example
 * ```ts
 * import { NicDevice, type NicOptions } from "@denali/kernel";
 * const o: NicOptions = { rxQueue: 16, txQueue: 16 };
 * console.log(new NicDevice(o).name); // nic
 * ```
 */
export interface NicOptions {
  /** The LAN to join (default: a new switch with default options). */
  switch?: VirtualSwitch;
  /** Receive queue per VM, in frames (default 64). */
  rxQueue?: number;
  /** Transmit queue per VM, in frames (default 64). */
  txQueue?: number;
}

/**
 * A VM's NIC counters and queues.
 *
 * @example
 * ```ts
 * import type { NicStats } from "@denali/kernel";
 * function show(s: NicStats): string { return `${s.mac}: ${s.rxFrames} in, ${s.txFrames} out`; }
 * ```
 */
export interface NicStats extends NicCounters {
  /** The VM's id. */
  vmId: number;
  /** Its MAC, `xx:xx:xx:xx:xx:xx`. */
  mac: string;
  /** False once the VM stopped (its queues are gone; its counters stay until the slot is reused). */
  live: boolean;
  /** Frames waiting for the guest. */
  rxQueued: number;
  /** Frames waiting in its transmit queue. */
  txQueued: number;
}

/**
 * The NIC device and, through it, the kernel's virtual switch.
 *
 * @example
 * ```ts
 * import { Kernel, NicDevice } from "@denali/kernel";
 * const kernel = new Kernel();
 * const nic = new NicDevice();
 * kernel.attach(nic); // ports 0x200-0x20F, line 2, MACs in vregs 0x30/0x34
 * const id = kernel.create({ image: { flat: new Uint8Array([0xf4]) } });
 * console.log(nic.stats(id).mac); // 02:00:00:00:00:01
 * ```
 */
export class NicDevice implements Device {
  /** Device name. */
  readonly name: string = "nic";
  /** First port. */
  readonly base: number = NIC_BASE;
  /** Ports used. */
  readonly size: number = NIC_PORTS;
  /** The LAN the VMs are on. */
  readonly switch: VirtualSwitch;
  readonly #rxQueue: number;
  readonly #txQueue: number;
  #host: DeviceHost | null = null;
  // State grouped by owner: #vms by slot (live or last VM of the slot), #byId for stats().
  readonly #vms: (NicVm | null)[] = [];
  readonly #byId = new Map<number, NicVm>();
  readonly #raise = (slot: number) => {
    this.#host?.raise(slot, NIC_LINE);
  };

  /** Creates the NIC; see {@linkcode NicOptions}. */
  constructor(options: NicOptions = {}) {
    this.switch = options.switch ?? new VirtualSwitch();
    this.#rxQueue = options.rxQueue ?? NIC_RX_QUEUE;
    this.#txQueue = options.txQueue ?? NIC_TX_QUEUE;
    for (const [name, v] of [["rxQueue", this.#rxQueue], ["txQueue", this.#txQueue]] as const) {
      if (!(Number.isInteger(v) && v >= 1)) {
        throw new RangeError(`Cannot create NIC: ${name} ${v} is not an integer >= 1`);
      }
    }
  }

  // ---- device hooks --------------------------------------------------------

  /** Binds the NIC and its switch to the kernel. */
  bind(host: DeviceHost): void {
    this.#host = host;
    this.switch.bind(host);
  }

  /** The switch's deadline: when queued frames are due. */
  nextDeadline(): number {
    return this.switch.nextDeadline();
  }

  /** Runs the switch. */
  advance(now: number): void {
    this.switch.advance(now);
  }

  /** True while a host bridge on the switch is open. */
  busy(): boolean {
    return this.switch.busy();
  }

  /** Gives the new VM its MAC, its port and its virtual registers. */
  vmCreated(slot: number, id: number): void {
    this.#create(slot, id);
  }

  /**
   * Retires the VM's port (frames it already sent still go out) and drops its
   * receive queue; its counters stay readable until the slot is reused.
   */
  vmFinished(slot: number): void {
    const vm = this.#vms[slot];
    if (!vm) return;
    vm.port?.retire();
    vm.rx.clear();
    vm.rxBuffer = 0;
  }

  // ---- port I/O ----------------------------------------------------------------

  /** IN: send status, receive, buffer address, frames pending. */
  in(guest: DeviceGuest, offset: number, size: number): number {
    const vm = this.#vm(guest);
    switch (offset) {
      case NIC_TX:
        return vm.txStatus;
      case NIC_RX:
        if (size !== 4) {
          guest.badRequest(`NIC receive needs IN32, got IN${size * 8}`);
          return 0;
        }
        return this.#receive(guest, vm);
      case NIC_RX_BUFFER:
        return vm.rxBuffer;
      case NIC_RX_PENDING:
        return vm.rx.length;
      default:
        return -1;
    }
  }

  /** OUT: send a frame, register the receive buffer; other offsets are ignored. */
  out(guest: DeviceGuest, offset: number, size: number, value: number): void {
    if (offset !== NIC_TX && offset !== NIC_RX_BUFFER) return;
    const what = offset === NIC_TX ? "send" : "receive buffer";
    if (size !== 4) return guest.badRequest(`NIC ${what} needs OUT32, got OUT${size * 8}`);
    const vm = this.#vm(guest);
    if (offset === NIC_TX) this.#send(guest, vm, value >>> 0);
    else this.#setBuffer(guest, vm, value >>> 0);
  }

  #send(guest: DeviceGuest, vm: NicVm, addr: number): void {
    const head = guest.readBytes(addr, 4);
    if (head === null) {
      return guest.badRequest(`NIC send header at 0x${addr.toString(16)} is outside memory`);
    }
    const len = (head[0]! | head[1]! << 8 | head[2]! << 16 | head[3]! << 24) >>> 0;
    if (len < ETH_MIN_FRAME || len > ETH_MAX_FRAME) {
      return guest.badRequest(
        `NIC frame length ${len} is not in ${ETH_MIN_FRAME}..${ETH_MAX_FRAME}`,
      );
    }
    const frame = guest.readBytes(addr + 4, len);
    if (frame === null) {
      return guest.badRequest(
        `NIC frame of ${len} bytes at 0x${addr.toString(16)} is outside memory`,
      );
    }
    guest.charge(NIC_FRAME_COST + (len >>> 2));
    const c = vm.counters;
    if (macKey(frame, 6) !== vm.macKey) {
      vm.txStatus = NIC_TX_SPOOFED;
      c.txRejected++;
    } else if (vm.port === null || !vm.port.send(frame)) {
      vm.txStatus = NIC_TX_QUEUE_FULL;
      c.txDropped++;
    } else {
      vm.txStatus = NIC_TX_OK;
      c.txFrames++;
      c.txBytes += len;
    }
  }

  #receive(guest: DeviceGuest, vm: NicVm): number {
    if (vm.rxBuffer === 0) {
      guest.badRequest("NIC receive with no receive buffer registered (OUT32 to port 0x208)");
      return 0;
    }
    const frame = vm.rx.shift();
    if (frame === undefined) return 0;
    if (!guest.writeBytes(vm.rxBuffer + 4, frame)) {
      guest.badRequest(`NIC receive buffer at 0x${vm.rxBuffer.toString(16)} is not writable`);
      return 0;
    }
    guest.charge(NIC_FRAME_COST + (frame.length >>> 2));
    vm.counters.rxFrames++;
    vm.counters.rxBytes += frame.length;
    return frame.length;
  }

  #setBuffer(guest: DeviceGuest, vm: NicVm, addr: number): void {
    if (addr === 0) {
      vm.rxBuffer = 0;
      return;
    }
    const head = guest.readBytes(addr, 4);
    if (head === null) {
      return guest.badRequest(
        `NIC receive buffer header at 0x${addr.toString(16)} is outside memory`,
      );
    }
    const capacity = (head[0]! | head[1]! << 8 | head[2]! << 16 | head[3]! << 24) >>> 0;
    if (capacity < ETH_MAX_FRAME) {
      return guest.badRequest(
        `NIC receive buffer capacity ${capacity} is below the largest frame (${ETH_MAX_FRAME})`,
      );
    }
    // Guest memory is one contiguous range: the header and the last byte inside means all inside.
    if (guest.readBytes(addr + 4 + ETH_MAX_FRAME - 1, 1) === null) {
      return guest.badRequest(
        `NIC receive buffer of ${ETH_MAX_FRAME} bytes at 0x${addr.toString(16)} is outside memory`,
      );
    }
    vm.rxBuffer = addr;
  }

  // ---- metrics and state -------------------------------------------------

  /** Counters and queue lengths of VM `vmId` (live, or stopped and not yet replaced). */
  stats(vmId: number): NicStats {
    const vm = this.#known("read NIC stats of", vmId);
    return {
      vmId,
      mac: formatMac(vm.mac),
      live: vm.port?.open ?? false,
      ...vm.counters,
      rxQueued: vm.rx.length,
      txQueued: vm.port?.tx.length ?? 0,
    };
  }

  /** The MAC of VM `vmId` (a copy). */
  mac(vmId: number): Uint8Array {
    return this.#known("read the MAC of", vmId).mac;
  }

  /** The NIC state of VM `vmId` as plain, JSON-safe data. */
  snapshot(vmId: number): NicSnapshot {
    return snapshotNicVm(this.#known("snapshot NIC of", vmId));
  }

  /**
   * Puts a snapshot into live VM `vmId`: MAC (and its virtual registers),
   * receive buffer, send status, counters, and the queued frames (those past
   * the queues' bounds are dropped and counted). The receive buffer must lie
   * in the VM's memory. Throws a RangeError for a bad snapshot or VM.
   */
  restore(vmId: number, snap: NicSnapshot): void {
    const what = `restore NIC state of VM ${vmId}`;
    const vm = this.#known(what, vmId);
    const port = vm.port;
    if (port === null || this.#host === null) {
      throw new RangeError(`Cannot ${what}: it is not running`);
    }
    const { mac, rx, tx } = decodeNicSnapshot(snap, what);
    if (
      snap.rxBuffer !== 0 &&
      this.#host.readGuest(vm.slot, snap.rxBuffer + 4 + ETH_MAX_FRAME - 1, 1) === null
    ) {
      throw new RangeError(
        `Cannot ${what}: receive buffer 0x${snap.rxBuffer.toString(16)} is outside memory`,
      );
    }
    vm.setMac(mac);
    this.#writeMac(vm);
    vm.rxBuffer = snap.rxBuffer;
    vm.txStatus = snap.txStatus;
    for (const c of NIC_COUNTERS) vm.counters[c] = snap.counters[c];
    vm.rx.clear();
    for (const f of rx) if (!vm.rx.push(f)) vm.counters.rxDropped++;
    if (vm.rx.length > 0) this.#raise(vm.slot);
    port.tx.clear();
    for (const f of tx) if (!port.send(f)) vm.counters.txDropped++;
  }

  // ---- helpers -----------------------------------------------------------------

  #known(action: string, vmId: number): NicVm {
    const vm = this.#byId.get(vmId);
    if (!vm) throw new RangeError(`Cannot ${action} VM ${vmId}: the NIC does not know it`);
    return vm;
  }

  /** The state of the VM doing I/O (made here for a VM created before the NIC was attached). */
  #vm(guest: DeviceGuest): NicVm {
    const vm = this.#vms[guest.slot];
    return vm && vm.id === guest.vmId ? vm : this.#create(guest.slot, guest.vmId);
  }

  #create(slot: number, id: number): NicVm {
    const old = this.#vms[slot];
    if (old) {
      old.port?.close();
      this.#byId.delete(old.id);
    }
    const vm = new NicVm(id, slot, macForVm(id), this.#rxQueue, this.#raise);
    vm.port = this.switch.connect(vm, `vm${id}`, { txQueue: this.#txQueue });
    while (this.#vms.length <= slot) this.#vms.push(null);
    this.#vms[slot] = vm;
    this.#byId.set(id, vm);
    this.#writeMac(vm);
    return vm;
  }

  #writeMac(vm: NicVm): void {
    const m = vm.mac;
    this.#host?.setVreg(vm.slot, NIC_VREG_MAC_LO, m[0]! | m[1]! << 8 | m[2]! << 16 | m[3]! << 24);
    this.#host?.setVreg(vm.slot, NIC_VREG_MAC_HI, m[4]! | m[5]! << 8);
  }
}
