// The expected ECAL window of resonant dark-photon production (e+ e- -> A' -> invisible): the
// positron annihilates at the resonance energy E_R, so the ECAL sees about E0 - E_R. The
// kinematics themselves are the simulator's (simulator/beam.ts). Used for reports, never sent to
// a board.
import { checkDarkPhotonMass, maxDarkPhotonMassMeV, resonanceEnergyGeV } from "../../simulator/beam";

export { maxDarkPhotonMassMeV, resonanceEnergyGeV };

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
