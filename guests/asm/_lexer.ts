// The lexer: one source line to tokens. Comments (`;`) end the line; numbers
// take nasm's forms (0x1f, 1fh, 0b101, 101b, 0o17, 17q, 1_000); strings are
// '...', "..." (no escapes) or `...` (C escapes).
import { fail } from "./_diag.ts";

/** A token: an identifier, a number, a string or an operator/punctuation. */
export interface Token {
  kind: "id" | "num" | "str" | "op";
  /** The text as written (for strings: the decoded contents as latin-1). */
  text: string;
  /** Numbers: the value. Strings: the value as a character constant. */
  value: bigint;
  /** Strings: the bytes. */
  bytes: Uint8Array | null;
}

const OPS = ["<<", ">>", "//", "%%", "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "(", ")"]
  .concat(["[", "]", ",", ":"]);
const ID_START = /[A-Za-z_.?@]/;
const ID_REST = /[A-Za-z0-9_$#@~.?]/;

/** Splits one line into tokens (the comment dropped). */
export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (c === ";") break;
    if (c === " " || c === "\t" || c === "\r") {
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      const [bytes, end] = readString(line, i);
      out.push({ kind: "str", text: latin1(bytes), value: charConst(bytes), bytes });
      i = end;
      continue;
    }
    if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < line.length && /[0-9A-Za-z_]/.test(line[j]!)) j++;
      const text = line.slice(i, j);
      out.push({ kind: "num", text, value: parseNumber(text), bytes: null });
      i = j;
      continue;
    }
    if (c === "$") {
      if (line[i + 1] === "$") {
        out.push(op("$$"));
        i += 2;
      } else if (i + 1 < line.length && ID_START.test(line[i + 1]!)) {
        // `$name` escapes an identifier that would otherwise be a keyword
        let j = i + 2;
        while (j < line.length && ID_REST.test(line[j]!)) j++;
        out.push({ kind: "id", text: line.slice(i + 1, j), value: 0n, bytes: null });
        i = j;
      } else {
        out.push(op("$"));
        i++;
      }
      continue;
    }
    if (ID_START.test(c)) {
      let j = i + 1;
      while (j < line.length && ID_REST.test(line[j]!)) j++;
      out.push({ kind: "id", text: line.slice(i, j), value: 0n, bytes: null });
      i = j;
      continue;
    }
    const o = OPS.find((s) => line.startsWith(s, i));
    if (o === undefined) fail(`unexpected character '${c}'`);
    out.push(op(o));
    i += o.length;
  }
  return out;
}

function op(text: string): Token {
  return { kind: "op", text, value: 0n, bytes: null };
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/** A string used as a number: its bytes little-endian (nasm's character constants). */
function charConst(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let k = Math.min(bytes.length, 8) - 1; k >= 0; k--) v = (v << 8n) | BigInt(bytes[k]!);
  return BigInt.asIntN(64, v);
}

const ESCAPES: Record<string, number> = {
  "n": 10,
  "t": 9,
  "r": 13,
  "0": 0,
  "a": 7,
  "b": 8,
  "f": 12,
  "v": 11,
  "e": 27,
  "\\": 92,
  "'": 39,
  '"': 34,
  "`": 96,
  "?": 63,
};

function readString(line: string, start: number): [Uint8Array, number] {
  const q = line[start]!;
  const bytes: number[] = [];
  let i = start + 1;
  for (;;) {
    if (i >= line.length) fail(`unterminated string`);
    const c = line[i]!;
    if (c === q) return [new Uint8Array(bytes), i + 1];
    if (q === "`" && c === "\\") {
      const e = line[i + 1] ?? "";
      if (e === "x") {
        const m = /^[0-9A-Fa-f]{1,2}/.exec(line.slice(i + 2));
        if (m === null) fail("bad \\x escape in string");
        bytes.push(parseInt(m[0], 16));
        i += 2 + m[0].length;
        continue;
      }
      const oct = /^[0-7]{1,3}/.exec(line.slice(i + 1));
      if (oct !== null && e !== "0") {
        bytes.push(parseInt(oct[0], 8) & 0xff);
        i += 1 + oct[0].length;
        continue;
      }
      const v = ESCAPES[e];
      if (v === undefined) fail(`unknown escape '\\${e}' in string`);
      bytes.push(v);
      i += 2;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x80) bytes.push(code);
    else for (const b of new TextEncoder().encode(c)) bytes.push(b);
    i++;
  }
}

const RADIX: [RegExp, number][] = [
  [/^0[xh]([0-9a-f]+)$/, 16],
  [/^([0-9][0-9a-f]*)h$/, 16],
  [/^0[by]([01]+)$/, 2],
  [/^([01]+)[by]$/, 2],
  [/^0[oq]([0-7]+)$/, 8],
  [/^([0-7]+)[oq]$/, 8],
  [/^0[dt]([0-9]+)$/, 10],
  [/^([0-9]+)[dt]?$/, 10],
];

/** Parses a nasm number literal (underscores allowed) to a 64-bit value. */
export function parseNumber(text: string): bigint {
  const t = text.toLowerCase().replaceAll("_", "");
  for (const [re, radix] of RADIX) {
    const m = re.exec(t);
    if (m === null) continue;
    let v = 0n;
    for (const d of m[1]!) v = v * BigInt(radix) + BigInt(parseInt(d, radix));
    if (v >= 1n << 64n) fail(`number '${text}' does not fit in 64 bits`);
    return BigInt.asIntN(64, v);
  }
  return fail(`invalid number '${text}'`);
}

/** A read position in a line's tokens. */
export class Cursor {
  readonly toks: Token[];
  pos = 0;

  constructor(toks: Token[], pos = 0) {
    this.toks = toks;
    this.pos = pos;
  }

  peek(ahead = 0): Token | undefined {
    return this.toks[this.pos + ahead];
  }

  next(): Token {
    const t = this.toks[this.pos];
    if (t === undefined) fail("unexpected end of line");
    this.pos++;
    return t;
  }

  eof(): boolean {
    return this.pos >= this.toks.length;
  }

  /** True (and consumes it) when the next token is the operator `text`. */
  isOp(text: string): boolean {
    const t = this.toks[this.pos];
    if (t?.kind === "op" && t.text === text) {
      this.pos++;
      return true;
    }
    return false;
  }

  /** True (and consumes it) when the next token is the keyword `word` (any case). */
  isWord(word: string): boolean {
    const t = this.toks[this.pos];
    if (t?.kind === "id" && t.text.toLowerCase() === word) {
      this.pos++;
      return true;
    }
    return false;
  }

  expect(text: string): void {
    if (!this.isOp(text)) fail(`expected '${text}'${this.describe()}`);
  }

  /** " but found 'x'" or " at end of line", for messages. */
  describe(): string {
    const t = this.toks[this.pos];
    return t === undefined ? " at end of line" : ` but found '${t.text}'`;
  }
}
