/**
 * Helpers for the library OS and guest tests: build C guests (cached), and a
 * machine (kernel + timer, keyboard, NIC with its switch, disks) that records
 * every VM's whole console output.
 *
 * @module
 */

import { BUILD_DIR, buildImage, buildNative, hasGcc32, type OptLevel } from "../guests/build.ts";
import {
  DiskDevice,
  Kernel,
  type KernelOptions,
  KeyboardDevice,
  NicDevice,
  TimerDevice,
  type VmExit,
} from "../mod.ts";
import { VirtualSwitch } from "../devices/net/switch.ts";

export { hasGcc32 };

/** The repository's guests/ directory. */
export const GUESTS = new URL("../guests/", import.meta.url).pathname;

/** Builds guest sources (paths relative to guests/) into `.build/guests/NAME.elf`; returns the bytes. */
export async function buildGuest(
  name: string,
  sources: string[],
  opt: OptLevel = "-O2",
  defines: Record<string, string | number> = {},
): Promise<Uint8Array> {
  const path = await buildImage({
    sources: sources.map((s) => s.startsWith("/") ? s : GUESTS + s),
    output: `${BUILD_DIR}/guests/${name}${opt}.elf`,
    opt,
    defines,
  });
  return await Deno.readFile(path);
}

/** Builds sources as a native 32-bit Linux program and runs it; returns stdout and status. */
export async function runNative(
  name: string,
  sources: string[],
  stdin = "",
): Promise<{ stdout: string; code: number }> {
  const exe = await buildNative({
    sources: sources.map((s) => s.startsWith("/") ? s : GUESTS + s),
    output: `${BUILD_DIR}/guests/${name}.native`,
  });
  const child = new Deno.Command(exe, { stdin: "piped", stdout: "piped", stderr: "inherit" })
    .spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(stdin));
  await w.close();
  const r = await child.output();
  return { stdout: new TextDecoder().decode(r.stdout), code: r.code };
}

/** Options of {@linkcode machine}. */
export interface MachineOptions extends KernelOptions {
  /** Fraction of frames the switch drops (default 0). */
  loss?: number;
  /** Seed of the loss knob (default 1). */
  seed?: number;
}

/** A kernel with every device attached and full console capture. */
export interface Machine {
  kernel: Kernel;
  nic: NicDevice;
  disks: DiskDevice;
  keyboard: KeyboardDevice;
  timer: TimerDevice;
  /** Everything VM `id` wrote to its console. */
  output(id: number): string;
}

/** Makes a {@linkcode Machine}. */
export function machine(options: MachineOptions = {}): Machine {
  const { loss, seed, ...kernelOptions } = options;
  const out = new Map<number, string[]>();
  const dec = new TextDecoder();
  const kernel = new Kernel({
    ...kernelOptions,
    onConsole: (id, bytes) => {
      const list = out.get(id) ?? [];
      list.push(dec.decode(bytes));
      out.set(id, list);
    },
  });
  const nic = new NicDevice({
    switch: new VirtualSwitch({ loss: loss ?? 0, seed: seed ?? 1 }),
  });
  const disks = new DiskDevice();
  const keyboard = new KeyboardDevice({ bufferBytes: 1 << 20 });
  const timer = new TimerDevice();
  kernel.attach(timer);
  kernel.attach(keyboard);
  kernel.attach(nic);
  kernel.attach(disks);
  return {
    kernel,
    nic,
    disks,
    keyboard,
    timer,
    output: (id) => (out.get(id) ?? []).join(""),
  };
}

/** Runs one image in a fresh machine to its end; returns its console output and exit. */
export async function runGuest(
  image: Uint8Array,
  options: MachineOptions & {
    memSize?: number;
    stdin?: string;
    maxInstructions?: number;
    /** Called after the VM is created and before it starts (map disks here). */
    setup?: (m: Machine, id: number) => void;
  } = {},
): Promise<{ output: string; exit: VmExit; machine: Machine }> {
  const { memSize, stdin, maxInstructions, setup, ...rest } = options;
  const m = machine(rest);
  const id = m.kernel.create({
    image,
    memSize: memSize ?? 4 << 20,
    maxInstructions: maxInstructions ?? 2_000_000_000,
  });
  setup?.(m, id);
  if (stdin !== undefined) {
    m.keyboard.type(id, new TextEncoder().encode(stdin));
    m.keyboard.end(id);
  }
  m.kernel.start(id);
  await m.kernel.run();
  const state = m.kernel.inspect(id).state;
  if (state !== "exited" && state !== "faulted" && state !== "killed") m.kernel.kill(id);
  const exit = await m.kernel.wait(id);
  return { output: m.output(id), exit, machine: m };
}

/** A one-line description of an exit, for assertion messages. */
export function describeExit(exit: VmExit): string {
  const f = exit.fault;
  return f
    ? `${exit.state}: ${f.reason} at 0x${f.eip.toString(16)} ${f.detail ?? ""}`
    : `${exit.state} ${exit.code}`;
}
