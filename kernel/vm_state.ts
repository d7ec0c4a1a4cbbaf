/**
 * VM states and their names.
 *
 * ```
 * created --start--> ready <--quantum--> running --idle/HLT--> idle --timer/interrupt--> ready
 *                      |  \--pause--> paused --resume--/           \--pause--> paused
 *  running --terminate--> exited    running --fault--> faulted    any live --kill--> killed
 * ```
 *
 * @module
 */

/**
 * Numeric VM states (stored in a Uint8Array per VM).
 *
 * @example
 * ```ts
 * import { VmState, vmStateName } from "@denali/kernel";
 * console.log(vmStateName(VmState.Idle)); // idle
 * ```
 */
export const VmState = {
  /** Loaded, not started. */
  Created: 0,
  /** Waiting in the run queue. */
  Ready: 1,
  /** Executing its quantum. */
  Running: 2,
  /** Idle (HLT or idle-with-timeout) until its timer or an interrupt. */
  Idle: 3,
  /** Stopped by the supervisor; resumes where it was. */
  Paused: 4,
  /** Terminated itself with an exit code. */
  Exited: 5,
  /** Stopped by a fault. */
  Faulted: 6,
  /** Stopped by the supervisor. */
  Killed: 7,
} as const;

/** A value of {@linkcode VmState}. */
export type VmState = typeof VmState[keyof typeof VmState];

/** Names of the states, as in {@linkcode VmInfo}. */
export type VmStateName =
  | "created"
  | "ready"
  | "running"
  | "idle"
  | "paused"
  | "exited"
  | "faulted"
  | "killed";

const NAMES: readonly VmStateName[] = [
  "created",
  "ready",
  "running",
  "idle",
  "paused",
  "exited",
  "faulted",
  "killed",
];

/** Number of states. */
export const VM_STATE_COUNT: number = NAMES.length;

/**
 * The name of a numeric state.
 *
 * @example
 * ```ts
 * import { vmStateName } from "@denali/kernel";
 * console.log(vmStateName(5)); // exited
 * ```
 */
export function vmStateName(state: number): VmStateName {
  return NAMES[state] ?? "killed";
}

/**
 * Whether a state is final (the VM has stopped for good and released its memory).
 *
 * @example
 * ```ts
 * import { isFinalState, VmState } from "@denali/kernel";
 * console.log(isFinalState(VmState.Faulted), isFinalState(VmState.Idle)); // true false
 * ```
 */
export function isFinalState(state: number): boolean {
  return state >= VmState.Exited;
}
