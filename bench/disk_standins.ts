/**
 * The disk device on its own, for benchmarks: a stand-in guest (2 MiB of
 * plain memory) and host (a clock moved by hand), and a loop that submits
 * one 4 KiB request, completes it and takes its tag.
 *
 * @module
 */

import {
  type BlockStore,
  type DeviceGuest,
  type DeviceHost,
  DiskDevice,
  DiskStatus,
} from "../kernel/mod.ts";

/** Blocks of the benchmark disks (1 MiB). */
export const DISK_BLOCKS = 256;

/** A disk device bound to stand-ins, with `store` as disk 0 of VM 1. */
export interface DevicePath {
  /** Submits, completes and takes `n` requests of one block each, cycling over the disk. */
  run(n: number): void;
}

/** Builds a {@linkcode DevicePath} doing `op` (1 read, 2 write) on `store`. */
export function devicePath(store: BlockStore, op: number): DevicePath {
  const mem = new Uint8Array(2 << 20);
  let now = 0;
  const inside = (a: number, n: number) => a >= 0x1000 && a + n <= mem.length;
  const guest: DeviceGuest = {
    vmId: 1,
    slot: 0,
    readBytes: (a, n) => inside(a, n) ? mem.slice(a, a + n) : null,
    writeBytes: (a, b) => inside(a, b.length) ? (mem.set(b, a), true) : false,
    charge: () => {},
    badRequest: (d) => {
      throw new Error(`Cannot run benchmark: bad request: ${d}`);
    },
  };
  const host: DeviceHost = {
    now: () => now,
    ticksPerMicro: 100,
    raise: () => true,
    deadlineChanged: () => {},
    vmId: (s) => s === 0 ? 1 : -1,
    slotOf: (id) => id === 1 ? 0 : -1,
    readGuest: (_s, a, n) => guest.readBytes(a, n),
    writeGuest: (_s, a, b) => guest.writeBytes(a, b),
    setVreg: () => {},
  };
  const dev = new DiskDevice({ latencyMicros: 0 });
  dev.bind(host);
  dev.map(1, 0, store);
  const req = new DataView(mem.buffer, 0x2000, 28);
  req.setUint32(0, op, true);
  req.setUint32(12, 1, true);
  req.setUint32(16, 0x10000, true);
  let block = 0;
  return {
    run(n: number): void {
      for (let i = 0; i < n; i++) {
        req.setUint32(8, block, true);
        block = (block + 1) % DISK_BLOCKS;
        dev.out(guest, 0, 4, 0x2000);
        now++;
        dev.advance(now);
        dev.in(guest, 4, 4);
      }
      if (req.getUint32(20, true) !== DiskStatus.OK) {
        throw new Error("Cannot run benchmark: a request failed");
      }
    },
  };
}
