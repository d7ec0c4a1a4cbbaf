/**
 * A small SVG line-plot writer for scenario results: one or more series of
 * (x, y) points, linear or logarithmic x axis, ticks at round numbers, a
 * legend. Plain SVG 1.1 text, no fonts or scripts fetched.
 *
 * @module
 */

/**
 * One line of a plot.
 *
 * @example
 * ```ts
 * import { type Series, svgPlot } from "./_plot.ts";
 * const s: Series = { label: "y", points: [[1, 1], [2, 4]] };
 * console.log(svgPlot([s], { title: "t", xLabel: "x", yLabel: "y" }).length > 0); // true
 * ```
 */
export interface Series {
  /** Legend label. */
  label: string;
  /** Points, in x order. */
  points: [number, number][];
}

/**
 * Options of {@linkcode svgPlot}.
 *
 * @example
 * ```ts
 * import type { PlotOptions } from "./_plot.ts";
 * const o: PlotOptions = { title: "t", xLabel: "VMs", yLabel: "ns", logX: true };
 * console.log(o.logX); // true
 * ```
 */
export interface PlotOptions {
  /** Title above the plot. */
  title: string;
  /** X axis label. */
  xLabel: string;
  /** Y axis label. */
  yLabel: string;
  /** Logarithmic x axis (default false). */
  logX?: boolean;
  /** Width and height in pixels (default 640 x 400). */
  width?: number;
  /** Height in pixels. */
  height?: number;
}

const COLORS = ["#2a6fdb", "#d9822b", "#16a085", "#8e44ad", "#c0392b", "#2c3e50"];

function esc(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(v);
  return out;
}

function label(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(4)}`;
}

/**
 * Renders series as an SVG document.
 *
 * @example
 * ```ts
 * import { svgPlot } from "./_plot.ts";
 * const svg = svgPlot([{ label: "y = 2x", points: [[1, 2], [10, 20]] }], {
 *   title: "demo", xLabel: "x", yLabel: "y", logX: true,
 * });
 * console.log(svg.startsWith("<svg"), svg.includes("polyline")); // true true
 * ```
 */
export function svgPlot(series: Series[], o: PlotOptions): string {
  const W = o.width ?? 640, H = o.height ?? 400;
  const L = 70, R = 20, T = 40, B = 50;
  const pts = series.flatMap((s) => s.points).filter(([x, y]) => isFinite(x) && isFinite(y));
  const xs = pts.map((p) => p[0]), ys = pts.map((p) => p[1]);
  const logX = (o.logX ?? false) && xs.every((x) => x > 0);
  const fx = (x: number) => logX ? Math.log10(x) : x;
  let x0 = xs.length ? Math.min(...xs.map(fx)) : 0, x1 = xs.length ? Math.max(...xs.map(fx)) : 1;
  if (x1 === x0) x0 -= 0.5, x1 += 0.5;
  const y1 = Math.max(0, ...ys) * (1.08 + 0.07 * series.length) || 1; // room for the legend
  const y0 = Math.min(0, ...ys);
  const px = (x: number) => L + (W - L - R) * (fx(x) - x0) / (x1 - x0);
  const py = (y: number) => H - B - (H - B - T) * (y - y0) / (y1 - y0);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="15">${esc(o.title)}</text>`,
    `<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`,
    `<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#333"/>`,
  ];
  for (const v of ticks(y0, y1)) {
    const y = py(v).toFixed(1);
    parts.push(
      `<line x1="${L}" y1="${y}" x2="${W - R}" y2="${y}" stroke="#eee"/>`,
      `<text x="${L - 6}" y="${y}" text-anchor="end" dy="4">${label(v)}</text>`,
    );
  }
  const distinct = [...new Set(xs)].sort((a, b) => a - b);
  const xt = logX
    ? distinct.length <= 8
      ? distinct
      : ticks(Math.floor(x0), Math.ceil(x1), Math.max(1, Math.ceil(x1) - Math.floor(x0)))
        .filter((e) => Number.isInteger(e) && e >= x0 - 1e-9 && e <= x1 + 1e-9).map((e) => 10 ** e)
    : ticks(x0, x1);
  for (const v of xt) {
    const x = px(v).toFixed(1);
    parts.push(
      `<line x1="${x}" y1="${H - B}" x2="${x}" y2="${H - B + 5}" stroke="#333"/>`,
      `<text x="${x}" y="${H - B + 18}" text-anchor="middle">${label(v)}</text>`,
    );
  }
  parts.push(
    `<text x="${(L + W - R) / 2}" y="${H - 10}" text-anchor="middle">${esc(o.xLabel)}${
      logX ? " (log scale)" : ""
    }</text>`,
    `<text transform="translate(16 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">${
      esc(o.yLabel)
    }</text>`,
  );
  const legendWidth = 30 + 7 * Math.max(0, ...series.map((s) => s.label.length));
  parts.push(
    `<rect x="${L + 8}" y="${T - 6}" width="${legendWidth}" height="${series.length * 16 + 4}" ` +
      `fill="#fff" fill-opacity="0.85" stroke="#ddd"/>`,
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const p = s.points.filter(([x, y]) => isFinite(x) && isFinite(y) && (!logX || x > 0));
    const path = p.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
    for (const [x, y] of p) {
      parts.push(
        `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${color}"/>`,
      );
    }
    const ly = T + 4 + i * 16;
    parts.push(
      `<line x1="${L + 12}" y1="${ly}" x2="${
        L + 32
      }" y2="${ly}" stroke="${color}" stroke-width="2"/>`,
      `<text x="${L + 36}" y="${ly + 4}">${esc(s.label)}</text>`,
    );
  });
  parts.push("</svg>\n");
  return parts.join("\n");
}
