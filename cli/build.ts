/**
 * `denali build`: compiles C (and assembly) sources into a guest image with
 * gcc -m32, the guest C runtime and the library OS (guests/build.ts).
 *
 * @module
 */

import { BuildError, buildImage, type OptLevel } from "../guests/build.ts";
import { UsageError } from "./args.ts";
import { type Command, EXIT } from "./command.ts";

const BUILD_USAGE =
  `Usage: denali build FILE.c... -o IMAGE [-O0|-O1|-O2|-O3|-Os] [-D NAME[=VALUE]]... [-I DIR]...

Compiles C (.c) and assembly (.S, .s) sources into a freestanding static ELF32
guest image with gcc -m32, linked with the guest C runtime (guests/crt: libc
subset) and the library OS (guests/los: threads, drivers, TCP/IP, sockets).
Builds are reproducible and cached (.build/). Run the image with
"denali run IMAGE".

Options:
  -o IMAGE        the image to write (required)
  -O LEVEL        optimization: -O0, -O1, -O2 (default), -O3 or -Os
  -D NAME=VALUE   a preprocessor definition (repeatable)
  -I DIR          an include directory (repeatable)
  --cmdline LINE  bake a command line into the image: main gets it as argc/argv
                  (a VM has no command line; default argv is {"guest"})
  -h, --help      show this help

Needs gcc with 32-bit support (Debian: apt-get install -y gcc-multilib).`;

const LEVELS = ["-O0", "-O1", "-O2", "-O3", "-Os"] as const;

/** Parsed arguments of `denali build`. */
interface BuildArgs {
  sources: string[];
  output: string;
  opt: OptLevel;
  defines: Record<string, string>;
  includeDirs: string[];
  commandLine?: string;
}

/** Where relative paths start: the directory `deno task` was started in, else the cwd. */
function baseDir(): string {
  let init: string | undefined;
  try {
    init = Deno.env.get("INIT_CWD");
  } catch {
    init = undefined; // no --allow-env
  }
  return init ?? Deno.cwd();
}

function absolute(p: string): string {
  return p.startsWith("/") ? p : `${baseDir()}/${p}`;
}

function parseBuild(args: string[]): BuildArgs | "help" {
  const out: BuildArgs = { sources: [], output: "", opt: "-O2", defines: {}, includeDirs: [] };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (flag: string, inline: string): string => {
      if (inline) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`Cannot parse arguments: ${flag} needs a value`);
      return v;
    };
    if (a === "-h" || a === "--help") return "help";
    if (a === "-o" || a === "--output") out.output = value(a, "");
    else if (a.startsWith("-O")) {
      const level = a.length === 2 ? `-O${value(a, "")}` : a;
      if (!(LEVELS as readonly string[]).includes(level)) {
        throw new UsageError(`Cannot parse ${a}: not one of ${LEVELS.join(", ")}`);
      }
      out.opt = level as OptLevel;
    } else if (a.startsWith("-D")) {
      const def = value("-D", a.slice(2));
      const eq = def.indexOf("=");
      out.defines[eq < 0 ? def : def.slice(0, eq)] = eq < 0 ? "1" : def.slice(eq + 1);
    } else if (a.startsWith("-I")) out.includeDirs.push(value("-I", a.slice(2)));
    else if (a === "--cmdline") out.commandLine = value(a, "");
    else if (a.startsWith("-")) throw new UsageError(`Cannot parse arguments: unknown option ${a}`);
    else out.sources.push(a);
  }
  if (out.sources.length === 0) throw new UsageError("Cannot build: no source files (see --help)");
  if (!out.output) throw new UsageError("Cannot build: no output image (-o IMAGE)");
  for (const s of out.sources) {
    try {
      Deno.statSync(absolute(s));
    } catch {
      throw new UsageError(`Cannot build: source ${s} is not readable`);
    }
  }
  return out;
}

/**
 * The `build` command.
 *
 * @example
 * ```ts
 * import { buildCommand } from "./build.ts";
 * console.log(buildCommand.summary);
 * // await buildCommand.main(["hello.c", "-o", "hello.elf"]); // 0 on success
 * ```
 */
export const buildCommand: Command = {
  summary: "compile C sources into a guest image (gcc -m32, libc subset, library OS)",
  async main(args: string[]): Promise<number> {
    const parsed = parseBuild(args);
    if (parsed === "help") {
      console.log(BUILD_USAGE);
      return EXIT.ok;
    }
    const abs = absolute;
    try {
      const path = await buildImage({
        sources: parsed.sources.map(abs),
        output: abs(parsed.output),
        opt: parsed.opt,
        defines: parsed.defines,
        includeDirs: parsed.includeDirs.map(abs),
        ...(parsed.commandLine !== undefined ? { commandLine: parsed.commandLine } : {}),
      });
      const size = (await Deno.stat(path)).size;
      console.error(`denali: built ${parsed.output} (${size} bytes, ${parsed.opt})`);
      return EXIT.ok;
    } catch (e) {
      if (!(e instanceof BuildError)) throw e;
      if (e.details) console.error(e.details.trimEnd());
      console.error(`denali: ${e.message}`);
      return EXIT.failed;
    }
  },
};
