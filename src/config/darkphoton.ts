// The expected ECAL window of resonant dark-photon production (e+ e- -> A' -> invisible): the
// positron annihilates at the resonance energy E_R, so the ECAL sees about E0 - E_R. The
// kinematics themselves are the simulator's (simulator/beam.ts). Used for reports, never sent to
// a board.
import { checkDarkPhotonMass, maxDarkPhotonMassMeV, resonanceEnergyGeV } from "../../simulator/beam";

export { maxDarkPhotonMassMeV, resonanceEnergyGeV };

export interface SignalWindow {
  /** Dark-photon mass. */
  massMeV: number;
  /** Positron energy E_R at which e+ e- -> A' is resonant for this mass. */
  resonanceEnergyGeV: number;
  /** Expected ECAL energy E0 - E_R. */
  ecalCentreGeV: number;
  /** The window around it: max(0, centre - halfWidth)... */
  ecalLowGeV: number;
  /** ...to min(E0, centre + halfWidth); a physics event in [ecalLowGeV, ecalHighGeV] is in the signal window. */
  ecalHighGeV: number;
  halfWidthGeV: number;
  /** Largest mass the beam can make resonantly. */
  maxMassMeV: number;
}

/** Expected ECAL window E0 - E_R +- halfWidth for an A' of mass `massMeV`. */
export function signalWindow(beamEnergyGeV: number, massMeV: number, halfWidthGeV: number): SignalWindow {
  checkDarkPhotonMass(massMeV, beamEnergyGeV, "darkPhotonMassMeV");
  const max = maxDarkPhotonMassMeV(beamEnergyGeV);
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
