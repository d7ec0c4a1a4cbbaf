/**
 * Helpers for kernel tests: a nasm prelude with the guest ABI as macros, and
 * a kernel factory that records streamed console output in order.
 *
 * @module
 */

import { hasNasm, nasm } from "../_nasm.ts";
import { Kernel, type KernelOptions } from "../../kernel/mod.ts";

export { hasNasm };

/** nasm macros for the guest ABI (kernel/ISA.md). */
export const PRELUDE = `
%define VREGS 0x1000
%define V_VERSION VREGS+0x00
%define V_VM_ID VREGS+0x04
%define V_MEM_SIZE VREGS+0x08
%define V_CPU_KHZ VREGS+0x0c
%define V_TIME_LO VREGS+0x10
%define V_TIME_HI VREGS+0x14
%define V_PENDING VREGS+0x18
%define V_IF VREGS+0x1c
%define V_HANDLER VREGS+0x20
%define V_HANDLER_STACK VREGS+0x24
%define V_QUANTUM VREGS+0x28
%define V_WAITING VREGS+0x2c
%macro TERMINATE 1
  mov ebx, %1
  xor eax, eax
  vmcall
%endmacro
%macro IDLE 1
  mov ebx, %1
  mov eax, 1
  vmcall
%endmacro
%macro YIELD 0
  mov eax, 2
  vmcall
%endmacro
; PRINT_HEX n: prints the low n hex digits of EAX (clobbers EAX ECX EDX)
%macro PRINT_HEX 1
  mov ecx, %1
%if %1 < 8
  shl eax, 32 - 4 * %1
%endif
%%digit:
  rol eax, 4
  push eax
  and al, 15
  add al, '0'
  cmp al, '9'
  jbe %%ok
  add al, 39
%%ok:
  mov dx, 0x100
  out dx, al
  pop eax
  dec ecx
  jnz %%digit
%endmacro
%macro PUTC 1
  mov al, %1
  mov dx, 0x100
  out dx, al
%endmacro
`;

/** Assembles a guest (with {@linkcode PRELUDE}) as a flat image at `org`. */
export async function guest(
  source: string,
  org = 0x10000,
): Promise<{ flat: Uint8Array; loadAddress: number }> {
  return { flat: await nasm(PRELUDE + source, org), loadAddress: org };
}

/** A kernel whose streamed console output is recorded as (vmId, text) chunks. */
export function recordingKernel(options: KernelOptions = {}): {
  kernel: Kernel;
  chunks: [number, string][];
  text: () => string;
} {
  const chunks: [number, string][] = [];
  const dec = new TextDecoder();
  const kernel = new Kernel({
    ...options,
    onConsole: (id, bytes) => chunks.push([id, dec.decode(bytes)]),
  });
  return { kernel, chunks, text: () => chunks.map((c) => c[1]).join("") };
}

/**
 * A test device on port 0x200: OUT32 of `(vmId << 8) | line` raises interrupt
 * `line` on VM `vmId`, the way a NIC raises one on the VM a frame is for.
 */
export function attachRaiser(kernel: Kernel): void {
  kernel.attach({
    name: "raiser",
    base: 0x200,
    size: 4,
    in: () => 0,
    out: (_g, _offset, _size, value) => {
      kernel.raise(value >>> 8, value & 31);
    },
  });
}

/** nasm: raises `line` on VM `id` through the raiser device. */
export function raiseAsm(id: number | string, line: number | string): string {
  return `
  mov eax, ((${id}) << 8) | (${line})
  mov dx, 0x200
  out dx, eax
`;
}
