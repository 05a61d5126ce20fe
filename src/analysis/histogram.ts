// Fixed-bin histograms and their terminal rendering (the bench report's spectra).

export class Histogram {
  readonly bins: number[];
  under = 0;
  over = 0;
  entries = 0;
  private sum = 0;

  constructor(
    readonly lo: number,
    readonly hi: number,
    n: number,
    readonly unit: string,
  ) {
    if (!(hi > lo) || !Number.isInteger(n) || n < 1) throw new RangeError(`histogram ${lo}..${hi} with ${n} bins`);
    this.bins = new Array<number>(n).fill(0);
  }

  add(x: number): void {
    this.entries++;
    this.sum += x;
    if (x < this.lo) this.under++;
    else if (x >= this.hi) this.over++;
    else this.bins[Math.floor(((x - this.lo) / (this.hi - this.lo)) * this.bins.length)]!++;
  }

  get mean(): number {
    return this.entries ? this.sum / this.entries : Number.NaN;
  }

  get binWidth(): number {
    return (this.hi - this.lo) / this.bins.length;
  }

  toJSON() {
    return { lo: this.lo, hi: this.hi, unit: this.unit, bins: this.bins, under: this.under, over: this.over, entries: this.entries, mean: this.mean };
  }
}

export interface RenderOptions {
  /** Bar width in characters. */
  width?: number;
  /** Decimals of the bin edges. */
  digits?: number;
  /** Leave out empty bins before the first and after the last filled one (interior empty bins stay). */
  trim?: boolean;
}

/**
 * Horizontal bars, one line per bin, labelled with the bin's lower edge: "  52.0 GeV |#####   12".
 * Entries outside the range get a row of their own: "< 0.0" below lo, ">= 87.5" from hi on. An
 * empty histogram has no rows (its caption says 0 entries).
 */
export function renderHistogram(h: Histogram, o: RenderOptions = {}): string[] {
  if (!h.entries) return [];
  const width = o.width ?? 40;
  const digits = o.digits ?? 1;
  const peak = Math.max(1, ...h.bins);
  const edge = (x: number) => x.toFixed(digits);
  let first = 0;
  let last = h.bins.length - 1;
  if (o.trim) {
    while (first <= last && h.bins[first] === 0) first++;
    while (last >= first && h.bins[last] === 0) last--;
  }
  const rows: Array<[string, number, boolean]> = [];
  if (h.under) rows.push([`< ${edge(h.lo)}`, h.under, false]);
  for (let i = first; i <= last; i++) rows.push([edge(h.lo + i * h.binWidth), h.bins[i]!, true]);
  if (h.over) rows.push([`>= ${edge(h.hi)}`, h.over, false]);
  const labelWidth = Math.max(7, ...rows.map(([l]) => l.length));
  return rows.map(([label, c, bar]) => {
    const n = bar && c ? Math.max(1, Math.round((c / peak) * width)) : 0;
    return `${label.padStart(labelWidth)} ${h.unit.padEnd(4)}|${"#".repeat(n).padEnd(width)} ${c || ""}`.trimEnd();
  });
}

/**
 * A two-dimensional histogram with fixed bins; entries outside a range go to that axis's under- or
 * overflow bin (index 0 and nx + 1 / ny + 1), so every entry stays visible.
 */
export class Histogram2D {
  /** (nx + 2) x (ny + 2) counts, x major: counts[(ix * (ny + 2)) + iy], ix/iy 0 = underflow, n + 1 = overflow. */
  readonly counts: number[];
  entries = 0;

  constructor(
    readonly x: { lo: number; hi: number; n: number },
    readonly y: { lo: number; hi: number; n: number },
  ) {
    for (const a of [x, y]) if (!(a.hi > a.lo) || !Number.isInteger(a.n) || a.n < 1) throw new RangeError(`histogram ${a.lo}..${a.hi} with ${a.n} bins`);
    this.counts = new Array<number>((x.n + 2) * (y.n + 2)).fill(0);
  }

  private static index(v: number, a: { lo: number; hi: number; n: number }): number {
    if (v < a.lo) return 0;
    if (v >= a.hi) return a.n + 1;
    return 1 + Math.floor(((v - a.lo) / (a.hi - a.lo)) * a.n);
  }

  add(vx: number, vy: number): void {
    this.entries++;
    this.counts[Histogram2D.index(vx, this.x) * (this.y.n + 2) + Histogram2D.index(vy, this.y)]!++;
  }

  count(ix: number, iy: number): number {
    return this.counts[ix * (this.y.n + 2) + iy]!;
  }

  toJSON() {
    return { x: this.x, y: this.y, counts: this.counts, entries: this.entries };
  }
}
