// Problems found inside one line: thrown as LineError, turned into an AsmError (with the line
// number and text) by the driver in assembler.ts.

/** A problem in the line being assembled; the driver adds the line number and text. */
export class LineError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = "LineError";
  }
}

/** Throws a {@linkcode LineError}; typed `never` so it can end expressions. */
export function fail(reason: string): never {
  throw new LineError(reason);
}
