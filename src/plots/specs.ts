// The plots of a run as Vega-Lite specifications, shared by the after-the-run HTML report (rendered
// to SVG by Vega in Node) and the live page (rendered by Vega in the browser). Each plot has its
// rows (the data set named "table", the only part that changes while a run goes on) and a spec for
// a linear and, where it helps, a logarithmic count axis (the missing-energy tail is a few events
// next to peaks of hundreds). Histograms show their overflow (and underflow) as a bin of its own.
import type { HistogramJson, RunView } from "./run-view";

export type VlSpec = Record<string, unknown>;
export type Row = Record<string, number | string>;

export interface Plot {
  id: string;
  /** Heading the plot is shown under. */
  section: "Triggers" | "Dead time and BUSY" | "ECAL" | "HCAL" | "Veto" | "Channels" | "Waveforms";
  title: string;
  /** A logarithmic variant exists (counts, rates, colour scales of counts). */
  log: boolean;
  spec: (log: boolean) => VlSpec;
  rows: Row[];
}

export const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 460;
const HEIGHT = 200;
const BLUE = "#3b6ea8";
const OUTSIDE = "#c77d2e";
const MARK = "#c0392b";
/** Only the decades carry a label on a log axis (1, 10, 100, 1k...). */
const DECADES = "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? datum.label : ''";
/** Log axes start just below 1 so that a bin of one entry is a visible bar. */
const LOG_FLOOR = 0.7;

function countAxis(log: boolean, title: string) {
  return {
    title,
    scale: log ? { type: "log", domainMin: LOG_FLOOR, nice: false } : { zero: true, nice: true },
    axis: log ? { format: "~s", labelExpr: DECADES, grid: true } : { format: "~s", tickMinStep: 1, grid: true },
  };
}

interface Mark {
  x: number;
  label: string;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Bins as rows: the range's bins, then the under- and overflow bins, each as wide as a bin. */
export function histogramRows(h: HistogramJson, withUnder: boolean): Row[] {
  const w = (h.hi - h.lo) / h.bins.length;
  const rows: Row[] = h.bins.map((n, i) => ({ x0: h.lo + i * w, x1: h.lo + (i + 1) * w, n, kind: "in range", label: `${fmt(h.lo + i * w)}..${fmt(h.lo + (i + 1) * w)} ${h.unit}` }));
  if (withUnder) rows.push({ x0: h.lo - w, x1: h.lo, n: h.under, kind: "underflow", label: `below ${fmt(h.lo)} ${h.unit}` });
  rows.push({ x0: h.hi, x1: h.hi + w, n: h.over, kind: "overflow", label: `${fmt(h.hi)} ${h.unit} and above` });
  return rows;
}

function histogramPlot(
  id: string,
  section: Plot["section"],
  title: string,
  h: HistogramJson,
  xTitle: string,
  o: { marks?: Mark[]; underflow?: boolean; what?: string } = {},
): Plot {
  const withUnder = o.underflow ?? h.lo !== 0;
  const w = (h.hi - h.lo) / h.bins.length;
  const domain = [withUnder ? h.lo - w : h.lo, h.hi + w];
  const marks = (o.marks ?? []).filter((m) => m.x >= domain[0]! && m.x <= domain[1]!);
  const outside = [...(withUnder ? [{ x: h.lo - w / 2, label: "underflow" }] : []), { x: h.hi + w / 2, label: "overflow" }];
  const spec = (log: boolean): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH,
    height: HEIGHT,
    title: { text: title, anchor: "start", fontSize: 13 },
    layer: [
      {
        data: { name: "table" },
        transform: log ? [{ filter: "datum.n > 0" }] : [],
        mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
        encoding: {
          x: { field: "x0", type: "quantitative", title: xTitle, scale: { domain, nice: false, zero: false } },
          x2: { field: "x1" },
          y: { field: "n", type: "quantitative", ...countAxis(log, `${o.what ?? "events"} per ${fmt(w)} ${h.unit}`) },
          y2: { datum: log ? LOG_FLOOR : 0 },
          color: { field: "kind", type: "nominal", scale: { domain: ["in range", "underflow", "overflow"], range: [BLUE, OUTSIDE, OUTSIDE] }, legend: null },
          tooltip: [
            { field: "label", title: "bin" },
            { field: "n", title: o.what ?? "events" },
          ],
        },
      },
      // Log axes: room above the highest bar (a transparent point at 3 x the maximum), so that the
      // tallest bin and the marks' labels do not touch.
      ...(log
        ? [
            {
              data: { name: "table" },
              transform: [{ joinaggregate: [{ op: "max", field: "n", as: "maxN" }] }, { calculate: "3 * max(1, datum.maxN)", as: "top" }],
              mark: { type: "point", opacity: 0 },
              encoding: { x: { field: "x0", type: "quantitative" }, y: { field: "top", type: "quantitative" } },
            },
          ]
        : []),
      {
        data: { values: outside },
        mark: { type: "text", angle: 270, align: "right", baseline: "middle", fontSize: 9, color: OUTSIDE, dx: -4 },
        encoding: { x: { field: "x", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } },
      },
      ...(marks.length
        ? [
            { data: { values: marks }, mark: { type: "rule", strokeDash: [4, 3], color: MARK }, encoding: { x: { field: "x", type: "quantitative" } } },
            {
              data: { values: marks },
              mark: { type: "text", align: "left", baseline: "top", dx: 3, dy: 2, fontSize: 10, color: MARK },
              encoding: { x: { field: "x", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } },
            },
          ]
        : []),
    ],
  });
  return { id, section, title, log: true, spec, rows: histogramRows(h, withUnder) };
}

function ecalVsHcalPlot(v: RunView): Plot {
  const h = v.ecalVsHcal;
  const wx = (h.x.hi - h.x.lo) / h.x.n, wy = (h.y.hi - h.y.lo) / h.y.n;
  const rows: Row[] = [];
  for (let ix = 1; ix <= h.x.n + 1; ix++)
    for (let iy = 1; iy <= h.y.n + 1; iy++) {
      const n = h.counts[ix * (h.y.n + 2) + iy]!;
      if (!n) continue;
      const x0 = h.x.lo + (ix - 1) * wx, y0 = h.y.lo + (iy - 1) * wy;
      rows.push({ x0, x1: x0 + wx, y0, y1: y0 + wy, n, cell: `ECAL ${ix > h.x.n ? `>= ${fmt(h.x.hi)}` : `${fmt(x0)}..${fmt(x0 + wx)}`}, HCAL ${iy > h.y.n ? `>= ${fmt(h.y.hi)}` : `${fmt(y0)}..${fmt(y0 + wy)}`} GeV` });
    }
  const vx = [
    ...(v.cuts.triggerEcalMaxGeV !== undefined ? [{ x: v.cuts.triggerEcalMaxGeV, label: "trigger ECAL max" }] : []),
    { x: v.cuts.ecalMaxGeV, label: "candidate ECAL cut" },
  ];
  const spec = (log: boolean): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH,
    height: WIDTH * 0.75,
    title: { text: "ECAL vs HCAL energy, physics triggers", anchor: "start", fontSize: 13, subtitle: "last row and column: overflow" },
    layer: [
      {
        data: { name: "table" },
        mark: { type: "rect" },
        encoding: {
          x: { field: "x0", type: "quantitative", title: "ECAL (preshower + main) energy [GeV]", scale: { domain: [h.x.lo, h.x.hi + wx], nice: false } },
          x2: { field: "x1" },
          y: { field: "y0", type: "quantitative", title: "HCAL energy [GeV]", scale: { domain: [h.y.lo, h.y.hi + wy], nice: false } },
          y2: { field: "y1" },
          color: { field: "n", type: "quantitative", title: "events", scale: log ? { type: "log", scheme: "viridis" } : { scheme: "viridis" } },
          tooltip: [
            { field: "cell", title: "bin" },
            { field: "n", title: "events" },
          ],
        },
      },
      { data: { values: vx }, mark: { type: "rule", strokeDash: [4, 3], color: MARK }, encoding: { x: { field: "x", type: "quantitative" } } },
      {
        data: { values: vx },
        mark: { type: "text", angle: 270, align: "right", baseline: "bottom", dx: -4, dy: -2, fontSize: 10, color: MARK },
        encoding: { x: { field: "x", type: "quantitative" }, y: { value: 0 }, text: { field: "label" } },
      },
      { data: { values: [{ y: v.cuts.hcalVetoMaxGeV, label: "HCAL cut" }] }, mark: { type: "rule", strokeDash: [4, 3], color: MARK }, encoding: { y: { field: "y", type: "quantitative" } } },
    ],
  });
  return { id: "ecal-vs-hcal", section: "HCAL", title: "ECAL vs HCAL energy, physics triggers", log: true, spec, rows };
}

const SECTION_NAMES = ["preshower", "main"];

function cellMapPlot(v: RunView): Plot {
  const rows: Row[] = [];
  const per = Math.max(1, v.channels.beamEvents);
  for (const b of v.channels.boards)
    b.beamEnergyGeV.forEach((e, ch) => {
      const el = v.elements[b.name]?.[ch];
      if (!el || el.det !== "ECAL" || el.cell.length < 3) return;
      rows.push({ section: SECTION_NAMES[el.cell[0]!] ?? `section ${el.cell[0]}`, x: el.cell[1]!, y: el.cell[2]!, gev: e / per, element: el.element });
    });
  const spec = (log: boolean): VlSpec => ({
    $schema: SCHEMA,
    title: { text: "ECAL cells: mean energy per beam trigger", anchor: "start", fontSize: 13 },
    data: { name: "table" },
    facet: { column: { field: "section", type: "nominal", title: null, sort: SECTION_NAMES } },
    spec: {
      width: 210,
      height: 210,
      layer: [
        {
          transform: log ? [{ filter: "datum.gev > 0" }] : [],
          mark: { type: "rect", stroke: "white", strokeWidth: 1 },
          encoding: {
            x: { field: "x", type: "ordinal", title: "cell x", sort: "ascending" },
            y: { field: "y", type: "ordinal", title: "cell y", sort: "descending" },
            color: { field: "gev", type: "quantitative", title: "GeV per beam trigger", scale: log ? { type: "log", scheme: "blues" } : { scheme: "blues" } },
            tooltip: [
              { field: "element", title: "element" },
              { field: "gev", title: "GeV per beam trigger", format: ".3f" },
            ],
          },
        },
        {
          mark: { type: "text", fontSize: 9 },
          encoding: {
            x: { field: "x", type: "ordinal", sort: "ascending" },
            y: { field: "y", type: "ordinal", sort: "descending" },
            text: { field: "gev", type: "quantitative", format: ".2~f" },
            color: { condition: { test: "datum.gev > 5", value: "white" }, value: "#222" },
          },
        },
      ],
    },
  });
  return { id: "ecal-cells", section: "ECAL", title: "ECAL cells: mean energy per beam trigger", log: true, spec, rows };
}

function occupancyPlot(v: RunView): Plot {
  const per = Math.max(1, v.channels.events);
  const rows: Row[] = [];
  for (const b of v.channels.boards)
    b.hits.forEach((n, ch) => {
      const el = v.elements[b.name]?.[ch];
      if (!el) return;
      rows.push({ board: b.name, channel: ch, perEvent: n / per, hits: n, element: el.element });
    });
  const spec = (log: boolean): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH + 120,
    height: 26 * v.channels.boards.length,
    title: { text: "Channel occupancy: hits per event", anchor: "start", fontSize: 13 },
    data: { name: "table" },
    transform: log ? [{ filter: "datum.perEvent > 0" }] : [],
    mark: { type: "rect", stroke: "white", strokeWidth: 0.5 },
    encoding: {
      x: { field: "channel", type: "ordinal", title: "channel", axis: { labelAngle: 0, labelExpr: "datum.value % 5 == 0 ? datum.label : ''" } },
      y: { field: "board", type: "nominal", title: null, sort: v.channels.boards.map((b) => b.name) },
      color: { field: "perEvent", type: "quantitative", title: "hits per event", scale: log ? { type: "log", scheme: "oranges" } : { scheme: "oranges" } },
      tooltip: [
        { field: "board", title: "board" },
        { field: "channel", title: "channel" },
        { field: "element", title: "element" },
        { field: "hits", title: "hits" },
        { field: "perEvent", title: "hits per event", format: ".4f" },
      ],
    },
  });
  return { id: "occupancy", section: "Channels", title: "Channel occupancy", log: true, spec, rows };
}

const TYPE_ORDER = ["physics", "beam", "random", "calibration"];
const TYPE_COLOURS = ["#3b6ea8", "#2e8b57", "#8e6bb5", "#c77d2e"];

function ratesPlot(v: RunView): Plot {
  const spills = Math.max(1, v.spillsSeen);
  const rows: Row[] = [];
  for (const t of TYPE_ORDER) {
    const h = v.triggerTime[t];
    if (!h) continue;
    const w = (h.hi - h.lo) / h.bins.length;
    h.bins.forEach((n, i) => {
      rows.push({ type: t, t: h.lo + (i + 0.5) * w, rateHz: n / w / spills });
    });
  }
  const spec = (log: boolean): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH,
    height: HEIGHT,
    title: { text: "Trigger rate through the spill", anchor: "start", fontSize: 13, subtitle: "accepted triggers by type per time bin, averaged over the spills seen" },
    data: { name: "table" },
    transform: log ? [{ filter: "datum.rateHz > 0" }] : [],
    mark: { type: "line", point: { size: 12 }, interpolate: "step-after" },
    encoding: {
      x: { field: "t", type: "quantitative", title: "time in the spill [s]" },
      y: { field: "rateHz", type: "quantitative", title: "rate [Hz]", scale: log ? { type: "log" } : { zero: true }, axis: log ? { format: "~s", labelExpr: DECADES } : { format: "~s" } },
      color: { field: "type", type: "nominal", title: "trigger", scale: { domain: TYPE_ORDER, range: TYPE_COLOURS } },
      tooltip: [
        { field: "type", title: "trigger" },
        { field: "t", title: "s", format: ".2f" },
        { field: "rateHz", title: "Hz", format: ".1f" },
      ],
    },
  });
  return { id: "trigger-rates", section: "Triggers", title: "Trigger rate through the spill", log: true, spec, rows };
}

function deadTimePlot(v: RunView): Plot {
  const rows: Row[] = [];
  for (const s of v.spills) {
    if (s.deadFraction !== undefined) rows.push({ spill: s.spill, what: "dead time (trigger)", percent: 100 * s.deadFraction });
    for (const [b, f] of Object.entries(s.busyFraction)) rows.push({ spill: s.spill, what: `BUSY ${b}`, percent: 100 * f });
  }
  const spec = (): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH,
    height: HEIGHT,
    title: { text: "Dead time and BUSY per spill", anchor: "start", fontSize: 13, subtitle: "from each board's SCALERS, as a share of the spill" },
    data: { name: "table" },
    mark: { type: "bar" },
    encoding: {
      x: { field: "spill", type: "ordinal", title: "spill", axis: { labelAngle: 0 } },
      xOffset: { field: "what", type: "nominal" },
      y: { field: "percent", type: "quantitative", title: "% of the spill", axis: { format: "~r" } },
      color: { field: "what", type: "nominal", title: null },
      tooltip: [
        { field: "spill", title: "spill" },
        { field: "what", title: "what" },
        { field: "percent", title: "%", format: ".3f" },
      ],
    },
  });
  return { id: "dead-time", section: "Dead time and BUSY", title: "Dead time and BUSY per spill", log: false, spec, rows };
}

function waveformPlot(v: RunView): Plot {
  const rows: Row[] = [];
  for (const w of v.waveforms ?? [])
    w.samplesAdc.forEach((adc, i) => {
      rows.push({ key: `${w.board} ${w.element} (spill ${w.spill} trigger ${w.trigger})`, tNs: i * v.clockNs, adc });
    });
  const spec = (): VlSpec => ({
    $schema: SCHEMA,
    width: WIDTH,
    height: HEIGHT,
    title: { text: "Last waveforms", anchor: "start", fontSize: 13 },
    data: { name: "table" },
    mark: { type: "line", point: { size: 10 } },
    encoding: {
      x: { field: "tNs", type: "quantitative", title: "time in the readout window [ns]" },
      y: { field: "adc", type: "quantitative", title: "ADC counts", scale: { zero: false } },
      color: { field: "key", type: "nominal", title: null },
    },
  });
  return { id: "waveforms", section: "Waveforms", title: "Last waveforms", log: false, spec, rows };
}

/** Every plot of a run view, in the order the pages show them. */
export function plotsOf(v: RunView, o: { waveforms?: boolean } = {}): Plot[] {
  const e0 = v.beamEnergyGeV;
  const ecal = "ECAL (preshower + main) energy [GeV]";
  const physicsMarks: Mark[] = [
    ...(v.cuts.triggerEcalMaxGeV !== undefined ? [{ x: v.cuts.triggerEcalMaxGeV, label: `trigger ECAL max ${fmt(v.cuts.triggerEcalMaxGeV)} GeV` }] : []),
    { x: v.cuts.ecalMaxGeV, label: "candidate cut" },
    ...(v.cuts.signal ? [{ x: v.cuts.signal.ecalLowGeV, label: "signal window" }, { x: v.cuts.signal.ecalHighGeV, label: "" }] : []),
  ];
  return [
    ratesPlot(v),
    deadTimePlot(v),
    histogramPlot("ecal-beam", "ECAL", "ECAL energy, triggers with the beam bit in their type mask (unbiased)", v.ecalBeam, ecal, { marks: [{ x: e0, label: `E0 = ${e0} GeV` }] }),
    histogramPlot("ecal-physics", "ECAL", "ECAL energy, physics triggers", v.ecalPhysics, ecal, { marks: physicsMarks }),
    histogramPlot("ecal-random", "ECAL", "ECAL energy, random triggers (noise and pile-up)", v.ecalRandom, ecal),
    histogramPlot("led-amplitude", "ECAL", "Calibration (LED) triggers: ECAL and HCAL hit amplitudes", v.ledAmplitude, "hit amplitude [ADC counts]", { what: "hits" }),
    cellMapPlot(v),
    histogramPlot("hcal-physics", "HCAL", "HCAL energy, physics triggers", v.hcalPhysics, "HCAL energy [GeV]", { marks: [{ x: v.cuts.hcalVetoMaxGeV, label: "HCAL cut" }] }),
    ecalVsHcalPlot(v),
    histogramPlot("veto-timing", "Veto", "Veto timing (V0, V1, VETO hits)", v.vetoTiming, "hit time - expected time [ns]", { what: "hits", marks: [{ x: 0, label: "expected" }] }),
    occupancyPlot(v),
    ...(o.waveforms ? [waveformPlot(v)] : []),
  ];
}
