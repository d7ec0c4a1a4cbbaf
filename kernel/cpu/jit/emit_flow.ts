/**
 * Translation of the control flow of `ops_flow.ts`: Jcc JMP CALL RET (direct
 * and indirect), LOOP LOOPE LOOPNE JECXZ, NOP. A branch to a
 * block of the same region continues in the generated code; anything else
 * leaves the region with EIP set. Exits to the kernel (HLT VMCALL IN OUT)
 * run through their handlers (which also fill `exit`); the generated code
 * leaves when a handler stopped the CPU.
 *
 * @module
 */

import type { Handler } from "../insn.ts";
import * as F from "../ops_flow.ts";
import { COND_USE, type OpSpec, spec } from "./gen.ts";
import { push } from "./emit_move.ts";

const jcc = spec({
  branch: true,
  faults: () => false,
  use: (i) => COND_USE[i.sub >>> 1]!,
  emit(g, i) {
    g.emit(`if (${g.cond(i.sub)}) { ${g.goto(i.target)} }`);
    g.fallThrough(i.next);
  },
});

const jmp = spec({
  branch: true,
  faults: () => false,
  emit: (g, i) => g.emit(g.gotoEnd(i.target)),
});

const jmpRm = spec({
  stores: () => false,
  branch: true,
  emit(g, i) {
    const t = g.let(`${g.readRM(i)} >>> 0`, "t");
    g.gotoIndirect(t, g.blockStarts);
  },
});

const call = spec({
  branch: true,
  faults: () => true,
  stores: () => true,
  emit(g, i) {
    push(g, 4, String(i.next | 0));
    g.checkStore(String(i.target));
    g.emit(g.gotoEnd(i.target));
  },
});

const callRm = spec({
  branch: true,
  faults: () => true,
  stores: () => true,
  emit(g, i) {
    const t = g.let(`${g.readRM(i)} >>> 0`, "t");
    push(g, 4, String(i.next | 0));
    g.checkStore(t);
    g.gotoIndirect(t, g.blockStarts);
  },
});

const ret = spec({
  stores: () => false,
  branch: true,
  faults: () => true,
  emit(g, i) {
    const a = g.let("r4", "a");
    const t = g.load(4, a);
    g.emit(`r4 = (${a} + ${4 + i.imm}) | 0;`);
    g.gotoIndirect(`${t} >>> 0`, g.returnSites);
  },
});

const loop = spec({
  branch: true,
  faults: () => false,
  use: (i) => (i.sub <= 1 ? COND_USE[2]! : 0),
  emit(g, i) {
    if (i.sub === 3) {
      g.emit(`if (r1 === 0) { ${g.goto(i.target)} }`);
    } else {
      g.emit("r1 = (r1 - 1) | 0;");
      const more = i.sub === 2 ? "" : ` && ${g.cond(i.sub === 1 ? 4 : 5)}`;
      g.emit(`if (r1 !== 0${more}) { ${g.goto(i.target)} }`);
    }
    g.fallThrough(i.next);
  },
});

const nop = spec({ faults: () => false, emit: () => {} });

/** Emitters of the control-flow handlers. */
export const FLOW_SPECS: [Handler, OpSpec][] = [
  [F.jcc, jcc],
  [F.jmp, jmp],
  [F.jmpRm, jmpRm],
  [F.call, call],
  [F.callRm, callRm],
  [F.ret, ret],
  [F.loop, loop],
  [F.nop, nop],
];
