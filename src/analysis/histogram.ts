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

/** Horizontal bars, one line per bin: "  52.0 GeV |#####        12". */
export function renderHistogram(h: Histogram, width = 40, digits = 1): string[] {
  const peak = Math.max(1, ...h.bins);
  const lines: string[] = [];
  const label = (x: number) => x.toFixed(digits).padStart(7);
  if (h.under) lines.push(`${"<".padStart(7)} ${h.unit.padEnd(4)}|${" ".repeat(width)} ${h.under}`);
  h.bins.forEach((c, i) => {
    const bar = c ? Math.max(1, Math.round((c / peak) * width)) : 0;
    lines.push(`${label(h.lo + i * h.binWidth)} ${h.unit.padEnd(4)}|${"#".repeat(bar).padEnd(width)} ${c || ""}`.trimEnd());
  });
  if (h.over) lines.push(`${">=".padStart(7)} ${h.unit.padEnd(4)}|${" ".repeat(width)} ${h.over}`);
  return lines;
}
