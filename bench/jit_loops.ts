/**
 * Hand-written integer loops for the CPU tiers, assembled with nasm twice: as a flat guest
 * image (loaded at 0x10000, ends with VMCALL terminate) and as a static 32-bit Linux program
 * (ends with the exit system call) for the host CPU and qemu-i386. Both run the same loop the
 * same number of times, so instructions per iteration are exact.
 *
 * @module
 */

import { BUILD_DIR } from "../guests/build.ts";
import { nasm } from "../tests/_nasm.ts";

/** One loop. */
export interface Loop {
  /** Short name. */
  name: string;
  /** What it stresses. */
  kind: string;
  /** Guest instructions per iteration. */
  perIter: number;
  /** The loop body: ECX counts iterations down to zero; ARR is a 4 KiB array. */
  body: string;
}

/**
 * The loops: a tight ALU loop (the issue's `add eax, ecx; dec ecx; jnz`), a load/store loop and
 * a call/return loop.
 *
 * @example
 * ```ts
 * import { LOOPS } from "./jit_loops.ts";
 * console.log(LOOPS.map((l) => l.name)); // ["alu", "mem", "call"]
 * ```
 */
export const LOOPS: Loop[] = [
  {
    name: "alu",
    kind: "add eax, ecx; dec ecx; jnz",
    perIter: 3,
    body: `l: add eax, ecx
      dec ecx
      jnz l`,
  },
  {
    name: "mem",
    kind: "load, add, store, index",
    perIter: 6,
    body: `l: mov edx, ecx
      and edx, 1023
      add eax, [ARR + edx*4]
      mov [ARR + edx*4], eax
      dec ecx
      jnz l`,
  },
  {
    name: "call",
    kind: "call, lea, add, ret",
    perIter: 7,
    body: `l: mov eax, ecx
      call f
      dec ecx
      jnz l
      jmp done
    f: lea eax, [eax + eax*2]
      add ebx, eax
      ret
    done:`,
  },
];

function source(loop: Loop, iterations: number, native: boolean): string {
  const exit = native ? "mov eax, 1\nxor ebx, ebx\nint 0x80" : "xor eax, eax\nxor ebx, ebx\nvmcall";
  const arr = native ? "section .bss\nalignb 4096\nARR: resb 4096" : "ARR equ 0x200000";
  return `${native ? "global _start\nsection .text" : ""}
_start:
  xor eax, eax
  xor ebx, ebx
  mov ecx, ${iterations}
  jecxz over
  ${loop.body}
over:
  ${exit}
${arr}
`;
}

/**
 * The guest image of `loop` running `iterations` times (a flat image for 0x10000).
 *
 * @example
 * ```ts
 * import { guestLoop, LOOPS } from "./jit_loops.ts";
 * console.log((await guestLoop(LOOPS[0]!, 10)).length > 0); // true
 * ```
 */
export async function guestLoop(loop: Loop, iterations: number): Promise<Uint8Array> {
  return await nasm(source(loop, iterations, false), 0x10000);
}

/**
 * Builds the native program of `loop` running `iterations` times; returns its path.
 *
 * @example
 * ```ts
 * import { LOOPS, nativeLoop } from "./jit_loops.ts";
 * const exe = await nativeLoop(LOOPS[0]!, 1000);
 * console.log((await new Deno.Command(exe).output()).success); // true
 * ```
 */
export async function nativeLoop(loop: Loop, iterations: number): Promise<string> {
  const dir = `${BUILD_DIR}/bench/loops`;
  await Deno.mkdir(dir, { recursive: true });
  const base = `${dir}/${loop.name}-${iterations}`;
  await Deno.writeTextFile(`${base}.asm`, `BITS 32\n${source(loop, iterations, true)}`);
  for (
    const [cmd, args] of [
      ["nasm", ["-f", "elf32", "-o", `${base}.o`, `${base}.asm`]],
      ["ld", ["-m", "elf_i386", "-o", base, `${base}.o`]],
    ] as const
  ) {
    const r = await new Deno.Command(cmd, { args: [...args], stderr: "piped" }).output();
    if (!r.success) {
      throw new Error(`Cannot build ${base}: ${new TextDecoder().decode(r.stderr).trim()}`);
    }
  }
  return base;
}
