// Kinematics of resonant dark-photon production by positrons on atomic electrons,
// e+ e- -> A' -> invisible: the positron must have the resonance energy E_R when it annihilates,
// so the ECAL sees about E0 - E_R. Used for reports and the expected ECAL window, never sent to
// a board.
import { DarkPhotonMassError } from "./errors";

/** Electron mass, GeV (CODATA 2018). */
export const ELECTRON_MASS_GEV = 0.51099895e-3;

/**
 * Positron energy (total, GeV) at which e+ e- at rest forms an A' of mass `massMeV`:
 * s = 2 m_e (E + m_e) = m^2  =>  E_R = m^2 / (2 m_e) - m_e.
 */
export function resonanceEnergyGeV(massMeV: number): number {
  const m = massMeV / 1000;
  return (m * m) / (2 * ELECTRON_MASS_GEV) - ELECTRON_MASS_GEV;
}

/** Heaviest A' a primary positron of energy E0 can make resonantly: sqrt(2 m_e E0), in MeV. */
export function maxMassMeV(beamEnergyGeV: number): number {
  return Math.sqrt(2 * ELECTRON_MASS_GEV * beamEnergyGeV) * 1000;
}

/** Lightest A' the resonance can make: E_R must be at least m_e (a positron at rest), m = 2 m_e. */
export const MIN_MASS_MEV = 2 * ELECTRON_MASS_GEV * 1000;

export interface SignalWindow {
  massMeV: number;
  resonanceEnergyGeV: number;
  /** Expected ECAL energy E0 - E_R and the window around it. */
  ecalCentreGeV: number;
  ecalLowGeV: number;
  ecalHighGeV: number;
  halfWidthGeV: number;
  maxMassMeV: number;
}

/** Expected ECAL window E0 - E_R +- halfWidth for an A' of mass `massMeV`. */
export function signalWindow(beamEnergyGeV: number, massMeV: number, halfWidthGeV: number): SignalWindow {
  const max = maxMassMeV(beamEnergyGeV);
  if (!(Number.isFinite(massMeV) && massMeV >= MIN_MASS_MEV && massMeV <= max))
    throw new DarkPhotonMassError(massMeV, MIN_MASS_MEV, max, beamEnergyGeV);
  const er = resonanceEnergyGeV(massMeV);
  const centre = beamEnergyGeV - er;
  return {
    massMeV,
    resonanceEnergyGeV: er,
    ecalCentreGeV: centre,
    ecalLowGeV: Math.max(0, centre - halfWidthGeV),
    ecalHighGeV: Math.min(beamEnergyGeV, centre + halfWidthGeV),
    halfWidthGeV,
    maxMassMeV: max,
  };
}
