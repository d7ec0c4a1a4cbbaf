import { assert } from "./_assert.ts";
import { Machine } from "../api/machine.ts";
import { type ApiServer, serveApi } from "../api/server.ts";
import { ApiClient, ApiError } from "../api/client.ts";
import { b64, ECHO, FOREVER, ticker } from "./_api_guests.ts";

/** A served machine on the real clock, its run loop going, and a client. */
async function served(
  address: Parameters<typeof serveApi>[1] = { transport: "tcp", hostname: "127.0.0.1", port: 0 },
) {
  // A loaded machine (the whole suite runs in parallel) may take seconds to start a Worker.
  const machine = new Machine({
    clock: "real",
    sampleMs: 50,
    workers: { startBudgetMs: 120_000, answerBudgetMs: 60_000 },
  });
  const loop = machine.run({ forever: true });
  const server: ApiServer = await serveApi(machine, address);
  const api = new ApiClient(server.address);
  return {
    machine,
    server,
    api,
    async close() {
      api.close();
      await server.shutdown();
      await machine.close();
      await loop;
    },
  };
}

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return await new Response(stream).text();
}

Deno.test("API creates, lists, inspects, pauses, resumes, kills and removes VMs over 127.0.0.1", async () => {
  const s = await served();
  try {
    const ids = await s.api.create({ imageBase64: b64(FOREVER), count: 3, name: "busy" });
    assert.deepEqual(ids, [1, 2, 3]);
    const list = await s.api.list();
    assert.equal(list.total, 3);
    assert.deepEqual(list.vms.map((v) => v.name), ["busy-1", "busy-2", "busy-3"]);
    assert.equal((await s.api.list({ limit: 1, after: 1 })).vms[0]!.id, 2);

    assert.equal((await s.api.action(2, "pause")).state, "paused");
    const paused = await s.api.inspect(2);
    assert.equal(paused.state, "paused");
    assert.equal(paused.nic?.mac, "02:00:00:00:00:02");
    assert.ok(paused.registers && paused.registers.eip >= 0x10000);
    assert.notEqual((await s.api.action(2, "resume")).state, "paused");

    assert.equal((await s.api.action(3, "kill")).state, "killed");
    await s.api.remove(3);
    assert.deepEqual((await s.api.list()).vms.map((v) => v.id), [1, 2]);

    // A VM that is created but not started, started later, runs to its exit code.
    const [t] = await s.api.create({ imageBase64: b64(ticker(2, 100, 9)), start: false });
    assert.equal((await s.api.inspect(t!)).state, "created");
    await s.api.action(t!, "start");
    const exit = await s.api.wait(t!);
    assert.deepEqual([exit.state, exit.code], ["exited", 9]);

    const k = await s.api.kernel();
    assert.equal(k.kernel.vms.total, 3);
    assert.equal(k.running, true);
    await new Promise((r) => setTimeout(r, 150));
    const history = await s.api.history();
    assert.ok(history.length >= 1);
    assert.ok(history.every((h) => h.live >= 0 && h.mips >= 0));
  } finally {
    await s.close();
  }
});

Deno.test("API reports every mistake as one JSON line with the status that says whose it is", async () => {
  const s = await served();
  const raw = async (method: string, path: string, body?: string) => {
    const r = await fetch(
      `${s.server.url}${path}`,
      body === undefined ? { method } : { method, body },
    );
    return { status: r.status, body: await r.json() as { error: string } };
  };
  try {
    const [id] = await s.api.create({ imageBase64: b64(ticker(1, 1)) });
    await s.api.wait(id!);
    const cases: [string, string, string | undefined, number, RegExp][] = [
      ["GET", "/v1/vms/99", undefined, 404, /^Cannot inspect VM 99: no such VM$/],
      ["POST", `/v1/vms/${id}/pause`, undefined, 409, /^Cannot pause VM 1: it is exited$/],
      ["POST", "/v1/vms", "{not json", 400, /^Cannot parse request body: it is not JSON$/],
      ["POST", "/v1/vms", "[1]", 400, /not a JSON object/],
      ["POST", "/v1/vms", '{"imageBase64":"%%%"}', 400, /not valid base64/],
      [
        "POST",
        "/v1/vms",
        '{"image":"/nonexistent/x.elf"}',
        400,
        /^Cannot read image .*no such file/,
      ],
      ["POST", "/v1/vms", `{"imageBase64":"${btoa("\x7fELF1234")}"}`, 400, /^Cannot load image: /],
      ["POST", "/v1/vms", '{"imageBase64":"9A==","memSize":"lots"}', 400, /memSize "lots"/],
      ["POST", "/v1/vms", '{"imageBase64":"9A==","count":0}', 400, /count 0/],
      ["PUT", "/v1/vms", "{}", 405, /^Cannot PUT \/v1\/vms: use GET or POST$/],
      ["GET", "/v1/nothing", undefined, 404, /no such endpoint/],
      ["GET", "/v1/vms/abc", undefined, 404, /ids are integers/],
      ["GET", "/v1/vms?limit=x", undefined, 400, /Cannot read query limit/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const r = await raw(method, path, body);
      assert.equal(r.status, status, `${method} ${path}`);
      assert.match(r.body.error, message);
      assert.equal(r.body.error.includes("\n"), false);
    }
    await assert.rejects(
      s.api.inspect(42),
      (e: unknown) => e instanceof ApiError && e.status === 404,
    );
    assert.equal((await s.api.list()).total, 1, "no failed request created a VM");
  } finally {
    await s.close();
  }
});

Deno.test("API streams a VM's console, raw and as Server-Sent Events, until the VM stops", async () => {
  const s = await served();
  try {
    const [id] = await s.api.create({ imageBase64: b64(ticker(5, 2000)) });
    const follow = text(await s.api.console(id!, true));
    const sse = fetch(`${s.server.url}/v1/vms/${id}/console`, {
      headers: { accept: "text/event-stream" },
    }).then(async (r) => ({ type: r.headers.get("content-type"), body: await r.text() }));
    const expected = "tick from 1\n".repeat(5);
    assert.equal(await follow, expected);
    const events = await sse;
    assert.equal(events.type, "text/event-stream");
    const outputs = [...events.body.matchAll(/^event: output\ndata: (.*)$/gm)]
      .map((m) => JSON.parse(m[1]!) as string);
    assert.equal(outputs.join(""), expected);
    assert.match(events.body, /event: exit\ndata: \{"id":1,"state":"exited","exitCode":0/);
    // After the VM stopped: the retained output, then the stream ends.
    assert.equal(await text(await s.api.console(id!, false)), expected);
    assert.equal(await text(await s.api.console(id!, true)), expected);
  } finally {
    await s.close();
  }
});

Deno.test("API types keys into a VM's keyboard and ends its input", async () => {
  const s = await served();
  try {
    const [id] = await s.api.create({ imageBase64: b64(ECHO) });
    const input = new TextEncoder().encode("hello, keyboard\n");
    let sent = 0;
    while (sent < input.length) {
      sent += (await s.api.keys(id!, input.subarray(sent))).accepted;
      if (sent < input.length) await new Promise((r) => setTimeout(r, 5));
    }
    await s.api.keys(id!, new Uint8Array(0), true);
    const exit = await s.api.wait(id!);
    assert.equal(exit.state, "exited");
    assert.equal(await text(await s.api.console(id!, false)), "hello, keyboard\n");
  } finally {
    await s.close();
  }
});

Deno.test("API serves a Unix socket: to fetch, and to a plain HTTP/1.1 request on Deno.connect", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/api.sock`;
  const s = await served({ transport: "unix", path });
  try {
    const [id] = await s.api.create({ imageBase64: b64(ticker(1, 1)), name: "over-unix" });
    await s.api.wait(id!);
    const conn = await Deno.connect({ transport: "unix", path });
    await conn.write(
      new TextEncoder().encode(
        `GET /v1/vms/${id} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
      ),
    );
    const response = await new Response(conn.readable).text();
    assert.match(response, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(response, /"name":"over-unix"/);

    // A second kernel may not take the socket of a live one.
    await assert.rejects(
      serveApi(s.machine, { transport: "unix", path }),
      /Cannot serve API on .*api\.sock: a running kernel already serves it/,
    );
  } finally {
    await s.close();
  }
  // The socket is gone after shutdown; a stale file left by a dead kernel is replaced.
  await assert.rejects(Deno.lstat(path));
  const stale = Deno.listen({ transport: "unix", path });
  stale.close();
  const again = await served({ transport: "unix", path });
  assert.equal((await again.api.list()).total, 0);
  await again.close();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("API serves the dashboard page with the VM rows rendered in", async () => {
  const s = await served();
  try {
    await s.api.create({ imageBase64: b64(FOREVER), count: 2, name: "shown" });
    const r = await fetch(`${s.server.url}/`);
    assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await r.text();
    assert.match(html, /<tr class="vm state-[a-z]+" data-id="1"><td>1<\/td><td>shown-1<\/td>/);
    assert.match(html, /data-id="2"/);
    assert.doesNotMatch(html, /(src|href)="?https?:/, "no external assets");
  } finally {
    await s.close();
  }
});

Deno.test("API creates Worker guests (TypeScript VMs) from a module path", async () => {
  const s = await served();
  try {
    const module = new URL("../guests/examples/ts/hello.ts", import.meta.url).pathname;
    const ids = await s.api.create({ worker: module, count: 2, name: "ts" });
    for (const id of ids) {
      const exit = await s.api.wait(id);
      assert.deepEqual([exit.state, exit.code], ["exited", 0]);
      assert.match(await text(await s.api.console(id, false)), new RegExp(`^hello from VM ${id} `));
    }
    const view = await s.api.inspect(ids[0]!);
    assert.equal(view.name, "ts-1");
    assert.equal(view.worker?.batches, 2);
    await assert.rejects(
      s.api.create({ worker: "/nonexistent/guest.ts" }),
      /^ApiError: Cannot read worker module \/nonexistent\/guest\.ts: no such file$/,
    );
  } finally {
    await s.close();
  }
});
