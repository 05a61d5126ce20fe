// The simulated beam of a preset: every beam and physics number the simulator uses (energy,
// spill, intensity, species mix, momentum spread, halo, upstream interaction rate) comes from the
// preset's `beam` section, the same file the thresholds are computed from.
import { validateBeam, withBeamOverrides, type BeamOverrides, type BeamSpec } from "../../simulator/beam";
import { loadPreset } from "../presets/load";
import type { Preset } from "../presets/schema";

/** The preset's beam at its nominal intensity, without signal. */
export function presetBeam(p: Preset): BeamSpec {
  const b = p.beam;
  return validateBeam({
    preset: p.name,
    energyGeV: b.energyGeV.value,
    momentumSpread: b.momentumSpread.value,
    intensityPerSpill: b.particlesPerSpill.value,
    spillNs: b.spillLengthS.value * 1e9,
    species: { ...b.species.value },
    haloPerParticle: b.haloPerParticle.value,
    upstreamPerPot: b.upstreamNuclearPerParticle.value,
    darkPhoton: null,
  });
}

export interface BeamChoice {
  /** Fraction of the preset's particles per spill. */
  intensity: number;
  /** Inject dark photons of this mass (MeV). */
  massMeV?: number;
  /** Probability per positron of a dark photon, when massMeV is set. */
  signalPerPositron: number;
}

/** The beam of a bench run: the preset's, at `intensity` times its rate, with the chosen signal. */
export function benchBeam(p: Preset, c: BeamChoice): BeamSpec {
  const beam = presetBeam(p);
  return validateBeam({
    ...beam,
    intensityPerSpill: beam.intensityPerSpill * c.intensity,
    darkPhoton: c.massMeV === undefined ? null : { massMeV: c.massMeV, probabilityPerPositron: c.signalPerPositron },
  });
}

/** The beam of the preset named `name` (presets/NAME.yaml), with simulator overrides applied. */
export function loadBeam(name: string, overrides: BeamOverrides = {}): BeamSpec {
  return withBeamOverrides(presetBeam(loadPreset(name).preset), overrides);
}
