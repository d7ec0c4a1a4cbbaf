/** Test guest: allocates without bound while it loads (for the heap limit). @module */
import { serve } from "../../../guests/sdk/mod.ts";

const keep: number[][] = [];
while (keep.length >= 0) keep.push(new Array(1 << 20).fill(keep.length));
serve((_batch, guest) => guest.terminate(0));
