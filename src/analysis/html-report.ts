// A run summary a physicist can open in a browser: one self-contained HTML file (no scripts, no
// network) with the run's plots drawn by Vega as SVG from the same Vega-Lite specifications the
// live page uses (src/plots), written next to the run file by `na64fe bench` and by
// `na64fe inspect RUN --html`. Count axes come linear and logarithmic; a switch at the top of the
// page (CSS only) shows one or the other.
import type { Check } from "../daq/run-facts";
import { plotsOf, type Plot } from "../plots/specs";
import { renderSvg } from "../plots/compile";
import type { RunView } from "../plots/run-view";
import type { PhysicsSummary } from "./physics-summary";

export interface HtmlTable {
  caption: string;
  head: string[];
  rows: Array<Array<string | number>>;
}

export interface HtmlReportInput {
  title: string;
  /** Lines under the title (beam, intensity, seed, run file...). */
  facts: string[];
  checks?: readonly Check[];
  summary: PhysicsSummary;
  view: RunView;
  /** Tables after the plots (spills, boards...). */
  tables?: HtmlTable[];
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function tableHtml(t: HtmlTable, level = "h2"): string {
  return (
    `<${level}>${esc(t.caption)}</${level}><table><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>` +
    t.rows.map((r) => `<tr>${r.map((c) => `<td>${esc(String(c))}</td>`).join("")}</tr>`).join("") +
    `</table>`
  );
}

async function figure(p: Plot): Promise<string> {
  const lin = await renderSvg(p, false);
  if (!p.log) return `<figure class="plot" id="plot-${p.id}">${lin}</figure>`;
  const log = await renderSvg(p, true);
  return `<figure class="plot" id="plot-${p.id}"><div class="lin">${lin}</div><div class="log">${log}</div></figure>`;
}

const pct = (x: number | undefined) => (x === undefined ? "-" : (100 * x).toFixed(3));

export async function htmlReport(r: HtmlReportInput): Promise<string> {
  const s = r.summary;
  const v = r.view;
  const cuts = s.toJSON().candidates.cuts;
  const plots = plotsOf(v);
  const figures = new Map<string, string>();
  for (const p of plots) figures.set(p.id, await figure(p));
  const section = (name: Plot["section"]) => plots.filter((p) => p.section === name).map((p) => figures.get(p.id)!);
  const parts: string[] = [];
  parts.push(`<h1>${esc(r.title)}</h1>`, ...r.facts.map((f) => `<p>${esc(f)}</p>`));
  if (r.checks) {
    const ok = r.checks.every((c) => c.ok);
    parts.push(`<h2>Checks: <span class="${ok ? "ok" : "fail"}">${ok ? "PASS" : "FAIL"}</span></h2><table>`);
    for (const c of r.checks) parts.push(`<tr><td class="${c.ok ? "ok" : "fail"}">${c.ok ? "ok" : "FAIL"}</td><td>${esc(c.name)}</td><td>${esc(c.detail)}</td></tr>`);
    parts.push(`</table>`);
  }
  const t = s.triggersByType;
  const beamS = v.beamSeconds;
  parts.push(
    `<h2>Triggers</h2><p>${s.events} events; ${s.zeroHitEvents} without a hit (normal for random triggers); ${s.vetoedEvents} vetoed. ` +
      (beamS ? `Rates over ${beamS.toFixed(2)} s of beam (the trigger board's spill lengths, not the wall time).` : "No trigger-board SCALERS: no beam time, no rates.") +
      `</p>`,
    tableHtml({ caption: "", head: ["trigger", "events", ...(beamS ? ["rate [Hz]"] : [])], rows: Object.entries(t).map(([k, n]) => [k, n, ...(beamS ? [(n / beamS).toFixed(1)] : [])]) }, "h3").replace("<h3></h3>", ""),
  );
  parts.push(`<div class="plots">${section("Triggers").join("")}</div>`);
  parts.push(`<h2>Dead time and BUSY</h2>`);
  if (v.spills.length)
    parts.push(
      tableHtml(
        {
          caption: "",
          head: ["spill", "beam [s]", "events", "dead time [%]", "inhibited by dead time", "inhibited by BUSY", ...Object.keys(v.spills[0]!.busyFraction).map((b) => `BUSY ${b} [%]`)],
          rows: v.spills.map((x) => [x.spill, x.beamS?.toFixed(3) ?? "-", x.events, pct(x.deadFraction), x.inhibitedDead ?? "-", x.inhibitedBusy ?? "-", ...Object.values(x.busyFraction).map((f) => pct(f))]),
        },
        "h3",
      ).replace("<h3></h3>", ""),
    );
  parts.push(`<div class="plots">${section("Dead time and BUSY").join("")}</div>`);
  parts.push(`<h2>ECAL</h2><div class="plots">${section("ECAL").join("")}</div>`);
  if (s.physicsAboveTriggerMax && s.triggerEcalMaxGeV !== undefined)
    parts.push(
      `<p class="note">${s.physicsAboveTriggerMax} physics events above the trigger's ECAL maximum of ${s.triggerEcalMaxGeV.toFixed(1)} GeV (${s.physicsAboveTriggerMaxOutOfTime} with most ECAL energy out of time): pile-up, another particle's shower inside the digitisers' readout window that the trigger's fast ECAL sum no longer saw.</p>`,
    );
  parts.push(
    `<h3>Missing-energy candidates: ${s.candidateCount}${cuts.signal ? `, ${s.candidatesInWindow} in the signal window ${cuts.signal.ecalLowGeV.toFixed(1)}..${cuts.signal.ecalHighGeV.toFixed(1)} GeV` : ""}</h3>`,
    `<p>Physics triggers without veto, HCAL &lt; ${cuts.hcalVetoMaxGeV} GeV, ECAL &lt; ${cuts.ecalMaxGeV.toFixed(1)} GeV${cuts.signal ? " or in the signal window" : ""}.</p>`,
  );
  if (s.candidates.length)
    parts.push(
      tableHtml(
        { caption: "", head: ["spill", "trigger", "ECAL GeV", "HCAL GeV", "in window"], rows: s.candidates.map((c) => [c.spill, c.trigger, c.ecalGeV.toFixed(2), c.hcalGeV.toFixed(2), c.inSignalWindow ? "yes" : ""]) },
        "h3",
      ).replace("<h3></h3>", ""),
    );
  parts.push(`<h2>HCAL</h2><div class="plots">${section("HCAL").join("")}</div>`);
  parts.push(`<h2>Veto</h2><p>${s.vetoHits} hits on V0, V1 and VETO, ${s.vetoInTime} in time; ${s.vetoedEvents} events vetoed.</p><div class="plots">${section("Veto").join("")}</div>`);
  parts.push(`<h2>Channels</h2><div class="plots">${section("Channels").join("")}</div>`);
  for (const tb of r.tables ?? []) parts.push(tableHtml(tb));
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${esc(r.title)}</title><style>` +
    `body{font-family:sans-serif;margin:2em;max-width:1250px}table{border-collapse:collapse;margin:.5em 0}` +
    `td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left}.ok{color:#1e7d32}.fail{color:#c0392b;font-weight:bold}` +
    `.plots{display:flex;flex-wrap:wrap;gap:16px}.plot{margin:0}.note{color:#555;font-size:13px}` +
    `.scale{position:sticky;top:0;background:#fff;padding:4px 0;font-size:13px;border-bottom:1px solid #eee}` +
    `input[name=scale]{display:none}label{cursor:pointer;color:#3b6ea8;text-decoration:underline}` +
    `#scale-log:checked~main .lin,#scale-lin:checked~main .log{display:none}` +
    `#scale-log:checked~.scale label[for=scale-log],#scale-lin:checked~.scale label[for=scale-lin]{color:#222;text-decoration:none;font-weight:bold}</style></head><body>` +
    `<input type="radio" name="scale" id="scale-log" checked><input type="radio" name="scale" id="scale-lin">` +
    `<div class="scale">Count axes: <label for="scale-log">logarithmic</label> | <label for="scale-lin">linear</label> (a bin of one event stays visible on the logarithmic axes)</div>` +
    `<main>${parts.join("\n")}</main></body></html>\n`
  );
}
