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

/**
 * The repository's guests/ directory (absolute, with a trailing slash).
 *
 * @example
 * ```ts
 * import { GUESTS } from "./los_harness.ts";
 * console.log(`${GUESTS}examples/hello.c`);
 * ```
 */
export const GUESTS: string = new URL("../guests/", import.meta.url).pathname;

/**
 * Builds guest sources (paths relative to guests/, or absolute) into
 * `.build/guests/NAME-OPT.elf`; returns the image's bytes.
 *
 * @example
 * ```ts
 * import { buildGuest } from "./los_harness.ts";
 * const image = await buildGuest("hello", ["examples/hello.c"]);
 * console.log(image[0] === 0x7f); // an ELF file
 * ```
 */
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

/**
 * Options of {@linkcode runNative}.
 *
 * @example
 * ```ts
 * import type { NativeOptions } from "./los_harness.ts";
 * const o: NativeOptions = { args: ["30", "6", "15"], stdin: "input\n" };
 * ```
 */
export interface NativeOptions {
  /** Bytes for stdin (default none). */
  stdin?: string | Uint8Array;
  /** Arguments after the program name. */
  args?: string[];
  /** Extra include directories. */
  includeDirs?: string[];
  /** Extra compiler flags. */
  cflags?: string[];
}

/**
 * Builds sources as a native 32-bit Linux program and runs it; returns its
 * stdout, stderr (text and bytes) and status.
 *
 * @example
 * ```ts
 * import { runNative } from "./los_harness.ts";
 * const r = await runNative("libc_strings", ["crt/tests/libc_strings.c"]);
 * console.log(r.code, r.stdout.length > 0);
 * ```
 */
export async function runNative(
  name: string,
  sources: string[],
  options: NativeOptions = {},
): Promise<{ stdout: string; stderr: string; bytes: Uint8Array; code: number }> {
  const exe = await buildNative({
    sources: sources.map((s) => s.startsWith("/") ? s : GUESTS + s),
    output: `${BUILD_DIR}/guests/${name}.native`,
    ...(options.includeDirs ? { includeDirs: options.includeDirs } : {}),
    ...(options.cflags ? { cflags: options.cflags } : {}),
  });
  const child = new Deno.Command(exe, {
    args: options.args ?? [],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  const input = options.stdin ?? "";
  await w.write(typeof input === "string" ? new TextEncoder().encode(input) : input).catch(
    () => {},
  );
  await w.close().catch(() => {});
  const r = await child.output();
  const dec = new TextDecoder();
  return {
    stdout: dec.decode(r.stdout),
    stderr: dec.decode(r.stderr),
    bytes: r.stdout,
    code: r.code,
  };
}

/**
 * Options of {@linkcode machine}: the kernel's, plus the switch's loss knob.
 *
 * @example
 * ```ts
 * import type { MachineOptions } from "./los_harness.ts";
 * const o: MachineOptions = { loss: 0.05, seed: 7, jit: "off" };
 * ```
 */
export interface MachineOptions extends KernelOptions {
  /** Fraction of frames the switch drops (default 0). */
  loss?: number;
  /** Seed of the loss knob (default 1). */
  seed?: number;
}

/**
 * A kernel with every device attached and full console capture.
 *
 * @example
 * ```ts
 * import { type Machine, machine } from "./los_harness.ts";
 * const m: Machine = machine();
 * console.log(m.output(1)); // "" (no VM yet)
 * ```
 */
export interface Machine {
  /** The kernel. */
  kernel: Kernel;
  /** The NIC, and through it the virtual switch. */
  nic: NicDevice;
  /** The disk device (map disks with `disks.map(id, index, store)`). */
  disks: DiskDevice;
  /** The keyboard (type with `keyboard.type(id, text)`). */
  keyboard: KeyboardDevice;
  /** The timer device. */
  timer: TimerDevice;
  /** Everything VM `id` wrote to its console, as text. */
  output(id: number): string;
  /** Everything VM `id` wrote to its console, as bytes. */
  bytes(id: number): Uint8Array;
}

/**
 * Makes a {@linkcode Machine}.
 *
 * @example
 * ```ts
 * import { machine } from "./los_harness.ts";
 * const m = machine({ loss: 0.05, seed: 1 });
 * console.log(m.nic.switch.stats().lost); // 0
 * ```
 */
export function machine(options: MachineOptions = {}): Machine {
  const { loss, seed, ...kernelOptions } = options;
  const out = new Map<number, Uint8Array[]>();
  const kernel = new Kernel({
    // The console streams at the end of each quantum from a ring; a guest writing faster than
    // the ring holds per quantum would lose bytes, so the tests give it room.
    consoleRingBytes: 1 << 20,
    ...kernelOptions,
    onConsole: (id, bytes) => {
      const list = out.get(id) ?? [];
      list.push(bytes.slice());
      out.set(id, list);
    },
  });
  const bytesOf = (id: number): Uint8Array => {
    const list = out.get(id) ?? [];
    const all = new Uint8Array(list.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of list) all.set(b, at), at += b.length;
    return all;
  };
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
    output: (id) => new TextDecoder().decode(bytesOf(id)),
    bytes: bytesOf,
  };
}

/**
 * Runs one image in a fresh machine until nothing can make progress (a VM
 * still alive then is killed); returns its console output and exit.
 *
 * @example
 * ```ts
 * import { buildGuest, runGuest } from "./los_harness.ts";
 * const r = await runGuest(await buildGuest("hello", ["examples/hello.c"]));
 * console.log(r.exit.code, r.output);
 * ```
 */
export async function runGuest(
  image: Uint8Array,
  options: MachineOptions & {
    memSize?: number;
    stdin?: string | Uint8Array;
    maxInstructions?: number;
    /** Called after the VM is created and before it starts (map disks here). */
    setup?: (m: Machine, id: number) => void;
  } = {},
): Promise<{ output: string; bytes: Uint8Array; exit: VmExit; machine: Machine }> {
  const { memSize, stdin, maxInstructions, setup, ...rest } = options;
  const m = machine(rest);
  const id = m.kernel.create({
    image,
    memSize: memSize ?? 4 << 20,
    maxInstructions: maxInstructions ?? 2_000_000_000,
  });
  setup?.(m, id);
  if (stdin !== undefined) {
    m.keyboard.type(id, typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin);
    m.keyboard.end(id);
  }
  m.kernel.start(id);
  await m.kernel.run();
  const state = m.kernel.inspect(id).state;
  if (state !== "exited" && state !== "faulted" && state !== "killed") m.kernel.kill(id);
  const exit = await m.kernel.wait(id);
  return { output: m.output(id), bytes: m.bytes(id), exit, machine: m };
}

/**
 * A one-line description of an exit, for assertion messages.
 *
 * @example
 * ```ts
 * import { describeExit } from "./los_harness.ts";
 * console.log(describeExit({ id: 1, state: "exited", code: 0 })); // exited 0
 * ```
 */
export function describeExit(exit: VmExit): string {
  const f = exit.fault;
  return f
    ? `${exit.state}: ${f.reason} at 0x${f.eip.toString(16)} ${f.detail ?? ""}`
    : `${exit.state} ${exit.code}`;
}

/**
 * A guest to start in {@linkcode runGroup}: an image, its argument line and memory.
 *
 * @example
 * ```ts
 * import type { GroupMember } from "./los_harness.ts";
 * const client: GroupMember = { image: new Uint8Array(), args: "host=10.0.0.1", memSize: 2 << 20 };
 * ```
 */
export interface GroupMember {
  /** The ELF image. */
  image: Uint8Array;
  /** First keyboard line (arguments, see guests/los/include/los/args.h). */
  args?: string;
  /** Guest memory (default 4 MiB). */
  memSize?: number;
  /** Called after creation, before start (map disks). */
  setup?: (m: Machine, id: number) => void;
}

/**
 * Runs several guests in one machine until none can make progress; kills
 * what is left (servers) and returns each member's exit and console output,
 * in order. VM ids are 1, 2, ... in the order given.
 *
 * @example
 * ```ts
 * import { buildGuest, runGroup } from "./los_harness.ts";
 * const hello = await buildGuest("hello", ["examples/hello.c"]);
 * const { results } = await runGroup([{ image: hello }, { image: hello }]);
 * console.log(results.map((r) => r.exit.code)); // [ 0, 0 ]
 * ```
 */
export async function runGroup(
  members: GroupMember[],
  options: MachineOptions = {},
): Promise<{ results: { id: number; exit: VmExit; output: string }[]; machine: Machine }> {
  const m = machine(options);
  const ids = members.map((g) => {
    const id = m.kernel.create({ image: g.image, memSize: g.memSize ?? 4 << 20 });
    if (g.args !== undefined) m.keyboard.type(id, `${g.args}\n`);
    g.setup?.(m, id);
    return id;
  });
  for (const id of ids) m.kernel.start(id);
  await m.kernel.run();
  const results = [];
  for (const id of ids) {
    const s = m.kernel.inspect(id).state;
    if (s !== "exited" && s !== "faulted" && s !== "killed") m.kernel.kill(id);
    results.push({ id, exit: await m.kernel.wait(id), output: m.output(id) });
  }
  return { results, machine: m };
}
