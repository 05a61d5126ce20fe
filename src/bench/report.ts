// The bench run's summary for a terminal: checks first (pass/fail), then triggers, rates and dead
// time, the ECAL spectrum, missing-energy candidates, veto timing, links and where the time went.
import type { Colors } from "../cli/output";
import { renderHistogram } from "../analysis/histogram";
import type { BenchResult } from "./run";

const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : "0.00");
const fixed = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");

export function benchReport(r: BenchResult, c: Colors): string[] {
  const L: string[] = [];
  const o = r.options;
  const s = r.summary;
  const spillS = r.beam.spillNs / 1e9;
  L.push(
    `${c.bold(`bench run ${r.runNumber}`)}: ${r.preset}, ${o.spills} spill(s) of ${spillS} s, ` +
      `${fixed(r.beam.intensityPerSpill, 0)} particles per spill (${o.intensity * 100}% of the preset), seed ${o.seed}` +
      (o.massMeV !== undefined ? `, dark photon ${o.massMeV} MeV` : ""),
  );
  if (r.runFile) L.push(`run file ${r.runFile}`);
  L.push("");

  L.push(c.bold("Checks"));
  for (const ch of r.checks) L.push(`  ${ch.ok ? c.green("ok  ") : c.red("FAIL")} ${ch.name}: ${ch.detail}`);
  L.push("");

  L.push(c.bold("Triggers"));
  for (const sp of r.spills) {
    const trig = sp.report.scalers[r.boards.find((b) => b.role === "trigger")!.id];
    const dead = trig ? pct(trig.deadTicks, trig.spillTicks) : "-";
    const busy = trig ? pct(trig.busyTicks, trig.spillTicks) : "-";
    const particles = Object.entries(sp.particles)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ");
    L.push(`  spill ${sp.spill}: ${sp.hardwareAccepted} accepted (${fixed(sp.hardwareAccepted / spillS, 0)} Hz), inhibited ${sp.inhibitedDead} by dead time + ${sp.inhibitedBusy} by BUSY; dead time ${dead}%, busy ${busy}%`);
    if (trig) L.push(`    beam coincidences ${trig.beamCoincidences} (${fixed(trig.beamCoincidences / spillS / 1e3, 1)} kHz); particles: ${particles}`);
  }
  const t = s.triggersByType;
  L.push(`  by type: physics ${t.physics}, beam ${t.beam}, random ${t.random}, calibration ${t.calibration}; ${s.zeroHitEvents} events without a hit (normal for random triggers)`);
  L.push("");

  L.push(c.bold(`ECAL energy, unbiased beam triggers (${s.ecalBeam.entries} events, mean ${fixed(s.ecalBeam.mean)} GeV; E0 = ${r.beam.energyGeV} GeV)`));
  for (const l of renderHistogram(s.ecalBeam, 40)) L.push("  " + l);
  L.push(c.bold(`ECAL energy, physics triggers (${s.ecalPhysics.entries} events)`));
  for (const l of renderHistogram(s.ecalPhysics, 40)) L.push("  " + l);
  L.push("");

  const cuts = s.toJSON().candidates.cuts;
  L.push(
    c.bold("Missing-energy candidates") +
      `: ${s.candidateCount} physics events with ECAL < ${fixed(cuts.ecalMaxGeV)} GeV, HCAL < ${fixed(cuts.hcalVetoMaxGeV)} GeV, no veto` +
      (cuts.signal ? `; ${s.candidatesInWindow} in the ${o.massMeV} MeV window ${fixed(cuts.signal.ecalLowGeV)}..${fixed(cuts.signal.ecalHighGeV)} GeV` : ""),
  );
  for (const cd of s.candidates.slice(0, 5))
    L.push(`  spill ${cd.spill} trigger ${cd.trigger}: ECAL ${fixed(cd.ecalGeV, 2)} GeV, HCAL ${fixed(cd.hcalGeV, 2)} GeV${cd.inSignalWindow ? c.yellow("  in signal window") : ""}`);
  L.push("");

  L.push(c.bold(`Veto timing (V0, V1, VETO hits minus expected time): ${s.vetoHits} hits, ${pct(s.vetoInTime, s.vetoHits)}% in time, ${s.vetoedEvents} events vetoed`));
  const vt = renderHistogram(s.vetoTiming, 30, 0).filter((l) => !/\|\s*$/.test(l));
  for (const l of vt) L.push("  " + l);
  L.push("");

  L.push(c.bold("Boards"));
  for (const b of r.boards) {
    const lk = b.link;
    L.push(
      `  ${b.name.padEnd(10)} id ${b.id} ${b.role.padEnd(11)} fw ${b.hello.fwMajor}.${b.hello.fwMinor}.${b.hello.fwPatch} image ${b.imageBytes} B  ` +
        `${b.frames} frames ${fixed(b.bytes / 1024, 0)} KiB; reconnects ${lk.reconnects}, restarts ${lk.restarts}, RESEND ${lk.resendRequests}, duplicates ${lk.duplicates}`,
    );
  }
  L.push("");
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
