// The after-the-run HTML report (`inspect --html`; bench writes the same page): self-contained,
// plots drawn by Vega from the shared Vega-Lite specs, each under its own heading, count axes
// labelled and offered linear and logarithmic (decade ticks only), overflow as a bin of its own,
// the trigger's ECAL maximum on the physics spectrum, the checks and the boards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBench } from "../../src/bench/run";
import { benchHtml } from "../../src/bench/report";
import { Histogram } from "../../src/analysis/histogram";
import { histogramRows } from "../../src/plots/specs";
import { na64fe } from "../support/cli";

let dir: string;
let html: string;

let benchPage: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "na64-report-"));
  const b = await runBench({ intensity: 0.01, spills: 2, timeoutMs: 30_000, outDir: dir });
  expect(b.ok).toBe(true);
  benchPage = await benchHtml(b);
  const r = await na64fe("inspect", b.runFile!, "--html", join(dir, "r.html"));
  expect(r.errors).toEqual([]);
  html = readFileSync(join(dir, "r.html"), "utf-8");
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The HTML between <h2>name and the next <h2>. */
function section(name: string): string {
  const i = html.indexOf(`<h2>${name}`);
  expect(i, `section ${name}`).toBeGreaterThanOrEqual(0);
  const j = html.indexOf("<h2>", i + 4);
  return html.slice(i, j < 0 ? undefined : j);
}

function figure(id: string, scale: "lin" | "log"): string {
  const i = html.indexOf(`<figure class="plot" id="plot-${id}">`);
  expect(i, id).toBeGreaterThanOrEqual(0);
  const f = html.slice(i, html.indexOf("</figure>", i));
  const k = f.indexOf(`<div class="${scale}">`);
  expect(k, `${id} ${scale}`).toBeGreaterThanOrEqual(0);
  return f.slice(k, f.indexOf("</div>", k));
}

/** Each axis of an SVG: its title and its tick labels. */
function axes(svg: string): Array<{ title: string; labels: string[] }> {
  return svg
    .split('<g class="mark-group role-axis"')
    .slice(1)
    .map((a) => {
      const part = (role: string) => {
        const i = a.indexOf(`role-axis-${role}"`);
        return i < 0 ? "" : a.slice(i, a.indexOf("</g>", i));
      };
      return { title: [...part("title").matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]).join(" "), labels: [...part("label").matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]!) };
    })
    .filter((a) => a.labels.length || a.title);
}

describe("HTML report", () => {
  it("is one self-contained page: no script, no network", () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).not.toMatch(/<script|src="http|href="http/);
  });

  it("has the checks, the boards and each detector's plots under its own heading", () => {
    expect(section("Checks")).toMatch(/<td class="ok">ok<\/td><td>run file<\/td><td>complete: 2 complete spills<\/td>/);
    expect(section("Checks")).toMatch(/<td class="ok">ok<\/td><td>events complete<\/td>/);
    for (const b of ["trig", "ecal-ps", "ecal-main", "hcal", "veto"]) expect(section("Boards")).toContain(`<td>${b}</td>`);
    const where: Record<string, string[]> = {
      Triggers: ["trigger-rates"],
      "Dead time and BUSY": ["dead-time"],
      ECAL: ["ecal-beam", "ecal-physics", "ecal-random", "led-amplitude", "ecal-cells"],
      HCAL: ["hcal-physics", "ecal-vs-hcal"],
      Veto: ["veto-timing"],
      Channels: ["occupancy"],
    };
    for (const [name, ids] of Object.entries(where)) {
      const s = section(name);
      expect([...s.matchAll(/id="plot-([a-z-]+)"/g)].map((m) => m[1]), name).toEqual(ids);
    }
  });

  it("labels the count axes, gives linear ticks at whole counts and log ticks at decades", () => {
    for (const id of ["ecal-beam", "ecal-physics", "hcal-physics", "ecal-random"]) {
      const lin = axes(figure(id, "lin"));
      const log = axes(figure(id, "log"));
      const yLin = lin.find((a) => /^events per [\d.]+ GeV$/.test(a.title));
      const yLog = log.find((a) => /^events per [\d.]+ GeV$/.test(a.title));
      expect(yLin, id).toBeDefined();
      expect(yLog, id).toBeDefined();
      expect(yLin!.labels.length).toBeGreaterThan(2);
      for (const l of yLin!.labels) expect(l, `${id} linear tick`).toMatch(/^\d+(\.\d+)?k?$/);
      expect(yLin!.labels.every((l) => Number.isInteger(Number(l.replace("k", "")))), `${id}: ${yLin!.labels}`).toBe(true);
      const shown = yLog!.labels.filter((l) => l !== "");
      expect(shown.length, `${id}: ${yLog!.labels}`).toBeGreaterThan(0);
      for (const l of shown) expect(["1", "10", "100", "1k", "10k", "100k"], `${id} log tick`).toContain(l);
      expect(lin.some((a) => /energy \[GeV\]$/.test(a.title))).toBe(true);
    }
  });

  it("marks the trigger's ECAL maximum on the physics spectrum and shows the overflow bin", () => {
    const physics = figure("ecal-physics", "log");
    expect(physics).toContain("trigger ECAL max 56 GeV");
    expect(physics).toContain("overflow");
    expect(figure("veto-timing", "lin")).toContain("underflow");
    const h = new Histogram(0, 87.5, 25, "GeV");
    for (const x of [1, 50, 90, 200]) h.add(x);
    const rows = histogramRows(h.toJSON(), false);
    expect(rows.at(-1)).toEqual({ x0: 87.5, x1: 91, n: 2, kind: "overflow", label: "87.5 GeV and above" });
    expect(rows.filter((r) => r.kind === "in range").reduce((a, r) => a + (r.n as number), 0)).toBe(2);
  });

  it("gives rates over beam time, not wall time, and dead time and BUSY per spill", () => {
    expect(section("Triggers")).toMatch(/Rates over 9\.60 s of beam \(the trigger board's spill lengths, not the wall time\)/);
    expect(benchPage).toMatch(/events in 9\.60 s of beam \(the spills as the trigger board measured them\); the bench took [\d.]+ s of wall time/);
    expect(section("Dead time and BUSY")).toMatch(/<th>dead time \[%\]<\/th>/);
    expect(section("Dead time and BUSY")).toMatch(/<th>BUSY ecal-main \[%\]<\/th>/);
  });
});
