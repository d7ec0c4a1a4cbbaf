/**
 * The virtual Ethernet LAN: the NIC device (one PIO per send or receive), the
 * learning switch that joins every VM of a kernel, and the TAP bridge to the
 * host's network stack. The guest ABI is in kernel/ISA.md ("NIC").
 *
 * @example
 * ```ts
 * import { Kernel, NicDevice } from "@denali/kernel";
 * const kernel = new Kernel();
 * const nic = new NicDevice({ rxQueue: 32 });
 * kernel.attach(nic);
 * console.log(nic.switch.stats().ports); // 0
 * ```
 *
 * @module
 */
export {
  BROADCAST_KEY,
  ETH_HEADER,
  ETH_MAX_FRAME,
  ETH_MIN_FRAME,
  ETH_MTU,
  formatMac,
  isGroupKey,
  macForVm,
  macFromKey,
  macKey,
  parseMac,
} from "./ethernet.ts";
export { Fifo } from "./fifo.ts";
export { FrameLoss, type FrameLossState } from "./loss.ts";
export {
  NIC_BASE,
  NIC_FRAME_COST,
  NIC_LINE,
  NIC_PORTS,
  NIC_RX,
  NIC_RX_BUFFER,
  NIC_RX_PENDING,
  NIC_RX_QUEUE,
  NIC_TX,
  NIC_TX_OK,
  NIC_TX_QUEUE,
  NIC_TX_QUEUE_FULL,
  NIC_TX_SPOOFED,
  NIC_VREG_MAC_HI,
  NIC_VREG_MAC_LO,
  NicDevice,
  type NicOptions,
  type NicStats,
} from "./nic.ts";
export { NIC_COUNTERS, type NicCounters, NicVm } from "./nic_vm.ts";
export { decodeNicSnapshot, type NicSnapshot, snapshotNicVm } from "./nic_snapshot.ts";
export {
  SWITCH_BURST,
  SWITCH_MAX_MACS,
  SWITCH_TX_QUEUE,
  type SwitchClock,
  type SwitchOptions,
  type SwitchSnapshot,
  type SwitchStats,
  VirtualSwitch,
} from "./switch.ts";
export {
  type PortOwner,
  type SwitchEndpoint,
  SwitchPort,
  type SwitchPortStats,
} from "./switch_port.ts";
export {
  TAP_BURST,
  TAP_POLL_MS,
  TAP_TX_QUEUE,
  TapBridge,
  type TapOptions,
  type TapStats,
} from "./tap.ts";
export {
  closeFd,
  Errno,
  errnoName,
  openTap,
  readFrame,
  TapError,
  waitReadable,
  writeFrame,
} from "./tap_ffi.ts";
