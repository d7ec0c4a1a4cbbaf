/**
 * The dashboard's browser code, as text the page inlines (no external
 * assets, no network beyond the kernel's own API). Every second it reads
 * `/v1/kernel`, `/v1/history` and `/v1/vms`, redraws the summary tiles, the
 * plots (inline SVG polylines) and the VM table, and offers pause, resume
 * and kill on each row.
 *
 * @module
 */

/**
 * The script, to put in a `<script>` element.
 *
 * @example
 * ```ts
 * import { DASHBOARD_SCRIPT } from "./script.ts";
 * console.log(DASHBOARD_SCRIPT.includes("/v1/history")); // true
 * ```
 */
export const DASHBOARD_SCRIPT: string = String.raw`
"use strict";
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const state = { filter: "", limit: 200, updates: 0 };

function compact(n) {
  const a = Math.abs(n);
  const f = (x, u) => (x >= 100 ? x.toFixed(0) : x.toPrecision(3)) + u;
  if (a >= 1e9) return f(n / 1e9, "G");
  if (a >= 1e6) return f(n / 1e6, "M");
  if (a >= 1e4) return f(n / 1e3, "k");
  return a >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
}

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

// One plot: series of {label, color, values}, drawn into an SVG 300x120.
function plot(svg, samples, series, unit) {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const W = 300, H = 120, L = 38, B = 16, T = 6;
  let max = 0;
  for (const s of series) for (const x of samples) max = Math.max(max, s.get(x));
  if (!(max > 0)) max = 1;
  const t0 = samples.length ? samples[0].t : 0;
  const t1 = samples.length ? samples[samples.length - 1].t : 1;
  const span = Math.max(1, t1 - t0);
  svg.appendChild(el("svg:line", { x1: L, y1: H - B, x2: W, y2: H - B, class: "axis" }));
  svg.appendChild(el("svg:line", { x1: L, y1: T, x2: L, y2: H - B, class: "axis" }));
  svg.appendChild(el("svg:text", { x: L - 4, y: T + 8, class: "tick", "text-anchor": "end" }, compact(max)));
  svg.appendChild(el("svg:text", { x: L - 4, y: H - B, class: "tick", "text-anchor": "end" }, "0"));
  svg.appendChild(el("svg:text", { x: W, y: H - 3, class: "tick", "text-anchor": "end" }, ((t1 - t0) / 1000).toFixed(0) + " s " + unit));
  series.forEach((s, i) => {
    const pts = samples.map((x) => {
      const px = L + (W - L) * (x.t - t0) / span;
      const py = (H - B) - (H - B - T) * s.get(x) / max;
      return px.toFixed(1) + "," + py.toFixed(1);
    });
    if (pts.length === 1) pts.push(pts[0]);
    svg.appendChild(el("svg:polyline", { points: pts.join(" "), fill: "none", stroke: s.color, "stroke-width": 1.5, class: "series", "data-label": s.label }));
    svg.appendChild(el("svg:text", { x: L + 40 + i * 70, y: T + 8, fill: s.color, class: "legend" }, s.label));
  });
}

const PLOTS = [
  ["plot-mips", "", [{ label: "MIPS", color: "#2a6fdb", get: (x) => x.mips }]],
  ["plot-switches", "", [{ label: "switches/s", color: "#d9822b", get: (x) => x.switchesPerSec }]],
  ["plot-io", "", [
    { label: "irq/s", color: "#8e44ad", get: (x) => x.interruptsPerSec },
    { label: "frames/s", color: "#16a085", get: (x) => x.framesPerSec },
    { label: "disk/s", color: "#c0392b", get: (x) => x.diskOpsPerSec },
  ]],
  ["plot-vms", "", [
    { label: "running", color: "#27ae60", get: (x) => x.running },
    { label: "idle", color: "#7f8c8d", get: (x) => x.idle },
    { label: "live", color: "#2c3e50", get: (x) => x.live },
  ]],
  ["plot-cpu", "", [{ label: "CPU %", color: "#e74c3c", get: (x) => x.cpuLoad * 100 }]],
  ["plot-mem", "", [{ label: "MiB", color: "#34495e", get: (x) => x.memoryMiB }]],
];

function tiles(o) {
  const k = o.kernel, l = o.load;
  const v = k.vms;
  const put = (id, text) => { $(id).textContent = text; };
  put("t-vms", compact(v.total));
  put("t-states", ["running", "ready", "idle", "paused", "exited", "faulted", "killed"].filter((s) => v[s] > 0).map((s) => compact(v[s]) + " " + s).join(", ") || "none");
  put("t-mips", l ? l.mips.toFixed(1) : "-");
  put("t-switches", l ? compact(l.switchesPerSec) : "-");
  put("t-irq", l ? compact(l.interruptsPerSec) : "-");
  put("t-frames", l ? compact(l.framesPerSec) : "-");
  put("t-disk", l ? compact(l.diskOpsPerSec) : "-");
  put("t-cpu", l ? (l.cpuLoad * 100).toFixed(0) + "%" : "-");
  put("t-mem", (k.framesInUse * 4096 / 1048576).toFixed(1) + " MiB");
  const tr = k.translations;
  put("t-jit", tr ? (tr.bytes / 1024).toFixed(0) + " KiB in " + compact(tr.entries) + " regions" : "tier off");
  put("t-kernel", "clock " + k.clock + ", quantum " + k.quantum + ", interrupts " + k.interruptMode + ", up " + (o.uptimeMs / 1000).toFixed(0) + " s");
}

function rows(list) {
  const body = $("vm-rows");
  const frag = document.createDocumentFragment();
  for (const r of list.vms) {
    const tr = el("tr", { class: "vm state-" + r.state, "data-id": r.id });
    const status = r.state + (r.exitCode !== null ? " (" + r.exitCode + ")" : r.fault ? " (" + r.fault + ")" : "");
    const cells = [r.id, r.name, status, compact(r.instructions), compact(r.interrupts), compact(r.batches), compact(r.framesIn), compact(r.framesOut), compact(r.diskOps), r.residentPages];
    cells.forEach((c, i) => tr.appendChild(el("td", i > 2 ? { class: "num" } : {}, String(c))));
    const td = el("td");
    const live = !["exited", "faulted", "killed"].includes(r.state);
    const actions = r.state === "paused" ? ["resume", "kill"] : r.state === "created" ? ["start", "kill"] : live ? ["pause", "kill"] : [];
    for (const a of actions) {
      const b = el("button", { "data-action": a, "data-id": r.id }, a);
      td.appendChild(b);
    }
    tr.appendChild(td);
    frag.appendChild(tr);
  }
  body.replaceChildren(frag);
  $("vm-count").textContent = list.vms.length < list.total ? list.vms.length + " of " + list.total + " shown" : list.total + " VMs";
}

async function get(path) {
  const r = await fetch(path, { cache: "no-store" });
  if (!r.ok) throw new Error(path + ": HTTP " + r.status);
  return r.json();
}

async function refresh() {
  try {
    const q = "?limit=" + state.limit + (state.filter ? "&state=" + encodeURIComponent(state.filter) : "");
    const [o, h, list] = await Promise.all([get("/v1/kernel"), get("/v1/history"), get("/v1/vms" + q)]);
    tiles(o);
    for (const [id, unit, series] of PLOTS) plot($(id), h.samples, series, unit);
    rows(list);
    state.updates++;
    $("status").textContent = "live, updated " + new Date().toLocaleTimeString();
    $("status").className = "ok";
    document.body.dataset.updates = String(state.updates);
  } catch (e) {
    $("status").textContent = "cannot reach the kernel: " + e.message;
    $("status").className = "bad";
  }
}

document.addEventListener("click", async (ev) => {
  const b = ev.target.closest && ev.target.closest("button[data-action]");
  if (!b) return;
  b.disabled = true;
  await fetch("/v1/vms/" + b.dataset.id + "/" + b.dataset.action, { method: "POST" });
  refresh();
});
$("filter").addEventListener("change", (ev) => { state.filter = ev.target.value; refresh(); });
refresh();
setInterval(refresh, 1000);
`;
