/**
 * Whole programs through guests/asm and nasm: labels forward and backward,
 * local labels, data directives, `times`, `align`, `equ`, `%define`,
 * expressions, and jump relaxation at the short/near boundaries.
 */
import { assert } from "./_assert.ts";
import { hasNasm } from "./_nasm.ts";
import { sameAsNasm } from "./asm_corpus.ts";
import { asm, asmAt, assemble, assembleProgram } from "../guests/asm/mod.ts";

if (!hasNasm) {
  console.warn(
    "tests/asm_program_test.ts: nasm comparisons skipped: nasm is missing (apt-get install -y nasm)",
  );
}

const t = (name: string, lines: string) =>
  Deno.test({ name, ignore: !hasNasm, fn: () => sameAsNasm(lines.split("\n")) });

t(
  "assembler matches nasm on a program with loops, locals, data, times and align",
  `start:
    mov ecx, count
    mov esi, msg
    xor eax, eax
.next:
    movzx edx, byte [esi]
    add eax, edx
    inc esi
    loop .next
    cmp eax, 1000
    jae .big
    mov ebx, table
    mov edx, [ebx + 4*2]
    jmp done
.big:
    times 130 nop
    jmp start.next
done:
    push dword [table + 4]
    call func
    hlt
func:
    push ebp
    mov ebp, esp
    mov eax, [ebp + 8]
    leave
    ret 4
msg: db "Hello, world", 10, 0
count equ $ - msg
align 4
table: dd 1, 2, 3, start, done - start
words: dw 1, -1, 'ab', 'abc'
quad: dq 0x123456789abcdef0
buf: resb 16
     resd 2
align 16, db 0xcc
tail: times 3 dd $ - $$
    alignb 8
end:`,
);

t(
  "assembler relaxes jumps exactly at the short/near boundaries like nasm",
  `a0: jmp a1
    times 126 nop
a1: jmp a2
    times 127 nop
a2: jmp a3
    times 128 nop
a3: nop
b0: times 126 nop
    jmp b0
b1: times 127 nop
    jmp b1
c0: jz c2
    jz c2
    times 123 nop
c1: nop
c2: nop
d0: jmp d1
    mov eax, [ebx + fwd]
    times 124 nop
d1: nop
    jmp short $+2
    jmp near d1
    jne near d1
    je short d1 + 0
    call d0
    loop d1
    jmp 0x10000
    jz 0x10000
fwd equ 5`,
);

t(
  "assembler evaluates expressions like nasm (operators, radixes, strings, $ and $$)",
  `x equ 7
y equ x * 2 - 1
    dd 1 + 2 * 3, (1 + 2) * 3, -8 // 2, -7 %% 3, 1 << 4, 0x80000000 >> 4, ~0, 6 & 3
    dd 6 | 3, 6 ^ 3, !0, !5, -x, 'ab', y, (y + 1) / 2, 'a' + 1, - -3
    dq -8 / 2, -7 % 3, -1 >> 60, 1 << 40, -1
    dd 0b1010, 1010b, 0Fh, 0x1_0, 17o, 17q, 0o17, 0d99, 99d, 0h1f, 1_000
    dd $, $$, $ - $$, here - $$
here:
    db \`a\\tb\\n\\x41\\101\\\\\`, '"', "'"
    mov eax, [ebx + (here - $$) / 4]
    mov eax, fwd2 - here
    push x
    push y * 100
    add eax, here - $$
fwd2:`,
);

t(
  "assembler accepts nasm's directive forms, %define, prefixes and labels without colons",
  `%define SIZE 16
%define REG ebx
[bits 32]
bits 32
use32
section .text
    mov REG, SIZE
    mov eax, dword [REG + SIZE]
    mov eax, [fs:0x10]
    mov eax, gs:[ebx]
    lock inc dword [eax]
    rep stosd
    repne scasb
    fs lodsb
    lock
    rep
    gs
    rep lock add [eax], eax
named nop
value dd 5
.sub: dd .sub, value.sub
    times 3 jmp .sub
    times 2 jmp $
%undef SIZE
SIZE: dd SIZE`,
);

Deno.test("assembler reports symbols and where every line landed", () => {
  const p = assembleProgram("org 0x1000\nstart: nop\n.loop: jmp .loop\ndata: dd 1, 2\nn equ 5");
  assert.equal(p.org, 0x1000);
  assert.deepEqual(
    [...p.symbols],
    [["start", 0x1000], ["start.loop", 0x1001], ["data", 0x1003], ["n", 5]],
  );
  assert.deepEqual(p.lines, [
    { line: 2, address: 0x1000, size: 1 },
    { line: 3, address: 0x1001, size: 2 },
    { line: 4, address: 0x1003, size: 8 },
  ]);
  assert.deepEqual([...p.code], [0x90, 0xeb, 0xfe, 1, 0, 0, 0, 2, 0, 0, 0]);
});

Deno.test("assembler accepts 'dword ptr' and the origin option", () => {
  assert.deepEqual(assemble("mov eax, dword ptr [ebx]"), assemble("mov eax, dword [ebx]"));
  assert.deepEqual(assemble("l: dd l", { org: 0x2000 }), new Uint8Array([0, 0x20, 0, 0]));
  assert.deepEqual(
    assemble("org 0x3000\nl: dd l", { org: 0x2000 }),
    new Uint8Array([0, 0x30, 0, 0]),
  );
});

Deno.test("asm tag interpolates numbers and text; asmAt sets the origin", () => {
  const reg = "ebx", code = 42;
  assert.deepEqual(asm`mov ${reg}, ${code}\nhlt`, new Uint8Array([0xbb, 42, 0, 0, 0, 0xf4]));
  assert.deepEqual(
    asm`dd ${0xfffffffen}, ${-2}`,
    new Uint8Array([0xfe, 255, 255, 255, 0xfe, 255, 255, 255]),
  );
  assert.deepEqual(
    asmAt(0x10000)`here: jmp near here`,
    new Uint8Array([0xe9, 0xfb, 0xff, 0xff, 0xff]),
  );
  assert.throws(() => asm`mov eax, ${{}}`, TypeError);
  assert.throws(() => asm`mov eax, ${1.5}`, TypeError);
});
