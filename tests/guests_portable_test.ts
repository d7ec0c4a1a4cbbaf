/**
 * Portable C that nobody here wrote, compiled unchanged against the guest
 * libc and library OS, must print (byte for byte) what it prints natively:
 *
 * - zlib's `enough` (Mark Adler), from Debian's zlib1g-dev package
 *   (/usr/share/doc/zlib1g-dev/examples/enough.c), with command lines baked
 *   into the image;
 * - zlib 1.2.13 itself (Debian's source package, fetched by the opt-in
 *   `sh guests/examples/portable/fetch_sources.sh` into .build/portable/):
 *   its inflate coverage test (test/infcover.c), and `minigzip`
 *   (test/minigzip.c) and `zpipe` (examples/zpipe.c) compressing and
 *   decompressing stdin (the keyboard) to stdout (the console).
 *
 * Each part is skipped, with the reason, when its sources are missing.
 */
import { assert } from "./_assert.ts";
import { BUILD_DIR, buildImage } from "../guests/build.ts";
import { describeExit, hasGcc32, runGuest, runNative } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
const ENOUGH = "/usr/share/doc/zlib1g-dev/examples/enough.c";
const ZLIB = `${BUILD_DIR}/portable/zlib-src`;
const exists = (p: string) => {
  try {
    Deno.statSync(p);
    return true;
  } catch {
    return false;
  }
};
const skipEnough = !HAVE_GCC
  ? "gcc -m32 is missing (apt-get install -y gcc-multilib)"
  : !exists(ENOUGH)
  ? `${ENOUGH} is missing (apt-get install -y zlib1g-dev)`
  : null;
const skipZlib = !HAVE_GCC
  ? "gcc -m32 is missing"
  : !exists(`${ZLIB}/zlib.h`)
  ? "zlib sources are missing (sh guests/examples/portable/fetch_sources.sh)"
  : null;
if (skipEnough) console.warn(`guests_portable_test: enough skipped: ${skipEnough}`);
if (skipZlib) console.warn(`guests_portable_test: zlib skipped: ${skipZlib}`);

const ZLIB_CORE = [
  "adler32.c",
  "compress.c",
  "crc32.c",
  "deflate.c",
  "infback.c",
  "inffast.c",
  "inflate.c",
  "inftrees.c",
  "trees.c",
  "uncompr.c",
  "zutil.c",
  "gzclose.c",
  "gzlib.c",
  "gzread.c",
  "gzwrite.c",
].map((f) => `${ZLIB}/${f}`);

/** Builds `sources` as a guest with `commandLine` and runs it with `stdin`. */
async function guest(name: string, sources: string[], commandLine: string, stdin?: Uint8Array) {
  const path = await buildImage({
    sources,
    output: `${BUILD_DIR}/portable/${name}.elf`,
    includeDirs: [ZLIB],
    cflags: ["-w"], // their code, their warnings
    commandLine,
  });
  return await runGuest(await Deno.readFile(path), {
    jit: "off",
    memSize: 16 << 20,
    ...(stdin ? { stdin } : {}),
  });
}

Deno.test({
  name: "portable C: zlib's enough.c prints the same as natively",
  ignore: skipEnough !== null,
  fn: async () => {
    for (const args of [["30", "6", "15"], ["19", "5", "9"]]) {
      const native = await runNative("enough", [ENOUGH], { args });
      const r = await guest(`enough-${args.join("-")}`, [ENOUGH], `enough ${args.join(" ")}`);
      assert.equal(r.exit.state, "exited", describeExit(r.exit));
      assert.equal(r.output, native.stdout, `enough ${args.join(" ")}`);
      assert.equal(r.exit.code, native.code);
    }
  },
});

Deno.test({
  name: "portable C: zlib's inflate coverage test (infcover.c) prints the same as natively",
  ignore: skipZlib !== null,
  fn: async () => {
    const sources = [...ZLIB_CORE, `${ZLIB}/test/infcover.c`];
    const native = await runNative("infcover", sources, { includeDirs: [ZLIB], cflags: ["-w"] });
    const r = await guest("infcover", sources, "infcover");
    assert.equal(r.exit.code, native.code, describeExit(r.exit));
    assert.ok(native.stderr.length > 1000);
    assert.equal(r.output, native.stdout + native.stderr); // it writes only to stderr
  },
});

Deno.test({
  name: "portable C: zlib's minigzip and zpipe compress and decompress stdin exactly as natively",
  ignore: skipZlib !== null,
  fn: async () => {
    const text = new TextEncoder().encode(
      Array.from({ length: 400 }, (_, i) => `line ${i}: ${"denali ".repeat(i % 9)}${i * i}\n`)
        .join(""),
    );
    for (const [prog, file] of [["minigzip", "test/minigzip.c"], ["zpipe", "examples/zpipe.c"]]) {
      const sources = [...ZLIB_CORE, `${ZLIB}/${file}`];
      const opts = { includeDirs: [ZLIB], cflags: ["-w"] };
      const packedNative = await runNative(prog!, sources, { ...opts, stdin: text });
      const packed = await guest(prog!, sources, prog!, text);
      assert.equal(packed.exit.code, 0, describeExit(packed.exit));
      assert.ok(packed.bytes.length > 0 && packed.bytes.length < text.length / 2, "compressed");
      assert.deepEqual(packed.bytes, packedNative.bytes, `${prog} compresses as natively`);
      const unpacked = await guest(`${prog}-d`, sources, `${prog} -d`, packed.bytes);
      assert.equal(unpacked.exit.code, 0, describeExit(unpacked.exit));
      assert.deepEqual(unpacked.bytes, text, `${prog} -d gives the text back`);
    }
  },
});
