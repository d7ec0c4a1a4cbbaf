/**
 * A small x86 assembler for the CPU subset of kernel/ISA.md, in nasm's Intel
 * syntax, so tests and scenarios can write tiny guests inline. Its output is
 * byte-for-byte what `nasm -f bin` makes of the same source (tests/asm_nasm_test.ts
 * checks this on thousands of generated lines).
 *
 * Syntax: labels (`name:`, `.local` under the last global label), `org`,
 * `bits 32`, `equ`, `%define`, expressions (`+ - * / // % %% << >> & | ^ ~ !`,
 * parentheses, `$`, `$$`, character constants), `db`/`dw`/`dd`/`dq`,
 * `resb`/`resw`/`resd`/`resq`, `times`, `align`/`alignb`, prefixes (`lock`,
 * `rep*`, segment), memory operands `[base + index*scale + disp]` in any order
 * with `byte`/`word`/`dword`/`qword` (`ptr` accepted) and `fs:`/`gs:` inside or
 * before the brackets, `short`/`near`/`strict`.
 *
 * @example
 * ```ts
 * import { asm } from "@denali/kernel/asm";
 * import { AddressSpace, Cpu, PhysicalMemory, Reg, Stop } from "@denali/kernel";
 * const mem = new AddressSpace(new PhysicalMemory(), 0x20000);
 * mem.allocate(0x10000, 0x1000, true);
 * mem.writeBytes(0x10000, asm`
 *   org 0x10000
 *   mov ecx, 10
 *   xor eax, eax
 * .next:
 *   add eax, ecx
 *   loop .next
 *   hlt`);
 * const cpu = new Cpu(mem);
 * cpu.eip = 0x10000;
 * console.log(cpu.run(1000) === Stop.Hlt, cpu.regs[Reg.EAX]); // true 55
 * ```
 *
 * @module
 */
export {
  assemble,
  type AssembleOptions,
  assembleProgram,
  type LineInfo,
  MNEMONICS,
  type Program,
} from "./assembler.ts";
export { AsmError } from "./error.ts";
export { asm, asmAt } from "./tag.ts";
