/**
 * Builds guest images: C (and assembly) sources compiled with `gcc -m32` as freestanding,
 * static, non-PIC ELF32 executables linked with the Denali C runtime in `guests/crt/`
 * (crt0, link.ld, a small libc) and libgcc. Also builds the same sources as ordinary hosted
 * Linux programs ({@linkcode buildNative}) so tests and benchmarks can compare the two.
 *
 * Builds are reproducible (no build ids, no timestamps, source paths mapped to `.`) and
 * cached: an output is rebuilt only when the compiler flags or the contents of its sources,
 * nearby headers or the runtime change. The runtime is compiled once per optimization level
 * into `.build/crt/`.
 *
 * @module
 */

/** Optimization levels a guest may be built at. */
export type OptLevel = "-O0" | "-O1" | "-O2" | "-O3" | "-Os";

/** Options for {@linkcode buildImage} and {@linkcode buildNative}. */
export interface BuildOptions {
  /** C (`.c`) or assembly (`.S`, `.s`) files. */
  sources: string[];
  /** Path of the executable to write (its directory is created). */
  output: string;
  /** Optimization level (default `-O2`); the runtime is built at the same level. */
  opt?: OptLevel;
  /** Preprocessor definitions, `-DNAME=value`. */
  defines?: Record<string, string | number>;
  /** Extra include directories. */
  includeDirs?: string[];
  /** Extra compiler flags, appended last. */
  cflags?: string[];
  /** The gcc to run (default `gcc`). */
  compiler?: string;
  /**
   * A command line baked into the image (guests only): main gets it as argc/argv
   * (words split at spaces; quotes group). Default: argv = {"guest"}.
   */
  commandLine?: string;
}

/**
 * A failed build: the compiler is missing or rejected the sources. The message is one line;
 * `details` holds the compiler's full output.
 *
 * @example
 * ```ts
 * import { BuildError, buildImage } from "./build.ts";
 * try {
 *   await buildImage({ sources: ["missing.c"], output: ".build/x.elf" });
 * } catch (e) {
 *   if (e instanceof BuildError) console.log(e.message);
 * }
 * ```
 */
export class BuildError extends Error {
  /** Compiler output (stderr), possibly empty. */
  readonly details: string;
  /** Builds the error. */
  constructor(message: string, details = "") {
    super(message);
    this.name = "BuildError";
    this.details = details;
  }
}

/** The repository root (parent of `guests/`). */
const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const CRT = `${ROOT}/guests/crt`;
/** The library OS (threads, drivers, network stack), linked into the same archive. */
const LOS = `${ROOT}/guests/los`;
/** Runtime sources relative to guests/: every .c and .S under crt/src and los/src. */
const CRT_SOURCES = [...listSources(CRT, "src"), ...listSources(LOS, "src")];
/** Directories of the runtime's headers (for cache keys). */
const CRT_HEADER_DIRS = [
  `${CRT}/include`,
  `${CRT}/include/sys`,
  `${CRT}/src`,
  `${LOS}/include`,
  `${LOS}/include/los`,
  ...listDirs(LOS, "src"),
];

/** Sorted `dir/sub/**.{c,S}` paths, as absolute paths. */
function listSources(dir: string, sub: string): string[] {
  const out: string[] = [];
  for (const d of listDirs(dir, sub)) {
    for (const e of Deno.readDirSync(d)) {
      if (e.isFile && /\.[cS]$/.test(e.name)) out.push(`${d}/${e.name}`);
    }
  }
  return out.sort();
}

/** `dir/sub` and every directory below it (none if it is missing). */
function listDirs(dir: string, sub: string): string[] {
  const root = `${dir}/${sub}`;
  const out: string[] = [];
  const walk = (d: string) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)];
    } catch {
      return;
    }
    out.push(d);
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory) walk(`${d}/${e.name}`);
    }
  };
  walk(root);
  return out;
}
/** Directory for build outputs (gitignored). */
export const BUILD_DIR = `${ROOT}/.build`;

const MISSING =
  "Cannot build image: gcc -m32 is not available; run `apt-get install -y gcc-multilib`";

/** Code-generation flags shared by guest and native builds. */
const CODEGEN = [
  "-m32",
  "-fno-pic",
  "-fno-pie",
  "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables",
  "-fno-unwind-tables",
  "-mgeneral-regs-only",
  "-std=gnu11",
  "-Wall",
  `-ffile-prefix-map=${ROOT}=.`,
];

interface Toolchain {
  cc: string;
  gccInclude: string;
  version: string;
}

const toolchains = new Map<string, Promise<Toolchain | null>>();

async function run(
  cmd: string,
  args: string[],
): Promise<{ ok: boolean; out: string; err: string }> {
  try {
    const r = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { ok: false, out: "", err: `${cmd}: not found` };
    throw e;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

function findToolchain(cc = "gcc"): Promise<Toolchain | null> {
  let t = toolchains.get(cc);
  if (!t) {
    t = (async () => {
      const lib = await run(cc, ["-m32", "-print-libgcc-file-name"]);
      const path = lib.out.trim();
      if (!lib.ok || !path.startsWith("/") || !(await exists(path))) return null;
      const crt1 = await run(cc, ["-m32", "-print-file-name=crt1.o"]);
      if (!crt1.out.trim().startsWith("/")) return null;
      const inc = await run(cc, ["-m32", "-print-file-name=include"]);
      const ver = await run(cc, ["-dumpfullversion"]);
      return { cc, gccInclude: inc.out.trim(), version: ver.out.trim() };
    })();
    toolchains.set(cc, t);
  }
  return t;
}

/**
 * Whether `gcc -m32` can build both guest and native 32-bit programs here.
 *
 * @example
 * ```ts
 * import { hasGcc32 } from "./build.ts";
 * if (!(await hasGcc32())) console.log("apt-get install -y gcc-multilib");
 * ```
 */
export async function hasGcc32(compiler = "gcc"): Promise<boolean> {
  return (await findToolchain(compiler)) !== null;
}

async function requireToolchain(compiler: string | undefined): Promise<Toolchain> {
  const t = await findToolchain(compiler);
  if (!t) throw new BuildError(MISSING);
  return t;
}

async function hashOf(parts: (string | Uint8Array)[]): Promise<string> {
  const enc = new TextEncoder();
  const chunks = parts.map((p) => (typeof p === "string" ? enc.encode(p + "\0") : p));
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) all.set(c, at), at += c.length;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return Array.from(digest.subarray(0, 12), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Contents of the files plus every header in their directories, for cache keys. */
async function contentsOf(files: string[], dirs: string[]): Promise<(string | Uint8Array)[]> {
  const out: (string | Uint8Array)[] = [];
  const seen = new Set<string>();
  const add = async (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    out.push(path);
    try {
      out.push(await Deno.readFile(path));
    } catch {
      throw new BuildError(`Cannot build image: source ${path} is not readable`);
    }
  };
  for (const f of files) await add(f);
  for (const d of dirs) {
    let names: string[] = [];
    try {
      names = [...Deno.readDirSync(d)].filter((e) => e.isFile && e.name.endsWith(".h"))
        .map((e) => e.name).sort();
    } catch {
      continue;
    }
    for (const n of names) await add(`${d}/${n}`);
  }
  return out;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

async function gcc(t: Toolchain, args: string[], what: string): Promise<void> {
  const r = await run(t.cc, args);
  if (!r.ok) {
    const first = r.err.split("\n").find((l) => /error|undefined reference/.test(l)) ??
      r.err.split("\n")[0] ?? "";
    throw new BuildError(`Cannot build ${what}: ${first.trim()}`, r.err);
  }
}

/** Writes via a temporary name then renames, so concurrent builds never see half a file. */
async function publish(tmp: string, final: string): Promise<void> {
  await Deno.rename(tmp, final);
}

function tmpName(path: string): string {
  return `${path}.tmp-${Deno.pid}-${Math.random().toString(36).slice(2)}`;
}

function defineFlags(defines: Record<string, string | number> | undefined): string[] {
  return Object.entries(defines ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `-D${k}=${v}`);
}

const crtBuilds = new Map<string, Promise<string>>();

/** Builds (once per flags and contents) the runtime for `opt`; returns its directory. */
function buildCrt(t: Toolchain, opt: OptLevel): Promise<string> {
  const flags = crtFlags(t, opt);
  const key = [t.cc, ...flags].join(" ");
  let p = crtBuilds.get(key);
  if (!p) {
    p = (async () => {
      const files = [`${CRT}/crt0.S`, `${CRT}/link.ld`, ...CRT_SOURCES];
      const hash = await hashOf([t.version, key, ...await contentsOf(files, CRT_HEADER_DIRS)]);
      const dir = `${BUILD_DIR}/crt/${opt.slice(1)}-${hash}`;
      if (await exists(`${dir}/libdenali.a`)) return dir;
      const tmp = tmpName(dir);
      await Deno.mkdir(tmp, { recursive: true });
      const sources = [`${CRT}/crt0.S`, ...CRT_SOURCES];
      const objects = sources.map((s) => {
        const rel = s.slice(ROOT.length + "/guests/".length);
        const base = rel === "crt/crt0.S" ? "crt0" : rel.replace(/\//g, "_").replace(/\.[cS]$/, "");
        return `${tmp}/${base}.o`;
      });
      // Compile a few at a time (the runtime has dozens of small files).
      let next = 0;
      const worker = async () => {
        while (next < sources.length) {
          const i = next++;
          const s = sources[i]!;
          const rel = s.slice(ROOT.length + "/guests/".length);
          const extra = rel.endsWith(".c") ? ["-fno-tree-loop-distribute-patterns"] : [];
          await gcc(t, [...flags, ...extra, "-c", s, "-o", objects[i]!], `runtime ${rel}`);
        }
      };
      await Promise.all([worker(), worker(), worker()]);
      const libObjects = objects.slice(1);
      const ar = await run("ar", ["rcsD", `${tmp}/libdenali.a`, ...libObjects]);
      if (!ar.ok) throw new BuildError(`Cannot build runtime: ar failed: ${ar.err.split("\n")[0]}`);
      try {
        await publish(tmp, dir);
      } catch {
        // Another process published the same runtime first; use theirs.
        await Deno.remove(tmp, { recursive: true }).catch(() => {});
      }
      return dir;
    })();
    p.catch(() => crtBuilds.delete(key));
    crtBuilds.set(key, p);
  }
  return p;
}

function crtFlags(t: Toolchain, opt: OptLevel): string[] {
  return [
    ...CODEGEN,
    opt,
    "-ffreestanding",
    "-nostdinc",
    "-isystem",
    t.gccInclude,
    "-I",
    `${CRT}/include`,
    "-I",
    `${LOS}/include`,
    "-ffunction-sections",
    "-fdata-sections",
  ];
}

/**
 * Builds a freestanding guest image (static ELF32 i386 at 0x10000, see `guests/crt/link.ld`)
 * and returns the path of the ELF file. Throws {@linkcode BuildError} when gcc -m32 is
 * missing or the build fails.
 *
 * @example
 * ```ts
 * import { buildImage } from "./build.ts";
 * const src = await Deno.makeTempFile({ suffix: ".c" });
 * await Deno.writeTextFile(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
 * const path = await buildImage({ sources: [src], output: `${src}.elf`, opt: "-Os" });
 * const elf = await Deno.readFile(path); // load it with kernel/image.ts
 * ```
 */
export async function buildImage(options: BuildOptions): Promise<string> {
  const t = await requireToolchain(options.compiler);
  const opt = options.opt ?? "-O2";
  const crt = await buildCrt(t, opt);
  if (options.commandLine !== undefined) {
    options = {
      ...options,
      sources: [...options.sources, await commandLineSource(options.commandLine)],
    };
  }
  const includes = (options.includeDirs ?? []).flatMap((d) => ["-I", d]);
  const args = [
    ...crtFlags(t, opt),
    ...includes,
    ...defineFlags(options.defines),
    ...(options.cflags ?? []),
    "-nostdlib",
    "-static",
    "-no-pie",
    "-Wl,--build-id=none",
    "-Wl,--gc-sections",
    "-Wl,-z,noexecstack",
    `-Wl,-T,${CRT}/link.ld`,
    `${crt}/crt0.o`,
    ...options.sources,
    "-Wl,--start-group",
    `${crt}/libdenali.a`,
    "-lgcc",
    "-Wl,--end-group",
  ];
  return await cachedLink(t, args, options, "image");
}

/** A C file defining `dn_command_line` (guests/crt/src/start.c), cached by content. */
async function commandLineSource(line: string): Promise<string> {
  const text = `const char dn_command_line[] = ${JSON.stringify(line)};\n`;
  const dir = `${BUILD_DIR}/cmdline`;
  const path = `${dir}/${await hashOf([text])}.c`;
  if (!(await exists(path))) {
    await Deno.mkdir(dir, { recursive: true });
    const tmp = tmpName(path);
    await Deno.writeTextFile(tmp, text);
    await publish(tmp, path);
  }
  return path;
}

/**
 * Builds the same sources as an ordinary hosted 32-bit Linux program (glibc, `gcc -m32`),
 * with the guest's code-generation flags. Returns the executable's path.
 *
 * @example
 * ```ts
 * import { buildNative } from "./build.ts";
 * const src = await Deno.makeTempFile({ suffix: ".c" });
 * await Deno.writeTextFile(src, '#include <stdio.h>\nint main(void) { puts("hi"); return 0; }\n');
 * const exe = await buildNative({ sources: [src], output: `${src}.native` });
 * const out = await new Deno.Command(exe).output(); // stdout "hi\n"
 * ```
 */
export async function buildNative(options: BuildOptions): Promise<string> {
  const t = await requireToolchain(options.compiler);
  const includes = (options.includeDirs ?? []).flatMap((d) => ["-I", d]);
  const args = [
    ...CODEGEN,
    options.opt ?? "-O2",
    ...includes,
    ...defineFlags(options.defines),
    ...(options.cflags ?? []),
    "-no-pie",
    "-Wl,--build-id=none",
    ...options.sources,
  ];
  return await cachedLink(t, args, options, "native program");
}

async function cachedLink(
  t: Toolchain,
  args: string[],
  options: BuildOptions,
  what: string,
): Promise<string> {
  const dirs = [...new Set([...options.sources.map(dirOf), ...(options.includeDirs ?? [])])];
  const hash = await hashOf([t.cc, t.version, ...args, ...await contentsOf(options.sources, dirs)]);
  const stamp = `${options.output}.stamp`;
  if (await exists(options.output)) {
    const old = await Deno.readTextFile(stamp).catch(() => "");
    if (old === hash) return options.output;
  }
  await Deno.mkdir(dirOf(options.output), { recursive: true });
  const tmp = tmpName(options.output);
  const name = options.sources.map((s) => s.slice(s.lastIndexOf("/") + 1)).join(", ");
  try {
    await gcc(t, [...args, "-o", tmp], `${what} from ${name}`);
    await publish(tmp, options.output);
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
  const tmpStamp = tmpName(stamp);
  await Deno.writeTextFile(tmpStamp, hash);
  await publish(tmpStamp, stamp);
  return options.output;
}
