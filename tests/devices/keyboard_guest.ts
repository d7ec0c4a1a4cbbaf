/**
 * A keyboard guest for the keyboard tests: echoes every key to the console
 * until the host ends its input, then exits with 0.
 *
 * @module
 */

/** nasm source (with the kernel tests' prelude) of the echo guest. */
export const ECHO_KEYS = `
.loop:
  cli
  mov dx, 0x50c
  in eax, dx            ; status first: every byte typed before the end is waiting now
  mov ebx, eax
.drain:
  mov dx, 0x500
  in eax, dx
  cmp eax, 0xffffffff
  je .empty
  mov dx, 0x100
  out dx, al
  jmp .drain
.empty:
  test ebx, 1
  jnz .end
  hlt                   ; IF clear: a key that came after the check wakes it at once
  sti
  YIELD                 ; let the kernel deliver the line, so the next HLT sleeps
  jmp .loop
.end:
  TERMINATE 0
`;
