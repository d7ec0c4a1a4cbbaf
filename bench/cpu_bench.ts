/**
 * `deno bench` for the CPU: each workload (bench/programs, built -O2) runs to completion in our
 * CPU once per iteration. The bench name carries the instruction count, so guest MIPS =
 * instructions / time per iteration; bench/cpu_compare.ts prints MIPS and the native ratio.
 * Registers nothing (with a warning) when gcc -m32 is missing.
 */
import { hasGcc32 } from "../guests/build.ts";
import { runImage } from "../tests/programs/_run.ts";
import { guestImage, WORKLOADS } from "./_workloads.ts";

const MEM = 4 << 20;

if (await hasGcc32()) {
  for (const w of WORKLOADS) {
    const image = await guestImage(w);
    const { instructions } = runImage(image, { memSize: MEM });
    Deno.bench({
      name: `${w.name} (${w.kind}): ${(instructions / 1e6).toFixed(2)}M instructions`,
      group: "cpu",
      fn: () => {
        runImage(image, { memSize: MEM });
      },
    });
  }
} else {
  console.warn(
    "bench/cpu_bench.ts: no benchmarks, gcc -m32 is missing (apt-get install -y gcc-multilib)",
  );
}
