/**
 * Generator group for page faults, which end the case: loads, stores and read-modify-writes of
 * unmapped addresses (page 0, just past the data region, just below it, straddling into an
 * unmapped page), pushes and pops with ESP at the edge of the data region, jumps and calls to
 * unmapped code, and repeated string instructions that run off the data region part-way (the
 * fault then leaves ECX/ESI/EDI counting the iterations done, as on a real CPU).
 *
 * @module
 */

import {
  AF,
  ARITH,
  CF,
  CODE_BASE,
  CODE_SIZE,
  DATA_BASE,
  DATA_SIZE,
  hex,
  OF,
  PF,
  SF,
} from "./layout.ts";
import {
  type Builder,
  EAX,
  ECX,
  EDI,
  ESI,
  type Fx,
  le,
  pickSize,
  prefixes,
  regName,
} from "./_builder.ts";
import { memOp, pickReg, setReg } from "./_operands.ts";

/** First byte after the data region (unmapped), and the page below it (unmapped). */
const ABOVE = DATA_BASE + DATA_SIZE, BELOW = DATA_BASE;

/** An address whose access of `size` bytes faults, and the address the fault reports. */
function badAddress(b: Builder, size: number): number {
  const r = b.r;
  switch (r.below(5)) {
    case 0:
      return r.below(0x1000 - size); // page 0
    case 1:
      return ABOVE + r.below(0x100);
    case 2:
      return size === 1 ? ABOVE : ABOVE - r.range(1, size - 1); // straddles into the page above
    case 3:
      return BELOW - r.range(1, size); // starts below the data region
    default:
      return CODE_BASE + CODE_SIZE + r.below(0x100);
  }
}

/** Sets ESP directly (the case ends at the fault, so ESP tracking no longer matters). */
function setEsp(b: Builder, v: number): void {
  b.emit([0xbc, ...le(v, 4)], `mov esp, ${hex(v)}`);
}

/** One instruction that page-faults. */
export function genPageFault(b: Builder): void {
  const r = b.r;
  const kind = r.below(10);
  if (kind < 5) {
    // Memory operand at a bad address.
    const size = pickSize(r);
    const w = size === 1 ? 0 : 1;
    const reg = pickReg(b, size, true);
    const m = memOp(b, {
      size,
      at: badAddress(b, size),
      reserve: 1 << (size === 1 ? reg & 3 : reg),
    });
    const p = prefixes(r, { size, mem: true });
    // Flag effects too, in case an access does not fault after all.
    const forms: [number[], string, Fx][] = [
      [[0x8a + w, ...m.modrm(reg)], `mov ${regName(reg, size)}, ${m.text}`, {}],
      [[0x88 + w, ...m.modrm(reg)], `mov ${m.text}, ${regName(reg, size)}`, {}],
      [[0x00 + w, ...m.modrm(reg)], `add ${m.text}, ${regName(reg, size)}`, { def: ARITH }],
      [[0xfe + w, ...m.modrm(0)], `inc ${m.text}`, { def: ARITH & ~CF }],
      [[0x86 + w, ...m.modrm(reg)], `xchg ${m.text}, ${regName(reg, size)}`, {}],
    ];
    if (size !== 1) {
      forms.push([[0xff, ...m.modrm(6)], `push ${m.text}`, {}]);
      forms.push([[0x8f, ...m.modrm(0)], `pop ${m.text}`, {}]);
      forms.push([[0x0f, 0xab, ...m.modrm(reg)], `bts ${m.text}, ${regName(reg, size)}`, {
        def: CF,
        undef: OF | SF | AF | PF,
      }]);
    }
    const [bytes, text, fx] = r.pick(forms);
    // A BTS bit offset moves the access: keep it inside the addressed word.
    if (text.startsWith("bts")) setReg(b, reg, size, r.below(size * 8));
    b.emit([...p, ...bytes], text, fx);
  } else if (kind === 5) {
    // Push below the data region.
    setEsp(b, BELOW + r.below(4));
    const [bytes, text] = r.pick<[number[], string]>([
      [[0x50 + r.below(8)], "push r32"],
      [[0x60], "pushad"],
      [[0x9c], "pushfd"],
      [[0xe8, 0, 0, 0, 0], "call rel32 +0"],
      [[0x6a, 1], "push 0x1"],
    ]);
    b.emit(bytes, text).anyFaultAddress = text === "pushad";
  } else if (kind === 6) {
    // Pop past the top of the data region. POPAD faults on its first read: real CPUs (AMD, and
    // qemu) keep the registers popped before a later read faults, which the subset's precise
    // faults do not.
    const [bytes, text, need] = r.pick<[number[], string, number]>([
      [[0x58 + r.pick([0, 1, 2, 3, 5, 6, 7])], "pop r32", 4],
      [[0x61], "popad", 4],
      [[0xc3], "ret", 4],
      [[0xc2, 8, 0], "ret 0x8", 4],
    ]);
    setEsp(b, ABOVE - r.range(0, need - 1));
    b.emit(bytes, text).anyFaultAddress = text === "popad";
  } else if (kind === 7) {
    // Jump or call to unmapped code: the fault is at the target (the call has pushed).
    const reg = pickReg(b, 4, true);
    const target = r.chance(0.5) ? ABOVE + r.below(0x100) : CODE_BASE + CODE_SIZE + r.below(0x10);
    setReg(b, reg, 4, target);
    const call = r.chance(0.5);
    b.emit([0xff, (call ? 0xd0 : 0xe0) + reg], `${call ? "call" : "jmp"} ${regName(reg, 4)}`);
  } else {
    // A repeated string instruction that runs off the data region part-way.
    const size = r.pick([1, 2, 4]);
    const up = r.chance(0.5);
    b.emit([up ? 0xfc : 0xfd], up ? "cld" : "std");
    const n = r.range(2, 16);
    const edge = up ? ABOVE - r.range(0, n * size) : BELOW + r.range(0, n * size);
    const [opc, name] = r.pick<[number, string]>([[0xa4, "movs"], [0xaa, "stos"], [0xac, "lods"], [
      0xa6,
      "cmps",
    ]]);
    const srcEdge = opc === 0xac || (opc === 0xa4 && r.chance(0.5));
    const mid = DATA_BASE + 0x800 + r.below(0x100);
    setReg(b, ESI, 4, srcEdge ? edge : mid);
    setReg(b, EDI, 4, srcEdge ? mid : edge);
    if (opc === 0xa6) {
      // Equal data so REPE goes on: copy nothing, compare the region with itself.
      setReg(b, EDI, 4, edge);
      setReg(b, ESI, 4, edge);
    }
    setReg(b, ECX, 4, n);
    setReg(b, EAX, 4, r.u32());
    const sfx = size === 1 ? "b" : size === 2 ? "w" : "d";
    b.emit(
      [...(size === 2 ? [0x66] : []), 0xf3, opc + (size === 1 ? 0 : 1)],
      `rep ${name}${sfx}`,
      { def: opc === 0xa6 ? ARITH : 0 },
    );
  }
}
