import { assert } from "../_assert.ts";
import { Kernel, NicDevice } from "../../mod.ts";
import { echoer, flooder, hasNasm, pinger } from "./net_guests.ts";

const ignore = !hasNasm;

Deno.test({
  name: "Switch drains transmit queues round robin: a flooder cannot starve a quiet pair",
  ignore,
  async fn() {
    const kernel = new Kernel({ clock: "deterministic" });
    const nic = new NicDevice();
    kernel.attach(nic);
    // VM 1 floods unicast frames to VM 99, which does not exist.
    const f = kernel.create({ image: await flooder(99), start: true });
    const a = kernel.create({ image: await pinger(3, "q", 20), start: true });
    const b = kernel.create({ image: await echoer(20), start: true });
    for (let i = 0; i < 1000 && kernel.inspect(a).state !== "exited"; i++) kernel.runSync(10);
    assert.equal(kernel.inspect(a).state, "exited", "the quiet pair finished");
    assert.equal(kernel.inspect(b).state, "exited");
    assert.equal(kernel.consoleText(a), "q".repeat(20));
    assert.equal(kernel.inspect(f).state, "ready", "the flooder is still flooding");
    const fs = nic.stats(f);
    assert.ok(fs.txFrames > 20 * 10, `the flooder sent plenty (${fs.txFrames})`);
    assert.ok(fs.txDropped > fs.txFrames, "and most of its sends were refused: its queue was full");
    const sw = nic.switch.stats();
    // Frames for nobody: flooded (MAC unknown), refused by every filter, no interrupt.
    assert.ok(sw.unwanted >= fs.txFrames - fs.txQueued);
    assert.ok(nic.stats(a).rxFiltered > 0);
    assert.ok(
      kernel.inspect(b).stats.interruptsRaised <= 20,
      "the echoer was interrupted only for its own frames",
    );
    kernel.kill(f);
  },
});
