// The simulated beam of a bench run: the host preset gives energy, spill length and intensity
// (the same numbers the thresholds were computed from); the simulator's preset of the same
// particle and nearest energy gives the species mix and everything else.
import { BEAM_PRESETS, beamPreset, type BeamSpec } from "../../simulator/beam";
import type { Preset } from "../presets/schema";

export interface BeamChoice {
  intensity: number;
  massMeV?: number;
  signalPerPositron: number;
}

/** Simulator beam preset of the same particle and the nearest energy. */
export function nearestSimPreset(particle: "e+" | "e-", energyGeV: number): string {
  const same = Object.values(BEAM_PRESETS).filter((b) => b.preset.startsWith(particle));
  same.sort((a, b) => Math.abs(a.energyGeV - energyGeV) - Math.abs(b.energyGeV - energyGeV) || a.energyGeV - b.energyGeV);
  return same[0]!.preset;
}

export function benchBeam(p: Preset, c: BeamChoice): BeamSpec {
  const particle = p.beam.particle.value;
  return beamPreset(nearestSimPreset(particle, p.beam.energyGeV.value), {
    energyGeV: p.beam.energyGeV.value,
    spillNs: p.beam.spillLengthS.value * 1e9,
    intensityPerSpill: p.beam.particlesPerSpill.value * c.intensity,
    darkPhoton: c.massMeV === undefined ? null : { massMeV: c.massMeV, probabilityPerPositron: c.signalPerPositron },
  });
}
