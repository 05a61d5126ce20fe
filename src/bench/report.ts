// The bench run's summary for a terminal: checks first (pass/fail), then triggers, rates and dead
// time, the physics summary, the boards and where the time went.
import type { Colors } from "../cli/output";
import { boardLines, checkLines, fixed, pct, physicsLines } from "../analysis/render";
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
