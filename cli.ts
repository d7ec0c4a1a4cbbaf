/**
 * The command-line interface: a thin shell around the kernel library.
 *
 * ```sh
 * deno task cli run IMAGE [--vms N] [--mem SIZE] [--clock deterministic|real]
 *                         [--quantum N] [--interrupts batched|immediate] ...
 * ```
 *
 * `run` boots IMAGE in N VMs, streams their console output (each line prefixed
 * with the VM id when N > 1), prints a stats summary on stderr and exits with
 * the guests' exit code: the first non-zero one, else 1 if any VM faulted or
 * was left idle with nothing to wake it, else 0.
 *
 * @module
 */

import { parseArgs } from "node:util";
import {
  Kernel,
  type KernelStats,
  KeyboardDevice,
  TimerDevice,
  type VmInfo,
} from "./kernel/mod.ts";

const USAGE = `Usage: deno task cli run IMAGE [options]

Runs IMAGE (a static ELF32 i386 executable, or a flat binary) in one or more VMs
of the Denali kernel, streams their console output to stdout, prints a stats
summary on stderr, and exits with the guest's exit code.

Options:
  --vms N                 run N copies of the image, each in its own VM (default 1);
                          with N > 1 every output line is prefixed with "[id] "
  --mem SIZE              guest memory per VM: bytes, or with K, M or G (default 1M);
                          untouched pages cost nothing (demand-zero)
  --clock KIND            deterministic (default): virtual time that advances with
                          instructions and skips idle time, so runs reproduce exactly;
                          real: wall-clock time, idle time is slept through
  --quantum N             instructions a VM runs before the next VM's turn (default 10000)
  --interrupts MODE       batched (default): pending interrupts are delivered together at
                          the VM's next quantum; immediate: switch to the VM at once
  --load ADDR             load address of a flat binary (default 0x10000); ELF images
                          carry their own addresses
  --max-instructions N    fault a VM (cpu-budget) after N instructions (default: no limit)
  --attach                type stdin into the VM's keyboard (one VM only); the input ends
                          at end of file; on a terminal keys go through as typed and
                          Ctrl-C stops the run; runs until the VM stops
  --stats FORMAT          summary on stderr: text (default), json, or none
  -h, --help              show this help

Exit status: the first non-zero guest exit code (modulo 256, and 1 if that is 0);
1 if any VM faulted or was idle with nothing left to wake it; 2 for usage errors.`;

/** A usage error: printed as one line, exit status 2. */
class UsageError extends Error {}

interface RunConfig {
  image: string;
  vms: number;
  mem: number;
  clock: "deterministic" | "real";
  quantum: number;
  interrupts: "batched" | "immediate";
  load: number;
  maxInstructions: number;
  stats: "text" | "json" | "none";
  attach: boolean;
}

function parseSize(flag: string, text: string): number {
  const m = /^(0x[0-9a-f]+|\d+)\s*(k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(text.trim());
  if (!m) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not a size like 65536, 64K or 1M`);
  }
  const unit = (m[2] ?? "").toLowerCase()[0];
  const scale = unit === "k" ? 1024 : unit === "m" ? 1 << 20 : unit === "g" ? 1 << 30 : 1;
  return Number(m[1]) * scale;
}

function parseCount(flag: string, text: string, min: number): number {
  const n = /^(0x[0-9a-f]+|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not an integer >= ${min}`);
  }
  return n;
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`Cannot parse ${flag}: "${text}" is not one of ${allowed.join(", ")}`);
  }
  return text as T;
}

function parseRun(args: string[]): RunConfig | "help" {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        vms: { type: "string" },
        mem: { type: "string" },
        clock: { type: "string" },
        quantum: { type: "string" },
        interrupts: { type: "string" },
        load: { type: "string" },
        "max-instructions": { type: "string" },
        stats: { type: "string" },
        attach: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (e) {
    const why = (e as Error).message.split("\n")[0]!.split(". To specify")[0];
    throw new UsageError(`Cannot parse arguments: ${why}`);
  }
  const v = parsed.values;
  if (v.help) return "help";
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      `Cannot run: expected one IMAGE, got ${parsed.positionals.length} (see --help)`,
    );
  }
  const vms = v.vms === undefined ? 1 : parseCount("--vms", v.vms, 1);
  if (v.attach && vms !== 1) {
    throw new UsageError(`Cannot attach stdin: --attach needs one VM, got --vms ${vms}`);
  }
  return {
    image: parsed.positionals[0]!,
    vms,
    mem: v.mem === undefined ? 1 << 20 : parseSize("--mem", v.mem),
    clock: oneOf("--clock", v.clock ?? "deterministic", ["deterministic", "real"] as const),
    quantum: v.quantum === undefined ? 10_000 : parseCount("--quantum", v.quantum, 1),
    interrupts: oneOf(
      "--interrupts",
      v.interrupts ?? "batched",
      ["batched", "immediate"] as const,
    ),
    load: v.load === undefined ? 0x10000 : parseCount("--load", v.load, 0),
    maxInstructions: v["max-instructions"] === undefined
      ? 0
      : parseCount("--max-instructions", v["max-instructions"], 1),
    stats: oneOf("--stats", v.stats ?? "text", ["text", "json", "none"] as const),
    attach: v.attach ?? false,
  };
}

/** Writes all of `bytes` to stdout. */
function writeOut(bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length;) done += Deno.stdout.writeSync(bytes.subarray(done));
}

/** Console sink that prefixes each line with "[id] " (partial lines wait for their newline). */
function prefixingSink(): {
  sink: (id: number, bytes: Uint8Array) => void;
  flush: () => void;
} {
  const enc = new TextEncoder();
  const partial = new Map<number, Uint8Array[]>();
  const emit = (id: number, parts: Uint8Array[]) => {
    writeOut(enc.encode(`[${id}] `));
    for (const p of parts) writeOut(p);
  };
  return {
    sink: (id, bytes) => {
      let start = 0;
      for (let i = 0; i < bytes.length; i++) {
        if (bytes[i] !== 0x0a) continue;
        emit(id, [...(partial.get(id) ?? []), bytes.subarray(start, i + 1)]);
        partial.delete(id);
        start = i + 1;
      }
      if (start < bytes.length) {
        const list = partial.get(id) ?? [];
        list.push(bytes.slice(start));
        // A line longer than 64 KiB is written in pieces rather than held.
        if (list.reduce((n, p) => n + p.length, 0) > 65536) {
          emit(id, list);
          partial.delete(id);
        } else partial.set(id, list);
      }
    },
    flush: () => {
      for (const [id, list] of partial) emit(id, [...list, enc.encode("\n")]);
      partial.clear();
    },
  };
}

function summary(stats: KernelStats, hostMs: number): string {
  const v = stats.vms;
  const mips = hostMs > 0 ? (stats.instructions / hostMs / 1000).toFixed(1) : "-";
  return [
    `denali: ${v.total} VM(s): ${v.exited} exited, ${v.faulted} faulted, ${v.killed} killed`,
    `denali: ${stats.instructions} instructions in ${hostMs.toFixed(1)} ms host (${mips} MIPS), ` +
    `${stats.quanta} quanta, ${stats.contextSwitches} context switches`,
    `denali: clock ${stats.clock}, ${stats.timeMicros} us guest time, quantum ${stats.quantum}, ` +
    `interrupts ${stats.interruptMode}: ${stats.interrupts.raised} raised, ` +
    `${stats.interrupts.delivered} delivered in ${stats.interrupts.batches} batches`,
    `denali: memory ${stats.framesInUse} frames in use, ${stats.framesTotal} held ` +
    `(${(stats.framesTotal * 4096 / (1 << 20)).toFixed(1)} MiB)`,
  ].join("\n");
}

function describeFault(vm: VmInfo): string {
  const f = vm.fault!;
  const where = `eip 0x${f.eip.toString(16)}` + (f.bytes ? ` (${f.bytes})` : "");
  return `denali: vm ${vm.id} faulted: ${f.reason} at ${where}${f.detail ? `: ${f.detail}` : ""}`;
}

async function run(config: RunConfig): Promise<number> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(config.image);
  } catch (e) {
    throw new UsageError(`Cannot read image ${config.image}: ${(e as Error).message}`);
  }
  const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 &&
    bytes[2] === 0x4c && bytes[3] === 0x46;
  const image = isElf ? bytes : { flat: bytes, loadAddress: config.load };
  const prefix = config.vms > 1 ? prefixingSink() : null;
  const kernel = new Kernel({
    clock: config.clock,
    quantum: config.quantum,
    interrupts: config.interrupts,
    maxVmMemory: Math.min(Math.max(config.mem, 256 << 20), 2 ** 32),
    onConsole: prefix ? prefix.sink : (_id, b) => writeOut(b),
  });
  const keyboard = new KeyboardDevice();
  kernel.attach(new TimerDevice());
  kernel.attach(keyboard);
  const ids: number[] = [];
  for (let i = 0; i < config.vms; i++) {
    ids.push(kernel.create({
      image,
      memSize: config.mem,
      maxInstructions: config.maxInstructions,
      start: true,
    }));
  }
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  const t0 = performance.now();
  const attached = config.attach ? attachStdin(kernel, keyboard, ids[0]!) : null;
  try {
    await kernel.run(
      attached ? { signal: AbortSignal.any([abort.signal, attached.stopped]), forever: true } : {
        signal: abort.signal,
      },
    );
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    attached?.detach();
  }
  const hostMs = performance.now() - t0;
  prefix?.flush();
  let code = 0;
  let trouble = false;
  for (const vm of kernel.list()) {
    if (vm.state === "faulted") {
      console.error(describeFault(vm));
      trouble = true;
    } else if (vm.state !== "exited") {
      const why = abort.signal.aborted ? "interrupted" : "idle with nothing left to wake it";
      console.error(`denali: vm ${vm.id} was ${vm.state}: ${why}; killed`);
      kernel.kill(vm.id);
      trouble = true;
    } else if (code === 0 && vm.exitCode !== 0) {
      code = (vm.exitCode! & 0xff) || 1;
    }
  }
  if (config.stats === "text") console.error(summary(kernel.stats(), hostMs));
  else if (config.stats === "json") {
    console.error(JSON.stringify({ hostMs, ...kernel.stats() }));
  }
  if (abort.signal.aborted) return 130;
  return code !== 0 ? code : trouble ? 1 : 0;
}

/**
 * Types stdin into VM `id`'s keyboard until end of file (then ends its input),
 * never faster than the guest reads (the CLI drops nothing). On a terminal,
 * keys go through as typed (cbreak mode) until `detach`. `stopped` aborts
 * when the VM stops.
 */
function attachStdin(
  kernel: Kernel,
  keyboard: KeyboardDevice,
  id: number,
): { stopped: AbortSignal; detach: () => void } {
  const stopped = new AbortController();
  kernel.wait(id).then(() => stopped.abort());
  const raw = Deno.stdin.isTerminal();
  if (raw) Deno.stdin.setRaw(true, { cbreak: true });
  (async () => {
    for await (let chunk of Deno.stdin.readable) {
      while (chunk.length > 0) {
        if (stopped.signal.aborted) return;
        const n = keyboard.type(id, chunk.subarray(0, keyboard.room(id)));
        chunk = chunk.subarray(n);
        if (chunk.length > 0) await new Promise((r) => setTimeout(r, 2));
      }
    }
    keyboard.end(id);
  })().catch(() => keyboard.end(id));
  return {
    stopped: stopped.signal,
    detach: () => {
      if (raw) Deno.stdin.setRaw(false);
    },
  };
}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (command === undefined || command === "-h" || command === "--help" || command === "help") {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command !== "run") throw new UsageError(`Cannot run command "${command}": try --help`);
  const config = parseRun(rest);
  if (config === "help") {
    console.log(USAGE);
    return 0;
  }
  return await run(config);
}

if (import.meta.main) {
  let status: number;
  try {
    status = await main(Deno.args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`denali: ${message.split("\n")[0]}`);
    status = e instanceof UsageError ? 2 : 1;
  }
  Deno.exit(status);
}
