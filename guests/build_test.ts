import { assert } from "../tests/_assert.ts";
import { BUILD_DIR, BuildError, buildImage, hasGcc32 } from "./build.ts";
import { parseImage } from "../kernel/image.ts";

const HAVE_GCC = await hasGcc32();
const OUT = `${BUILD_DIR}/build_test`;
const HELLO = `${OUT}/hello.c`;

async function source(path: string, text: string): Promise<string> {
  await Deno.mkdir(OUT, { recursive: true });
  await Deno.writeTextFile(path, text);
  return path;
}

Deno.test({
  name: "buildImage makes a static ELF at 0x10000 with read-only text and writable data",
  ignore: !HAVE_GCC,
  fn: async () => {
    await source(
      HELLO,
      '#include <stdio.h>\nint n = 3;\nint main(void) { printf("hi %d\\n", n); return n; }\n',
    );
    const path = await buildImage({ sources: [HELLO], output: `${OUT}/hello.elf`, opt: "-Os" });
    const img = parseImage(await Deno.readFile(path));
    assert.equal(img.entry, 0x10000);
    const [text, ...rest] = img.segments;
    assert.equal(text!.address, 0x10000);
    assert.ok(text!.executable && !text!.writable);
    assert.ok(rest.some((s) => s.writable && !s.executable), "a writable data segment");
    for (const s of img.segments) assert.equal(s.address % 4096, 0, "segments are page-aligned");
  },
});

Deno.test({
  name: "buildImage is reproducible: two builds of the same source are byte-identical",
  ignore: !HAVE_GCC,
  fn: async () => {
    await source(HELLO, '#include <stdio.h>\nint main(void) { puts("same"); return 0; }\n');
    const a = await buildImage({ sources: [HELLO], output: `${OUT}/a.elf`, opt: "-O2" });
    const b = await buildImage({ sources: [HELLO], output: `${OUT}/b.elf`, opt: "-O2" });
    assert.deepEqual(await Deno.readFile(a), await Deno.readFile(b));
  },
});

Deno.test({
  name: "buildImage rebuilds when a source changes and reuses the output otherwise",
  ignore: !HAVE_GCC,
  fn: async () => {
    const src = await source(`${OUT}/change.c`, "int main(void) { return 1; }\n");
    const out = `${OUT}/change.elf`;
    const first = await Deno.readFile(await buildImage({ sources: [src], output: out }));
    const mtime = (await Deno.stat(out)).mtime;
    await buildImage({ sources: [src], output: out });
    assert.deepEqual((await Deno.stat(out)).mtime, mtime, "cached");
    await source(src, "int main(void) { return 2 + 40; }\n");
    const second = await Deno.readFile(await buildImage({ sources: [src], output: out }));
    assert.notDeepEqual(first, second);
  },
});

Deno.test({
  name: "buildImage reports compile errors and missing sources in one line",
  ignore: !HAVE_GCC,
  fn: async () => {
    const bad = await source(`${OUT}/bad.c`, "int main(void) { return nope; }\n");
    await assert.rejects(buildImage({ sources: [bad], output: `${OUT}/bad.elf` }), (e: unknown) => {
      assert.ok(e instanceof BuildError);
      assert.match(e.message, /^Cannot build image from bad\.c: .*nope/);
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.details, /error/);
      return true;
    });
    await assert.rejects(
      buildImage({ sources: [`${OUT}/absent.c`], output: `${OUT}/absent.elf` }),
      /^BuildError: Cannot build image: source .*absent\.c is not readable$/,
    );
  },
});

Deno.test({
  name: "buildImage rejects floating point at link time (guests are integer-only)",
  ignore: !HAVE_GCC,
  fn: async () => {
    const src = await source(
      `${OUT}/float.c`,
      "volatile int k = 3;\nint main(void) { float f = k; return (int)(f * 1.5f); }\n",
    );
    await assert.rejects(buildImage({ sources: [src], output: `${OUT}/float.elf` }), BuildError);
  },
});

Deno.test("buildImage without gcc -m32 says how to install it", async () => {
  await assert.rejects(
    buildImage({ sources: [HELLO], output: `${OUT}/x.elf`, compiler: "no-such-gcc-here" }),
    (e: unknown) => {
      assert.ok(e instanceof BuildError);
      assert.equal(
        e.message,
        "Cannot build image: gcc -m32 is not available; run `apt-get install -y gcc-multilib`",
      );
      return true;
    },
  );
  assert.equal(await hasGcc32("no-such-gcc-here"), false);
});
