/**
 * Scenario results: a table of rows printed aligned on stdout, written as
 * CSV, and plotted as SVG, all into the scenario's output directory.
 *
 * @module
 */

import { type PlotOptions, type Series, svgPlot } from "./_plot.ts";

/**
 * A column of a report.
 *
 * @example
 * ```ts
 * import type { Column } from "./_report.ts";
 * const c: Column = { key: "mips", title: "MIPS", digits: 1 };
 * console.log(c.title); // MIPS
 * ```
 */
export interface Column {
  /** Field name in the rows (and CSV header). */
  key: string;
  /** Heading of the printed table. */
  title: string;
  /** Decimals shown in the printed table (default 0). */
  digits?: number;
}

/**
 * A row: numbers or text by column key.
 *
 * @example
 * ```ts
 * import type { Row } from "./_report.ts";
 * const r: Row = { vms: 10, mode: "batched" };
 * console.log(r.vms); // 10
 * ```
 */
export type Row = Record<string, number | string>;

/**
 * A plot of a report: which column is x, which columns are lines.
 *
 * @example
 * ```ts
 * import { type PlotSpec, Report } from "./_report.ts";
 * const r = new Report("x", [{ key: "n", title: "N" }, { key: "t", title: "T" }]);
 * r.add({ n: 1, t: 2 });
 * const p: PlotSpec = { file: "x.svg", title: "T", x: "n", xLabel: "N", yLabel: "T", lines: [{ label: "t", y: "t" }] };
 * console.log(r.plot(p).startsWith("<svg")); // true
 * ```
 */
export interface PlotSpec extends PlotOptions {
  /** File name (in the output directory), e.g. "many.svg". */
  file: string;
  /** Column of x values. */
  x: string;
  /** Lines: label and column of y values, optionally only rows where `where` holds. */
  lines: { label: string; y: string; where?: (row: Row) => boolean }[];
}

/**
 * A table of results.
 *
 * @example
 * ```ts
 * import { Report } from "./_report.ts";
 * const r = new Report("demo", [{ key: "n", title: "N" }, { key: "ms", title: "ms", digits: 1 }]);
 * r.add({ n: 10, ms: 1.25 });
 * console.log(r.csv()); // "n,ms\n10,1.25\n"
 * ```
 */
export class Report {
  /** The scenario's name (file stem). */
  readonly name: string;
  /** The columns. */
  readonly columns: Column[];
  /** The rows, in order added. */
  readonly rows: Row[] = [];

  /** An empty report. */
  constructor(name: string, columns: Column[]) {
    this.name = name;
    this.columns = columns;
  }

  /** Adds a row. */
  add(row: Row): void {
    this.rows.push(row);
  }

  /**
   * Measures each point in turn (a VM count, usually) and adds the row, or
   * rows, that `measure` gives for it; returns this report.
   *
   * @example
   * ```ts
   * import { Report } from "./_report.ts";
   * const r = new Report("squares", [{ key: "n", title: "N" }, { key: "sq", title: "N^2" }]);
   * await r.sweep([1, 2, 3], (n) => Promise.resolve({ n, sq: n * n }));
   * console.log(r.rows.map((x) => x.sq)); // [ 1, 4, 9 ]
   * ```
   */
  async sweep<P>(points: readonly P[], measure: (point: P) => Promise<Row | Row[]>): Promise<this> {
    for (const point of points) {
      const rows = await measure(point);
      for (const row of Array.isArray(rows) ? rows : [rows]) this.add(row);
    }
    return this;
  }

  /** The rows as an aligned text table. */
  table(): string {
    const cell = (c: Column, v: number | string | undefined) =>
      v === undefined ? "-" : typeof v === "number"
        ? v.toLocaleString("en-US", {
          maximumFractionDigits: c.digits ?? 0,
          minimumFractionDigits: c.digits ?? 0,
        })
        : v;
    const body = this.rows.map((r) => this.columns.map((c) => cell(c, r[c.key])));
    const widths = this.columns.map((c, i) =>
      Math.max(c.title.length, ...body.map((b) => b[i]!.length))
    );
    const line = (cells: string[]) =>
      cells.map((s, i) =>
        typeof this.rows[0]?.[this.columns[i]!.key] === "string"
          ? s.padEnd(widths[i]!)
          : s.padStart(widths[i]!)
      ).join("  ");
    const head = line(this.columns.map((c) => c.title));
    return [head, "-".repeat(head.length), ...body.map(line)].join("\n");
  }

  /** The rows as CSV (full precision). */
  csv(): string {
    const q = (v: number | string | undefined) =>
      v === undefined
        ? ""
        : typeof v === "number"
        ? String(v)
        : /[",\n]/.test(v)
        ? `"${v.replaceAll('"', '""')}"`
        : v;
    const lines = [this.columns.map((c) => c.key).join(",")];
    for (const r of this.rows) lines.push(this.columns.map((c) => q(r[c.key])).join(","));
    return lines.join("\n") + "\n";
  }

  /** An SVG plot of some columns. */
  plot(spec: PlotSpec): string {
    const series: Series[] = spec.lines.map((l) => ({
      label: l.label,
      points: this.rows
        .filter((r) => l.where?.(r) ?? true)
        .map((r) => [Number(r[spec.x]), Number(r[l.y])] as [number, number])
        .sort((a, b) => a[0] - b[0]),
    }));
    return svgPlot(series, spec);
  }

  /**
   * Writes `<name>.csv` and every plot into `dir` (created if missing);
   * returns the paths written.
   */
  async write(dir: string, plots: PlotSpec[]): Promise<string[]> {
    await Deno.mkdir(dir, { recursive: true });
    const written: string[] = [];
    const csv = `${dir}/${this.name}.csv`;
    await Deno.writeTextFile(csv, this.csv());
    written.push(csv);
    for (const p of plots) {
      const path = `${dir}/${p.file}`;
      await Deno.writeTextFile(path, this.plot(p));
      written.push(path);
    }
    return written;
  }
}

/**
 * The value at quantile `q` (0..1) of `values` (sorted in place).
 *
 * @example
 * ```ts
 * import { quantile } from "./_report.ts";
 * console.log(quantile(new Float64Array([5, 1, 3, 2, 4]), 0.5)); // 3
 * ```
 */
export function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  values.sort();
  const i = Math.min(values.length - 1, Math.max(0, Math.ceil(q * values.length) - 1));
  return values[i]!;
}
