/**
 * `denali run` and `denali serve`: boot images in VMs of a kernel on this
 * process, stream their console output, and (with `--api`, and always for
 * `serve`) serve the control API and the dashboard while they run. `run`
 * ends when no VM can make progress and exits with the guests' status;
 * `serve` runs until interrupted (Ctrl-C, SIGTERM).
 *
 * @module
 */

import { DEFAULT_API, formatApiAddress, parseApiAddress } from "../api/address.ts";
import { Machine } from "../api/machine.ts";
import { type ApiServer, serveApi } from "../api/server.ts";
import type { KernelStats, VmInfo } from "../kernel/mod.ts";
import {
  type FlagValues,
  KERNEL_FLAGS,
  KERNEL_FLAGS_HELP,
  kernelFlags,
  oneOf,
  parseCount,
  parseFlags,
  parseSize,
  str,
  UsageError,
  userPath,
} from "./args.ts";
import { attachStdin } from "./attach.ts";
import { ProgressLine, writeAll } from "./progress.ts";
import type { Command } from "./command.ts";

const RUN_USAGE = `Usage: denali run IMAGE... [options]

Runs each IMAGE (a static ELF32 i386 executable, or a flat binary; or a Worker
guest module, a .ts or .js file that calls the guest SDK's serve) in one or more
VMs of a Denali kernel on this process, streams their console output to stdout,
prints a stats summary on stderr, and exits with the guests' status.

Options:
  --vms N                 run N copies of each image, each in its own VM (default 1);
                          with more than one VM every output line is prefixed with "[id] "
  --mem SIZE              guest memory per VM: bytes, or with K, M or G (default 1M);
                          untouched pages cost nothing (demand-zero)
${KERNEL_FLAGS_HELP}
  --load ADDR             load address of a flat binary (default 0x10000); ELF images
                          carry their own addresses
  --max-instructions N    fault a VM (cpu-budget) after N instructions (default: no limit)
  --attach                type stdin into the VM's keyboard (one VM only); the input ends
                          at end of file; on a terminal keys go through as typed and
                          Ctrl-C stops the run; runs until the VM stops
  --api ADDR              also serve the control API and dashboard while running, on a
                          Unix socket path or a loopback port (PORT, 127.0.0.1:PORT)
  --progress WHEN         live status line on stderr: auto (default: on a terminal, after
                          one second), always, never
  --stats FORMAT          summary on stderr: text (default), json, or none
  -h, --help              show this help

Exit status: the first non-zero guest exit code (modulo 256, and 1 if that is 0);
1 if any VM faulted or was idle with nothing left to wake it; 2 for usage errors
(bad flag, missing file); 1 for a bad image; 130 when interrupted.`;

const SERVE_USAGE = `Usage: denali serve [IMAGE...] [options]

Starts a Denali kernel that serves the control API (JSON over HTTP) and the live
dashboard, boots each IMAGE given, and runs until interrupted (Ctrl-C or SIGTERM).
Other commands (list, inspect, create, pause, resume, kill, console, attach)
talk to it through the API.

Options:
  --api ADDR              where to listen: a Unix socket path (default ${DEFAULT_API},
                          or $DENALI_API) or a loopback port (PORT, 127.0.0.1:PORT;
                          0 picks a free port); the dashboard is at / over TCP
  --vms N                 VMs per IMAGE (default 1)
  --mem SIZE              guest memory per VM (default 1M)
${KERNEL_FLAGS_HELP}
  --load ADDR             load address of flat binaries (default 0x10000)
  --max-instructions N    fault a VM (cpu-budget) after N instructions
  --quiet                 do not copy console output to stdout
  --progress WHEN         live status line on stderr: auto (default), always, never
  -h, --help              show this help

Exit status: 0 when stopped by a signal; 2 for usage errors; 1 when the API
cannot be served (address in use).`;

const RUN_FLAGS = {
  ...KERNEL_FLAGS,
  vms: { type: "string" },
  mem: { type: "string" },
  load: { type: "string" },
  "max-instructions": { type: "string" },
  stats: { type: "string" },
  attach: { type: "boolean" },
  api: { type: "string" },
  progress: { type: "string" },
} as const;

const SERVE_FLAGS = { ...RUN_FLAGS, quiet: { type: "boolean" } } as const;

/** Settings of one `run` or `serve`. */
interface RunConfig {
  serve: boolean;
  images: string[];
  vms: number;
  mem: number;
  kernel: ReturnType<typeof kernelFlags>;
  load: number;
  maxInstructions: number;
  stats: "text" | "json" | "none";
  attach: boolean;
  api: string | null;
  progress: "auto" | "always" | "never";
  quiet: boolean;
}

function config(values: FlagValues, positionals: string[], serve: boolean): RunConfig {
  if (!serve && positionals.length === 0) {
    throw new UsageError("Cannot run: expected at least one IMAGE (see --help)");
  }
  const vmsText = str(values, "vms");
  const vms = vmsText === undefined ? 1 : parseCount("--vms", vmsText, 1, 1_000_000);
  const attach = values.attach === true;
  if (attach && (vms !== 1 || positionals.length !== 1)) {
    throw new UsageError(`Cannot attach stdin: --attach needs one VM, got --vms ${vms}`);
  }
  if (attach && serve) throw new UsageError("Cannot attach stdin: use `denali attach ID`");
  const mem = str(values, "mem");
  const load = str(values, "load");
  const maxI = str(values, "max-instructions");
  let api = str(values, "api") ?? null;
  if (serve && api === null) api = envApi() ?? DEFAULT_API;
  if (api !== null) {
    try {
      if (parseApiAddress(api).transport === "unix") api = userPath(api);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
  }
  return {
    serve,
    images: positionals,
    vms,
    mem: mem === undefined ? 1 << 20 : parseSize("--mem", mem),
    kernel: kernelFlags(values, serve ? "real" : "deterministic"),
    load: load === undefined ? 0x10000 : parseCount("--load", load, 0, 0xffff_ffff),
    maxInstructions: maxI === undefined ? 0 : parseCount("--max-instructions", maxI, 1),
    stats: oneOf("--stats", str(values, "stats") ?? "text", ["text", "json", "none"] as const),
    attach,
    api,
    progress: oneOf(
      "--progress",
      str(values, "progress") ?? "auto",
      [
        "auto",
        "always",
        "never",
      ] as const,
    ),
    quiet: values.quiet === true,
  };
}

/**
 * The API address from $DENALI_API, if set and readable.
 *
 * @example
 * ```ts
 * import { envApi } from "./run.ts";
 * console.log(envApi() ?? "unset");
 * ```
 */
export function envApi(): string | undefined {
  try {
    return Deno.env.get("DENALI_API") || undefined;
  } catch {
    return undefined;
  }
}

/** Console sink that prefixes each line with "[id] " (partial lines wait for their newline). */
function prefixingSink(write: (b: Uint8Array) => void): {
  sink: (id: number, bytes: Uint8Array) => void;
  flush: () => void;
} {
  const enc = new TextEncoder();
  const partial = new Map<number, Uint8Array[]>();
  const emit = (id: number, parts: Uint8Array[]) => {
    write(enc.encode(`[${id}] `));
    for (const p of parts) write(p);
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

/**
 * The summary printed on stderr at the end of a run.
 *
 * @example
 * ```ts
 * import { summary } from "./run.ts";
 * import { Kernel } from "../kernel/mod.ts";
 * console.log(summary(new Kernel().stats(), 1).split("\n")[0]);
 * // denali: 0 VM(s): 0 exited, 0 faulted, 0 killed
 * ```
 */
export function summary(stats: KernelStats, hostMs: number): string {
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
    ...(stats.translations
      ? [
        `denali: translations ${stats.translations.entries} held ` +
        `(${(stats.translations.bytes / 1024).toFixed(0)} KiB of code), ` +
        `${stats.translations.compiled} compiled, ${stats.translations.hits} shared`,
      ]
      : []),
  ].join("\n");
}

function describeFault(vm: VmInfo): string {
  const f = vm.fault!;
  const where = `eip 0x${f.eip.toString(16)}` + (f.bytes ? ` (${f.bytes})` : "");
  return `denali: vm ${vm.id} faulted: ${f.reason} at ${where}${f.detail ? `: ${f.detail}` : ""}`;
}

/** A module path (`.ts`, `.js`, `.mjs`, `.mts`) names a Worker guest, anything else an image. */
export function isWorkerModule(path: string): boolean {
  return /\.(ts|mts|js|mjs)$/.test(path);
}

/** An image's bytes, or the absolute path of a Worker guest module. */
type Guest = Uint8Array | { worker: string };

async function readImages(paths: string[]): Promise<Guest[]> {
  const out: Guest[] = [];
  for (const path of paths) {
    if (isWorkerModule(path)) {
      try {
        out.push({ worker: await Deno.realPath(userPath(path)) });
      } catch {
        throw new UsageError(`Cannot read worker module ${path}: no such file`);
      }
      continue;
    }
    try {
      out.push(await Deno.readFile(userPath(path)));
    } catch (e) {
      const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
      throw new UsageError(`Cannot read image ${path}: ${why.split("\n")[0]}`);
    }
    if ((out.at(-1) as Uint8Array).length === 0) {
      throw new UsageError(`Cannot read image ${path}: it is empty`);
    }
  }
  return out;
}

async function execute(c: RunConfig): Promise<number> {
  const images = await readImages(c.images);
  if (c.attach && !(images[0] instanceof Uint8Array)) {
    throw new UsageError("Cannot attach stdin: --attach needs an x86 image");
  }
  const machine = new Machine({
    clock: c.kernel.clock,
    quantum: c.kernel.quantum,
    interrupts: c.kernel.interrupts,
    jit: c.kernel.jit,
    switchCostMicros: c.kernel.switchCostMicros,
    maxVmMemory: Math.min(Math.max(c.mem, 256 << 20), 2 ** 32),
    sampleMs: c.api !== null ? 1000 : 0,
  });
  const showProgress = c.progress === "always" ||
    (c.progress === "auto" && Deno.stderr.isTerminal() && !c.attach);
  let progress: ProgressLine | null = null;
  const outIsTty = Deno.stdout.isTerminal();
  const writeOut = (b: Uint8Array) => {
    if (outIsTty) progress?.clear();
    writeAll(Deno.stdout, b);
  };
  const total = images.length * c.vms;
  const prefix = total > 1 || c.serve ? prefixingSink(writeOut) : null;
  if (!c.quiet) machine.consoles.follow("all", prefix ? prefix.sink : (_id, b) => writeOut(b));
  let server: ApiServer | null = null;
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  const signals: Deno.Signal[] = c.serve ? ["SIGINT", "SIGTERM"] : ["SIGINT"];
  try {
    const ids: number[] = [];
    for (const guest of images) {
      const common = {
        count: c.vms,
        ...(c.maxInstructions ? { maxInstructions: c.maxInstructions } : {}),
      };
      ids.push(
        ...await machine.create(
          guest instanceof Uint8Array
            ? { imageBytes: guest, load: c.load, memSize: c.mem, ...common }
            : { worker: guest.worker, ...common },
        ),
      );
    }
    if (c.api !== null) {
      server = await serveApi(machine, parseApiAddress(c.api));
      const where = formatApiAddress(server.address);
      const page = server.address.transport === "tcp" ? `; dashboard at ${where}/` : "";
      console.error(`denali: serving the API on ${where}${page}`);
    }
    for (const s of signals) Deno.addSignalListener(s, onSignal);
    if (showProgress) {
      progress = new ProgressLine({
        stats: () => machine.kernel.stats(),
        counters: () => machine.counters(),
      });
    }
    const t0 = performance.now();
    const attached = c.attach ? attachStdin(machine, ids[0]!) : null;
    try {
      await machine.run(
        attached
          ? { signal: AbortSignal.any([abort.signal, attached.stopped]), forever: true }
          : { signal: abort.signal, forever: c.serve },
      );
    } finally {
      attached?.detach();
      progress?.stop();
    }
    const hostMs = performance.now() - t0;
    prefix?.flush();
    if (c.serve) {
      console.error("denali: stopped");
      return 0;
    }
    return report(machine, c, hostMs, abort.signal.aborted);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
    await server?.shutdown();
    await machine.close();
  }
}

function report(machine: Machine, c: RunConfig, hostMs: number, interrupted: boolean): number {
  const kernel = machine.kernel;
  let code = 0;
  let trouble = false;
  for (const vm of kernel.list()) {
    if (vm.state === "faulted") {
      console.error(describeFault(vm));
      trouble = true;
    } else if (vm.state !== "exited") {
      const why = interrupted ? "interrupted" : "idle with nothing left to wake it";
      console.error(`denali: vm ${vm.id} was ${vm.state}: ${why}; killed`);
      if (vm.state !== "killed") kernel.kill(vm.id);
      trouble = true;
    } else if (code === 0 && vm.exitCode !== 0) {
      code = (vm.exitCode! & 0xff) || 1;
    }
  }
  if (c.stats === "text") console.error(summary(kernel.stats(), hostMs));
  else if (c.stats === "json") console.error(JSON.stringify({ hostMs, ...kernel.stats() }));
  if (interrupted) return 130;
  return code !== 0 ? code : trouble ? 1 : 0;
}

/**
 * The `run` command.
 *
 * @example
 * ```ts
 * import { runCommand } from "./run.ts";
 * console.log(runCommand.summary);
 * ```
 */
export const runCommand: Command = {
  summary: "run images in VMs of a kernel on this process (optionally serving the API)",
  async main(args) {
    const { values, positionals } = parseFlags(args, RUN_FLAGS);
    if (values.help) return console.log(RUN_USAGE), 0;
    return await execute(config(values, positionals, false));
  },
};

/**
 * The `serve` command.
 *
 * @example
 * ```ts
 * import { serveCommand } from "./run.ts";
 * console.log(serveCommand.summary);
 * ```
 */
export const serveCommand: Command = {
  summary: "start a kernel that serves the control API and dashboard until interrupted",
  async main(args) {
    const { values, positionals } = parseFlags(args, SERVE_FLAGS);
    if (values.help) return console.log(SERVE_USAGE), 0;
    return await execute(config(values, positionals, true));
  },
};
