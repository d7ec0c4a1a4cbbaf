/**
 * Generator groups for control flow, all forward so execution stays in the case: Jcc and JMP
 * (rel8, rel32, JMP through a register) over filler instructions, LOOP LOOPE LOOPNE JECXZ, and
 * CALL (rel32 or through a register) to a body that ends in RET or RET imm16. Where a jump may
 * or may not be taken, flags undefined on either path stay undefined after the join.
 *
 * @module
 */

import { CODE_BASE, hex, ZF } from "./layout.ts";
import { type Builder, CC_NAMES, CC_READS, ECX, type Insn, le, R32 } from "./_builder.ts";
import { memOp, pickReg, setReg } from "./_operands.ts";
import { genAlu } from "./_alu.ts";

/** Up to three filler units after a jump; at most `limit` bytes (127 for rel8). */
function filler(b: Builder, limit: number): void {
  const start = b.bytes.length;
  const n = b.r.below(4);
  for (let i = 0; i < n; i++) {
    const m = b.mark();
    b.fill(1);
    if (b.bytes.length - start > limit) {
      b.rollback(m);
      break;
    }
  }
}

/** Points the relative field of `insn` (last `size` bytes) at the current end of the code. */
function land(b: Builder, insn: Insn, size: number): number {
  const end = insn.offset + insn.bytes.length;
  const disp = b.bytes.length - end;
  if (size === 1 && disp > 127) {
    throw new Error("Cannot patch a short jump: filler too long (generator bug)");
  }
  b.patch(end - size, disp, size);
  return disp;
}

/** Jcc rel8/rel32 forward over filler that runs only when the jump is not taken. */
export function genJcc(b: Builder): void {
  const r = b.r;
  const cc = r.below(16);
  const long = r.chance(0.3);
  b.need(CC_READS[cc]!);
  // Branch hints (2E not taken, 3E taken) are segment prefixes that real CPUs ignore.
  const hint = r.chance(0.1) ? [r.pick([0x2e, 0x3e])] : [];
  const j = b.emit([...hint, ...(long ? [0x0f, 0x80 + cc, 0, 0, 0, 0] : [0x70 + cc, 0])], "", {
    read: CC_READS[cc]!,
  });
  const undefAtJump = b.undef;
  filler(b, long ? 1 << 20 : 127);
  const disp = land(b, j, long ? 4 : 1);
  j.text = `${hint.length ? `(hint ${hex(hint[0]!)}) ` : ""}j${CC_NAMES[cc]} ${
    long ? "rel32" : "rel8"
  } +${hex(disp)}`;
  b.undef |= undefAtJump;
}

/**
 * An indirect target: MOV of a placeholder into a register, or into a memory operand; returns
 * the operand's ModRM builder and text, and a function that stores the final target.
 */
function indirect(b: Builder): [(reg: number) => number[], string, (target: number) => void] {
  if (b.r.chance(0.5)) {
    const reg = pickReg(b, 4, true);
    const mov = b.emit([0xb8 + reg, 0, 0, 0, 0], "");
    return [(x) => [0xc0 | (x << 3) | reg], R32[reg]!, (t) => {
      b.patch(mov.offset + 1, t, 4);
      mov.text = `mov ${R32[reg]}, ${hex(t)}`;
    }];
  }
  const m = memOp(b, { size: 4 });
  const st = b.emit([0xc7, 0x05, ...le(m.addr, 4), 0, 0, 0, 0], "");
  return [m.modrm, m.text, (t) => {
    b.patch(st.offset + 6, t, 4);
    st.text = `mov dword [${hex(m.addr)}], ${hex(t)}`;
  }];
}

/** JMP rel8/rel32/r/m forward over filler that never runs. */
export function genJmp(b: Builder): void {
  const r = b.r;
  const undefAtJump = b.undef;
  const form = r.below(3);
  if (form === 2) {
    const [modrm, text, setTarget] = indirect(b);
    b.emit([0xff, ...modrm(4)], `jmp ${text}`);
    filler(b, 1 << 20);
    setTarget(CODE_BASE + b.bytes.length);
  } else {
    const j = b.emit(form === 1 ? [0xe9, 0, 0, 0, 0] : [0xeb, 0], "");
    filler(b, form === 1 ? 1 << 20 : 127);
    const disp = land(b, j, form === 1 ? 4 : 1);
    j.text = `jmp ${form === 1 ? "rel32" : "rel8"} +${hex(disp)}`;
  }
  b.undef = undefAtJump;
}

/** LOOP, LOOPE, LOOPNE (E2, E1, E0) and JECXZ (E3), forward, with small ECX now and then. */
export function genLoop(b: Builder): void {
  const r = b.r;
  const k = r.below(4); // loopne loope loop jecxz
  if (r.chance(0.6)) setReg(b, ECX, 4, r.pick([0, 1, 2, 3, 0xffffffff, 0x10000, r.u32()]));
  const read = k < 2 ? ZF : 0;
  b.need(read);
  const j = b.emit([0xe0 + k, 0], "", { read });
  const undefAtJump = b.undef;
  filler(b, 127);
  const disp = land(b, j, 1);
  j.text = `${["loopne", "loope", "loop", "jecxz"][k]} +${hex(disp)}`;
  b.undef |= undefAtJump;
}

/** CALL rel32 or CALL r/m to a body ending in RET / RET imm16; JMP over the body after return. */
export function genCall(b: Builder): void {
  const r = b.r;
  const retImm = r.chance(0.3) ? r.pick([0, 2, 4, 8, 3]) : -1;
  if (!b.canPush(4) || !b.canPop(Math.max(retImm, 0))) return genAlu(b);
  const ind = r.chance(0.3) ? indirect(b) : null;
  const call = b.emit(ind ? [0xff, ...ind[0](2)] : [0xe8, 0, 0, 0, 0], ind ? `call ${ind[1]}` : "");
  const over = b.emit([0xe9, 0, 0, 0, 0], "");
  if (ind) ind[2](CODE_BASE + b.bytes.length);
  else call.text = `call rel32 +${hex(land(b, call, 4))}`;
  b.esp -= 4;
  const guard: [number, number] = [b.esp, b.esp + 4];
  b.guarded.push(guard);
  b.fill(r.below(4));
  b.guarded.splice(b.guarded.indexOf(guard), 1);
  if (retImm < 0) {
    if (r.chance(0.15)) b.emit([0xf3, 0xc3], "rep ret");
    else b.emit([0xc3], "ret");
  } else b.emit([0xc2, ...le(retImm, 2)], `ret ${hex(retImm)}`);
  b.esp += 4 + Math.max(retImm, 0);
  over.text = `jmp rel32 +${hex(land(b, over, 4))} (after the call returns)`;
}
