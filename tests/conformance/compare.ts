/**
 * The comparator: what must agree between the reference and the CPU under test, and how a
 * disagreement is shown. Outcome, EIP, all eight registers, the data region, and the flags CF PF
 * AF ZF SF OF DF except those the case leaves undefined at that point (after the last
 * instruction, or before the faulting one).
 *
 * @module
 */

import { type Case, insnAt } from "./gen.ts";
import { CODE_BASE, COMPARED, DATA_BASE, DATA_SIZE, flagNames, REG32 } from "./layout.ts";
import type { MachineState } from "./machine.ts";

/**
 * Flags undefined in `state` of case `c`: at the end, or before the faulting instruction; null
 * when no generated instruction explains where the state stopped (a harness bug).
 *
 * @example
 * ```ts
 * import { undefinedFlags } from "./compare.ts";
 * import { generateCase } from "./gen.ts";
 * const c = generateCase(1);
 * const s = { outcome: "ok", eip: 0, regs: [], eflags: 2, faultAddress: 0, data: new Uint8Array() };
 * console.log(undefinedFlags(c, s) === c.undefAfter); // true
 * ```
 */
export function undefinedFlags(c: Case, state: MachineState): number | null {
  if (state.outcome === "ok") return c.undefAfter;
  const i = insnAt(c, (state.eip - CODE_BASE) >>> 0);
  if (i) return i.undefBefore;
  // A fetch fault at a jump target outside the code: only the case's last instruction (a JMP
  // or CALL of the page-fault group, which change no flags) jumps there.
  const last = c.units.at(-1)?.insns.at(-1);
  return state.outcome === "page-fault" && state.faultAddress === state.eip && last
    ? last.undefBefore
    : null;
}

const h8 = (v: number) => (v >>> 0).toString(16).padStart(8, "0");

/**
 * Lists every difference between the reference's `expected` and the tested `actual` final
 * state of case `c` (empty when they agree).
 *
 * @example
 * ```ts
 * import { compareStates } from "./compare.ts";
 * import { generateCase } from "./gen.ts";
 * const c = generateCase(1);
 * const s = { outcome: "ok", eip: 0, regs: [0, 0, 0, 0, 0, 0, 0, 0], eflags: 2, faultAddress: 0, data: new Uint8Array(8192) };
 * console.log(compareStates(c, s, { ...s, regs: [1, 0, 0, 0, 0, 0, 0, 0] })); // [ "eax: ..." ]
 * ```
 */
export function compareStates(c: Case, expected: MachineState, actual: MachineState): string[] {
  const out: string[] = [];
  if (expected.outcome !== actual.outcome) {
    out.push(
      `outcome: expected ${expected.outcome}, got ${actual.outcome}${
        actual.detail ? ` (${actual.detail})` : ""
      }`,
    );
  }
  if (expected.eip !== actual.eip) {
    out.push(`eip: expected ${h8(expected.eip)}, got ${h8(actual.eip)}`);
  }
  if (
    expected.outcome === "page-fault" && actual.outcome === "page-fault" &&
    expected.faultAddress !== actual.faultAddress &&
    !insnAt(c, (expected.eip - CODE_BASE) >>> 0)?.anyFaultAddress
  ) {
    out.push(
      `fault address: expected ${h8(expected.faultAddress)}, got ${h8(actual.faultAddress)}`,
    );
  }
  for (let i = 0; i < 8; i++) {
    if (expected.regs[i] !== actual.regs[i]) {
      out.push(`${REG32[i]}: expected ${h8(expected.regs[i]!)}, got ${h8(actual.regs[i]!)}`);
    }
  }
  const undef = undefinedFlags(c, expected);
  if (undef === null) {
    out.push(
      `harness: no generated instruction starts at ${h8(expected.eip)} where the reference stopped`,
    );
  } else {
    const diff = (expected.eflags ^ actual.eflags) & COMPARED & ~undef;
    if (diff) {
      out.push(
        `flags ${flagNames(diff)}: expected ${flagNames(expected.eflags & diff) || "clear"}, got ${
          flagNames(actual.eflags & diff) || "clear"
        } set`,
      );
    }
  }
  for (let off = 0; off < DATA_SIZE; off += 4) {
    let same = true;
    for (let k = 0; k < 4; k++) same &&= expected.data[off + k] === actual.data[off + k];
    if (!same) {
      const dv = (d: Uint8Array) => new DataView(d.buffer, d.byteOffset).getUint32(off, true);
      out.push(
        `memory ${h8(DATA_BASE + off)}: expected ${h8(dv(expected.data))}, got ${
          h8(dv(actual.data))
        }`,
      );
    }
  }
  return out;
}

/**
 * Flags of `eflags` one by one, `?` for undefined ones: "CF=1 PF=0 AF=? ZF=0 SF=0 OF=0 DF=0".
 *
 * @example
 * ```ts
 * import { showFlags } from "./compare.ts";
 * console.log(showFlags(0x41, 0x10)); // CF=1 PF=0 AF=? ZF=1 SF=0 OF=0 DF=0
 * ```
 */
export function showFlags(eflags: number, undef: number): string {
  const bits: [string, number][] = [["CF", 0], ["PF", 2], ["AF", 4], ["ZF", 6], ["SF", 7], [
    "OF",
    11,
  ], ["DF", 10]];
  return bits.map(([n, b]) => `${n}=${undef & (1 << b) ? "?" : (eflags >>> b) & 1}`).join(" ");
}

/**
 * Outcome, registers and flags of a state on a few lines.
 *
 * @example
 * ```ts
 * import { showState } from "./compare.ts";
 * console.log(showState({ regs: [0, 1, 2, 3, 4, 5, 6, 7], eflags: 2 }, 0));
 * ```
 */
export function showState(
  s: Pick<MachineState, "regs" | "eflags"> & Partial<MachineState>,
  undef: number,
): string {
  const regs = REG32.map((n, i) => `${n}=${h8(s.regs[i]!)}`);
  const head = s.outcome === undefined
    ? ""
    : `${s.outcome} at eip=${h8(s.eip!)}${s.detail ? ` (${s.detail})` : ""}\n    `;
  return `${head}${regs.slice(0, 4).join(" ")}\n    ${regs.slice(4).join(" ")}\n    ${
    showFlags(s.eflags, undef)
  }`;
}
