/**
 * `denali build` (cli/build.ts): compiles C into a guest image that
 * `denali run` runs, bakes a command line into it, and reports a missing
 * output or a compile error in one line.
 */
import { assert } from "./_assert.ts";
import { hasGcc32 } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
const CLI = new URL("../cli.ts", import.meta.url).pathname;

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--unstable-worker-options", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test({
  name: "denali build makes an image that denali run runs, with a baked-in command line",
  ignore: !HAVE_GCC,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "denali-build-" });
    try {
      await Deno.writeTextFile(
        `${dir}/args.c`,
        '#include <stdio.h>\nint main(int argc, char **argv) {\n  for (int i = 0; i < argc; i++) printf("[%s]", argv[i]);\n  printf("\\n");\n  return argc;\n}\n',
      );
      const built = await cli(
        "build",
        `${dir}/args.c`,
        "-o",
        `${dir}/args.elf`,
        "-Os",
        "--cmdline",
        "prog one 'two words'",
      );
      assert.equal(built.code, 0, built.err);
      assert.match(built.err, /built .*args\.elf/);
      const ran = await cli("run", `${dir}/args.elf`, "--stats", "none");
      assert.equal(ran.out, "[prog][one][two words]\n");
      assert.equal(ran.code, 3);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "denali build reports a missing -o and a compile error in one line",
  ignore: !HAVE_GCC,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "denali-build-" });
    try {
      await Deno.writeTextFile(`${dir}/bad.c`, "int main(void) { return nope; }\n");
      const noOut = await cli("build", `${dir}/bad.c`);
      assert.equal(noOut.code, 2);
      assert.match(noOut.err, /^denali: Cannot build: no output image \(-o IMAGE\)\n$/);
      const bad = await cli("build", `${dir}/bad.c`, "-o", `${dir}/bad.elf`);
      assert.equal(bad.code, 1);
      assert.match(
        bad.err,
        /denali: Cannot build image from bad\.c: .*['‘]nope['’] undeclared/,
      );
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
