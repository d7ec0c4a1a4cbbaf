/**
 * Test guest: `config.ticks` times, idles `config.micros` and prints the
 * kernel time it woke at and whether the timeout woke it; also prints
 * `console.log` output (routed to its console). Exits with its VM id.
 *
 * @module
 */
import { serve } from "../../../guests/sdk/mod.ts";

let n = 0;
serve((batch, guest) => {
  const { ticks, micros } = guest.config as { ticks: number; micros: number };
  if (batch.first) console.log("start", guest.vmId);
  else guest.console.write(`tick ${n} t=${batch.time} timedOut=${batch.timedOut}\n`);
  return n++ < ticks ? guest.idle(micros) : guest.terminate(guest.vmId);
});
