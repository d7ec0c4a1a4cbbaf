/**
 * Test guest: on its first batch, writes two blocks to disk 0, flushes, reads
 * them back, and asks for a block past the end and for a disk it does not
 * have, all in one answer; then prints each completion as
 * `tag op status [data check]` in the order they arrive and exits 0.
 *
 * @module
 */

import { BLOCK_SIZE, type DiskCompletion, serve } from "../../../guests/sdk/mod.ts";

const pattern = new Uint8Array(2 * BLOCK_SIZE).map((_, i) => (i * 7 + 3) & 255);
const names = new Map<number, string>();
let done = 0;

function report(guest: { console: { write(s: string): void } }, name: string) {
  return (c: DiskCompletion) => {
    let extra = "";
    if (c.data) extra = c.data.every((b, i) => b === pattern[i]) ? " data ok" : " data BAD";
    guest.console.write(`${name} ${c.status}${extra}\n`);
    done++;
  };
}

serve((batch, guest) => {
  if (batch.first) {
    const blocks = guest.disk.blocks(0);
    guest.console.write(`disk0 ${blocks} blocks\n`);
    names.set(guest.disk.write(0, 0, pattern, report(guest, "write")), "write");
    names.set(guest.disk.flush(0, report(guest, "flush")), "flush");
    names.set(guest.disk.read(0, 0, 2, report(guest, "read")), "read");
    names.set(guest.disk.read(0, blocks, 1, report(guest, "past-end")), "past-end");
    names.set(guest.disk.read(3, 0, 1, report(guest, "no-disk")), "no-disk");
  }
  return done === names.size ? guest.terminate(0) : guest.idle();
});
