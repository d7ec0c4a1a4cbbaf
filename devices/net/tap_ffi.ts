/**
 * The few libc calls a TAP bridge needs, through Deno FFI (`--allow-ffi`):
 * open /dev/net/tun, ioctl(TUNSETIFF) to make a TAP interface, non-blocking
 * read and write of frames, and poll(). `poll` is bound as a non-blocking FFI
 * symbol: Deno runs it on a worker thread and returns a promise, so waiting
 * for frames never blocks the event loop (and the kernel's run loop on it).
 *
 * Linux only. The library is opened on first use.
 *
 * @module
 */

const O_RDWR = 0x2;
const O_NONBLOCK = 0x800;
const O_CLOEXEC = 0x80000;
/** _IOW('T', 202, int) */
const TUNSETIFF = 0x400454can;
const IFF_TAP = 0x0002;
const IFF_NO_PI = 0x1000;
const IFNAMSIZ = 16;
const POLLIN = 0x1;

/**
 * errno values the bridge tells apart.
 *
 * @example
 * ```ts
 * import { Errno, errnoName } from "@denali/kernel";
 * console.log(errnoName(Errno.EACCES)); // EACCES
 * ```
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EAGAIN: 11,
  EACCES: 13,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
} as const;

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  ioctl: { parameters: ["i32", "u64", "buffer"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  write: { parameters: ["i32", "buffer", "usize"], result: "isize" },
  close: { parameters: ["i32"], result: "i32" },
  poll: { parameters: ["buffer", "u64", "i32"], result: "i32", nonblocking: true },
  __errno_location: { parameters: [], result: "pointer" },
} as const;

type Libc = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];
let libc: Libc | null = null;

/**
 * An error of a TAP call, with the errno when there is one.
 *
 * @example
 * ```ts
 * import { TapError } from "@denali/kernel";
 * console.log(new TapError("Cannot open TAP device x: no", 13).errno); // 13
 * ```
 */
export class TapError extends Error {
  /** errno of the failed call (0 if not a system call failure). */
  readonly errno: number;
  /** Builds the error with a one-line message. */
  constructor(message: string, errno = 0) {
    super(message);
    this.name = "TapError";
    this.errno = errno;
  }
}

function lib(action: string): Libc {
  if (libc) return libc;
  if (Deno.build.os !== "linux") {
    throw new TapError(`Cannot ${action}: TAP devices need Linux, this is ${Deno.build.os}`);
  }
  try {
    libc = Deno.dlopen("libc.so.6", SYMBOLS).symbols;
  } catch (e) {
    if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
      throw new TapError(`Cannot ${action}: FFI is not allowed (run deno with --allow-ffi)`);
    }
    throw new TapError(`Cannot ${action}: cannot load libc (${(e as Error).message})`);
  }
  return libc;
}

function errno(c: Libc): number {
  const p = c.__errno_location();
  return p === null ? 0 : new Deno.UnsafePointerView(p).getInt32();
}

const NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  11: "EAGAIN",
  13: "EACCES",
  16: "EBUSY",
  19: "ENODEV",
  22: "EINVAL",
};

/**
 * The symbolic name of an errno value.
 *
 * @example
 * ```ts
 * import { errnoName } from "@denali/kernel";
 * console.log(errnoName(1), errnoName(99)); // EPERM errno 99
 * ```
 */
export function errnoName(code: number): string {
  return NAMES[code] ?? `errno ${code}`;
}

/**
 * Opens /dev/net/tun and makes (or attaches to) TAP interface `name`, without
 * packet information headers, non-blocking. Returns the file descriptor and
 * the interface's name. Throws a {@linkcode TapError} with a one-line reason.
 *
 * @example
 * ```ts ignore
 * import { closeFd, openTap } from "@denali/kernel";
 * const { fd, name } = openTap("dnl0"); // needs root or CAP_NET_ADMIN, and --allow-ffi
 * closeFd(fd);
 * ```
 */
export function openTap(name: string): { fd: number; name: string } {
  const action = `open TAP device ${name}`;
  const enc = new TextEncoder().encode(name);
  if (enc.length === 0 || enc.length >= IFNAMSIZ || enc.includes(0)) {
    throw new TapError(`Cannot ${action}: the name must be 1..${IFNAMSIZ - 1} bytes`);
  }
  const c = lib(action);
  const fd = c.open(new TextEncoder().encode("/dev/net/tun\0"), O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const e = errno(c);
    const why = e === Errno.EACCES || e === Errno.EPERM
      ? "needs root or CAP_NET_ADMIN"
      : e === Errno.ENOENT || e === Errno.ENODEV
      ? "/dev/net/tun is missing (no tun module?)"
      : "cannot open /dev/net/tun";
    throw new TapError(`Cannot ${action}: ${why} (open /dev/net/tun: ${errnoName(e)})`, e);
  }
  const ifr = new Uint8Array(40);
  ifr.set(enc);
  new DataView(ifr.buffer).setUint16(IFNAMSIZ, IFF_TAP | IFF_NO_PI, true);
  if (c.ioctl(fd, TUNSETIFF, ifr) < 0) {
    const e = errno(c);
    c.close(fd);
    const why = e === Errno.EPERM || e === Errno.EACCES
      ? "needs root or CAP_NET_ADMIN"
      : e === Errno.EBUSY
      ? "the interface is in use"
      : e === Errno.EINVAL
      ? "an interface of another kind has this name"
      : "TUNSETIFF failed";
    throw new TapError(`Cannot ${action}: ${why} (ioctl TUNSETIFF: ${errnoName(e)})`, e);
  }
  const end = ifr.indexOf(0);
  return { fd, name: new TextDecoder().decode(ifr.subarray(0, end < 0 ? IFNAMSIZ : end)) };
}

/**
 * Reads one frame into `buf` without blocking: its length, 0 if none is
 * waiting, or -errno on error.
 *
 * @example
 * ```ts ignore
 * import { openTap, readFrame } from "@denali/kernel";
 * const n = readFrame(openTap("dnl0").fd, new Uint8Array(2048)); // 0: nothing yet
 * ```
 */
export function readFrame(fd: number, buf: Uint8Array): number {
  const c = lib("read TAP device");
  const n = Number(c.read(fd, buf, BigInt(buf.length)));
  if (n >= 0) return n;
  const e = errno(c);
  return e === Errno.EAGAIN ? 0 : -e;
}

/**
 * Writes one frame without blocking: its length, 0 if the device would block,
 * or -errno on error.
 *
 * @example
 * ```ts ignore
 * import { openTap, writeFrame } from "@denali/kernel";
 * writeFrame(openTap("dnl0").fd, new Uint8Array(60).fill(0xff));
 * ```
 */
export function writeFrame(fd: number, frame: Uint8Array): number {
  const c = lib("write TAP device");
  const n = Number(c.write(fd, frame, BigInt(frame.length)));
  if (n >= 0) return n;
  const e = errno(c);
  return e === Errno.EAGAIN ? 0 : -e;
}

/**
 * Waits on a worker thread until `fd` is readable or `timeoutMs` passes. The
 * event loop stays free meanwhile. "error": the descriptor failed or hung up.
 *
 * @example
 * ```ts ignore
 * import { openTap, waitReadable } from "@denali/kernel";
 * console.log(await waitReadable(openTap("dnl0").fd, 100)); // "timeout" when the LAN is quiet
 * ```
 */
export async function waitReadable(
  fd: number,
  timeoutMs: number,
): Promise<"readable" | "timeout" | "error"> {
  const c = lib("poll TAP device");
  const pfd = new Uint8Array(8);
  const v = new DataView(pfd.buffer);
  v.setInt32(0, fd, true);
  v.setInt16(4, POLLIN, true);
  const n = await c.poll(pfd, 1n, timeoutMs);
  if (n === 0) return "timeout";
  if (n < 0) return "timeout"; // EINTR: try again
  const revents = v.getInt16(6, true);
  return (revents & POLLIN) !== 0 ? "readable" : "error";
}

/**
 * Closes a file descriptor (closing a TAP's last descriptor deletes the interface).
 *
 * @example
 * ```ts ignore
 * import { closeFd, openTap } from "@denali/kernel";
 * closeFd(openTap("dnl0").fd);
 * ```
 */
export function closeFd(fd: number): void {
  lib("close TAP device").close(fd);
}
