/**
 * The supervisor's control plane over HTTP, as Firecracker's API socket: a
 * {@linkcode Machine} (a kernel with its standard devices, console fan-out,
 * load history and run loop), {@linkcode serveApi} to serve its JSON API and
 * live dashboard on a Unix socket or a loopback port, and
 * {@linkcode ApiClient} to drive it from another process. The endpoints are
 * listed in routes.ts and in the README.
 *
 * @example
 * ```ts
 * import { ApiClient, Machine, serveApi } from "./mod.ts";
 * const machine = new Machine({ clock: "real", sampleMs: 0 });
 * const server = await serveApi(machine, { transport: "tcp", hostname: "127.0.0.1", port: 0 });
 * const api = new ApiClient(server.address);
 * console.log((await api.kernel()).kernel.vms.total); // 0
 * api.close();
 * await server.shutdown();
 * await machine.close();
 * ```
 *
 * @module
 */
export { type ApiAddress, DEFAULT_API, formatApiAddress, parseApiAddress } from "./address.ts";
export { ApiClient, ApiError, ApiUnreachableError, type VmAction } from "./client.ts";
export { ConsoleHub, type ConsoleListener } from "./console_hub.ts";
export {
  type ConsoleEncoding,
  consoleStream,
  type ConsoleStreamOptions,
} from "./console_stream.ts";
export { type Counters, History, type Sample } from "./history.ts";
export {
  type CreateRequest,
  type DiskSpec,
  Machine,
  type MachineOptions,
  type Overview,
  type VmRow,
  type VmView,
} from "./machine.ts";
export { API_PREFIX, apiHandler, MAX_BODY } from "./routes.ts";
export { type ApiServer, serveApi } from "./server.ts";
