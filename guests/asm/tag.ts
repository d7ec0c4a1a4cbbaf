/**
 * Tagged templates for inline guests: ``asm`mov eax, ${n}` `` assembles its
 * text, with interpolated numbers written in decimal and strings as they are.
 *
 * @module
 */
import { assemble } from "./assembler.ts";

function text(strings: TemplateStringsArray, values: unknown[]): string {
  let s = strings[0]!;
  values.forEach((v, k) => {
    if (typeof v !== "number" && typeof v !== "bigint" && typeof v !== "string") {
      throw new TypeError(
        `Cannot interpolate into assembly: ${typeof v} is not a number or string`,
      );
    }
    if (typeof v === "number" && !Number.isInteger(v)) {
      throw new TypeError(`Cannot interpolate into assembly: ${v} is not an integer`);
    }
    s += String(v) + strings[k + 1]!;
  });
  return s;
}

/**
 * Assembles a template literal at origin 0 (an `org` line inside wins).
 *
 * @example
 * ```ts
 * import { asm } from "@denali/kernel/asm";
 * const code = 42;
 * const bytes = asm`
 *   mov ebx, ${code}
 *   xor eax, eax   ; terminate(ebx)
 *   vmcall`;
 * console.log(bytes); // Uint8Array [187, 42, 0, 0, 0, 49, 192, 15, 1, 193]
 * ```
 */
export function asm(strings: TemplateStringsArray, ...values: unknown[]): Uint8Array {
  return assemble(text(strings, values));
}

/**
 * A template tag like {@linkcode asm} that assembles at origin `org`.
 *
 * @example
 * ```ts
 * import { asmAt } from "@denali/kernel/asm";
 * const bytes = asmAt(0x10000)`here: jmp near here`;
 * console.log(bytes); // Uint8Array [233, 251, 255, 255, 255]
 * ```
 */
export function asmAt(
  org: number,
): (strings: TemplateStringsArray, ...values: unknown[]) => Uint8Array {
  return (strings, ...values) => assemble(text(strings, values), { org });
}
