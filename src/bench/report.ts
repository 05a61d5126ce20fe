// The bench run's summary for a terminal: checks first (pass/fail), then triggers, rates and dead
// time, the physics summary, the boards and where the time went.
import type { Colors } from "../cli/output";
import { boardLines, checkLines, fixed, pct, physicsLines } from "../analysis/render";
import { htmlReport } from "../analysis/html-report";
import type { BenchResult } from "./run";

export function benchReport(r: BenchResult, c: Colors): string[] {
  const L: string[] = [];
  const o = r.options;
  const spillS = r.beam.spillNs / 1e9;
  L.push(
    `${c.bold(`bench run ${r.runNumber}`)}: ${r.preset}, ${o.spills} spill(s) of ${spillS} s, ` +
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
  L.push(...physicsLines(r.summary, r.beam.energyGeV, o.massMeV, c), "");
  L.push(...boardLines(r.boards, c), "");
  const tm = r.timing;
  L.push(
    c.bold("Time") +
      `: ${fixed(tm.wallMs / 1000, 1)} s wall (start-up ${fixed(tm.startupMs / 1000, 1)} s, simulator ${fixed(tm.simulatorMs / 1000, 2)} s, ` +
      `waiting for the boards ${fixed(tm.waitBoardsMs / 1000, 1)} s, host ${fixed(tm.hostMs / 1000, 2)} s); ${r.events} events, ` +
      `${fixed(r.events / Math.max(1e-3, (tm.wallMs - tm.startupMs) / 1000), 0)} events/s after start-up`,
  );
  L.push(r.ok ? c.green("PASS: every trigger is accounted for") : c.red("FAIL: see the checks above"));
  return L;
}

/** The JSON form: the result without the bulky conversion, histograms as plain data. */
export function benchJson(r: BenchResult): unknown {
  const { conversion, summary, ...rest } = r;
  return { ...rest, summary: summary.toJSON(), warnings: conversion.warnings, signal: conversion.signal };
}

/** The bench run as a self-contained HTML page (checks, spectra, veto timing, boards). */
export function benchHtml(r: BenchResult): string {
  const o = r.options;
  return htmlReport({
    title: `NA64 bench run ${r.runNumber}: ${r.preset}`,
    facts: [
      `${o.spills} spill(s) of ${r.beam.spillNs / 1e9} s, ${fixed(r.beam.intensityPerSpill, 0)} particles per spill (${o.intensity * 100}% of the preset), seed ${o.seed}` +
        (o.massMeV !== undefined ? `, dark photons of ${o.massMeV} MeV injected` : ""),
      r.runFile ? `Run file: ${r.runFile}` : "Not recorded.",
      `${r.events} events in ${fixed(r.timing.wallMs / 1000, 1)} s.`,
    ],
    checks: r.checks,
    summary: r.summary,
    beamEnergyGeV: r.beam.energyGeV,
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
