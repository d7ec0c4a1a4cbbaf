/**
 * The smallest Worker guest: prints who it is, waits 1 ms of kernel time on
 * its timer, prints the time, and terminates with code 0.
 *
 * @module
 */

import { formatMac, serve } from "../../sdk/mod.ts";

serve((batch, guest) => {
  if (batch.first) {
    guest.console.write(`hello from VM ${guest.vmId} (${formatMac(guest.mac)})\n`);
    guest.timer.oneShot(1000);
    return guest.idle();
  }
  guest.console.write(`timer fired at ${batch.time} us\n`);
  return guest.terminate(0);
});
