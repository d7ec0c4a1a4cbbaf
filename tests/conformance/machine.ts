/**
 * What one run of a case leaves behind, the same shape for every engine (native CPU, qemu-i386,
 * our CPU), so the comparator does not care who produced it.
 *
 * @module
 */

import type { Case } from "./gen.ts";

/** How a run ended: "ok" at the epilogue, or a fault kind, or "timeout"/"budget"/"other: ...". */
export type Outcome = string;

/** Final state of one case. */
export interface MachineState {
  /** "ok" or a fault kind ("divide-error", "page-fault", "invalid-opcode", ...). */
  outcome: Outcome;
  /** EIP: the epilogue for "ok", the faulting instruction for a fault. */
  eip: number;
  /** EAX ECX EDX EBX ESP EBP ESI EDI, unsigned. */
  regs: number[];
  /** EFLAGS. */
  eflags: number;
  /** Faulting address of a page fault, else 0. */
  faultAddress: number;
  /** The whole data region afterwards. */
  data: Uint8Array;
  /** Extra words about a fault, if the engine has any. */
  detail?: string;
}

/** Outcomes by runner.c status code. */
export const NATIVE_OUTCOMES = [
  "ok",
  "divide-error",
  "page-fault",
  "invalid-opcode",
  "breakpoint",
  "general-protection",
  "timeout",
  "other",
] as const;

/** Something that runs cases: a native runner process or our CPU. */
export interface Engine {
  /** Short name for reports ("native", "qemu", "ours"). */
  readonly name: string;
  /** Runs the cases in order; `initial[k]` is the initial data region of case k. */
  run(cases: readonly Case[], initial: readonly Uint8Array[]): Promise<MachineState[]>;
  /** Releases the engine. */
  close(): Promise<void>;
}
