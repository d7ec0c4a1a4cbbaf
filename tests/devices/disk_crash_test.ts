import { assert } from "../_assert.ts";
import { BLOCK_SIZE, CowDisk, FileDisk } from "../../kernel/mod.ts";
import { diskGuest, hasNasm } from "./disk_asm.ts";

const CHILD = new URL("./disk_crash_child.ts", import.meta.url).pathname;
const KILL_AT = 20;

/** Writes block k with the byte k+1, flushes, prints "flushed k" (hex); for k = 0..255. */
const WRITER = `
  xor esi, esi
.loop:
  mov edi, 0x40000
  mov eax, esi
  inc eax
  mov ecx, 4096
  rep stosb
  mov [w + 8], esi
  SUBMIT w
  SUBMIT f
  WAIT f
  mov eax, [w + R_STATUS]
  or eax, [f + R_STATUS]
  jnz .fail
  mov eax, msg
  mov dx, 0x104
  out dx, eax
  mov eax, esi
  PRINT_HEX 8
  PUTC 10
  inc esi
  cmp esi, 256
  jne .loop
  TERMINATE 0
.fail:
  TERMINATE 2
w: REQ OP_WRITE, 0, 0, 1, 0x40000, 0
f: REQ OP_FLUSH, 0, 0, 0, 0, 0
msg: dd 8
  db "flushed "
`;

/** Runs the child until it prints "flushed KILL_AT", kills it with SIGKILL, returns its lines. */
async function runAndKill(args: string[]): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", CHILD, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  let killed = false;
  try {
    let partial = "";
    const dec = new TextDecoder();
    const target = `flushed ${KILL_AT.toString(16).padStart(8, "0")}`;
    for await (const chunk of child.stdout) {
      partial += dec.decode(chunk, { stream: true });
      const parts = partial.split("\n");
      partial = parts.pop()!;
      lines.push(...parts);
      if (parts.includes(target)) {
        child.kill("SIGKILL");
        killed = true;
        break;
      }
    }
  } finally {
    if (!killed) child.kill("SIGKILL");
    const status = await child.status;
    const err = new TextDecoder().decode(await new Response(child.stderr).arrayBuffer());
    assert.equal(status.signal, "SIGKILL", `child was not killed: ${err}`);
  }
  return lines;
}

function checkFlushed(store: { read(b: number, n: number, into: Uint8Array): void }): void {
  const blk = new Uint8Array(BLOCK_SIZE);
  for (let k = 0; k <= KILL_AT; k++) {
    store.read(k, 1, blk);
    assert.ok(blk.every((x) => x === k + 1), `block ${k} lost its flushed contents`);
  }
}

Deno.test({
  name: "Disk flushes survive SIGKILL of the kernel's process (file-backed disk)",
  ignore: !hasNasm,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denali-crash-" });
    try {
      const image = `${dir}/writer.bin`, disk = `${dir}/disk.img`;
      await Deno.writeFile(image, (await diskGuest(WRITER)).flat);
      const lines = await runAndKill(["file", image, disk]);
      assert.equal(lines[KILL_AT], `flushed ${KILL_AT.toString(16).padStart(8, "0")}`);
      const store = FileDisk.open(disk, { readOnly: true });
      assert.equal(store.blocks, 256);
      checkFlushed(store);
      store.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "Disk flushes survive SIGKILL of the kernel's process (copy-on-write file overlay)",
  ignore: !hasNasm,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "denali-crash-" });
    try {
      const image = `${dir}/writer.bin`, basePath = `${dir}/base.img`, ov = `${dir}/vm.cow`;
      await Deno.writeFile(image, (await diskGuest(WRITER)).flat);
      await Deno.writeFile(basePath, new Uint8Array(256 * BLOCK_SIZE).fill(0xba));
      await runAndKill(["cow", image, basePath, ov]);
      const base = FileDisk.open(basePath, { readOnly: true });
      const store = CowDisk.file(base, ov);
      checkFlushed(store);
      assert.ok(store.overlayBlocks > KILL_AT);
      const blk = new Uint8Array(BLOCK_SIZE);
      base.read(0, 1, blk);
      assert.equal(blk[0], 0xba, "the base image is never written");
      store.close();
      base.close();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
