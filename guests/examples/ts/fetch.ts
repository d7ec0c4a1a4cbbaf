/**
 * HTTP client: fetches `config.path` (default "/") from the web server VM
 * `config.server` (a VM id, or an address "10.0.x.y") on `config.port`
 * (default 80), `config.times` times (default 1), one after the other; prints
 * each response's status line and, with `config.print`, its body; exits 0
 * if every response was 200, else 1.
 *
 * @module
 */

import { type Guest, serve } from "../../sdk/mod.ts";
import { httpGet, ipOfVm, NetStack, parseIp } from "../../sdk/net/mod.ts";

interface Config {
  server: number | string;
  port?: number;
  path?: string;
  times?: number;
  print?: boolean;
}

let net: NetStack;
let left = 0, failed = 0, done = false;

function next(guest: Guest, c: Config): void {
  const ip = typeof c.server === "number" ? ipOfVm(c.server) : parseIp(c.server);
  httpGet(net, ip, c.port ?? 80, c.path ?? "/", (r) => {
    guest.console.write(r.status ? `${r.status} ${r.body.length} bytes\n` : `failed: ${r.error}\n`);
    if (c.print) guest.console.write(r.body);
    if (r.status !== 200) failed++;
    if (--left > 0) next(guest, c);
    else done = true;
  });
}

serve((batch, guest) => {
  const c = guest.config as Config;
  if (batch.first) {
    net = new NetStack({ mac: guest.mac, ip: ipOfVm(guest.vmId), send: (f) => guest.nic.send(f) });
    left = c.times ?? 1;
    next(guest, c);
  }
  net.input(batch.frames, batch.time);
  if (done && net.connections === 0) return guest.terminate(failed > 0 ? 1 : 0);
  return guest.idle(net.timeout(batch.time));
});
