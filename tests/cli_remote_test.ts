/**
 * The CLI end to end: `denali serve` in a child process, and the commands
 * that talk to it over its API socket, as a user would type them.
 */
import { assert } from "./_assert.ts";
import { ECHO, FOREVER, ticker } from "./_api_guests.ts";

const CLI = new URL("../cli.ts", import.meta.url).pathname;
const PERMS = ["--allow-read", "--allow-write", "--allow-net", "--allow-env"];

async function cli(
  args: string[],
  options: { stdin?: string; env?: Record<string, string> } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, CLI, ...args],
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    ...(options.env ? { env: options.env } : {}),
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const r = await child.output();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}

async function waitForSocket(path: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    try {
      (await Deno.connect({ transport: "unix", path })).close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  throw new Error(`Cannot reach ${path}: the kernel did not start`);
}

Deno.test("cli serve runs a kernel that list, create, inspect, pause, resume, kill, rm, console, attach, wait and stats drive over its socket", async () => {
  const dir = await Deno.makeTempDir();
  const sock = `${dir}/denali.sock`;
  const forever = `${dir}/forever.bin`, tick = `${dir}/tick.bin`, echo = `${dir}/echo.bin`;
  await Deno.writeFile(forever, FOREVER);
  await Deno.writeFile(tick, ticker(3, 1000, 5));
  await Deno.writeFile(echo, ECHO);
  const bad = `${dir}/bad.elf`;
  await Deno.writeFile(bad, new TextEncoder().encode("\x7fELF1234"));
  const server = new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMS, CLI, "serve", "--api", sock, "--quiet"],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const api = ["--api", sock];
  try {
    await waitForSocket(sock);
    const created = await cli(["create", forever, "--vms", "2", "--name", "svc", ...api]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, "1\n2\n");

    const list = await cli(["list", ...api]);
    assert.equal(list.code, 0);
    const lines = list.stdout.trim().split("\n");
    assert.match(
      lines[0]!,
      /^ID\s+NAME\s+STATE\s+MEM\s+PAGES\s+INSTRUCTIONS\s+IRQS\s+RX\s+TX\s+DISK$/,
    );
    assert.match(lines[1]!, /^1\s+svc-1\s+(running|ready|idle)\s+1024K/);
    assert.equal(lines.length, 3);

    assert.equal((await cli(["pause", "2", ...api])).stdout, "2 paused\n");
    const inspect = await cli(["inspect", "2", ...api]);
    assert.match(inspect.stdout, /^id +2\nname +svc-2\nstate +paused\n/);
    assert.match(inspect.stdout, /registers +eax [0-9a-f]{8}/);
    assert.match(inspect.stdout, /nic +02:00:00:00:00:02/);
    // The busy loop is hot: it runs translated, from a region the first VM may have made.
    assert.match(inspect.stdout, /translated +[1-9]\d* regions, .*\(\d+ compiled, \d+ shared\)/);
    const json = JSON.parse((await cli(["inspect", "2", "--json", ...api])).stdout);
    assert.equal(json.state, "paused");
    assert.match((await cli(["resume", "2", ...api])).stdout, /^2 (running|ready|idle)\n$/);
    assert.equal((await cli(["kill", "1", "2", ...api])).stdout, "1 killed\n2 killed\n");
    assert.equal((await cli(["rm", "1", ...api])).code, 0);

    // $DENALI_API names the socket when --api is not given.
    const env = { DENALI_API: sock };
    const [t] = (await cli(["create", tick], { env })).stdout.trim().split("\n");
    const waited = await cli(["wait", t!], { env });
    assert.deepEqual([waited.code, waited.stdout], [5, `${t} exited 5\n`]);
    assert.equal((await cli(["console", t!], { env })).stdout, `tick from ${t}\n`.repeat(3));

    const [e] = (await cli(["create", echo, ...api])).stdout.trim().split("\n");
    const attached = await cli(["attach", e!, ...api], { stdin: "typed through the API\n" });
    assert.deepEqual([attached.code, attached.stdout], [0, "typed through the API\n"]);

    const stats = await cli(["stats", ...api]);
    assert.match(stats.stdout, /^denali [\d.]+s \| 3 VMs \(/);
    assert.match(stats.stdout, /kernel: clock real, quantum 10000, interrupts batched/);
    const overview = JSON.parse((await cli(["stats", "--json", ...api])).stdout);
    assert.equal(overview.kernel.vms.total, 3);

    // Mistakes: one line each, with the exit status that says whose.
    const mistakes: [string[], number, RegExp][] = [
      [["inspect", "99", ...api], 1, /^denali: Cannot inspect VM 99: no such VM\n$/],
      [["pause", "2", ...api], 1, /^denali: Cannot pause VM 2: it is killed\n$/],
      [["rm", "99", ...api], 1, /^denali: Cannot remove VM 99: no such VM\n$/],
      [
        ["create", `${dir}/missing.bin`, ...api],
        2,
        /^denali: Cannot read image .*missing\.bin: no such file\n$/,
      ],
      [["create", bad, ...api], 1, /^denali: Cannot load image: ELF header truncated/],
      [["inspect", ...api], 2, /^denali: Cannot inspect: expected one VM id, got 0/],
      [["kill", "x", ...api], 2, /^denali: Cannot parse VM id: "x" is not an integer >= 1\n$/],
      [
        ["list", "--frobnicate", ...api],
        2,
        /^denali: Cannot parse arguments: Unknown option '--frobnicate'\n$/,
      ],
      [
        ["list", "--api", `${dir}/none.sock`],
        3,
        /^denali: Cannot reach the kernel API at .*none\.sock: no such socket/,
      ],
      [["list", "--api", "example.com:80"], 2, /loopback only/],
      [
        ["serve", "--api", sock],
        1,
        /^denali: Cannot serve API on .*: a running kernel already serves it\n$/,
      ],
    ];
    for (const [args, code, message] of mistakes) {
      const r = await cli(args);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  } finally {
    server.kill("SIGTERM");
    const r = await server.output();
    await Deno.remove(dir, { recursive: true });
    assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
    assert.match(
      new TextDecoder().decode(r.stderr),
      /serving the API on .*denali\.sock\n.*stopped/s,
    );
  }
});

Deno.test("cli run --api serves the API while the guests run, then exits with their status", async () => {
  const dir = await Deno.makeTempDir();
  const sock = `${dir}/run.sock`;
  const image = `${dir}/forever.bin`;
  await Deno.writeFile(image, FOREVER);
  const run = cli(["run", image, "--api", sock, "--clock", "real", "--stats", "none"]);
  await waitForSocket(sock);
  const list = await cli(["list", "--api", sock]);
  assert.match(list.stdout, /\n1\s+vm1\s+/);
  const killed = await cli(["kill", "1", "--api", sock]);
  assert.equal(killed.stdout, "1 killed\n");
  const r = await run;
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^denali: serving the API on .*run\.sock\n/);
  await assert.rejects(Deno.lstat(sock), "the socket is removed on exit");
  await Deno.remove(dir, { recursive: true });
});
