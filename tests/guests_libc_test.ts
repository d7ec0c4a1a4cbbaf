/**
 * The libc subset (guests/crt) against glibc: the test programs in
 * guests/crt/tests print the same and exit with the same code when built as
 * guests and run in the kernel as when built natively (-O0 in the interpreter, -O2 with the
 * JIT tier).
 */
import { assert } from "./_assert.ts";
import { buildGuest, describeExit, hasGcc32, runGuest, runNative } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn("guests_libc_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)");
}

for (const name of ["libc_strings", "libc_stdlib", "libc_memory"]) {
  Deno.test({
    name: `libc: ${name}.c prints the same as natively at -O0 and -O2`,
    ignore: !HAVE_GCC,
    fn: async () => {
      const src = [`crt/tests/${name}.c`];
      const expected = await runNative(name, src);
      assert.ok(expected.stdout.length > 0);
      for (const opt of ["-O0", "-O2"] as const) {
        const image = await buildGuest(name, src, opt);
        // -O0 in the interpreter alone, -O2 with the kernel's default (JIT) tier.
        const r = await runGuest(image, opt === "-O0" ? { jit: "off" } : {});
        assert.equal(r.exit.state, "exited", describeExit(r.exit));
        assert.equal(r.output, expected.stdout, `${name} ${opt}`);
        assert.equal(r.exit.code, expected.code, `${name} ${opt} exit code`);
      }
    },
  });
}
