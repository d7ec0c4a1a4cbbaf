/**
 * guests/asm rejects bad source with an AsmError naming the line, its text
 * and the reason; where nasm also refuses the line, the test checks that too.
 */
import { assert } from "./_assert.ts";
import { hasNasm, nasm } from "./_nasm.ts";
import { AsmError, assemble } from "../guests/asm/mod.ts";

function error(source: string): AsmError {
  try {
    assemble(source);
  } catch (e) {
    if (e instanceof AsmError) return e;
    throw e;
  }
  return assert.fail(`assembled without error: ${source}`);
}

async function nasmRefuses(source: string): Promise<boolean> {
  try {
    await nasm(source);
    return false;
  } catch {
    return true;
  }
}

Deno.test("AsmError carries the line number, its text and a one-line reason", () => {
  const e = error("nop\n\n  movq eax, 1   ; 64-bit move\nnop");
  assert.equal(e.message, "Cannot assemble line 3: unknown instruction 'movq'");
  assert.equal(e.line, 3);
  assert.equal(e.text, "movq eax, 1   ; 64-bit move");
  assert.equal(e.reason, "unknown instruction 'movq'");
  assert.equal(e.name, "AsmError");
});

// Lines nasm refuses too, and our reason.
const BOTH: [string, string][] = [
  ["movq eax, 1", "unknown instruction 'movq'"],
  ["mov [eax], 5", "operation size not specified"],
  ["movzx eax, [ebx]", "operation size not specified"],
  ["inc [eax]", "operation size not specified"],
  ["mov eax, bl", "mismatch in operand sizes"],
  ["add ax, ecx", "mismatch in operand sizes"],
  ["movzx ax, word [ebx]", "mismatch in operand sizes"],
  ["push al", "invalid combination of opcode and operands"],
  ["mov dword [eax], [ebx]", "invalid combination of opcode and operands"],
  ["lea eax, ebx", "invalid combination of opcode and operands"],
  ["shl eax, dl", "invalid combination of opcode and operands"],
  ["in al, cx", "invalid combination of opcode and operands"],
  ["here: loop there\ntimes 200 nop\nthere: nop", "short jump out of range (offset 200)"],
  ["jmp short there\ntimes 128 nop\nthere: nop", "short jump out of range (offset 128)"],
  ["mov eax, nowhere", "undefined symbol 'nowhere'"],
  ["a: nop\na: nop", "symbol 'a' redefined"],
  ["mov eax, [eax*3 + ebx]", "invalid effective address"],
  ["mov eax, [esp*2]", "invalid effective address"],
  ["mov eax, [eax + ebx + ecx]", "invalid effective address: too many registers"],
  ["mov eax, [eax*2 + ebx*2]", "invalid effective address: two index registers"],
  ["mov eax, 5 / 0", "division by zero"],
  ['db "abc', "unterminated string"],
  ["mov eax, 1 2", "expected ',' but found '2'"],
  ["times -1 nop", "TIMES value -1 is negative"],
  ["org 0\norg 1", "program origin redefined"],
];

for (const [source, reason] of BOTH) {
  Deno.test(`assembler refuses '${source.split("\n").join("; ")}': ${reason}`, async () => {
    assert.equal(error(source).reason, reason);
    if (hasNasm) assert.ok(await nasmRefuses(source), "nasm accepts it");
  });
}

// Lines nasm only warns about (and truncates), or cannot express: errors here.
const OURS: [string, string][] = [
  ["fld st0", "unknown instruction 'fld'"],
  ["mov al, 300", "immediate 300 out of range for 8 bits"],
  ["mov ax, -32769", "immediate -32769 out of range for 16 bits"],
  ["mov eax, 0x100000000", "immediate 4294967296 out of range for 32 bits"],
  ["add eax, byte 200", "immediate 200 out of range for signed 8 bits"],
  ["db 256", "value 256 out of range for db"],
  ["dw 65536", "value 65536 out of range for dw"],
  ["mov eax, [ax]", "16-bit addressing is not supported"],
  ["bits 16", "only 'bits 32' is supported"],
  ["align 3", "alignment 3 is not a power of two"],
  ["section .data", "only one section (.text) is supported in a flat binary"],
  ["jmp far 0x10:0", "far jumps and calls are not supported"],
  ["%macro x 0", "unsupported preprocessor line (only %define NAME value and %undef NAME)"],
  ["eax: nop", "'eax' is a register, not a label"],
  ["mov eax, 1 +", "expected an expression at end of line"],
  ["mov eax, #", "unexpected character '#'"],
];

for (const [source, reason] of OURS) {
  Deno.test(`assembler refuses '${source}': ${reason}`, () => {
    assert.equal(error(source).reason, reason);
  });
}
