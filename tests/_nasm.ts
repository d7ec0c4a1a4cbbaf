/**
 * Assembles small x86 guests with nasm for tests (`BITS 32`, flat binary).
 * Tests that need it skip with a clear reason when nasm is not installed.
 *
 * @module
 */

/** True when `nasm` can be run. */
export const hasNasm: boolean = await (async () => {
  try {
    const out = await new Deno.Command("nasm", { args: ["-v"], stdout: "null", stderr: "null" })
      .output();
    return out.success;
  } catch {
    return false;
  }
})();

/** Assembles `source` (Intel syntax) at `org` into flat bytes. Throws with nasm's message. */
export async function nasm(source: string, org = 0x10000): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "denali-nasm-" });
  try {
    const src = `${dir}/a.asm`, out = `${dir}/a.bin`;
    await Deno.writeTextFile(src, `BITS 32\norg 0x${org.toString(16)}\n${source}\n`);
    const r = await new Deno.Command("nasm", {
      args: ["-f", "bin", "-o", out, src],
      stderr: "piped",
    })
      .output();
    if (!r.success) {
      throw new Error(`Cannot assemble test guest: ${new TextDecoder().decode(r.stderr).trim()}`);
    }
    return await Deno.readFile(out);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
