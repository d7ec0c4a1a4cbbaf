/**
 * The kernel actor: VMs, paged memory, the scheduler, batched interrupts,
 * virtual instructions, clocks and the console. See kernel/ISA.md for the
 * guest ABI and kernel.ts for the design of the run loop.
 *
 * @example
 * ```ts
 * import { Kernel } from "@denali/kernel";
 * const k = new Kernel({ clock: "deterministic" });
 * const id = k.create({ image: { flat: new Uint8Array([0x31, 0xc0, 0x0f, 0x01, 0xc1]) }, start: true });
 * await k.run();
 * console.log(k.inspect(id).state); // exited
 * ```
 *
 * @module
 */
export { Kernel } from "./kernel.ts";
export type { CreateOptions, KernelOptions, RunOptions } from "./kernel_options.ts";
export type { InterruptMode, KernelCpu } from "./core_types.ts";
export type { KernelStats, VmExit, VmInfo, VmRegisters, VmStats } from "./vm_info.ts";
export type { VmFault } from "./vm_table.ts";
export {
  isFinalState,
  VM_STATE_COUNT,
  VmState,
  type VmStateName,
  vmStateName,
} from "./vm_state.ts";
export {
  BadOptionError,
  KernelError,
  type KernelErrorCode,
  MemoryLimitError,
  UnknownVmError,
  VmStateError,
} from "./errors.ts";
export { type Clock, type ClockKind, createClock, DeterministicClock, RealClock } from "./clock.ts";
export { RoundRobinScheduler, type Scheduler } from "./scheduler.ts";
export { SlotDeque } from "./slot_deque.ts";
export { type GuestPort, PortBus, type PortDevice } from "./ports.ts";
export type { Device, DeviceGuest, DeviceHost } from "../devices/device.ts";
export { demandZero, instructionBytes, readGuest, writeGuest } from "./guest_memory.ts";
export { Hypercall, NO_TIMEOUT, UNKNOWN_HYPERCALL } from "./hypercalls.ts";
export { IMAGE_BASE, VREG, VREGS_ADDRESS, VREGS_VERSION } from "./layout.ts";
export {
  type FlatImage,
  ImageError,
  type ImageSource,
  type LoadedImage,
  loadImage,
  type ParsedImage,
  parseImage,
  type Segment,
} from "./image.ts";
export {
  CONSOLE_BASE,
  CONSOLE_BUFFER,
  CONSOLE_BYTE,
  ConsoleDevice,
  type ConsoleGuest,
  type ConsoleOptions,
  ConsoleRing,
  type ConsoleSink,
} from "../devices/console.ts";
export { DeadlineQueue } from "../devices/timer_queue.ts";
export {
  TIMER_BASE,
  TIMER_DISARMED,
  TIMER_LINE,
  TIMER_PORTS,
  TimerDevice,
  type TimerMetrics,
  TimerPort,
  type TimerSnapshot,
} from "../devices/timer.ts";
export {
  DEFAULT_KEYBOARD_BUFFER,
  KEYBOARD_BASE,
  KEYBOARD_EMPTY,
  KEYBOARD_ENDED,
  KEYBOARD_LINE,
  KEYBOARD_PORTS,
  KeyboardDevice,
  type KeyboardMetrics,
  type KeyboardOptions,
  KeyboardPort,
  type KeyboardSnapshot,
} from "../devices/keyboard.ts";
export {
  BLOCK_SIZE,
  blocksIn,
  type BlockStore,
  checkBlocks,
  checkDiskSize,
  MAX_DISK_BLOCKS,
} from "../devices/disk_store.ts";
export { MemoryDisk, type MemoryDiskOptions } from "../devices/disk_memory.ts";
export { FileDisk, type FileDiskOptions } from "../devices/disk_file.ts";
export { CowDisk, type CowFileOptions } from "../devices/disk_cow.ts";
export {
  DISK_BASE,
  DISK_LINE,
  DISK_NO_COMPLETION,
  DISK_PORTS,
  DISK_VREG,
  DiskOp,
  DiskPort,
  DiskRequest,
  DiskStatus,
  MAX_DISKS,
  MAX_REQUEST_BLOCKS,
} from "../devices/disk_abi.ts";
export { type DiskMetrics, emptyDiskMetrics } from "../devices/disk_vm.ts";
export { DiskDevice, type DiskDeviceOptions, type DiskSnapshot } from "../devices/disk.ts";
export { type WorkerCreateOptions, WorkerHost, type WorkerHostOptions } from "./worker_host.ts";
export type { WorkerStats } from "./worker_record.ts";
