// Terminal histograms: every row carries a number (the bin's lower edge, or the range limit for
// the under- and overflow rows), and trimming drops empty bins only at the ends.
import { describe, expect, it } from "vitest";
import { Histogram, renderHistogram } from "../../src/analysis/histogram";

function filled(xs: number[]): Histogram {
  const h = new Histogram(-100, 100, 40, "ns");
  for (const x of xs) h.add(x);
  return h;
}

describe("renderHistogram", () => {
  it("labels the under- and overflow rows with lo and hi", () => {
    const lines = renderHistogram(filled([-150, -120, 0, 250]), { width: 10, digits: 0 });
    expect(lines[0]).toMatch(/^\s*< -100 ns\s+\|\s+2$/);
    expect(lines[lines.length - 1]).toMatch(/^\s*>= 100 ns\s+\|\s+1$/);
    const gev = new Histogram(0, 87.5, 25, "GeV");
    gev.add(90);
    expect(renderHistogram(gev).at(-1)).toMatch(/^\s*>= 87.5 GeV \|\s+1$/);
  });

  it("keeps every row's bar column aligned, also with the wider under/overflow labels", () => {
    const lines = renderHistogram(filled([-150, -100, 0, 250]), { width: 10, digits: 0 });
    expect(new Set(lines.map((l) => l.indexOf("|"))).size).toBe(1);
  });

  it("trim drops empty bins at both ends and keeps the empty bins between filled ones", () => {
    const h = filled([-42, -42, 12, 12, 12]);
    const lines = renderHistogram(h, { width: 10, digits: 0, trim: true });
    expect(lines[0]).toMatch(/^\s*-45 ns/);
    expect(lines.at(-1)).toMatch(/^\s*10 ns\s+\|#+\s+3$/);
    // -45 .. 10 in 5 ns bins: 12 rows, 10 of them empty but kept.
    expect(lines).toHaveLength(12);
    expect(lines.filter((l) => /\|$/.test(l))).toHaveLength(10);
    expect(renderHistogram(h, { width: 10, digits: 0 })).toHaveLength(40);
  });

  it("an empty histogram has no rows", () => {
    expect(renderHistogram(filled([]))).toEqual([]);
  });
});
