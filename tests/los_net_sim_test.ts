/**
 * The library OS's TCP/IP stack, natively: guests/los/tests/net_sim.c joins
 * three stacks over an in-memory Ethernet with seeded loss and checks ping,
 * UDP, bulk TCP transfers byte for byte, zero windows, half-close, refusal
 * and reset, and that every connection is freed afterwards.
 */
import { assert } from "./_assert.ts";
import { BUILD_DIR, buildNative, hasGcc32 } from "../guests/build.ts";
import { GUESTS } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn("los_net_sim_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)");
}

async function simulator(): Promise<string> {
  const net = [...Deno.readDirSync(`${GUESTS}los/src/net`)]
    .filter((e) => e.name.endsWith(".c"))
    .map((e) => `${GUESTS}los/src/net/${e.name}`)
    .sort();
  return await buildNative({
    sources: [`${GUESTS}los/tests/net_sim.c`, ...net],
    output: `${BUILD_DIR}/guests/net_sim.native`,
    includeDirs: [`${GUESTS}los/include`],
  });
}

async function run(loss: number, seed: number): Promise<{ code: number; out: string }> {
  const exe = await simulator();
  const r = await new Deno.Command(exe, { args: [`${loss}`, `${seed}`], stdout: "piped" })
    .output();
  return { code: r.code, out: new TextDecoder().decode(r.stdout) };
}

Deno.test({
  name: "TCP/IP stack (native): every scenario passes on a lossless wire",
  ignore: !HAVE_GCC,
  fn: async () => {
    const r = await run(0, 1);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /tcp 1 MiB: 1 stream\(s\), 1048576 bytes intact/);
    assert.match(r.out, /ALL PASSED/);
  },
});

Deno.test({
  name: "TCP/IP stack (native): transfers stay byte-exact with 5% loss, over ten seeds",
  ignore: !HAVE_GCC,
  fn: async () => {
    for (let seed = 1; seed <= 10; seed++) {
      const r = await run(5, seed);
      assert.equal(r.code, 0, `seed ${seed}:\n${r.out}`);
      assert.match(r.out, /retransmits [1-9]/, "loss forced retransmissions");
    }
  },
});

Deno.test({
  name: "TCP/IP stack (native): transfers complete with 20% loss",
  ignore: !HAVE_GCC,
  fn: async () => {
    const r = await run(20, 3);
    assert.equal(r.code, 0, r.out);
  },
});
