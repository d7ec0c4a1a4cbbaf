/**
 * The first module of every Worker guest. The jail starts a guest from a
 * small wrapper module that statically imports, in this order, this module,
 * the guest's module and the runtime's `loaded()`:
 *
 * ```js
 * import "file:///.../guests/sdk/_boot.ts";   // locks the scope down, waits for the port
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

import type { InitMessage } from "./protocol.ts";
import { lockDown } from "./_lockdown.ts";
import { runtime } from "./_runtime.ts";

const scope = globalThis as unknown as {
  addEventListener(type: "message", f: (e: MessageEvent) => void): void;
  removeEventListener(type: "message", f: (e: MessageEvent) => void): void;
};

const T = () => (performance.timeOrigin + performance.now()).toFixed(1);
const realLog = console.error.bind(console);
(globalThis as any).__dbg = realLog;
realLog("boot eval", T());
const onInit = (e: MessageEvent) => {
  realLog("init msg", T());
  const m = e.data as InitMessage;
  if (!m || m.t !== "init") return;
  scope.removeEventListener("message", onInit);
  runtime.attach(m.port);
};

scope.addEventListener("message", onInit);
lockDown((text) => runtime.console.write(text));
