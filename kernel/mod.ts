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
export { type CreateOptions, Kernel, type KernelOptions, type RunOptions } from "./kernel.ts";
export type { InterruptMode, KernelCpu } from "./core.ts";
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
export { TimerHeap } from "./timer_heap.ts";
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
