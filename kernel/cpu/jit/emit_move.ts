/**
 * Translation of the data movement of `ops_move.ts`: MOV MOVZX MOVSX LEA
 * XCHG, PUSH POP (register destinations), LEAVE, CMOVcc SETcc and the flag
 * instructions. Stack writes land before ESP changes, as in the handlers.
 *
 * @module
 */

import type { Handler } from "../insn.ts";
import * as M from "../ops_move.ts";
import { ALL, COND_USE, FIX_CF, type Gen, type OpSpec, spec } from "./gen.ts";

const movRmR = spec({
  emit(g, i) {
    const v = i.isMem ? g.reg(i.size, i.reg) : g.let(g.reg(i.size, i.reg), "v");
    g.writeRM(i, v);
  },
});

const movRRm = spec({
  stores: () => false,
  emit: (g, i) => g.setReg(i.size, i.reg, g.readRM(i)),
});

const movRmI = spec({
  emit: (g, i) => g.writeRM(i, String(i.imm)),
});

const movx = spec({
  stores: () => false,
  emit(g, i) {
    const ss = i.imm2;
    const v = g.readRM(i, ss);
    const sh = ss === 1 ? 24 : 16;
    g.setReg(i.size, i.reg, i.sub === 0 ? v : `(${v} << ${sh}) >> ${sh}`);
  },
});

const lea = spec({
  faults: () => false,
  emit: (g, i) => g.setReg(i.size, i.reg, g.offset(i)),
});

const xchg = spec({
  emit(g, i) {
    const x = g.let(g.reg(i.size, i.reg), "x");
    if (i.isMem) {
      const a = g.let(g.ea(i), "a");
      const m = g.load(i.size, a);
      g.store(i.size, a, x);
      g.setReg(i.size, i.reg, m);
    } else {
      const y = g.let(g.reg(i.size, i.rm), "y");
      g.setReg(i.size, i.rm, x);
      g.setReg(i.size, i.reg, y);
    }
  },
});

/** Pushes `v` (already read) of `size` bytes: the write lands before ESP moves. */
export function push(g: Gen, size: number, v: string): void {
  const a = g.let(`(r4 - ${size}) | 0`, "a");
  g.store(size, a, v);
  g.emit(`r4 = ${a};`);
}

const pushRm = spec({
  faults: () => true,
  stores: () => true,
  emit(g, i) {
    const v = i.isMem ? g.readRM(i) : g.let(g.reg(i.size, i.rm), "v");
    push(g, i.size, v);
  },
});

const pushI = spec({
  faults: () => true,
  stores: () => true,
  emit: (g, i) => push(g, i.size, String(i.imm)),
});

const popRm = spec({
  stores: () => false,
  native: (i) => !i.isMem,
  faults: () => true,
  emit(g, i) {
    const a = g.let("r4", "a");
    const v = g.load(i.size, a);
    g.emit(`r4 = (${a} + ${i.size}) | 0;`);
    g.setReg(i.size, i.rm, v);
  },
});

const leave = spec({
  stores: () => false,
  faults: () => true,
  emit(g) {
    const a = g.let("r5", "a");
    const v = g.load(4, a);
    g.emit(`r4 = (${a} + 4) | 0; r5 = ${v};`);
  },
});

const cmov = spec({
  stores: () => false,
  use: (i) => COND_USE[i.sub >>> 1]!,
  emit(g, i) {
    const v = g.readRM(i);
    g.emit(`if (${g.cond(i.sub)}) {`);
    g.setReg(i.size, i.reg, v);
    g.emit(`}`);
  },
});

const setcc = spec({
  use: (i) => COND_USE[i.sub >>> 1]!,
  emit(g, i) {
    const v = g.let(`${g.cond(i.sub)} ? 1 : 0`, "v");
    g.writeRM(i, v);
  },
});

/** CLC STC CMC (materialize, then set CF), CLD STD (DF), CLI STI (virtual IF). */
const flagOp = spec({
  faults: () => false,
  use: (i) => (i.sub <= 2 ? ALL : 0),
  emit(g, i) {
    switch (i.sub) {
      case 0:
      case 1:
      case 2:
        g.emit(`${FIX_CF} Ffl = lazyFlags(Fop, Fd, Fs, Fr, Fb, Ffl); Fop = 0;`);
        g.emit(i.sub === 0 ? "Ffl &= -2;" : i.sub === 1 ? "Ffl |= 1;" : "Ffl ^= 1;");
        g.flagsUnknown();
        return;
      case 3:
        g.emit("Ffl &= -1025;");
        return;
      case 4:
        g.emit("Ffl |= 1024;");
        return;
      default:
        g.emit(`c.vif = ${i.sub === 6};`);
    }
  },
});

/** Emitters of the data-movement handlers. */
export const MOVE_SPECS: [Handler, OpSpec][] = [
  [M.movRmR, movRmR],
  [M.movRRm, movRRm],
  [M.movRmI, movRmI],
  [M.movx, movx],
  [M.lea, lea],
  [M.xchg, xchg],
  [M.pushRm, pushRm],
  [M.pushI, pushI],
  [M.popRm, popRm],
  [M.leave, leave],
  [M.cmov, cmov],
  [M.setcc, setcc],
  [M.flagOp, flagOp],
];
