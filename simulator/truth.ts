// Truth records: what really happened for each accepted trigger, for tests and the bench report.
import { SPECIES_NAMES, SpeciesCode } from "./beam";
import type { DetectorLayout } from "./detector";
import { ParticleFlag, type ParticleRing } from "./particles";
import type { Deposits } from "./response";

export type SpeciesName = (typeof SPECIES_NAMES)[number];

export interface ParticleTruth {
  /** Serial number of the particle in its spill (0-based). */
  serial: number;
  species: SpeciesName;
  /** Arrival time at the beam counters, ns since spill begin. */
  timeNs: number;
  energyGeV: number;
  psGeV: number;
  /** ECAL total (preshower + main). */
  ecalGeV: number;
  hcalGeV: number;
  srdGeV: number;
  vetoGeV: number;
  upstreamInteraction: boolean;
  darkPhoton: boolean;
  /** Energy that left no trace in the calorimeters: energy - ECAL - HCAL (resolution included). */
  missingGeV: number;
}

export interface TriggerTruth {
  spillNumber: number;
  triggerNumber: number;
  timestampTicks: number;
  /** Exact trigger time, ns since spill begin. */
  timeNs: number;
  /** TriggerType of the record (highest priority in typeMask). */
  triggerType: number;
  typeMask: number;
  /** TriggerInput bits at the trigger time. */
  inputPattern: number;
  psSumAdc: number;
  ecalSumAdc: number;
  coincidence: boolean;
  vetoed: boolean;
  /** The particle that made the beam coincidence; null for RANDOM and CALIBRATION triggers. */
  particle: ParticleTruth | null;
  /** Every particle whose pulses can reach the readout windows (the trigger particle included). */
  inWindow: ParticleTruth[];
  /**
   * Beam particles (halo excluded) other than the trigger particle within +-W of the trigger time,
   * W = the longest WINDOW_SAMPLES of the running digitiser boards (register value) in ns.
   */
  pileup: number;
}

/** Accepted and inhibited triggers of a spill, by cause, plus the beam that produced them. */
export interface SpillTruth {
  spillNumber: number;
  particles: Record<SpeciesName, number>;
  /** Positrons that made a dark photon (signal injection), triggered or not. */
  darkPhotons: number;
  acceptedTriggers: number;
  inhibitedBusy: number;
  inhibitedDead: number;
}

/** Truth of the particle `serial` of the ring, with its detailed deposits `d`. */
export function particleTruth(r: ParticleRing, layout: DetectorLayout, serial: number, d: Deposits): ParticleTruth {
  const slot = r.slot(serial);
  let srd = 0;
  let veto = 0;
  for (let k = 0; k < d.n; k++) {
    const det = layout.elements[d.element[k]!]!.det;
    if (det === "SRD") srd += d.geV[k]!;
    else if (det === "VETO") veto += d.geV[k]!;
  }
  const sp = r.species[slot]!;
  const energy = r.energyGeV[slot]!;
  const ecal = r.ecalGeV[slot]!;
  const hcal = r.hcalGeV[slot]!;
  return {
    serial,
    species: SPECIES_NAMES[sp]!,
    timeNs: r.tNs[slot]!,
    energyGeV: energy,
    psGeV: r.psGeV[slot]!,
    ecalGeV: ecal,
    hcalGeV: hcal,
    srdGeV: srd,
    vetoGeV: veto,
    upstreamInteraction: (r.flags[slot]! & ParticleFlag.UPSTREAM) !== 0,
    darkPhoton: (r.flags[slot]! & ParticleFlag.DARK_PHOTON) !== 0,
    missingGeV: sp === SpeciesCode.HALO ? 0 : energy - ecal - hcal,
  };
}
