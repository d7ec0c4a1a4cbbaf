/**
 * Frames per second VM to VM through the virtual switch, with 1, 10 and 100
 * sender/receiver pairs. Each sender sends bursts of 32 frames to its peer
 * with one PIO each and yields; the switch drains the transmit queues round
 * robin between quanta; each receiver takes its frames with one PIO each
 * (waking on the receive interrupt). Deterministic clock, runSync: the
 * figure is host time for the whole exchange (guest instructions, port
 * exits, copies in and out of guest memory, switching, interrupts and VM
 * switches).
 *
 * Run: deno run -A bench/net_switch.ts [--frames N]   (total frames per run, default 200000)
 *
 * @module
 */

import { Kernel, NicDevice } from "../mod.ts";
import { burstSender, countingReceiver } from "../tests/devices/net_guests.ts";
import { fmt } from "./_kernel_guests.ts";

const BURST = 32;

async function measure(pairs: number, size: number, total: number): Promise<number> {
  const perPair = Math.max(BURST, Math.floor(total / pairs / BURST) * BURST);
  const kernel = new Kernel({ clock: "deterministic" });
  const nic = new NicDevice();
  kernel.attach(nic);
  const receiver = await countingReceiver(perPair);
  const sender = await burstSender(pairs, perPair, size, BURST);
  const rx: number[] = [];
  for (let i = 0; i < pairs; i++) rx.push(kernel.create({ image: receiver, start: true }));
  for (let i = 0; i < pairs; i++) kernel.create({ image: sender, start: true });
  const t0 = performance.now();
  const r = kernel.runSync();
  const ms = performance.now() - t0;
  let frames = 0, dropped = 0;
  for (const id of rx) {
    const s = nic.stats(id);
    frames += s.rxFrames;
    dropped += s.rxDropped;
    if (kernel.inspect(id).state !== "exited") {
      throw new Error(`Cannot measure: receiver ${id} did not finish`);
    }
  }
  if (r !== "quiescent" || dropped !== 0 || frames !== pairs * perPair) {
    throw new Error(`Cannot measure: ${r}, ${frames} frames, ${dropped} dropped`);
  }
  return frames / (ms / 1000);
}

const args = Deno.args;
const i = args.indexOf("--frames");
const total = i >= 0 ? Number(args[i + 1]) : 200_000;
await measure(10, 64, total / 4); // warm up the JIT
for (const size of [64, 1514]) {
  for (const pairs of [1, 10, 100]) {
    const best = Math.max(...await Promise.all([0, 1, 2].map(() => measure(pairs, size, total))));
    console.log(
      `switch: ${String(pairs).padStart(3)} pair(s), ${String(size).padStart(4)}-byte frames: ` +
        `${fmt(best)} frames/s (${fmt((best * size * 8) / 1e6, 1)} Mb/s, ${
          fmt(1e9 / best)
        } ns/frame)`,
    );
  }
}
