/**
 * The one error the assembler throws: which line, its text, and why.
 *
 * @module
 */

/**
 * A source line the assembler cannot assemble. `message` reads
 * "Cannot assemble line 12: unknown instruction 'movq'"; `line` is 1-based
 * (0 when the problem is not tied to one line), `text` is the line as written
 * and `reason` the part after the colon.
 *
 * @example
 * ```ts
 * import { AsmError, assemble } from "@denali/kernel/asm";
 * try {
 *   assemble("nop\nmovq eax, 1");
 * } catch (e) {
 *   if (e instanceof AsmError) console.log(e.line, e.reason); // 2 unknown instruction 'movq'
 * }
 * ```
 */
export class AsmError extends Error {
  /** 1-based source line, or 0 for whole-program problems. */
  readonly line: number;
  /** The source line as written (trimmed), or "" for whole-program problems. */
  readonly text: string;
  /** What is wrong, without the line prefix. */
  readonly reason: string;

  /** An error for 1-based `line` (0: the whole program) with its `text` and `reason`. */
  constructor(line: number, text: string, reason: string) {
    super(line > 0 ? `Cannot assemble line ${line}: ${reason}` : `Cannot assemble: ${reason}`);
    this.name = "AsmError";
    this.line = line;
    this.text = text;
    this.reason = reason;
  }
}
