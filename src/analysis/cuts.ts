// The physics summary's cuts, from a beam preset: one place for both the live run (RunSession) and
// a run file read back (analyseRun), so the two never disagree.
import type { Preset } from "../presets/schema";
import type { SignalWindow } from "../config/darkphoton";
import type { SummaryCuts } from "./physics-summary";

/** ECAL energy below which a physics event is a missing-energy candidate: analysis.ecalSignalMaxFractionOfE0 x E0. */
export function missingEnergyEcalMaxGeV(p: Preset): number {
  return p.analysis.ecalSignalMaxFractionOfE0.value * p.beam.energyGeV.value;
}

export function summaryCuts(p: Preset, signal?: SignalWindow): SummaryCuts {
  return {
    beamEnergyGeV: p.beam.energyGeV.value,
    hcalVetoMaxGeV: p.analysis.hcalVetoMaxGeV.value,
    ecalMaxGeV: missingEnergyEcalMaxGeV(p),
    spillLengthS: p.beam.spillLengthS.value,
    ...(signal ? { signal } : {}),
  };
}
