// Register names, size keywords and segment prefixes.

/** A general register: its number in ModRM order and its size in bytes. */
export interface Reg {
  num: number;
  size: 1 | 2 | 4;
  name: string;
}

const NAMES: [string[], 1 | 2 | 4][] = [
  [["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"], 1],
  [["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"], 2],
  [["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"], 4],
];

const REGS = new Map<string, Reg>();
for (const [names, size] of NAMES) {
  names.forEach((name, num) => REGS.set(name, { num, size, name }));
}

/** The general register named `name` (any case), or undefined. */
export function register(name: string): Reg | undefined {
  return REGS.get(name.toLowerCase());
}

/** Segment registers and their override prefix bytes. */
export const SEGMENTS: ReadonlyMap<string, number> = new Map([
  ["es", 0x26],
  ["cs", 0x2e],
  ["ss", 0x36],
  ["ds", 0x3e],
  ["fs", 0x64],
  ["gs", 0x65],
]);

/** Operand-size keywords and their sizes in bytes. */
export const SIZES: ReadonlyMap<string, number> = new Map([
  ["byte", 1],
  ["word", 2],
  ["dword", 4],
  ["qword", 8],
]);

/** Register numbers in ModRM order. */
export const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5;
