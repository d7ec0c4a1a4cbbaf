import { assert } from "../_assert.ts";
import { buildImage, hasGcc32 } from "../../guests/build.ts";
import { hasNasm, nasm } from "../_nasm.ts";

const CLI = new URL("../../cli.ts", import.meta.url).pathname;
const HAVE_GCC = await hasGcc32();

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

/** A flat guest: prints "hi from N" and exits with code N (its VM id); VM 3 hits ud2. */
async function flatGuest(): Promise<string> {
  const bytes = await nasm(`
    mov eax, [0x1004]
    add al, '0'
    mov [msg + 8], al
    mov eax, msg_len
    mov dx, 0x104
    out dx, eax
    mov ebx, [0x1004]
    cmp ebx, 3
    je .bad
    xor eax, eax
    vmcall
  .bad:
    ud2
  msg_len: dd 10
  msg: db "hi from  ", 10
  `);
  const path = await Deno.makeTempFile({ suffix: ".bin" });
  await Deno.writeFile(path, bytes);
  return path;
}

Deno.test("cli --help explains every flag", async () => {
  const r = await cli("run", "--help");
  assert.equal(r.code, 0);
  for (
    const flag of [
      "--vms",
      "--mem",
      "--clock",
      "--quantum",
      "--interrupts",
      "--switch-cost",
      "--load",
    ]
  ) {
    assert.match(r.stdout, new RegExp(flag));
  }
});

Deno.test("cli reports bad arguments in one line with status 2", async () => {
  for (
    const args of [
      ["run"],
      ["run", "x.bin", "--vms", "0"],
      ["run", "x.bin", "--clock", "fast"],
      ["run", "x.bin", "--mem", "lots"],
      ["run", "x.bin", "--switch-cost", "-1"],
      ["run", "x.bin", "--frobnicate"],
      ["launch", "x.bin"],
      ["run", "/nonexistent/x.bin"],
    ]
  ) {
    const r = await cli(...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /^denali: Cannot /);
  }
});

Deno.test({
  name: "cli runs N VMs with prefixed output, fault reasons, stats and the guest's exit code",
  ignore: !hasNasm,
  fn: async () => {
    const image = await flatGuest();
    const one = await cli("run", image);
    assert.equal(one.stdout, "hi from 1\n");
    assert.equal(one.code, 1);
    assert.match(one.stderr, /1 VM\(s\): 1 exited/);

    const four = await cli("run", image, "--vms", "4", "--mem", "128K", "--quantum", "50");
    assert.deepEqual(four.stdout.trim().split("\n"), [
      "[1] hi from 1",
      "[2] hi from 2",
      "[3] hi from 3",
      "[4] hi from 4",
    ]);
    assert.equal(four.code, 1);
    assert.match(four.stderr, /vm 3 faulted: invalid-opcode at eip 0x10026 \(0f 0b/);
    assert.match(four.stderr, /4 VM\(s\): 3 exited, 1 faulted/);

    const json = await cli("run", image, "--stats", "json", "--clock", "real");
    const stats = JSON.parse(json.stderr.trim().split("\n").at(-1)!);
    assert.equal(stats.clock, "real");
    assert.equal(stats.vms.exited, 1);

    const tooSmall = await cli("run", image, "--mem", "32K");
    assert.equal(tooSmall.code, 1);
    assert.match(tooSmall.stderr, /^denali: Cannot load image: /);
    await Deno.remove(image);
  },
});

Deno.test({
  name: "cli runs a C guest built with gcc -m32 and exits with its code",
  ignore: !HAVE_GCC,
  fn: async () => {
    const src = await Deno.makeTempFile({ suffix: ".c" });
    await Deno.writeTextFile(
      src,
      '#include <stdio.h>\nint main(void) { printf("sum %d\\n", 40 + 2); return 5; }\n',
    );
    const elf = await buildImage({ sources: [src], output: `${src}.elf`, opt: "-Os" });
    const r = await cli("run", elf, "--vms", "2");
    assert.equal(r.stdout, "[1] sum 42\n[2] sum 42\n");
    assert.equal(r.code, 5);
    await Deno.remove(src);
    await Deno.remove(elf);
  },
});
