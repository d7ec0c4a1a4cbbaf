/**
 * The CLI's surface: `--help` on every command, one-line errors for usage
 * mistakes, several images in one run, the live status line, and
 * installation with `deno install`.
 */
import { assert } from "./_assert.ts";
import { compact, ProgressLine, statusLine } from "../cli/progress.ts";
import { Machine } from "../api/machine.ts";
import { ticker } from "./_api_guests.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const COMMANDS = [
  "run",
  "serve",
  "create",
  "list",
  "inspect",
  "start",
  "pause",
  "resume",
  "kill",
  "rm",
  "stats",
  "console",
  "attach",
  "wait",
];

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", "--allow-net", "--allow-env", CLI, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

Deno.test("cli --help lists every command, and every command has its own --help", async () => {
  const top = await cli("--help");
  assert.equal(top.code, 0);
  for (const c of COMMANDS) assert.match(top.stdout, new RegExp(`\\n  ${c} +\\S`), c);
  const bare = await cli();
  assert.equal(bare.code, 2);
  const helps = await Promise.all(COMMANDS.map((c) => cli(c, "--help")));
  helps.forEach((h, i) => {
    assert.equal(h.code, 0, COMMANDS[i]);
    assert.match(h.stdout, new RegExp(`^Usage: denali ${COMMANDS[i]}\\b`), COMMANDS[i]);
    assert.match(h.stdout, /-h, --help/);
    assert.equal(h.stderr, "");
  });
});

Deno.test("cli usage mistakes are one line with status 2", async () => {
  const cases: string[][] = [
    ["run", "x.bin", "--quantum", "0"],
    ["run", "x.bin", "--quantum", "99999999999"],
    ["run", "x.bin", "--interrupts", "sometimes"],
    ["run", "x.bin", "--progress", "maybe"],
    ["run", "x.bin", "--api", "10.0.0.1:80"],
    ["run", "x.bin", "--load", "-1"],
    ["run", "x.bin", "--vms"],
    ["serve", "--clock", "fast"],
    ["serve", "--attach"],
    ["frobnicate"],
  ];
  const results = await Promise.all(cases.map((c) => cli(...c)));
  results.forEach((r, i) => {
    const what = cases[i]!.join(" ");
    assert.equal(r.code, 2, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /^denali: Cannot [^\n]+\n$/, what);
  });
});

Deno.test("cli run boots several images, each in --vms VMs, with prefixed output", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeFile(`${dir}/a.bin`, ticker(1, 1, 0));
  await Deno.writeFile(`${dir}/b.bin`, ticker(2, 1, 0));
  const r = await cli("run", `${dir}/a.bin`, `${dir}/b.bin`, "--vms", "2", "--stats", "none");
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n").sort();
  assert.deepEqual(lines, [
    "[1] tick from 1",
    "[2] tick from 2",
    "[3] tick from 3",
    "[3] tick from 3",
    "[4] tick from 4",
    "[4] tick from 4",
  ]);
  assert.equal(r.stderr, "", "no status line when stderr is not a terminal");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("cli status line shows VMs by state and the kernel's rates, and erases itself", async () => {
  assert.deepEqual([compact(999), compact(12_345), compact(4_560_000), compact(7e9)], [
    "999",
    "12.3k",
    "4.56M",
    "7.00G",
  ]);
  const m = new Machine({ sampleMs: 0 });
  try {
    await m.create({ imageBytes: ticker(3, 100), count: 4 });
    const before = m.counters();
    await m.run();
    const after = { ...m.counters(), hostMs: before.hostMs + 1000 };
    const line = statusLine(m.kernel.stats(), after, before, 1500);
    assert.match(line, /^denali 1\.5s \| 4 VMs \(4 exited\) \| [\d.]+ MIPS \| \d+ switches\/s \|/);
    const out: string[] = [];
    const p = new ProgressLine({
      stats: () => m.kernel.stats(),
      counters: () => m.counters(),
      write: (b) => out.push(new TextDecoder().decode(b)),
      delayMs: 0,
      intervalMs: 10,
      columns: 40,
    });
    await new Promise((r) => setTimeout(r, 50));
    p.stop();
    assert.ok(out.length >= 2);
    assert.ok(out[0]!.startsWith("\r\x1b[2K"), "redrawn in place");
    assert.match(out[0]!.slice(5), /^denali [\d.]+s \| 4 VMs/);
    assert.ok(out[0]!.length <= 40 + 5, "cut to the terminal's width");
    assert.equal(out.at(-1), "\r\x1b[2K", "erased at the end");
  } finally {
    await m.close();
  }
});

Deno.test("cli installs with deno install and runs as a command", async () => {
  const root = await Deno.makeTempDir();
  try {
    const install = await new Deno.Command(Deno.execPath(), {
      args: [
        "install",
        "--global",
        "--root",
        root,
        "--name",
        "denali",
        "--allow-read",
        "--allow-write",
        "--allow-net",
        "--allow-env",
        CLI,
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(install.code, 0, new TextDecoder().decode(install.stderr));
    const r = await new Deno.Command(`${root}/bin/denali`, { args: ["list", "--help"] }).output();
    assert.equal(r.code, 0);
    assert.match(new TextDecoder().decode(r.stdout), /^Usage: denali list/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

const HAVE_SCRIPT = await new Deno.Command("script", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((r) => r.success, () => false);

Deno.test({
  name: "cli run shows its live status line on a terminal (util-linux script gives it one)",
  ignore: !HAVE_SCRIPT,
  async fn() {
    const dir = await Deno.makeTempDir();
    const image = `${dir}/slow.bin`;
    await Deno.writeFile(image, ticker(15, 100_000, 0)); // 1.5 s of real time
    const command = [Deno.execPath(), "run", "--allow-read", CLI, "run", image, "--clock", "real"]
      .map((a) => `'${a}'`).join(" ");
    const r = await new Deno.Command("script", {
      args: ["-qec", command, "/dev/null"],
      stdout: "piped",
      stderr: "piped",
      env: { TERM: "dumb", COLUMNS: "100", LINES: "24" },
    }).output();
    const out = new TextDecoder().decode(r.stdout);
    assert.equal(r.code, 0, out);
    assert.ok(out.includes("\r\x1b[2Kdenali "), "the status line was drawn");
    assert.match(out, /denali [\d.]+s \| 1 VMs \(1 (running|ready|idle)\) \| [\d.]+ MIPS/);
    assert.ok(out.includes("\r\x1b[2K"), "and erased");
    assert.match(out, /denali: 1 VM\(s\): 1 exited/);
    await Deno.remove(dir, { recursive: true });
  },
});
