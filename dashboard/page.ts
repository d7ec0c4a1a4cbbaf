/**
 * The live dashboard: one self-contained HTML page (styles, script and plots
 * inline; no external assets, nothing fetched but the kernel's own API),
 * served by the kernel at `/`. The server renders the first VM rows into the
 * page, so it shows the machine even before its script runs; the script then
 * refreshes everything every second (see script.ts).
 *
 * @module
 */

import { DASHBOARD_SCRIPT } from "./script.ts";

/**
 * A VM row as the page first shows it (the fields of the API's VM rows it uses).
 *
 * @example
 * ```ts
 * import type { DashboardRow } from "./page.ts";
 * const r: DashboardRow = {
 *   id: 1, name: "web-1", state: "idle", instructions: 5, interrupts: 0, batches: 0,
 *   framesIn: 0, framesOut: 0, diskOps: 0, residentPages: 2, exitCode: null, fault: null,
 * };
 * console.log(r.name); // web-1
 * ```
 */
export interface DashboardRow {
  /** Id. */
  id: number;
  /** Name. */
  name: string;
  /** State. */
  state: string;
  /** Instructions retired. */
  instructions: number;
  /** Interrupts raised. */
  interrupts: number;
  /** Upcall batches. */
  batches: number;
  /** Frames received. */
  framesIn: number;
  /** Frames sent. */
  framesOut: number;
  /** Disk requests. */
  diskOps: number;
  /** Resident pages. */
  residentPages: number;
  /** Exit code. */
  exitCode: number | null;
  /** Fault reason. */
  fault: string | null;
}

/**
 * What the server knows when it renders the page.
 *
 * @example
 * ```ts
 * import { type DashboardInitial, dashboardPage } from "./page.ts";
 * const initial: DashboardInitial = { rows: [], total: 0 };
 * console.log(dashboardPage(initial).includes("0 VMs")); // true
 * ```
 */
export interface DashboardInitial {
  /** The first rows. */
  rows: DashboardRow[];
  /** VMs held in total. */
  total: number;
}

const STYLE = `
:root { font: 13px/1.4 system-ui, sans-serif; color: #1d2330; background: #f5f6f8; }
body { margin: 0; padding: 16px 20px; }
h1 { font-size: 18px; margin: 0 0 2px; }
#sub { color: #5b6475; margin-bottom: 12px; }
#status.ok { color: #1e8449; } #status.bad { color: #c0392b; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(130px, 1fr)); gap: 8px; }
.tile { background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 8px 10px; }
.tile b { display: block; font-size: 20px; font-variant-numeric: tabular-nums; }
.tile span { color: #5b6475; font-size: 12px; }
.plots { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 8px; margin: 12px 0; }
.plots figure { margin: 0; background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 6px; }
.plots svg { width: 100%; height: auto; display: block; }
.plots figcaption { font-size: 12px; color: #5b6475; }
.axis { stroke: #b8bfca; } .tick, .legend { font-size: 9px; fill: #5b6475; }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid #dde1e7; }
th, td { padding: 3px 8px; border-bottom: 1px solid #eef0f3; text-align: left; white-space: nowrap; }
th { background: #eef0f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.state-running td:nth-child(3), tr.state-ready td:nth-child(3) { color: #1e8449; }
tr.state-faulted td:nth-child(3) { color: #c0392b; } tr.state-paused td:nth-child(3) { color: #d9822b; }
button { font-size: 11px; margin-right: 4px; }
.bar { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
`;

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function rowHtml(r: DashboardRow): string {
  const status = r.state +
    (r.exitCode !== null ? ` (${r.exitCode})` : r.fault ? ` (${esc(r.fault)})` : "");
  const num = [r.instructions, r.interrupts, r.batches, r.framesIn, r.framesOut, r.diskOps]
    .map((n) => `<td class="num">${n}</td>`).join("");
  return `<tr class="vm state-${esc(r.state)}" data-id="${r.id}"><td>${r.id}</td><td>${
    esc(r.name)
  }</td><td>${status}</td>${num}<td class="num">${r.residentPages}</td><td></td></tr>`;
}

const TILES: [string, string][] = [
  ["t-vms", "VMs"],
  ["t-mips", "MIPS"],
  ["t-switches", "switches/s"],
  ["t-irq", "interrupts/s"],
  ["t-frames", "frames/s"],
  ["t-disk", "disk ops/s"],
  ["t-cpu", "kernel CPU"],
  ["t-mem", "guest memory"],
  ["t-jit", "translated code"],
];

const PLOTS: [string, string][] = [
  ["plot-mips", "Instructions (MIPS)"],
  ["plot-switches", "Context switches per second"],
  ["plot-io", "Interrupts, frames and disk requests per second"],
  ["plot-vms", "VMs running, idle and live"],
  ["plot-cpu", "Kernel process CPU (% of one core)"],
  ["plot-mem", "Guest memory in use (MiB)"],
];

/**
 * The dashboard page, with `initial` rows rendered in.
 *
 * @example
 * ```ts
 * import { dashboardPage } from "./page.ts";
 * const html = dashboardPage({ rows: [], total: 0 });
 * console.log(html.startsWith("<!doctype html>"), html.includes("<svg")); // true true
 * ```
 */
export function dashboardPage(initial: DashboardInitial = { rows: [], total: 0 }): string {
  const tiles = TILES.map(([id, label]) =>
    `<div class="tile"><b id="${id}">-</b><span>${label}</span></div>`
  ).join("");
  const plots = PLOTS.map(([id, caption]) =>
    `<figure><figcaption>${caption}</figcaption>` +
    `<svg id="${id}" viewBox="0 0 300 120" role="img" aria-label="${caption}"></svg></figure>`
  ).join("");
  const head = ["id", "name", "state", "instructions", "irqs", "batches", "rx", "tx", "disk"]
    .concat(["pages", ""]).map((h) => `<th>${h}</th>`).join("");
  const filter = ["", "running", "ready", "idle", "paused", "created", "exited", "faulted"]
    .map((s) => `<option value="${s}">${s || "all states"}</option>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Denali kernel</title><style>${STYLE}</style></head>
<body data-updates="0">
<h1>Denali kernel</h1>
<div id="sub"><span id="t-kernel"></span> &middot; <span id="t-states"></span> &middot;
<span id="status">loading</span></div>
<div class="tiles">${tiles}</div>
<div class="plots">${plots}</div>
<div class="bar"><b>Virtual machines</b> <span id="vm-count">${initial.total} VMs</span>
<select id="filter">${filter}</select></div>
<table><thead><tr>${head}</tr></thead>
<tbody id="vm-rows">${initial.rows.map(rowHtml).join("")}</tbody></table>
<script>${DASHBOARD_SCRIPT}</script>
</body></html>
`;
}
