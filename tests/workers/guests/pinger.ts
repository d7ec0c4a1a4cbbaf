/**
 * Test guest: sends `count` frames with `payload` (EtherType 0x88B5) to the
 * MAC of VM `peer`, one at a time, printing the payload of each reply; exits 0.
 *
 * @module
 */

import { serve } from "../../../guests/sdk/mod.ts";

interface Config {
  peer: number;
  payload: string;
  count: number;
}

let sent = 0, got = 0;

serve((batch, guest) => {
  const c = guest.config as Config;
  for (const f of batch.frames) {
    if (f[12] !== 0x88 || f[13] !== 0xb5) continue;
    guest.console.write(f.subarray(14));
    got++;
  }
  if (got >= c.count) return guest.terminate(0);
  if (sent === got) {
    const payload = new TextEncoder().encode(c.payload);
    const frame = new Uint8Array(14 + payload.length);
    frame.set([2, 0, c.peer >>> 24 & 255, c.peer >>> 16 & 255, c.peer >>> 8 & 255, c.peer & 255]);
    frame.set(guest.mac, 6);
    frame.set([0x88, 0xb5], 12);
    frame.set(payload, 14);
    guest.nic.send(frame);
    sent++;
  }
  return guest.idle();
});
