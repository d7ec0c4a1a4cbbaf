/**
 * The library OS in the kernel: cooperative threads, locks, condition
 * variables, sleeps and the idle-with-timeout scheduler
 * (guests/los/tests/threads.c), and the keyboard, timer and disk drivers
 * (guests/los/tests/devices.c). The guests check themselves and print "ok"
 * or "FAIL" lines; their exit code counts failures.
 */
import { assert } from "./_assert.ts";
import { MemoryDisk } from "../mod.ts";
import { buildGuest, describeExit, hasGcc32, runGuest, runNative } from "./los_harness.ts";

const HAVE_GCC = await hasGcc32();
if (!HAVE_GCC) {
  console.warn("los_kernel_test skipped: gcc -m32 is missing (apt-get install -y gcc-multilib)");
}

Deno.test({
  name: "Library OS threads: producer/consumer, deadline-ordered sleeps, timed waits, hand-off",
  ignore: !HAVE_GCC,
  fn: async () => {
    const image = await buildGuest("los_threads", ["los/tests/threads.c"]);
    const r = await runGuest(image);
    assert.equal(r.exit.state, "exited", describeExit(r.exit) + "\n" + r.output);
    assert.doesNotMatch(r.output, /FAIL/);
    assert.equal(r.exit.code, 0, r.output);
    assert.match(r.output, /wake order 123579/);
    assert.match(r.output, /ok the VM idled with timeouts while all slept/);
  },
});

Deno.test({
  name: "Library OS drivers: stdin lines from the keyboard, periodic timer, async disk I/O",
  ignore: !HAVE_GCC,
  fn: async () => {
    const image = await buildGuest("los_devices", ["los/tests/devices.c"]);
    const r = await runGuest(image, {
      jit: "off",
      stdin: "hello\nworld\nlast line\n",
      setup: (m, id) => m.disks.map(id, 0, new MemoryDisk(128)),
    });
    assert.equal(r.exit.state, "exited", describeExit(r.exit) + "\n" + r.output);
    assert.doesNotMatch(r.output, /FAIL/);
    assert.equal(r.exit.code, 0, r.output);
    assert.match(r.output, /line: HELLO\nline: WORLD\nline: LAST LINE\nend of input\n/);
  },
});

Deno.test({
  name: "POSIX threads over the library OS: portable pthread code prints the same as with glibc",
  ignore: !HAVE_GCC,
  fn: async () => {
    const src = ["los/tests/pthreads.c"];
    const native = await runNative("pthreads", src, { cflags: ["-pthread"] });
    const r = await runGuest(await buildGuest("los_pthreads", src));
    assert.equal(r.exit.state, "exited", describeExit(r.exit) + "\n" + r.output);
    assert.equal(r.output, native.stdout);
    assert.equal(r.exit.code, native.code);
    assert.match(r.output, /timed wait: timed out/);
  },
});
