/**
 * A small TCP/IP stack for Worker guests, in TypeScript: ARP, IPv4, ICMP echo
 * and TCP over the guest's NIC, plus a minimal HTTP/1.1 server and client.
 * Addresses follow the library OS: VM `id` is 10.0.(id >> 8).(id & 255).
 *
 * @example A web server in a Worker guest.
 * ```ts ignore
 * import { serve } from "../mod.ts";
 * import { HttpServer, ipOfVm, NetStack } from "./mod.ts";
 * let net: NetStack | undefined;
 * serve((batch, guest) => {
 *   net ??= new NetStack({ mac: guest.mac, ip: ipOfVm(guest.vmId), send: (f) => guest.nic.send(f) });
 *   if (batch.first) new HttpServer(net, 80, (req) => ({ status: 200, body: `hello ${req.path}\n` }));
 *   net.input(batch.frames, batch.time);
 *   return guest.idle(net.timeout(batch.time));
 * });
 * ```
 *
 * @module
 */
export { NetStack, type NetStackOptions, type NetStats } from "./stack.ts";
export { MAX_RETRIES, RECEIVE_WINDOW, TcpConnection, type TcpHost, TcpState } from "./tcp.ts";
export {
  encodeResponse,
  httpGet,
  type HttpHandler,
  type HttpRequest,
  type HttpResponse,
  type HttpResult,
  HttpServer,
  MAX_HEAD,
  parseRequest,
} from "./http.ts";
export {
  decodeTcp,
  encodeTcp,
  formatIp,
  ipOfVm,
  ipPacket,
  onesSum,
  parseIp,
  type Segment,
  TcpFlag,
} from "./wire.ts";
