// The bench run's summary for a terminal: checks first (pass/fail), then triggers, rates and dead
// time, the physics summary, the boards and where the time went.
import { plural, type Colors } from "../format/text";
import { boardLines, checkLines, fixed, pct, physicsLines } from "../analysis/render";
import { beamSeconds } from "../analysis/beam-time";
import { htmlReport } from "../analysis/html-report";
import { runView } from "../plots/run-view";
import { verdict } from "../daq/checks";
import type { BenchResult, SignalEfficiency } from "./result";

export function benchReport(r: BenchResult, c: Colors): string[] {
  const L: string[] = [];
  const o = r.options;
  const spillS = r.beam.spillNs / 1e9;
  L.push(
    `${c.bold(r.runFile ? `bench run ${r.runNumber}` : "bench run (not recorded)")}: ${r.preset}, ${plural(o.spills, "spill")} of ${spillS} s, ` +
      `${fixed(r.beam.intensityPerSpill, 0)} particles per spill (${o.intensity * 100}% of the preset), seed ${o.seed}` +
      (o.massMeV !== undefined ? `, dark photon ${o.massMeV} MeV` : ""),
  );
  if (r.runFile) L.push(`run file ${r.runFile}`);
  L.push("", ...checkLines(r.checks, c), "");

  L.push(c.bold("Triggers"));
  const trigId = r.boards.find((b) => b.role === "trigger")!.id;
  for (const sp of r.spills) {
    const trig = sp.report.scalers[trigId];
    const dead = trig ? pct(trig.deadTicks, trig.spillTicks) : "-";
    const busy = trig ? pct(trig.busyTicks, trig.spillTicks) : "-";
    const particles = Object.entries(sp.particles)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    L.push(`  spill ${sp.spill}: ${sp.hardwareAccepted} accepted (${fixed(sp.hardwareAccepted / spillS, 0)} Hz), inhibited ${sp.inhibitedDead} by dead time + ${sp.inhibitedBusy} by BUSY; dead time ${dead}%, busy ${busy}%`);
    if (trig) L.push(`    beam coincidences ${trig.beamCoincidences} (${fixed(trig.beamCoincidences / spillS / 1e3, 1)} kHz); particles: ${particles}`);
  }
  L.push(...physicsLines(r.summary, r.beam.energyGeV, o.massMeV, c, beamSeconds(r.spills.map((s) => s.report), { clockNs: r.conversion.clockNs, boards: r.boards })));
  if (r.signalEfficiency) L.push(signalLine(r.signalEfficiency));
  L.push("");
  L.push(...boardLines(r.boards, c), "");
  const tm = r.timing;
  L.push(
    c.bold("Time") +
      `: ${fixed(tm.wallMs / 1000, 1)} s wall (start-up ${fixed(tm.startupMs / 1000, 1)} s, simulator ${fixed(tm.simulatorMs / 1000, 2)} s, ` +
      `waiting for the boards ${fixed(tm.waitBoardsMs / 1000, 1)} s, host ${fixed(tm.hostMs / 1000, 2)} s); ${r.events} events, ` +
      `${fixed(r.events / Math.max(1e-3, (tm.wallMs - tm.startupMs) / 1000), 0)} events/s after start-up`,
  );
  const warning = inhibitWarning(r);
  if (warning) L.push(c.yellow(`warning: ${warning}`));
  const line = verdict(r.checks, r.builder, (id) => r.boards.find((b) => b.id === id)?.name ?? String(id), "every trigger is accounted for");
  L.push(r.ok ? c.green(line) : c.red(line));
  return L;
}

/** Injected, triggered and selected dark photons, with the efficiencies. */
export function signalLine(s: SignalEfficiency): string {
  const of = (n: number) => (s.injected ? ` (${pct(n, s.injected)} %)` : "");
  return (
    `  signal (dark photons of ${s.massMeV} MeV, from the simulator's truth): injected ${s.injected}, triggered ${s.triggered}${of(s.triggered)}, ` +
    `physics triggers ${s.physicsTriggered}${of(s.physicsTriggered)}, selected as missing-energy candidates ${s.selected}${of(s.selected)}, ` +
    `${s.selectedInWindow} of them in the expected ECAL window`
  );
}

/** Most triggers were inhibited: nothing was lost, but the boards did not keep up with the rate. */
export function inhibitWarning(r: Pick<BenchResult, "spills">): string | undefined {
  const sum = (f: (s: BenchResult["spills"][number]) => number) => r.spills.reduce((a, s) => a + f(s), 0);
  const busy = sum((s) => s.inhibitedBusy), dead = sum((s) => s.inhibitedDead), accepted = sum((s) => s.hardwareAccepted);
  const inhibited = busy + dead;
  if (inhibited <= accepted) return undefined;
  return (
    `${pct(inhibited, inhibited + accepted)}% of the triggers were inhibited (${busy} by BUSY, ${dead} by dead time; ${accepted} accepted): ` +
    `every accepted trigger is accounted for, but the boards did not keep up with this rate`
  );
}

/** The JSON form: the result without the bulky conversion, histograms as plain data. */
export function benchJson(r: BenchResult): unknown {
  const { conversion, summary, setup: _setup, ...rest } = r;
  return { ...rest, summary: summary.toJSON(), warnings: conversion.warnings, signal: conversion.signal };
}

/** The bench run as a self-contained HTML page (checks, rates, dead time, spectra, maps, boards). */
export function benchHtml(r: BenchResult): Promise<string> {
  const o = r.options;
  const view = runView(r.summary, r.setup, r.spills.map((s) => s.report));
  const beamS = view.beamSeconds;
  return htmlReport({
    title: `NA64 bench run${r.runFile ? ` ${r.runNumber}` : ""}: ${r.preset}`,
    facts: [
      `${plural(o.spills, "spill")} of ${r.beam.spillNs / 1e9} s, ${fixed(r.beam.intensityPerSpill, 0)} particles per spill (${o.intensity * 100}% of the preset), seed ${o.seed}` +
        (o.massMeV !== undefined ? `, dark photons of ${o.massMeV} MeV injected` : ""),
      r.runFile ? `Run file: ${r.runFile}` : "Not recorded.",
      `${r.events} events in ${beamS !== undefined ? `${fixed(beamS, 2)} s of beam (the spills as the trigger board measured them)` : "spills without trigger-board SCALERS"}; ` +
        `the bench took ${fixed(r.timing.wallMs / 1000, 1)} s of wall time (start-up ${fixed(r.timing.startupMs / 1000, 1)} s, then the simulator and the firmware in the VM).`,
    ],
    checks: r.checks,
    summary: r.summary,
    view,
    tables: [
      {
        caption: "Spills",
        head: ["spill", "accepted", "inhibited (dead time)", "inhibited (BUSY)", "positrons", "hadrons", "muons"],
        rows: r.spills.map((s) => [s.spill, s.hardwareAccepted, s.inhibitedDead, s.inhibitedBusy, s.particles.positron ?? 0, s.particles.hadron ?? 0, s.particles.muon ?? 0]),
      },
      {
        caption: "Boards",
        head: ["board", "id", "role", "firmware", "image bytes", "frames", "reconnects", "restarts", "RESEND"],
        rows: r.boards.map((b) => [b.name, b.id, b.role, `${b.hello.fwMajor}.${b.hello.fwMinor}.${b.hello.fwPatch}`, b.imageBytes, b.frames, b.link.reconnects, b.link.restarts, b.link.resendRequests]),
      },
    ],
  });
}
