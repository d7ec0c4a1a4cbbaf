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
 * ```sh
 * deno run -A scenarios/game.ts --size full        # 8 ... 128 servers, 16 players each
 * deno run -A scenarios/game.ts --vms 32,64 --players 32 --think 16000
 * ```
 *
 * @module
 */

import { intList, positive, runMain, scenarioArgs } from "./_args.ts";
import { runLan } from "./_lan.ts";
import { Report } from "./_report.ts";

/** Options of {@linkcode game}. */
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
  for (const n of o.vms) {
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
    report.add({
      vms: n,
      players: n * o.players,
      updatesPerSec: r.completed / Math.max(1e-9, r.kernelMicros / 1e6),
      p50: r.p50,
      p90: r.p90,
      p99: r.p99,
      hostUpdatesPerSec: r.throughput,
      timeouts: r.timeouts,
    });
  }
  return report;
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
    vms: "server counts (small: 8,32; full: 8,16,32,64,128)",
    players: "players per server (default 16)",
    think: "player think time between moves, kernel us (default 30000)",
    work: "instructions of game logic per move (default 2000)",
    requests: "updates per point (small: 5000; full: 50000)",
  }, USAGE);
  if (a === "help") return null;
  const full = a.size === "full";
  const f = a.flags;
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
