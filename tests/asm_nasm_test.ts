/**
 * guests/asm against nasm, byte for byte, on generated corpora: every
 * mnemonic in every operand form with random registers, immediates, memory
 * operands and jumps (tests/asm_corpus.ts). A mismatch names the first line
 * whose bytes differ.
 */
import { assert } from "./_assert.ts";
import { hasNasm } from "./_nasm.ts";
import { corpus, sameAsNasm } from "./asm_corpus.ts";
import { MNEMONICS } from "../guests/asm/mod.ts";

const SEEDS = [1, 2, 3];
const ROUNDS = 25;
if (!hasNasm) {
  console.warn("tests/asm_nasm_test.ts skipped: nasm is missing (apt-get install -y nasm)");
}

for (const seed of SEEDS) {
  Deno.test({
    name: `assembler matches nasm byte for byte on a generated corpus (seed ${seed})`,
    ignore: !hasNasm,
    fn: () => sameAsNasm(corpus(seed, ROUNDS)),
  });
}

Deno.test("assembler corpus exercises every mnemonic the assembler knows", () => {
  const used = new Set<string>();
  for (const seed of SEEDS) {
    for (const line of corpus(seed, ROUNDS)) {
      const words = line.toLowerCase().split(/[\s,]+/);
      for (const w of words) used.add(w);
    }
  }
  const missing = MNEMONICS.filter((m) => !used.has(m));
  assert.deepEqual(missing, []);
});
