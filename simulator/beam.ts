// The beam the simulator is given: energy, intensity, spill, species mix, halo, upstream
// interaction rate and an optional dark-photon signal. Every number comes from a host beam preset
// (presets/*.yaml, where each value carries its source note; src/config/beam.ts turns a preset
// into a BeamSpec); this module only defines the shape, checks it and applies overrides.
import { z } from "zod";
import { BeamConfigError, DarkPhotonMassError } from "./errors";
import { firstIssue } from "./validate";

/** Electron mass in MeV (CODATA). */
export const ELECTRON_MASS_MEV = 0.51099895;

export const SPECIES = ["positron", "electron", "hadron", "muon"] as const;
export type Species = (typeof SPECIES)[number];
/** Species codes stored per particle. HALO marks off-axis halo muons that only cross V0/V1. */
export const enum SpeciesCode {
  POSITRON = 0,
  ELECTRON = 1,
  HADRON = 2,
  MUON = 3,
  HALO = 4,
}
export const SPECIES_NAMES = ["positron", "electron", "hadron", "muon", "halo"] as const;

export type SpeciesMix = Record<Species, number>;

export interface DarkPhotonSignal {
  /** A' mass; must be below sqrt(2 m_e E0). */
  massMeV: number;
  /** Probability that a primary positron produces the A' by resonant annihilation. */
  probabilityPerPositron: number;
}

export interface BeamSpec {
  preset: string;
  /** Nominal beam energy E0. */
  energyGeV: number;
  /** Gaussian sigma of the momentum, as a fraction of E0. */
  momentumSpread: number;
  /** Mean number of beam particles on target per spill (Poisson). */
  intensityPerSpill: number;
  /** Length of the flat spill. */
  spillNs: number;
  /** Fractions of the beam particles (sum 1). */
  species: SpeciesMix;
  /** Off-axis halo particles crossing the upstream veto, per beam particle (extra rate). */
  haloPerParticle: number;
  /** Electro/photo-nuclear interactions upstream of the ECAL per lepton on target. */
  upstreamPerPot: number;
  /** Optional dark-photon signal injection (positron beams). */
  darkPhoton: DarkPhotonSignal | null;
}

export type BeamOverrides = Partial<Omit<BeamSpec, "preset" | "species" | "darkPhoton">> & {
  species?: Partial<SpeciesMix>;
  darkPhoton?: DarkPhotonSignal | null;
};

const fraction = z.number().min(0).max(1);
const SpeciesSchema = z.strictObject({ positron: fraction, electron: fraction, hadron: fraction, muon: fraction });
const DarkPhotonSchema = z.strictObject({ massMeV: z.number().positive(), probabilityPerPositron: fraction });
/** Ranges of the numeric beam settings: one definition for overrides and for whole beams. */
const BEAM_NUMBERS = {
  energyGeV: z.number().positive().max(1000),
  momentumSpread: z.number().min(0).max(0.2),
  intensityPerSpill: z.number().min(0).max(1e10),
  spillNs: z.number().positive().max(3.3e10, "the spill must fit the u32 tick timestamps (55 s)"),
  haloPerParticle: z.number().min(0).max(10),
  upstreamPerPot: fraction,
};
const OverridesSchema = z.strictObject({ ...BEAM_NUMBERS, species: SpeciesSchema.partial(), darkPhoton: DarkPhotonSchema.nullable() }).partial();
const BeamSpecSchema = z.strictObject({ preset: z.string(), ...BEAM_NUMBERS, species: SpeciesSchema, darkPhoton: DarkPhotonSchema.nullable() });

/** Largest dark-photon mass a primary positron of energyGeV reaches: sqrt(2 m_e E0). */
export function maxDarkPhotonMassMeV(energyGeV: number): number {
  return Math.sqrt(2 * ELECTRON_MASS_MEV * energyGeV * 1000);
}

/** Resonance energy E_R = m^2 / (2 m_e) - m_e of e+ e- -> A' on atomic electrons, in GeV. */
export function resonanceEnergyGeV(massMeV: number): number {
  return (massMeV * massMeV) / (2 * ELECTRON_MASS_MEV) / 1000 - ELECTRON_MASS_MEV / 1000;
}

/** The lepton that dominates a beam ("positron" or "electron"). */
export function primaryLepton(b: Pick<BeamSpec, "species">): "positron" | "electron" {
  return b.species.positron >= b.species.electron ? "positron" : "electron";
}

/**
 * `base` with overrides applied, checked. Species overrides that leave out the primary lepton
 * give it the remainder (1 - the others); a full set must sum to 1.
 */
export function withBeamOverrides(base: BeamSpec, overrides: BeamOverrides = {}): BeamSpec {
  const o = parsed(OverridesSchema, overrides, "(overrides)");
  return validateBeam({
    preset: base.preset,
    energyGeV: o.energyGeV ?? base.energyGeV,
    momentumSpread: o.momentumSpread ?? base.momentumSpread,
    intensityPerSpill: o.intensityPerSpill ?? base.intensityPerSpill,
    spillNs: o.spillNs ?? base.spillNs,
    species: mixSpecies(base, o.species ?? {}),
    haloPerParticle: o.haloPerParticle ?? base.haloPerParticle,
    upstreamPerPot: o.upstreamPerPot ?? base.upstreamPerPot,
    darkPhoton: o.darkPhoton === undefined ? base.darkPhoton : o.darkPhoton,
  });
}

/**
 * A whole beam checked the way withBeamOverrides checks its overrides: every setting in range, species
 * fractions adding up to 1, a dark-photon mass the beam can make (and positrons to make it).
 * Returns a checked copy; a bad beam is a BeamConfigError or DarkPhotonMassError naming the field
 * (beam.<path>) and the value. The simulator calls it on whatever beam it is given.
 */
export function validateBeam(beam: BeamSpec): BeamSpec {
  const b: BeamSpec = parsed(BeamSpecSchema, beam, "(beam)");
  const sum = SPECIES.reduce((a, s) => a + b.species[s], 0);
  if (Math.abs(sum - 1) > 1e-9) throw new BeamConfigError("species", b.species, `fractions must add up to 1 (they add up to ${sum})`);
  checkDarkPhoton(b);
  return b;
}

/** `input` as `schema` parses it, or a BeamConfigError for its first issue (`whole` when at the top). */
function parsed<T>(schema: z.ZodType<T>, input: unknown, whole: string): T {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const { path, value, message } = firstIssue(r.error, input);
  throw new BeamConfigError(path || whole, value, message);
}

/** The mix with the overrides applied; left out, the primary lepton takes what the others leave. */
function mixSpecies(base: BeamSpec, o: Partial<SpeciesMix>): SpeciesMix {
  const primary = primaryLepton(base);
  const mix: SpeciesMix = { ...base.species };
  const given = SPECIES.filter((s) => o[s] !== undefined);
  for (const s of given) mix[s] = o[s]!;
  if (given.length && !given.includes(primary)) {
    const rest = SPECIES.filter((s) => s !== primary).reduce((a, s) => a + mix[s], 0);
    if (rest > 1 + 1e-12) throw new BeamConfigError("species", o, `the other species add up to ${rest}, more than the whole beam`);
    mix[primary] = Math.max(0, 1 - rest);
  }
  return mix;
}

/** Lightest A' the resonance can make: E_R must be at least m_e (a positron at rest), so m >= 2 m_e. */
export const MIN_DARK_PHOTON_MASS_MEV = 2 * ELECTRON_MASS_MEV;

/**
 * `massMeV` when a positron of `energyGeV` can make an A' of that mass resonantly
 * (2 m_e <= m <= sqrt(2 m_e E0)); otherwise a DarkPhotonMassError naming `field`.
 */
export function checkDarkPhotonMass(massMeV: number, energyGeV: number, field?: string): number {
  const max = maxDarkPhotonMassMeV(energyGeV);
  if (!(Number.isFinite(massMeV) && massMeV >= MIN_DARK_PHOTON_MASS_MEV && massMeV <= max))
    throw new DarkPhotonMassError(massMeV, MIN_DARK_PHOTON_MASS_MEV, max, energyGeV, field);
  return massMeV;
}

function checkDarkPhoton(b: BeamSpec): void {
  const s = b.darkPhoton;
  if (!s) return;
  checkDarkPhotonMass(s.massMeV, b.energyGeV);
  if (s.probabilityPerPositron > 0 && b.species.positron === 0)
    throw new BeamConfigError("darkPhoton", s, "resonant annihilation needs positrons in the beam (species.positron is 0)");
}
