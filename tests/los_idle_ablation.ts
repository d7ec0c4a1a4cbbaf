/**
 * Denali's idle-with-timeout ablation, with the real guests (a script, not a
 * test: the polling half burns host CPU for minutes).
 *
 * One httpd/httpload pair does the measured work while N more httpd VMs sit
 * idle, each holding an open keep-alive connection (so each has a pending
 * timer: the connection's idle timeout). With `idle=timeout` (the library
 * OS's default) an idle VM sleeps until its timer; with `idle=poll` it spins
 * through its quanta while a timer is pending, taking CPU from the busy pair.
 * Prints the busy client's summary for each policy.
 *
 *   deno run -A tests/los_idle_ablation.ts [IDLE_SERVERS=8] [REQUESTS=1000]
 *
 * @module
 */
import { buildGuest, type GroupMember, runGroup } from "./los_harness.ts";

const idleServers = Number(Deno.args[0] ?? 8);
const requests = Number(Deno.args[1] ?? 1000);
const httpd = await buildGuest("httpd", ["examples/httpd.c"]);
const load = await buildGuest("httpload", ["examples/httpload.c"]);
for (const mode of ["timeout", "poll"]) {
  const members: GroupMember[] = [];
  for (let i = 0; i <= idleServers; i++) {
    members.push({ image: httpd, args: `idle=${mode} idle_ms=60000`, memSize: 2 << 20 });
  }
  members.push({
    image: load,
    args: `host=10.0.0.1 conns=4 requests=${requests} path=/bytes/1024`,
    memSize: 2 << 20,
  });
  for (let i = 1; i <= idleServers; i++) {
    members.push({
      image: load,
      args: `host=10.0.0.${i + 1} conns=1 requests=1 hold_ms=30000`,
      memSize: 2 << 20,
    });
  }
  const t0 = performance.now();
  const { results } = await runGroup(members, { jit: "off" });
  const busy = results[idleServers + 1]!.output.trim();
  const host = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${idleServers} idle servers, idle=${mode}: ${busy} (host ${host} s)`);
}
