// Truth records: what really happened for each accepted trigger, for tests and the bench report.
import { SPECIES_NAMES } from "./beam";

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
  /** Beam particles (halo excluded) other than the trigger particle within +-1 window of it. */
  pileup: number;
}

/** Accepted and inhibited triggers of a spill, by cause, plus the beam that produced them. */
export interface SpillTruth {
  spillNumber: number;
  particles: Record<SpeciesName, number>;
  acceptedTriggers: number;
  inhibitedBusy: number;
  inhibitedDead: number;
}
