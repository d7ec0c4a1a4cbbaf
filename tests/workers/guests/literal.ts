/**
 * Test guest: imports a file outside its module roots with a literal
 * specifier, which Deno loads with the module graph (not at run time); the
 * jail's permissions make the whole guest fail to load.
 *
 * @module
 */
import { serve } from "../../../guests/sdk/mod.ts";

serve(async (_batch, guest) => {
  const text = await import("file:///etc/passwd", { with: { type: "text" } } as ImportCallOptions);
  guest.console.write(String((text as { default: string }).default));
  return guest.terminate(0);
});
