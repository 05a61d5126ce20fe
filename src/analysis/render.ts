// Terminal rendering shared by `na64fe bench`, `na64fe record` and `na64fe inspect`: checks, the
// physics summary (triggers and rates, spectra, candidates, veto timing) and the boards.
import type { Colors } from "../format/text";
import type { Check } from "../daq/run-facts";
import type { BoardSummary } from "../daq/run-facts";
import { renderHistogram } from "./histogram";
import type { PhysicsSummary } from "./physics-summary";

export const pct = (a: number, b: number) => (b ? ((100 * a) / b).toFixed(2) : "0.00");
export const fixed = (x: number, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");

export function checkLines(checks: readonly Check[], c: Colors): string[] {
  return [c.bold("Checks"), ...checks.map((ch) => `  ${ch.ok ? c.green("ok  ") : c.red("FAIL")} ${ch.name}: ${ch.detail}`)];
}

/** Triggers by trigger type, with their rates over the beam time when it is known (trigger-board SCALERS). */
export function triggerLines(s: PhysicsSummary, beamSeconds: number | undefined): string[] {
  const t = s.triggersByType;
  const rate = (n: number) => (beamSeconds ? ` (${fixed(n / beamSeconds, 1)} Hz)` : "");
  const types = (["physics", "beam", "random", "calibration"] as const).map((k) => `${k} ${t[k]}${rate(t[k]!)}`).join(", ");
  return [
    `  by trigger type (each trigger once, by the type its TRIGGER record gives)${beamSeconds ? `, rates over ${fixed(beamSeconds, 2)} s of beam` : ""}: ${types}; ` +
      `${s.zeroHitEvents} events without a hit (normal for random triggers)`,
  ];
}

/** The ECAL spectrum of every trigger with the beam bit in its type mask (unbiased); with `physics`, also that of physics triggers. */
export function ecalLines(s: PhysicsSummary, beamEnergyGeV: number, c: Colors, o: { physics?: boolean; width?: number; trim?: boolean } = {}): string[] {
  const h = { width: o.width ?? 40, ...(o.trim ? { trim: true } : {}) };
  const n = s.ecalBeam.entries;
  const types = s.ecalBeamOfTypePhysics ? `: ${n - s.ecalBeamOfTypePhysics} of trigger type beam, ${s.ecalBeamOfTypePhysics} of type physics` : n ? ", all of trigger type beam" : "";
  const L: string[] = [c.bold(`ECAL energy, unbiased: every trigger with the beam bit (${n} events${types}; mean ${fixed(s.ecalBeam.mean)} GeV; E0 = ${beamEnergyGeV} GeV)`)];
  for (const l of renderHistogram(s.ecalBeam, h)) L.push("  " + l);
  if (!o.physics) return L;
  L.push(c.bold(`ECAL energy, physics triggers (${s.ecalPhysics.entries} events)`));
  for (const l of renderHistogram(s.ecalPhysics, h)) L.push("  " + l);
  if (s.physicsAboveTriggerMax && s.triggerEcalMaxGeV !== undefined)
    L.push(
      c.dim(
        `  ${s.physicsAboveTriggerMax} above the trigger's ECAL maximum of ${fixed(s.triggerEcalMaxGeV)} GeV (${s.physicsAboveTriggerMaxOutOfTime} with most ECAL energy out of time): ` +
          `pile-up, another particle's shower inside the digitisers' readout window that the trigger's fast ECAL sum no longer saw`,
      ),
    );
  return L;
}

export function physicsLines(s: PhysicsSummary, beamEnergyGeV: number, massMeV: number | undefined, c: Colors, beamSeconds?: number): string[] {
  const L: string[] = [...triggerLines(s, beamSeconds), ""];
  L.push(...ecalLines(s, beamEnergyGeV, c, { physics: true }));
  L.push("");
  const cuts = s.toJSON().candidates.cuts;
  L.push(
    c.bold("Missing-energy candidates") +
      `: ${s.candidateCount} physics events with ECAL < ${fixed(cuts.ecalMaxGeV)} GeV${cuts.signal ? " or in the signal window" : ""}, HCAL < ${fixed(cuts.hcalVetoMaxGeV)} GeV, no veto` +
      (cuts.signal ? `; ${s.candidatesInWindow} in the ${massMeV} MeV window ${fixed(cuts.signal.ecalLowGeV)}..${fixed(cuts.signal.ecalHighGeV)} GeV` : ""),
  );
  for (const cd of s.candidates.slice(0, 5))
    L.push(`  spill ${cd.spill} trigger ${cd.trigger}: ECAL ${fixed(cd.ecalGeV, 2)} GeV, HCAL ${fixed(cd.hcalGeV, 2)} GeV${cd.inSignalWindow ? c.yellow("  in signal window") : ""}`);
  L.push("");
  L.push(c.bold(`Veto timing (V0, V1, VETO hits minus expected time): ${s.vetoHits} hits, ${pct(s.vetoInTime, s.vetoHits)}% in time, ${s.vetoedEvents} events vetoed`));
  for (const l of renderHistogram(s.vetoTiming, { width: 30, digits: 0, trim: true })) L.push("  " + l);
  return L;
}

export function boardLines(boards: ReadonlyArray<BoardSummary & { imageBytes?: number }>, c: Colors): string[] {
  return [
    c.bold("Boards"),
    ...boards.map((b) => {
      const lk = b.link;
      const image = b.imageBytes ? ` image ${b.imageBytes} B` : "";
      return (
        `  ${b.name.padEnd(10)} id ${b.id} ${b.role.padEnd(11)} fw ${b.hello.fwMajor}.${b.hello.fwMinor}.${b.hello.fwPatch}${image}  ` +
        `${b.frames} frames ${fixed(b.bytes / 1024, 0)} KiB; reconnects ${lk.reconnects}, restarts ${lk.restarts}, RESEND ${lk.resendRequests}, duplicates ${lk.duplicates}`
      );
    }),
  ];
}
