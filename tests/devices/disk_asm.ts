/**
 * Helpers for the disk tests: nasm macros for the disk ABI (kernel/ISA.md,
 * "Disk") on top of the kernel tests' prelude, and a kernel with a disk
 * device attached.
 *
 * @module
 */

import { DiskDevice, type DiskDeviceOptions, type KernelOptions } from "../../kernel/mod.ts";
import { guest as kernelGuest, hasNasm, recordingKernel } from "../kernel/_guests.ts";

export { hasNasm };

/** nasm macros for the disk. */
export const DISK_PRELUDE = `
%define DISK_SUBMIT 0x300
%define DISK_COMPLETED 0x304
%define DISK_IN_FLIGHT 0x308
%define DISK_COUNT 0x1038
%define DISK_BLOCKS 0x103c
%define OP_READ 1
%define OP_WRITE 2
%define OP_FLUSH 3
%define R_STATUS 20
%define PENDING 0xffffffff
; SUBMIT req: submits the request block at address req
%macro SUBMIT 1
  mov eax, %1
  mov dx, DISK_SUBMIT
  out dx, eax
%endmacro
; WAIT req: idles until req's status is no longer PENDING (clobbers EAX). With IF clear, a
; line raised between the check and the HLT waits in the kernel and wakes the HLT at once; after
; a wake, STI and a yield let the kernel deliver the waiting lines, so the next HLT sleeps.
%macro WAIT 1
%%again:
  cli
  cmp dword [(%1) + R_STATUS], PENDING
  jne %%done
  hlt
  sti
  YIELD
  jmp %%again
%%done:
  sti
%endmacro
; REQ op, disk, block, count, buffer, tag: a request block (28 bytes)
%macro REQ 6
  dd %1, %2, %3, %4, %5, 0, %6
%endmacro
`;

/** Assembles a disk test guest at 0x10000. */
export function diskGuest(source: string): Promise<{ flat: Uint8Array; loadAddress: number }> {
  return kernelGuest(DISK_PRELUDE + source);
}

/** A deterministic kernel with a disk device attached; console output is recorded. */
export function diskKernel(
  disk: DiskDeviceOptions = {},
  kernel: KernelOptions = {},
): ReturnType<typeof recordingKernel> & { disks: DiskDevice } {
  const r = recordingKernel(kernel);
  const disks = new DiskDevice(disk);
  r.kernel.attach(disks);
  return { ...r, disks };
}
