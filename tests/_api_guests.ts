/**
 * Guests for the API, CLI and dashboard tests, assembled with the project's
 * own assembler (no nasm needed).
 *
 * @module
 */

import { asmAt } from "../guests/asm/mod.ts";

const at = asmAt(0x10000);

/**
 * Prints "tick <id>\n" `rounds` times, idling `idleMicros` between, then
 * exits with `code`.
 */
export function ticker(rounds: number, idleMicros: number, code = 0): Uint8Array {
  return at`
    mov edi, ${rounds}
  again:
    mov eax, [0x1004]
    add al, '0'
    mov [msg + 10], al
    mov eax, buf
    mov dx, 0x104
    out dx, eax
    mov ebx, ${idleMicros}
    mov eax, 1
    vmcall
    dec edi
    jnz again
    mov ebx, ${code}
    xor eax, eax
    vmcall
  buf: dd 12
  msg: db "tick from  ", 10`;
}

/** Echoes every key to the console until the input ends, then exits 0 (no lost wake-up). */
export const ECHO: Uint8Array = at`
  again:
    cli
    mov dx, 0x50c
    in eax, dx             ; status first: bytes typed before the end are waiting now
    mov ebx, eax
  drain:
    mov dx, 0x500
    in eax, dx
    cmp eax, 0xffffffff
    je empty
    mov dx, 0x100
    out dx, al
    jmp drain
  empty:
    test ebx, 1
    jnz done
    hlt                    ; IF clear: a key that came after the check wakes it at once
    sti
    mov eax, 2             ; yield: the kernel delivers the line, the next HLT sleeps
    vmcall
    jmp again
  done:
    xor ebx, ebx
    xor eax, eax
    vmcall`;

/** Computes and idles forever (1 ms idle per 5,000 instructions): a live, busy VM. */
export const FOREVER: Uint8Array = at`
  again:
    mov ecx, 2500
  spin:
    loop spin
    mov ebx, 1000
    mov eax, 1
    vmcall
    jmp again`;

/** Base64 of bytes. */
export function b64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}
