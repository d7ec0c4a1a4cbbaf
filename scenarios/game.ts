/**
 * Scenario 5, game: game servers with many players each, latency
 * percentiles against the number of servers (the paper ran Quake II servers
 * and found throughput and latency flat up to 32 servers, where its clients
 * ran out). Each server VM answers every player's move with a state update
 * (a 256-byte frame on the virtual LAN, as a UDP game server would) after
 * `work` instructions of game logic; each player VM is bound to one server,
 * sends a move, waits for the update, thinks for `think` microseconds, and
 * sends the next. Latency is move to update, in kernel microseconds.
 *
 * With `--guests udp` the servers and players are the real guests
 * (guests/examples/gameserver.c and gameclient.c: UDP on the library OS,
 * the server ticking 20 times a second on its timer); latency is then input
 * to applied-snapshot, and the percentiles are over the players' means.
 *
 * ```sh
 * deno run -A scenarios/game.ts --size full        # 8 ... 128 servers, 16 players each
 * deno run -A scenarios/game.ts --guests udp --size full   # 8 ... 32 UDP servers
 * deno run -A scenarios/game.ts --vms 32,64 --players 32 --think 16000
 * ```
 *
 * @module
 */

import { UsageError } from "../cli/args.ts";
import { hasGcc32 } from "../guests/build.ts";
import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { runLan } from "./_lan.ts";
import { Report } from "./_report.ts";
import { runUdpGame } from "./_udp_game.ts";

/**
 * Options of {@linkcode game}.
 *
 * @example
 * ```ts
 * import type { GameOptions } from "./game.ts";
 * const o: GameOptions = { vms: [32], players: 16, thinkMicros: 30_000, work: 2000, requests: 5000 };
 * console.log(o.players); // 16
 * ```
 */
export interface GameOptions {
  /** Server counts. */
  vms: number[];
  /** Players per server. */
  players: number;
  /** Player think time between moves, kernel us (30 ms: about 33 moves per second). */
  thinkMicros: number;
  /** Instructions of game logic per move. */
  work: number;
  /** Updates to collect per point. */
  requests: number;
}

/**
 * Runs the scenario and returns its report (one row per server count).
 *
 * @example
 * ```ts
 * import { game } from "./game.ts";
 * const r = await game({ vms: [2], players: 2, thinkMicros: 10_000, work: 1000, requests: 100 });
 * console.log(r.rows[0]!.players); // 4
 * ```
 */
export async function game(
  o: GameOptions,
  log: (line: string) => void = () => {},
): Promise<Report> {
  const report = new Report("game", [
    { key: "vms", title: "servers" },
    { key: "players", title: "players" },
    { key: "updatesPerSec", title: "updates/s (kernel)" },
    { key: "p50", title: "p50 us" },
    { key: "p90", title: "p90 us" },
    { key: "p99", title: "p99 us" },
    { key: "hostUpdatesPerSec", title: "updates/s (host)" },
    { key: "timeouts", title: "timeouts" },
  ]);
  return await report.sweep(o.vms, async (n) => {
    log(`game: ${n} servers, ${n * o.players} players...`);
    const r = await runLan({
      servers: n,
      clients: n * o.players,
      requests: o.requests,
      work: o.work,
      replyBytes: 256,
      thinkMicros: o.thinkMicros,
      clientTable: (c) => [(c % n) + 1],
    });
    return {
      vms: n,
      players: n * o.players,
      updatesPerSec: r.completed / Math.max(1e-9, r.kernelMicros / 1e6),
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      hostUpdatesPerSec: r.throughput,
      timeouts: r.timeouts,
    };
  });
}

/**
 * The game experiment with the real UDP guests; one row per server count.
 *
 * @example
 * ```ts ignore
 * import { gameUdp } from "./game.ts";
 * const r = await gameUdp({ vms: [1], players: 2, seconds: 1 });
 * console.log(r.rows[0]!.players); // 2
 * ```
 */
export async function gameUdp(
  o: { vms: number[]; players: number; seconds: number },
  log: (line: string) => void = () => {},
): Promise<Report> {
  const report = new Report("game_udp", [
    { key: "vms", title: "servers" },
    { key: "players", title: "players" },
    { key: "p50", title: "p50 us" },
    { key: "p90", title: "p90 us" },
    { key: "p99", title: "p99 us" },
    { key: "max", title: "max us" },
    { key: "snapshots", title: "snapshots" },
    { key: "lost", title: "no welcome" },
  ]);
  return await report.sweep(o.vms, async (n) => {
    log(`game: ${n} UDP servers, ${n * o.players} players...`);
    const r = await runUdpGame({ servers: n, players: o.players, seconds: o.seconds });
    return {
      vms: n,
      players: n * o.players,
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      max: r.max,
      snapshots: r.snapshots,
      lost: r.lost,
    };
  });
}

const USAGE = `Usage: deno run -A scenarios/game.ts [options]

Game servers with many players each on the virtual LAN: latency percentiles of
move-to-update against the number of servers.`;

/**
 * The command line: parses flags, runs, prints the table, writes CSV and SVG.
 *
 * @example
 * ```ts
 * import { main } from "./game.ts";
 * const dir = await Deno.makeTempDir();
 * const r = await main(["--vms", "2", "--players", "2", "--requests", "100", "--out", dir, "--quiet"]);
 * console.log(r?.rows.length); // 1
 * ```
 */
export async function main(args: string[]): Promise<Report | null> {
  const a = scenarioArgs("game", args, {
    guests: "frames (default: the scenario guests) or udp (gameserver and gameclient, gcc -m32)",
    seconds: "udp: whole kernel seconds each player plays (small: 1; full: 2)",
    vms: "server counts (small: 8,32; full: 8,16,32,64,128; udp small: 2; full: 8,16,32)",
    players: "players per server (default 16)",
    think: "player think time between moves, kernel us (default 30000)",
    work: "instructions of game logic per move (default 2000)",
    requests: "updates per point (small: 5000; full: 50000)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
  const guests = f.guests ?? "frames";
  if (guests !== "frames" && guests !== "udp") {
    throw new UsageError(`Cannot parse --guests: "${guests}" is not one of frames, udp`);
  }
  if (guests === "udp") {
    if (!(await hasGcc32())) {
      throw new UsageError("Cannot build the game guests: gcc -m32 is missing (gcc-multilib)");
    }
    const report = await gameUdp({
      vms: f.vms ? intList("--vms", f.vms) : full ? [8, 16, 32] : [2],
      players: f.players ? Math.round(positive("--players", f.players)) : full ? 4 : 2,
      seconds: f.seconds ? Math.max(1, Math.round(positive("--seconds", f.seconds))) : full ? 2 : 1,
    }, a.quiet ? () => {} : (l) => console.error(l));
    console.log(report.table());
    const files = await report.write(a.out, [{
      file: "game_udp.svg",
      title: "UDP game servers: input-to-snapshot latency (20 Hz ticks)",
      x: "vms",
      xLabel: "game-server VMs",
      yLabel: "kernel microseconds",
      logX: true,
      lines: [{ label: "p50", y: "p50" }, { label: "p99", y: "p99" }, { label: "max", y: "max" }],
    }]);
    if (!a.quiet) console.error(`game: wrote ${files.join(", ")}`);
    return report;
  }
  const report = await game({
    vms: f.vms ? intList("--vms", f.vms) : full ? [8, 16, 32, 64, 128] : [8, 32],
    players: f.players ? Math.round(positive("--players", f.players)) : 16,
    thinkMicros: f.think ? Math.round(positive("--think", f.think)) : 30_000,
    work: f.work ? Math.round(positive("--work", f.work)) : 2000,
    requests: f.requests ? Math.round(positive("--requests", f.requests)) : full ? 50_000 : 5000,
  }, a.quiet ? () => {} : (l) => console.error(l));
  console.log(report.table());
  const files = await report.write(a.out, [{
    file: "game.svg",
    title: "Game servers: move-to-update latency",
    x: "vms",
    xLabel: "game-server VMs",
    yLabel: "kernel microseconds",
    logX: true,
    lines: [{ label: "p50", y: "p50" }, { label: "p90", y: "p90" }, { label: "p99", y: "p99" }],
  }]);
  if (!a.quiet) console.error(`game: wrote ${files.join(", ")}`);
  return report;
}

if (import.meta.main) await runMain(main);
