/**
 * The command-line interface: a thin shell around the kernel library. Each
 * command lives in its own module under cli/; this file only dispatches and
 * turns every error into one line on stderr and an exit status.
 *
 * ```sh
 * deno task cli run IMAGE... [--vms N] [--clock deterministic|real] [--quantum N] ...
 * deno task cli serve [--api /tmp/denali.sock | --api 127.0.0.1:7070]
 * deno task cli build FILE.c... -o IMAGE [-O2]
 * deno task cli list | inspect ID | pause ID | resume ID | kill ID | attach ID ...
 * ```
 *
 * Install it as `denali` with
 * `deno install --global -n denali --allow-read --allow-write --allow-net --allow-env --allow-run --allow-ffi --unstable-worker-options cli.ts`.
 *
 * @module
 */

import { UsageError } from "./cli/args.ts";
import { ApiError, ApiUnreachableError } from "./api/client.ts";
import { type Command, EXIT } from "./cli/command.ts";
import { REMOTE_COMMANDS } from "./cli/remote.ts";
import { runCommand, serveCommand } from "./cli/run.ts";
import { buildCommand } from "./cli/build.ts";

/** Every command, by name, in the order `--help` lists them. */
const COMMANDS: Record<string, Command> = {
  run: runCommand,
  serve: serveCommand,
  build: buildCommand,
  ...REMOTE_COMMANDS,
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const list = Object.entries(COMMANDS)
    .map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`)
    .join("\n");
  return `Usage: denali COMMAND [options]   (deno task cli COMMAND ...)

Denali for Deno: an isolation kernel for many small x86 guests.

Commands:
${list}

Run "denali COMMAND --help" for the options of a command. Commands other than
run and serve talk to a running kernel through its control API (--api ADDR,
default $DENALI_API, else /tmp/denali.sock).

Exit status: 0 success; 1 failure (a guest faulted, the kernel refused, a bad
image); 2 usage error (bad flag, missing file); 3 no kernel answers at the API.`;
}

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    console.log(usage());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) throw new UsageError(`Cannot run command "${name}": try --help`);
  return await command.main(rest);
}

if (import.meta.main) {
  let status: number;
  try {
    status = await main(Deno.args);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`denali: ${message.split("\n")[0]}`);
    status = e instanceof UsageError
      ? EXIT.usage
      : e instanceof ApiUnreachableError
      ? EXIT.unreachable
      : e instanceof ApiError
      ? EXIT.failed
      : EXIT.failed;
  }
  Deno.exit(status);
}
