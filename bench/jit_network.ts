/**
 * The translation tier on a real network workload, side by side with the
 * interpreter in one process: `httpd` VMs (C on the library OS, with its own
 * TCP/IP stack) answering `httpload` VMs on one kernel's virtual LAN, the
 * deterministic clock, the same requests and instructions either way. Runs
 * alternate off/on; medians of host time per run and their ratio.
 *
 *     deno run -A bench/jit_network.ts [repeats=5] [requests per client=1000]
 *
 * Needs gcc -m32 (apt-get install -y gcc-multilib).
 *
 * @module
 */

import { hasGcc32, runTcpWeb, type TcpWebResult } from "../scenarios/_tcp_web.ts";
import { median } from "./_stats.ts";

const repeats = Math.max(1, Number(Deno.args[0] ?? 5));
const requests = Math.max(1, Number(Deno.args[1] ?? 1000));

if (!(await hasGcc32())) {
  console.error("jit_network: gcc -m32 is missing; run apt-get install -y gcc-multilib");
  Deno.exit(1);
}

const run = (jit: "on" | "off"): Promise<TcpWebResult> =>
  runTcpWeb({ servers: 2, clients: 4, requests, conns: 2, path: "/bytes/2000", jit });

const ms: Record<"on" | "off", number[]> = { on: [], off: [] };
let replies = 0;
for (let r = 0; r < repeats; r++) {
  for (const jit of ["off", "on"] as const) {
    const res = await run(jit);
    if (res.errors > 0 || res.ok !== 4 * requests) {
      throw new Error(`jit ${jit}: ${res.ok} replies, ${res.errors} errors`);
    }
    replies = res.ok;
    ms[jit].push(res.hostMs);
    console.error(`run ${r + 1}/${repeats} jit ${jit}: ${res.hostMs.toFixed(0)} ms`);
  }
}
const off = median(ms.off), on = median(ms.on);
console.log(
  `2 httpd + 4 httpload VMs, ${replies} HTTP replies of 2,000 B per run, median of ${repeats}` +
    ` (Deno ${Deno.version.deno}):`,
);
console.log(`  interpreter  ${off.toFixed(0)} ms  ${(replies / off * 1000).toFixed(0)} replies/s`);
console.log(`  tier on      ${on.toFixed(0)} ms  ${(replies / on * 1000).toFixed(0)} replies/s`);
console.log(`  on/off time  ${(on / off).toFixed(2)}`);
