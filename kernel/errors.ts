/**
 * Typed errors of the kernel's public API. Each has a one-line message of the
 * form "Cannot <action>: <state>" and a stable `code` for programs.
 *
 * @module
 */

/** Stable codes of {@linkcode KernelError}. */
export type KernelErrorCode = "unknown-vm" | "vm-state" | "memory-limit" | "bad-option" | "busy";

/**
 * Base class of the kernel's API errors.
 *
 * @example
 * ```ts
 * import { Kernel, KernelError } from "@denali/kernel";
 * const k = new Kernel();
 * try { k.inspect(99); } catch (e) { if (e instanceof KernelError) console.log(e.code); }
 * ```
 */
export class KernelError extends Error {
  /** What went wrong, for programs. */
  readonly code: KernelErrorCode;
  /** Builds an error with a one-line message. */
  constructor(code: KernelErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = new.target.name;
  }
}

/**
 * The VM id names no VM of this kernel (never created, or removed).
 *
 * @example
 * ```ts
 * import { UnknownVmError } from "@denali/kernel";
 * console.log(new UnknownVmError("kill", 7).message); // Cannot kill VM 7: no such VM
 * ```
 */
export class UnknownVmError extends KernelError {
  /** The id asked for. */
  readonly vmId: number;
  /** Builds the error for `action` on `vmId`. */
  constructor(action: string, vmId: number) {
    super("unknown-vm", `Cannot ${action} VM ${vmId}: no such VM`);
    this.vmId = vmId;
  }
}

/**
 * The VM is not in a state that allows the operation (resume a running VM,
 * remove a VM that has not stopped, ...).
 *
 * @example
 * ```ts
 * import { VmStateError } from "@denali/kernel";
 * console.log(new VmStateError("resume", 3, "running").message);
 * ```
 */
export class VmStateError extends KernelError {
  /** The VM's id. */
  readonly vmId: number;
  /** The state it was in. */
  readonly state: string;
  /** Builds the error for `action` on `vmId` in `state`. */
  constructor(action: string, vmId: number, state: string) {
    super("vm-state", `Cannot ${action} VM ${vmId}: it is ${state}`);
    this.vmId = vmId;
    this.state = state;
  }
}

/**
 * A VM asked for more memory than the kernel allows per VM, or a size that is
 * not usable.
 *
 * @example
 * ```ts
 * import { MemoryLimitError } from "@denali/kernel";
 * console.log(new MemoryLimitError(1 << 30, 1 << 28).message);
 * ```
 */
export class MemoryLimitError extends KernelError {
  /** Bytes asked for. */
  readonly requested: number;
  /** The kernel's per-VM limit in bytes. */
  readonly limit: number;
  /** Builds the error; `detail` replaces the standard explanation. */
  constructor(requested: number, limit: number, detail?: string) {
    super(
      "memory-limit",
      `Cannot create VM: ${
        detail ?? `memory of ${requested} bytes is over the kernel's limit of ${limit} bytes`
      }`,
    );
    this.requested = requested;
    this.limit = limit;
  }
}

/**
 * An option given to the kernel or to `create` is out of range.
 *
 * @example
 * ```ts
 * import { Kernel, KernelError } from "@denali/kernel";
 * try { new Kernel({ quantum: 0 }); } catch (e) { console.log((e as KernelError).message); }
 * ```
 */
export class BadOptionError extends KernelError {
  /** Builds the error for `action` with an explanation of the bad option. */
  constructor(action: string, why: string) {
    super("bad-option", `Cannot ${action}: ${why}`);
  }
}
