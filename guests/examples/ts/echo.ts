/**
 * Echo service: sends every frame it receives back to its sender (source MAC
 * becomes destination, its own MAC the source), like the x86 echo guests of
 * the network tests. With `config.count` it terminates after that many
 * frames; otherwise it serves forever. It idles between frames, so an idle
 * echo VM costs the kernel nothing.
 *
 * @module
 */

import { serve } from "../../sdk/mod.ts";

let echoed = 0;

serve((batch, guest) => {
  const count = Number((guest.config as { count?: number } | undefined)?.count ?? 0);
  for (const frame of batch.frames) {
    const reply = frame.slice();
    reply.copyWithin(0, 6, 12); // destination := source
    reply.set(guest.mac, 6); // source := own MAC
    guest.nic.send(reply);
    echoed++;
  }
  return count > 0 && echoed >= count ? guest.terminate(0) : guest.idle();
});
