/**
 * The game experiment with the real guests: S `gameserver` VMs
 * (guests/examples/gameserver.c: a Quake-like server over UDP on the library
 * OS, advancing its world `hz` times a second on the timer device) and
 * `players` `gameclient` VMs per server, each sending an input every tick
 * and measuring, for `seconds` of kernel time, the delay from an input to the
 * first snapshot that applied it. Each player prints its mean and worst
 * latency; the harness reports percentiles over players.
 *
 * Needs gcc -m32 (the guests are built with guests/build.ts, cached).
 *
 * @module
 */

import { exampleImage } from "./_examples.ts";
import { Machine } from "../api/machine.ts";
import { quantile } from "./_report.ts";
import { ipOfVm } from "./_tcp_web.ts";

/** Options of {@linkcode runUdpGame}. */
export interface UdpGameOptions {
  /** Game-server VMs. */
  servers: number;
  /** Player VMs per server. */
  players: number;
  /** Kernel seconds each player plays (default 2). */
  seconds?: number;
  /** Server ticks per second, and player inputs per second (default 20). */
  hz?: number;
}

/** What {@linkcode runUdpGame} measured. */
export interface UdpGameResult {
  /** Players that finished with a summary. */
  players: number;
  /** Players that never got a welcome from their server. */
  lost: number;
  /** Percentiles over players of each player's mean latency, us. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 99th percentile. */
  p99: number;
  /** Worst single latency any player saw, us. */
  max: number;
  /** Snapshots received by all players. */
  snapshots: number;
  /** Host ms of the run. */
  hostMs: number;
}

const SUMMARY =
  /gameclient \S+: player -?\d+, \d+ inputs, (\d+) snapshots, latency mean (\d+) us max (\d+) us/;

/**
 * Runs one experiment on the deterministic clock.
 *
 * @example
 * ```ts ignore
 * import { runUdpGame } from "./_udp_game.ts";
 * const r = await runUdpGame({ servers: 1, players: 2, seconds: 1 });
 * console.log(r.players); // 2
 * ```
 */
export async function runUdpGame(o: UdpGameOptions): Promise<UdpGameResult> {
  const [server, client] = await Promise.all([
    exampleImage("gameserver"),
    exampleImage("gameclient"),
  ]);
  const hz = o.hz ?? 20;
  const machine = new Machine({ sampleMs: 0, initialFrames: (o.servers * (o.players + 1)) * 64 });
  try {
    const servers = await machine.create({
      imageBytes: server,
      memSize: 2 << 20,
      count: o.servers,
      name: "gameserver",
      start: false,
    });
    for (const id of servers) {
      machine.keyboard.type(id, `port=27960 hz=${hz}\n`);
      machine.kernel.start(id);
    }
    const up = (id: number) => machine.kernel.consoleText(id).includes("gameserver: ");
    for (let i = 0; i < 10_000 && !servers.every(up); i++) machine.kernel.runSync(64);
    const players: number[] = [];
    for (const [s, sid] of servers.entries()) {
      const ids = await machine.create({
        imageBytes: client,
        memSize: 2 << 20,
        count: o.players,
        name: `player-${s + 1}`,
        start: false,
      });
      ids.forEach((id, i) => {
        machine.keyboard.type(
          id,
          `host=${ipOfVm(sid)} port=27960 hz=${hz} seconds=${o.seconds ?? 2} name=p${s}x${i}\n`,
        );
      });
      players.push(...ids);
    }
    const t0 = performance.now();
    for (const id of players) machine.kernel.start(id);
    const loop = machine.run({ forever: true });
    await Promise.all(players.map((id) => machine.kernel.wait(id)));
    const hostMs = performance.now() - t0;
    await machine.stop();
    await loop;
    const means: number[] = [];
    let max = 0, snapshots = 0, lost = 0;
    for (const id of players) {
      const m = SUMMARY.exec(machine.kernel.consoleText(id));
      if (!m) {
        lost++;
        continue;
      }
      snapshots += Number(m[1]);
      means.push(Number(m[2]));
      max = Math.max(max, Number(m[3]));
    }
    const values = new Float64Array(means);
    return {
      players: means.length,
      lost,
      p50: quantile(values, 0.5),
      p90: quantile(values, 0.9),
      p99: quantile(values, 0.99),
      max,
      snapshots,
      hostMs,
    };
  } finally {
    await machine.close();
  }
}
