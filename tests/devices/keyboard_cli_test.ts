import { assert } from "../_assert.ts";
import { guest, hasNasm } from "../kernel/_guests.ts";
import { ECHO_KEYS } from "./keyboard_guest.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;

async function cli(args: string[], input: Uint8Array) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", CLI, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(input);
  await writer.close();
  const r = await child.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

Deno.test({
  name: "cli run --attach types stdin into the VM's keyboard without dropping any of it",
  ignore: !hasNasm,
  async fn() {
    const path = await Deno.makeTempFile({ suffix: ".bin" });
    try {
      await Deno.writeFile(path, (await guest(ECHO_KEYS)).flat);
      // 3,000 bytes: over ten times the keyboard buffer, so the CLI must wait for the guest.
      const text = Array.from({ length: 100 }, (_, i) => `line ${i} of the input....\n`).join("");
      const r = await cli(
        ["run", path, "--attach", "--stats", "none"],
        new TextEncoder().encode(text),
      );
      assert.equal(r.stderr, "");
      assert.equal(r.code, 0);
      assert.equal(r.stdout, text);
    } finally {
      await Deno.remove(path);
    }
  },
});

Deno.test("cli run --attach needs exactly one VM", async () => {
  const r = await cli(["run", "x.bin", "--attach", "--vms", "2"], new Uint8Array(0));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^denali: Cannot attach stdin: --attach needs one VM, got --vms 2\n$/);
});
