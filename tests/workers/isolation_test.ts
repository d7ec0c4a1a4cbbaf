import { assert } from "../_assert.ts";
import { machine, testGuest } from "./_machine.ts";

/** What each attempt of tests/workers/guests/isolation.ts must be refused with. */
const EXPECTED: Record<string, RegExp> = {
  "read file": /^NotCapable: Requires read access to "\/etc\/hostname"/,
  "read own code": /^NotCapable: Requires read access to ".*guests\/sdk\/mod\.ts"/,
  "write file": /^NotCapable: Requires write access/,
  "read env": /^NotCapable: Requires env access to "HOME"/,
  "list env": /^NotCapable: Requires env access/,
  "connect": /^NotCapable: Requires net access to "127\.0\.0\.1:80"/,
  "listen": /^NotCapable: Requires net access/,
  "fetch": /^NotCapable: Requires net access to "127\.0\.0\.1:8080"/,
  "websocket": /^NotCapable: Requires net access/,
  "subprocess": /^NotCapable: Requires run access to "true"/,
  "ffi": /^NotCapable: Requires ffi access/,
  "import remote": /^TypeError: Requires import access to "deno\.land:443"/,
  "import file": /^TypeError: Requires read access to "\/etc\/passwd"/,
  "import text": /^TypeError: Requires read access to "\/etc\/passwd"/,
  "hostname": /^NotCapable: Requires sys access/,
  "exit": /^Error: Cannot exit: /,
  "worker": /^TypeError: Cannot read properties of undefined|is not a constructor/,
  "broadcast": /is not a constructor|Cannot read properties of undefined/,
  "cache": /Cannot read properties of undefined/,
};

Deno.test("A Worker guest cannot read files or env, open sockets, run programs or import code", async () => {
  using m = machine();
  const id = m.workers.create({ module: testGuest("isolation"), start: true });
  const literal = m.workers.create({ module: testGuest("literal"), start: true });
  await m.kernel.run();
  assert.equal(m.kernel.inspect(id).state, "exited", JSON.stringify(m.kernel.inspect(id).fault));
  const lines = m.kernel.consoleText(id).trim().split("\n");
  const seen = new Map(lines.map((l) => {
    const at = l.indexOf(": ");
    return [l.slice(0, at), l.slice(at + 2)] as const;
  }));
  assert.deepEqual([...seen.keys()].sort(), Object.keys(EXPECTED).sort());
  for (const [name, want] of Object.entries(EXPECTED)) {
    const got = seen.get(name)!;
    assert.ok(got.startsWith("denied ("), `${name}: ${got}`);
    assert.match(got.slice("denied (".length, -1), want, name);
  }
  // A literal import outside the module roots is loaded with the module graph, under the
  // jail's permissions: the guest does not start at all.
  const f = m.kernel.inspect(literal).fault!;
  assert.equal(f.reason, "worker-exception");
  assert.match(f.detail, /Requires read access to "\/etc\/passwd"/);
  assert.equal(m.kernel.consoleText(literal), "");
});
