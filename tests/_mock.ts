/**
 * The one import of the mocking library for every test (spies, fake timers),
 * so switching to `@std/testing/mock` later is a change to this file only.
 *
 * @module
 */
export { mock } from "node:test";
