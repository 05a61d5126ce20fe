// A run summary a physicist can open in a browser: one self-contained HTML file with inline SVG
// plots (no scripts, no network), written next to the run file by `na64fe bench` and by
// `na64fe inspect RUN --html`.
import type { Check } from "../daq/run-facts";
import type { Histogram } from "./histogram";
import type { PhysicsSummary } from "./physics-summary";

export interface HtmlReportInput {
  title: string;
  /** Lines under the title (beam, intensity, seed, run file...). */
  facts: string[];
  checks?: readonly Check[];
  summary: PhysicsSummary;
  beamEnergyGeV: number;
  /** Extra tables: caption, header, rows. */
  tables?: Array<{ caption: string; head: string[]; rows: Array<Array<string | number>> }>;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** A histogram as an SVG bar chart with axes, bin edges and counts. */
export function histogramSvg(h: Histogram, title: string, xLabel: string, marks: Array<{ x: number; label: string }> = []): string {
  const W = 560, H = 260, L = 48, R = 12, T = 28, B = 40;
  const pw = W - L - R, ph = H - T - B;
  const peak = Math.max(1, ...h.bins);
  const bw = pw / h.bins.length;
  const x = (v: number) => L + ((v - h.lo) / (h.hi - h.lo)) * pw;
  const bars = h.bins
    .map((c, i) => {
      const bh = (c / peak) * ph;
      return `<rect x="${(L + i * bw + 0.5).toFixed(1)}" y="${(T + ph - bh).toFixed(1)}" width="${Math.max(0, bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="#3b6ea8"><title>${esc(
        `${(h.lo + i * h.binWidth).toFixed(1)}..${(h.lo + (i + 1) * h.binWidth).toFixed(1)} ${h.unit}: ${c}`,
      )}</title></rect>`;
    })
    .join("");
  const ticks: string[] = [];
  for (let k = 0; k <= 5; k++) {
    const v = h.lo + ((h.hi - h.lo) * k) / 5;
    ticks.push(`<line x1="${x(v)}" y1="${T + ph}" x2="${x(v)}" y2="${T + ph + 4}" stroke="#333"/><text x="${x(v)}" y="${T + ph + 16}" text-anchor="middle">${v.toFixed(0)}</text>`);
  }
  for (let k = 0; k <= 4; k++) {
    const c = Math.round((peak * k) / 4);
    const y = T + ph - (c / peak) * ph;
    ticks.push(`<line x1="${L - 4}" y1="${y}" x2="${L}" y2="${y}" stroke="#333"/><text x="${L - 6}" y="${y + 4}" text-anchor="end">${c}</text>`);
  }
  const markup = marks
    .filter((m) => m.x >= h.lo && m.x <= h.hi)
    .map((m) => `<line x1="${x(m.x)}" y1="${T}" x2="${x(m.x)}" y2="${T + ph}" stroke="#c0392b" stroke-dasharray="4 3"/><text x="${x(m.x) + 3}" y="${T + 10}" fill="#c0392b">${esc(m.label)}</text>`)
    .join("");
  const outside = h.under || h.over ? ` (${h.under} below, ${h.over} above the range)` : "";
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">` +
    `<text x="${L}" y="16" font-size="13" font-weight="bold">${esc(title)}</text>` +
    `<text x="${W - R}" y="16" text-anchor="end" fill="#555">${h.entries} entries${esc(outside)}</text>` +
    bars +
    `<line x1="${L}" y1="${T + ph}" x2="${L + pw}" y2="${T + ph}" stroke="#333"/><line x1="${L}" y1="${T}" x2="${L}" y2="${T + ph}" stroke="#333"/>` +
    ticks.join("") +
    markup +
    `<text x="${L + pw / 2}" y="${H - 6}" text-anchor="middle">${esc(xLabel)}</text></svg>`
  );
}

export function htmlReport(r: HtmlReportInput): string {
  const s = r.summary;
  const cuts = s.toJSON().candidates.cuts;
  const e0 = r.beamEnergyGeV;
  const signalMarks = cuts.signal
    ? [
        { x: cuts.signal.ecalLowGeV, label: "signal window" },
        { x: cuts.signal.ecalHighGeV, label: "" },
      ]
    : [];
  const parts: string[] = [];
  parts.push(`<h1>${esc(r.title)}</h1>`, ...r.facts.map((f) => `<p>${esc(f)}</p>`));
  if (r.checks) {
    const ok = r.checks.every((c) => c.ok);
    parts.push(`<h2>Checks: <span class="${ok ? "ok" : "fail"}">${ok ? "PASS" : "FAIL"}</span></h2><table>`);
    for (const c of r.checks) parts.push(`<tr><td class="${c.ok ? "ok" : "fail"}">${c.ok ? "ok" : "FAIL"}</td><td>${esc(c.name)}</td><td>${esc(c.detail)}</td></tr>`);
    parts.push(`</table>`);
  }
  const t = s.triggersByType;
  parts.push(
    `<h2>Triggers</h2><p>${s.events} events: physics ${t.physics}, beam ${t.beam}, random ${t.random}, calibration ${t.calibration}; ${s.zeroHitEvents} without a hit; ${s.vetoedEvents} vetoed.</p>`,
  );
  parts.push(`<h2>ECAL energy</h2><div class="plots">`);
  parts.push(histogramSvg(s.ecalBeam, "Triggers with the beam bit in their type mask", "ECAL (preshower + main) energy [GeV]", [{ x: e0, label: `E0 = ${e0} GeV` }]));
  parts.push(histogramSvg(s.ecalPhysics, "Physics triggers", "ECAL (preshower + main) energy [GeV]", [{ x: cuts.ecalMaxGeV, label: "candidate cut" }, ...signalMarks]));
  parts.push(histogramSvg(s.hcalPhysics, "Physics triggers", "HCAL energy [GeV]", [{ x: cuts.hcalVetoMaxGeV, label: "HCAL cut" }]));
  parts.push(histogramSvg(s.vetoTiming, "Veto timing (V0, V1, VETO hits)", "hit time - expected time [ns]"));
  parts.push(`</div>`);
  parts.push(
    `<h2>Missing-energy candidates: ${s.candidateCount}${cuts.signal ? `, ${s.candidatesInWindow} in the signal window ${cuts.signal.ecalLowGeV.toFixed(1)}..${cuts.signal.ecalHighGeV.toFixed(1)} GeV` : ""}</h2>`,
    `<p>Physics triggers without veto, HCAL &lt; ${cuts.hcalVetoMaxGeV} GeV, ECAL &lt; ${cuts.ecalMaxGeV.toFixed(1)} GeV${cuts.signal ? " or in the signal window" : ""}.</p>`,
  );
  if (s.candidates.length) {
    parts.push(`<table><tr><th>spill</th><th>trigger</th><th>ECAL GeV</th><th>HCAL GeV</th><th>in window</th></tr>`);
    for (const c of s.candidates) parts.push(`<tr><td>${c.spill}</td><td>${c.trigger}</td><td>${c.ecalGeV.toFixed(2)}</td><td>${c.hcalGeV.toFixed(2)}</td><td>${c.inSignalWindow ? "yes" : ""}</td></tr>`);
    parts.push(`</table>`);
  }
  for (const tb of r.tables ?? []) {
    parts.push(`<h2>${esc(tb.caption)}</h2><table><tr>${tb.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>`);
    for (const row of tb.rows) parts.push(`<tr>${row.map((c) => `<td>${esc(String(c))}</td>`).join("")}</tr>`);
    parts.push(`</table>`);
  }
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>` +
    `body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:.5em 0}` +
    `td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}.ok{color:#1e7d32}.fail{color:#c0392b;font-weight:bold}` +
    `.plots{display:flex;flex-wrap:wrap;gap:12px}</style></head><body>` +
    parts.join("\n") +
    `</body></html>\n`
  );
}
