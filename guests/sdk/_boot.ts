/**
 * The first module of every Worker guest. The jail starts a guest from a
 * small wrapper module that statically imports, in this order, this module,
 * the guest's module and the runtime's `loaded()`:
 *
 * ```js ignore
 * import "file:///.../guests/sdk/_boot.ts";   // opens the channel, locks the scope down
 * import "file:///.../guest.ts";              // calls serve(handler)
 * import { runtime } from "file:///.../guests/sdk/_runtime.ts";
 * runtime.loaded();                           // the guest module has run
 * ```
 *
 * Static imports are loaded with the jail's permissions (read of the module
 * roots) before any code runs, and evaluated in order, so the lockdown comes
 * before the guest's first line; a dynamic `import()` at run time is checked
 * against the guest's own permissions (none), so it can load nothing new from
 * files or the network.
 *
 * @module
 */

import { lockDown } from "./_lockdown.ts";
import { runtime } from "./_runtime.ts";

const { port1, port2 } = new MessageChannel();
runtime.attach(port1);
(globalThis as unknown as { postMessage(m: unknown, t: Transferable[]): void })
  .postMessage({ t: "port", port: port2 }, [port2]);
lockDown((text) => runtime.console.write(text));
