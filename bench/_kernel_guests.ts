/**
 * Hand-encoded guests for the kernel benchmarks (no assembler needed), all
 * flat images loaded at 0x2000 so that they fit 64 KiB VMs.
 *
 * @module
 */

/** Load address of the benchmark guests. */
export const BENCH_LOAD = 0x2000;

/** `l: mov eax, 2 ; vmcall ; jmp l`: yields forever. */
export const YIELD_LOOP = {
  flat: new Uint8Array([0xb8, 2, 0, 0, 0, 0x0f, 0x01, 0xc1, 0xeb, 0xf6]),
  loadAddress: BENCH_LOAD,
};

/** `l: hlt ; jmp l`: idles until an interrupt, forever. */
export const HLT_LOOP = { flat: new Uint8Array([0xf4, 0xeb, 0xfd]), loadAddress: BENCH_LOAD };

/** `xor ebx, ebx ; xor eax, eax ; vmcall`: terminates with 0. */
export const EXIT0 = {
  flat: new Uint8Array([0x31, 0xdb, 0x31, 0xc0, 0x0f, 0x01, 0xc1]),
  loadAddress: BENCH_LOAD,
};

/** Formats a number with thousands separators. */
export function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}
