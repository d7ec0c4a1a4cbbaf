/**
 * The one import of the assertion library for every test:
 * `import { assert } from "./_assert.ts"` (a strict `node:assert`) or the named
 * functions below. Switching to `@std/assert` later is a change to this file only.
 *
 * @module
 */
export { default as assert } from "node:assert/strict";
export {
  AssertionError,
  deepEqual,
  deepStrictEqual,
  doesNotMatch,
  doesNotReject,
  doesNotThrow,
  equal,
  fail,
  match,
  notDeepEqual,
  notDeepStrictEqual,
  notEqual,
  notStrictEqual,
  ok,
  rejects,
  strictEqual,
  throws,
} from "node:assert/strict";
