/**
 * The shape of a CLI command, and the exit statuses every command shares.
 *
 * @module
 */

/**
 * A command of the CLI: a one-line summary for `denali --help` and an entry
 * point that takes the arguments after the command's name and returns the
 * exit status. Errors it throws are printed as one line by cli.ts.
 *
 * @example
 * ```ts
 * import type { Command } from "./command.ts";
 * const hello: Command = { summary: "say hello", main: () => (console.log("hello"), Promise.resolve(0)) };
 * console.log(await hello.main([])); // hello, then 0
 * ```
 */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Runs the command; resolves to the exit status. */
  main(args: string[]): Promise<number>;
}

/**
 * Exit statuses: 0 success, 1 the operation failed (a guest faulted, the
 * kernel refused), 2 a usage error (bad flag, missing file), 3 no kernel API
 * answers.
 *
 * @example
 * ```ts
 * import { EXIT } from "./command.ts";
 * console.log(EXIT.usage); // 2
 * ```
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, unreachable: 3 } as const;
