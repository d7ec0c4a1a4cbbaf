/** Test guest: prints the keys it is typed, then `<end>` when input ends, and exits 0. @module */
import { serve } from "../../../guests/sdk/mod.ts";

serve((batch, guest) => {
  if (batch.keys.length > 0) guest.console.write(batch.keys);
  if (batch.keysEnded) {
    guest.console.write("<end>\n");
    return guest.terminate(0);
  }
  return guest.idle();
});
