/**
 * The native reference: builds runner.c with `gcc -m32` (cached in .cache/ by a hash of the
 * source and flags) and drives one runner process, natively or under qemu-i386, over pipes with
 * the binary protocol described in runner.c.
 *
 * @module
 */

import type { Case } from "./gen.ts";
import { DATA_SIZE } from "./layout.ts";
import { type Engine, type MachineState, NATIVE_OUTCOMES } from "./machine.ts";

const HERE = new URL(".", import.meta.url).pathname;
const SOURCE = `${HERE}runner.c`;
const CACHE = `${HERE}.cache`;
const CFLAGS = ["-m32", "-O2", "-no-pie", "-fno-pie", "-Wall"];
const CASE_TAG = 0xc0de0001, RESULT_TAG = 0x5e5a0001;

/**
 * Raised when the native toolchain or qemu is missing; the message says what to install.
 *
 * @example
 * ```ts
 * import { buildRunner, ReferenceUnavailable } from "./native.ts";
 * try { await buildRunner(); } catch (e) { if (e instanceof ReferenceUnavailable) console.log(e.message); }
 * ```
 */
export class ReferenceUnavailable extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "ReferenceUnavailable";
  }
}

async function sha256(text: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(d), (x) => x.toString(16).padStart(2, "0")).join("").slice(
    0,
    16,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds runner.c unless a binary for this exact source is cached; returns its path. Throws
 * {@linkcode ReferenceUnavailable} when `gcc -m32` cannot build it.
 *
 * @example
 * ```ts
 * import { buildRunner } from "./native.ts";
 * console.log(await buildRunner());
 * ```
 */
export async function buildRunner(): Promise<string> {
  const src = await Deno.readTextFile(SOURCE);
  const bin = `${CACHE}/runner-${await sha256(CFLAGS.join(" ") + "\n" + src)}`;
  if (await exists(bin)) return bin;
  await Deno.mkdir(CACHE, { recursive: true });
  const tmp = `${bin}.tmp${Deno.pid}`;
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("gcc", {
      args: [...CFLAGS, "-o", tmp, SOURCE],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new ReferenceUnavailable(
        "Cannot build the native runner: gcc is missing; apt-get install -y gcc-multilib",
      );
    }
    throw e;
  }
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr);
    if (/bits\/|gnu\/stubs|cannot find|skipping incompatible|No such file/.test(err)) {
      throw new ReferenceUnavailable(
        "Cannot build the native runner: gcc -m32 does not work; apt-get install -y gcc-multilib",
      );
    }
    throw new Error(`Cannot build the native runner: gcc failed: ${err.trim().split("\n")[0]}`);
  }
  await Deno.rename(tmp, bin);
  return bin;
}

/** Reads exact byte counts from a stream. */
class ByteReader {
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #buf = new Uint8Array(0);
  #pos = 0;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.#reader = stream.getReader();
  }

  async exact(n: number): Promise<Uint8Array> {
    while (this.#buf.length - this.#pos < n) {
      const { value, done } = await this.#reader.read();
      if (done) throw new Error("Cannot read the runner's results: it exited early");
      const rest = this.#buf.subarray(this.#pos);
      const next = new Uint8Array(rest.length + value.length);
      next.set(rest);
      next.set(value, rest.length);
      this.#buf = next;
      this.#pos = 0;
    }
    const out = this.#buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  release(): void {
    this.#reader.releaseLock();
  }
}

/**
 * Encodes a batch of cases for runner.c (see its header comment for the format).
 *
 * @example
 * ```ts
 * import { encodeBatch } from "./native.ts";
 * import { generateCase } from "./gen.ts";
 * console.log(encodeBatch([generateCase(1)]).length % 4); // 0
 * ```
 */
export function encodeBatch(cases: readonly Case[]): Uint8Array {
  let words = 1;
  for (const c of cases) words += 14 + c.pokes.length + Math.ceil(c.code.length / 4);
  const out = new Uint8Array(words * 4);
  const v = new DataView(out.buffer);
  let p = 0;
  const put = (x: number) => {
    v.setUint32(p, x >>> 0, true);
    p += 4;
  };
  put(cases.length);
  for (const c of cases) {
    put(CASE_TAG);
    put(c.code.length);
    for (const r of c.regs) put(r);
    put(c.eflags);
    put(c.memSeed);
    put(c.pokes.length);
    put(0);
    for (const k of c.pokes) put(k);
    out.set(c.code, p);
    p += Math.ceil(c.code.length / 4) * 4;
  }
  return out;
}

/**
 * A runner process: the real CPU ("native") or qemu-i386 ("qemu") running runner.c.
 *
 * @example
 * ```ts
 * import { NativeEngine } from "./native.ts";
 * const e = await NativeEngine.start("native");
 * await e.close();
 * ```
 */
export class NativeEngine implements Engine {
  readonly name: string;
  #child: Deno.ChildProcess;
  #reader: ByteReader;
  #writer: WritableStreamDefaultWriter<Uint8Array>;

  private constructor(name: string, child: Deno.ChildProcess) {
    this.name = name;
    this.#child = child;
    this.#reader = new ByteReader(child.stdout);
    this.#writer = child.stdin.getWriter();
  }

  /** Builds the runner if needed and starts it natively or under qemu-i386. */
  static async start(ref: "native" | "qemu"): Promise<NativeEngine> {
    const bin = await buildRunner();
    const [cmd, args] = ref === "qemu" ? ["qemu-i386", [bin]] : [bin, []];
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "inherit" })
        .spawn();
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new ReferenceUnavailable(
          `Cannot start ${cmd}: not found; apt-get install -y qemu-user`,
        );
      }
      throw e;
    }
    return new NativeEngine(ref, child);
  }

  /** Runs a batch; see {@linkcode Engine.run}. */
  async run(cases: readonly Case[], initial: readonly Uint8Array[]): Promise<MachineState[]> {
    const written = this.#writer.write(encodeBatch(cases));
    const out: MachineState[] = [];
    for (let k = 0; k < cases.length; k++) {
      const head = new DataView((await this.#reader.exact(56)).slice().buffer);
      const w = (i: number) => head.getUint32(i * 4, true);
      if (w(0) !== RESULT_TAG) throw new Error("Cannot read the runner's results: bad tag");
      const data = initial[k]!.slice();
      const n = w(13);
      if (n > DATA_SIZE / 4) throw new Error("Cannot read the runner's results: bad diff count");
      const diffs = new DataView((await this.#reader.exact(n * 8)).slice().buffer);
      const dv = new DataView(data.buffer);
      for (let i = 0; i < n; i++) {
        dv.setUint32(diffs.getUint32(i * 8, true), diffs.getUint32(i * 8 + 4, true), true);
      }
      out.push({
        outcome: NATIVE_OUTCOMES[w(1)] ?? `other: status ${w(1)}`,
        eip: w(2),
        regs: [w(3), w(4), w(5), w(6), w(7), w(8), w(9), w(10)],
        eflags: w(11),
        faultAddress: w(12),
        data,
      });
    }
    await written;
    return out;
  }

  /** Ends the process. */
  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    this.#reader.release();
    await this.#child.stdout.cancel().catch(() => {});
    await this.#child.status;
  }
}
