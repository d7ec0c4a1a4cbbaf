/**
 * Real C programs (tests/programs/*.c) built freestanding with the guest runtime at -O0, -O2
 * and -Os and run in our CPU must print exactly what the same source prints when built as an
 * ordinary 32-bit Linux program with glibc, and exit with the same code.
 */
import { assert } from "./_assert.ts";
import { BUILD_DIR, buildImage, buildNative, hasGcc32, type OptLevel } from "../guests/build.ts";
import { runImage } from "./programs/_run.ts";

const DIR = new URL("./programs/", import.meta.url).pathname;
const PROGRAMS = [...Deno.readDirSync(DIR)]
  .filter((e) => e.isFile && e.name.endsWith(".c"))
  .map((e) => e.name.slice(0, -2))
  .sort();
const OPTS: OptLevel[] = ["-O0", "-O2", "-Os"];
const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn(
    "tests/programs_test.ts skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)",
  );
}

async function native(name: string): Promise<{ stdout: string; code: number }> {
  const exe = await buildNative({
    sources: [`${DIR}${name}.c`],
    output: `${BUILD_DIR}/programs/${name}.native`,
  });
  const r = await new Deno.Command(exe, { stdout: "piped", stderr: "inherit" }).output();
  return { stdout: new TextDecoder().decode(r.stdout), code: r.code };
}

Deno.test("tests/programs holds at least five C programs", () => {
  assert.ok(PROGRAMS.length >= 5, PROGRAMS.join(", "));
});

for (const name of PROGRAMS) {
  Deno.test({
    name: `${name}.c prints the same in our CPU at -O0, -O2 and -Os as natively`,
    ignore: !HAVE_GCC,
    fn: async () => {
      const expected = await native(name);
      assert.ok(expected.stdout.length > 0, "the native program prints something");
      for (const opt of OPTS) {
        const elf = await buildImage({
          sources: [`${DIR}${name}.c`],
          output: `${BUILD_DIR}/programs/${name}${opt}.elf`,
          opt,
        });
        const got = runImage(await Deno.readFile(elf), { maxInstructions: 200_000_000 });
        assert.equal(got.console, expected.stdout, `${name} ${opt} console output`);
        assert.equal(got.exitCode, expected.code, `${name} ${opt} exit code`);
      }
    },
  });
}
