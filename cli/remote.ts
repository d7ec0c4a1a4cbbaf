/**
 * The commands that drive a running kernel through its control API (started
 * by `denali serve` or `denali run --api`), as Firecracker's tools drive its
 * API socket: create, list, inspect, start, pause, resume, kill, rm, stats,
 * console, attach, wait. Each takes `--api ADDR` (default $DENALI_API, else
 * /tmp/denali.sock).
 *
 * @module
 */

import { DEFAULT_API, parseApiAddress } from "../api/address.ts";
import { ApiClient, type VmAction } from "../api/client.ts";
import type { VmRow, VmView } from "../api/machine.ts";
import {
  type FlagSpec,
  type FlagValues,
  parseCount,
  parseFlags,
  parseSize,
  str,
  UsageError,
  userPath,
} from "./args.ts";
import { pumpStdin } from "./attach.ts";
import type { Command } from "./command.ts";
import { compact, statusLine, writeAll } from "./progress.ts";
import { envApi, isWorkerModule } from "./run.ts";

const API_HELP = `  --api ADDR              the kernel's API: a Unix socket path or a loopback port
                          (default $DENALI_API, else ${DEFAULT_API})
  -h, --help              show this help`;

const EXIT_HELP = `Exit status: 0 done; 1 the kernel refused (unknown VM, wrong state); 2 usage
error; 3 no kernel answers at the API address.`;

interface Spec {
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  /** How many VM ids it takes: "one", "many" or none. */
  ids?: "one" | "many";
  run(api: ApiClient, values: FlagValues, args: string[]): Promise<number>;
}

function client(values: FlagValues): ApiClient {
  const text = str(values, "api") ?? envApi() ?? DEFAULT_API;
  try {
    const address = parseApiAddress(text);
    if (address.transport === "unix") address.path = userPath(address.path);
    return new ApiClient(address);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function parseIds(name: string, args: string[], kind: "one" | "many"): number[] {
  if (args.length === 0 || (kind === "one" && args.length > 1)) {
    const want = kind === "one" ? "one VM id" : "one or more VM ids";
    throw new UsageError(`Cannot ${name}: expected ${want}, got ${args.length} (see --help)`);
  }
  return args.map((a) => parseCount("VM id", a, 1));
}

function command(name: string, spec: Spec): Command {
  return {
    summary: spec.summary,
    async main(args) {
      const { values, positionals } = parseFlags(args, { ...spec.flags, api: { type: "string" } });
      if (values.help) {
        console.log(`${spec.usage}\n\nOptions:\n${optionsHelp(spec)}${API_HELP}\n\n${EXIT_HELP}`);
        return 0;
      }
      if (spec.ids) parseIds(name, positionals, spec.ids);
      else if (name !== "create" && positionals.length > 0) {
        throw new UsageError(`Cannot ${name}: unexpected argument "${positionals[0]}"`);
      }
      const api = client(values);
      try {
        return await spec.run(api, values, positionals);
      } finally {
        api.close();
      }
    },
  };
}

const FLAG_HELP: Record<string, string> = {
  json: "  --json                  print the API's JSON instead of a table",
  state: "  --state S               only VMs in state S (running, idle, exited, ...)",
  limit: "  --limit N               at most N VMs (default 1000)",
  vms: "  --vms N                 create N VMs from the image (default 1)",
  mem: "  --mem SIZE              guest memory per VM (default 1M)",
  name: "  --name NAME             name of the VM (with --vms N: NAME-1 ... NAME-N)",
  load: "  --load ADDR             load address of a flat binary (default 0x10000)",
  "max-instructions": "  --max-instructions N    fault a VM (cpu-budget) after N instructions",
  "no-start": "  --no-start              create the VMs without starting them",
  follow: "  -f, --follow            keep streaming new output until the VM stops",
  watch: "  -w, --watch             redraw every second until interrupted",
  config: "  --config JSON           a Worker guest's configuration (its guest.config)",
};

function optionsHelp(spec: Spec): string {
  return Object.keys(spec.flags).map((f) => `${FLAG_HELP[f] ?? `  --${f}`}\n`).join("");
}

// ---- printing ---------------------------------------------------------------

/**
 * Formats VM rows as an aligned text table.
 *
 * @example
 * ```ts
 * import { vmTable } from "./remote.ts";
 * console.log(vmTable([]).startsWith("ID")); // true
 * ```
 */
export function vmTable(rows: VmRow[]): string {
  const head = ["ID", "NAME", "STATE", "MEM", "PAGES", "INSTRUCTIONS", "IRQS", "RX", "TX", "DISK"];
  const body = rows.map((r) => [
    String(r.id),
    r.name,
    r.state + (r.exitCode !== null ? ` (${r.exitCode})` : r.fault ? ` (${r.fault})` : ""),
    `${Math.round(r.memSize / 1024)}K`,
    String(r.residentPages),
    compact(r.instructions),
    compact(r.interrupts),
    compact(r.framesIn),
    compact(r.framesOut),
    compact(r.diskOps),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join("  ")
      .trimEnd();
  return [line(head), ...body.map(line)].join("\n");
}

function describe(v: VmView): string {
  const lines = [
    `id            ${v.id}`,
    `name          ${v.name}`,
    `state         ${v.state}${v.exitCode !== undefined ? ` (exit code ${v.exitCode})` : ""}`,
    `memory        ${v.memSize} bytes, ${v.residentPages} pages resident`,
    `instructions  ${v.stats.instructions} in ${v.stats.quanta} quanta`,
    `interrupts    ${v.stats.interruptsRaised} raised, ${v.stats.interruptsDelivered} ` +
    `delivered in ${v.stats.batches} batches, pending 0x${v.pending.toString(16)}`,
    `idle          ${v.stats.idleMicros} us`,
    `console       ${v.stats.consoleBytes} bytes written, ${v.stats.consoleDropped} dropped`,
  ];
  if (v.fault) {
    const f = v.fault;
    lines.push(
      `fault         ${f.reason} at eip 0x${f.eip.toString(16)}${f.bytes ? ` (${f.bytes})` : ""}` +
        (f.detail ? `: ${f.detail}` : ""),
    );
  }
  if (v.registers) {
    const r = v.registers;
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    lines.push(
      `registers     eax ${hex(r.eax)} ecx ${hex(r.ecx)} edx ${hex(r.edx)} ebx ${hex(r.ebx)}`,
      `              esp ${hex(r.esp)} ebp ${hex(r.ebp)} esi ${hex(r.esi)} edi ${hex(r.edi)}`,
      `              eip ${hex(r.eip)} eflags ${hex(r.eflags)}`,
    );
  }
  if (v.jit) {
    const j = v.jit;
    lines.push(
      `translated    ${j.regions} regions, ${j.insns} instructions, ${j.codeBytes} bytes of code ` +
        `(${j.compiled} compiled, ${j.reused} shared); ${j.jitInstructions} instructions run`,
    );
  }
  if (v.nic) {
    lines.push(
      `nic           ${v.nic.mac}: ${v.nic.rxFrames} frames in, ${v.nic.txFrames} out, ` +
        `${v.nic.rxDropped} dropped`,
    );
  }
  if (v.disk) {
    lines.push(
      `disk          ${v.disk.requests} requests: ${v.disk.reads} reads, ${v.disk.writes} ` +
        `writes, ${v.disk.flushes} flushes, ${v.disk.errors} errors`,
    );
  }
  if (v.timer) lines.push(`timer         ${v.timer.arms} arms, ${v.timer.expirations} expirations`);
  return lines.join("\n");
}

const out = (text: string) => console.log(text);

// ---- commands -----------------------------------------------------------------

const action = (verb: VmAction, summary: string): Spec => ({
  summary,
  usage: `Usage: denali ${verb} ID... [--api ADDR]\n\n${
    summary[0]!.toUpperCase() + summary.slice(1)
  } (through the control API).`,
  flags: {},
  ids: "many",
  async run(api, _values, args) {
    for (const a of args) {
      const r = await api.action(Number(a), verb);
      out(`${r.id} ${r.state}`);
    }
    return 0;
  },
});

const SPECS: Record<string, Spec> = {
  create: {
    summary: "create VMs from an image on a running kernel",
    usage: `Usage: denali create IMAGE [options]

Reads IMAGE (ELF32 or flat) here, sends it to the kernel, creates and starts VMs
from it, and prints their ids, one per line. An IMAGE ending in .ts or .js is a
Worker guest module: the kernel loads it from its path (kernels on this host).`,
    flags: {
      vms: { type: "string" },
      mem: { type: "string" },
      name: { type: "string" },
      load: { type: "string" },
      "max-instructions": { type: "string" },
      "no-start": { type: "boolean" },
      config: { type: "string" },
      json: { type: "boolean" },
    },
    async run(api, v, args) {
      if (args.length !== 1) {
        throw new UsageError(`Cannot create: expected one IMAGE, got ${args.length} (see --help)`);
      }
      const vms = str(v, "vms"), mem = str(v, "mem"), name = str(v, "name");
      const load = str(v, "load"), maxI = str(v, "max-instructions"), config = str(v, "config");
      let guest: { imageBase64: string } | { worker: string; config?: unknown };
      if (isWorkerModule(args[0]!)) {
        let worker: string;
        try {
          worker = await Deno.realPath(userPath(args[0]!));
        } catch {
          throw new UsageError(`Cannot read worker module ${args[0]}: no such file`);
        }
        guest = { worker };
        if (config !== undefined) {
          try {
            guest.config = JSON.parse(config);
          } catch {
            throw new UsageError(`Cannot parse --config: it is not JSON`);
          }
        }
      } else {
        try {
          guest = { imageBase64: base64(await Deno.readFile(userPath(args[0]!))) };
        } catch (e) {
          const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
          throw new UsageError(`Cannot read image ${args[0]}: ${why.split("\n")[0]}`);
        }
      }
      const ids = await api.create({
        ...guest,
        start: v["no-start"] !== true,
        ...(vms ? { count: parseCount("--vms", vms, 1, 100_000) } : {}),
        ...(mem ? { memSize: parseSize("--mem", mem) } : {}),
        ...(name ? { name } : {}),
        ...(load ? { load: parseCount("--load", load, 0, 0xffff_ffff) } : {}),
        ...(maxI ? { maxInstructions: parseCount("--max-instructions", maxI, 1) } : {}),
      });
      out(v.json ? JSON.stringify({ ids }) : ids.join("\n"));
      return 0;
    },
  },
  list: {
    summary: "list the VMs of a running kernel",
    usage: "Usage: denali list [options]\n\nPrints one line per VM: state, memory, counters.",
    flags: { state: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
    async run(api, v) {
      const limit = str(v, "limit");
      const state = str(v, "state");
      const r = await api.list({
        limit: limit === undefined ? 1000 : parseCount("--limit", limit, 1),
        ...(state ? { state } : {}),
      });
      if (v.json) out(JSON.stringify(r));
      else {
        out(vmTable(r.vms));
        if (r.vms.length < r.total && !state) out(`(${r.vms.length} of ${r.total} VMs shown)`);
      }
      return 0;
    },
  },
  inspect: {
    summary: "show one VM: state, registers, counters, devices",
    usage: "Usage: denali inspect ID [--json]\n\nShows everything the kernel knows about one VM.",
    flags: { json: { type: "boolean" } },
    ids: "one",
    async run(api, v, args) {
      const view = await api.inspect(Number(args[0]));
      out(v.json ? JSON.stringify(view, null, 2) : describe(view));
      return 0;
    },
  },
  start: action("start", "start created VMs"),
  pause: action("pause", "pause VMs (they keep their memory and state)"),
  resume: action("resume", "resume paused VMs"),
  kill: action("kill", "stop VMs for good (their console and stats stay until rm)"),
  rm: {
    summary: "remove stopped VMs",
    usage: "Usage: denali rm ID...\n\nForgets stopped VMs (exited, faulted or killed).",
    flags: {},
    ids: "many",
    async run(api, _v, args) {
      for (const a of args) await api.remove(Number(a));
      return 0;
    },
  },
  stats: {
    summary: "show the kernel's counters and load (live with --watch)",
    usage: "Usage: denali stats [--json] [--watch]\n\nShows the kernel's counters and rates.",
    flags: { json: { type: "boolean" }, watch: { type: "boolean", short: "w" } },
    async run(api, v) {
      if (!v.watch) {
        const o = await api.kernel();
        out(v.json ? JSON.stringify(o, null, 2) : overviewText(o));
        return 0;
      }
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      Deno.addSignalListener("SIGINT", onSignal);
      try {
        while (!stop.signal.aborted) {
          const o = await api.kernel();
          const text = v.json ? JSON.stringify(o) : overviewText(o);
          if (Deno.stdout.isTerminal() && !v.json) out(`\x1b[H\x1b[2J${text}`);
          else out(text);
          await new Promise((r) => setTimeout(r, 1000));
        }
      } finally {
        Deno.removeSignalListener("SIGINT", onSignal);
      }
      return 0;
    },
  },
  console: {
    summary: "print a VM's console output (-f: follow it)",
    usage: "Usage: denali console ID [--follow]\n\nPrints the output the VM's console retained.",
    flags: { follow: { type: "boolean", short: "f" } },
    ids: "one",
    async run(api, v, args) {
      await copyToStdout(await api.console(Number(args[0]), v.follow === true));
      return 0;
    },
  },
  attach: {
    summary: "attach the terminal to a VM: its console to stdout, stdin to its keyboard",
    usage: `Usage: denali attach ID

Streams the VM's console to stdout and types stdin into its keyboard (input ends
at end of file) until the VM stops; exits with its exit code.`,
    flags: {},
    ids: "one",
    async run(api, _v, args) {
      const id = Number(args[0]);
      await api.inspect(id);
      const stream = await api.console(id, true);
      const done = api.wait(id);
      const pump = pumpStdin(
        done.then(() => {}),
        async (chunk) => (await api.keys(id, chunk)).accepted,
        async () => void await api.keys(id, new Uint8Array(0), true),
      );
      try {
        await copyToStdout(stream);
        const exit = await done;
        return exit.state === "exited" ? (exit.code & 0xff) : 1;
      } finally {
        pump.detach();
      }
    },
  },
  wait: {
    summary: "wait until a VM stops; exit with its exit code",
    usage: "Usage: denali wait ID\n\nWaits until the VM stops and exits with its exit code\n" +
      "(1 if it faulted or was killed).",
    flags: {},
    ids: "one",
    async run(api, _v, args) {
      const exit = await api.wait(Number(args[0]));
      out(`${exit.id} ${exit.state}${exit.state === "exited" ? ` ${exit.code}` : ""}`);
      return exit.state === "exited" ? (exit.code & 0xff) : 1;
    },
  },
};

function overviewText(o: Awaited<ReturnType<ApiClient["kernel"]>>): string {
  const k = o.kernel;
  const now = {
    hostMs: o.uptimeMs,
    cpuMicros: 0,
    instructions: k.instructions,
    switches: k.contextSwitches,
    interrupts: k.interrupts.raised,
    frames: o.network.frames,
    diskOps: o.disk.requests,
    live: 0,
    running: 0,
    idle: 0,
    memoryBytes: k.framesInUse * 4096,
  };
  const lines = [statusLine(k, now, null, o.uptimeMs)];
  if (o.load) {
    const l = o.load;
    lines.push(
      `load: ${l.mips.toFixed(1)} MIPS, ${compact(l.switchesPerSec)} switches/s, ` +
        `${compact(l.interruptsPerSec)} irq/s, ${compact(l.framesPerSec)} frames/s, ` +
        `${compact(l.diskOpsPerSec)} disk ops/s, CPU ${(l.cpuLoad * 100).toFixed(0)}%`,
    );
  }
  lines.push(
    `kernel: clock ${k.clock}, quantum ${k.quantum}, interrupts ${k.interruptMode}, ` +
      `${k.timeMicros} us kernel time`,
    `totals: ${k.instructions} instructions, ${k.contextSwitches} switches, ` +
      `${k.interrupts.raised} interrupts, ${o.network.frames} frames, ${o.disk.requests} disk ops`,
  );
  return lines.join("\n");
}

async function copyToStdout(stream: ReadableStream<Uint8Array>): Promise<void> {
  for await (const chunk of stream) writeAll(Deno.stdout, chunk);
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/**
 * Every API command, by name.
 *
 * @example
 * ```ts
 * import { REMOTE_COMMANDS } from "./remote.ts";
 * console.log(Object.keys(REMOTE_COMMANDS).includes("list")); // true
 * ```
 */
export const REMOTE_COMMANDS: Record<string, Command> = Object.fromEntries(
  Object.entries(SPECS).map(([name, spec]) => [name, command(name, spec)]),
);
