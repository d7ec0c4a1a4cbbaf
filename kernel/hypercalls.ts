/**
 * Hypercall numbers (VMCALL with the number in EAX), as in kernel/ISA.md.
 *
 * @module
 */

/**
 * VMCALL function numbers.
 *
 * @example
 * ```ts
 * import { Hypercall } from "@denali/kernel";
 * console.log(Hypercall.Idle); // 1
 * ```
 */
export const Hypercall = {
  /** terminate(EBX = exit code): does not return. */
  Terminate: 0,
  /** idle-with-timeout(EBX = microseconds, 0xFFFFFFFF = none): EAX = 0 timeout, 1 interrupt. */
  Idle: 1,
  /** yield: gives up the rest of the quantum; EAX = 0. */
  Yield: 2,
  /** set FS base (EBX); EAX = 0. */
  SetFsBase: 3,
  /** set GS base (EBX); EAX = 0. */
  SetGsBase: 4,
} as const;

/** idle-with-timeout's "no timeout" value. */
export const NO_TIMEOUT = 0xffffffff;

/** EAX after an unknown hypercall. */
export const UNKNOWN_HYPERCALL: number = -1;
