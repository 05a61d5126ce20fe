// Detector response: EM showers of 70 GeV positrons (mean, width, PS/main sharing, transverse
// sharing), hadrons mostly in the HCAL, SRD only for leptons with the E0^4 scaling, muons as MIPs,
// and dark-photon events missing E_R. Where the model gives an expectation (computed here by
// quadrature from the parameters, not by the simulator's own sampling), the tolerance is 5
// standard errors of the sample mean.
import { describe, expect, it } from "vitest";
import { resonanceEnergyGeV, SpeciesCode } from "../../simulator/beam";
import { loadBeam } from "../../src/config/beam";
import { DetectorLayout } from "../../simulator/detector";
import { DEFAULT_PHYSICS } from "../../simulator/physics-params";
import { ParticleFlag } from "../../simulator/particles";
import { expectedBeamCellShare, expectedPreshowerShare, moyalMean } from "./expectations";
import { mipGeVOf, sampleParticles, SETUP, stats } from "./support";

/** Within 5 standard errors of the sample mean of `s`. */
function meanMatches(s: { mean: number; std: number; n: number }, expected: number): void {
  expect(Math.abs(s.mean - expected)).toBeLessThan((5 * s.std) / Math.sqrt(s.n));
}

describe("EM showers of 70 GeV positrons", () => {
  const beam = loadBeam("e+70");
  const N = 20000;
  const sample = sampleParticles(beam, SpeciesCode.POSITRON, N);

  it("ECAL energy: mean E0, width from the resolution and the momentum spread", () => {
    const { ecal } = DEFAULT_PHYSICS;
    const E = 70;
    const resolution = Math.sqrt(ecal.stochasticTerm ** 2 / E + ecal.constantTerm ** 2) * E;
    const sigma = Math.hypot(resolution, beam.momentumSpread * E);
    const s = stats(sample.map((p) => p.ecalGeV));
    expect(Math.abs(s.mean - E)).toBeLessThan((5 * sigma) / Math.sqrt(N));
    expect(Math.abs(s.std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * N));
  });

  it("the preshower takes the share of the longitudinal profile; leakage to the HCAL has the configured mean", () => {
    // Share: the Gamma profile over the first psDepthX0 after an exponential shower start, plus
    // the preshower MIP of the lepton itself (relative to the ~E0 in the ECAL).
    const ps = stats(sample.map((p) => p.psGeV / p.ecalGeV));
    meanMatches(ps, expectedPreshowerShare(DEFAULT_PHYSICS.ecal, 70) + mipGeVOf("ECAL:0") / 70);
    for (const p of sample) expect(p.psGeV).toBeLessThanOrEqual(p.ecalGeV);
    // Leakage: ECAL energy x leakageToHcal x Exp(1).
    meanMatches(stats(sample.map((p) => p.hcalGeV / p.ecalGeV)), DEFAULT_PHYSICS.ecal.leakageToHcal);
  });

  it("cell deposits add up to the totals, and the beam cell holds most of the shower", () => {
    for (const p of sample.slice(0, 2000)) {
      expect(p.detail["ECAL:0"]!).toBeCloseTo(p.psGeV, 9);
      expect(p.detail["ECAL:1"]!).toBeCloseTo(p.ecalGeV - p.psGeV, 9);
    }
    // The hottest cell is the beam cell unless the impact point leaves it (3.8 beam-spot sigmas
    // away: a bias far below the tolerance).
    meanMatches(stats(sample.map((p) => p.maxMainCellShare)), expectedBeamCellShare(DEFAULT_PHYSICS.ecal));
  });

  it("SRD sees synchrotron photons of every lepton, scaling with E0^4", () => {
    const s70 = stats(sample.map((p) => p.detail.SRD ?? 0));
    const s100 = stats(sampleParticles(loadBeam("e+100"), SpeciesCode.POSITRON, N, 12).map((p) => p.detail.SRD ?? 0));
    const ratio = s70.mean / s100.mean;
    const err = ratio * Math.hypot(s70.std / s70.mean, s100.std / s100.mean) / Math.sqrt(N);
    expect(Math.abs(ratio - 0.7 ** 4)).toBeLessThan(5 * err);
    // Mean total: modules x photons (~E0) x mean photon energy (~E0^3); about 10 MeV at 70 GeV.
    const { srd } = DEFAULT_PHYSICS;
    const modules = new DetectorLayout(SETUP).srd.length;
    meanMatches(s70, modules * srd.photonsPerModuleAt100GeV * 0.7 * (srd.photonMeVAt100GeV / 1000) * 0.7 ** 3);
  });
});

describe("hadrons and muons", () => {
  const beam = loadBeam("e+70");

  it("hadrons deposit little in the ECAL and most in the HCAL; no SRD", () => {
    // Qualitative bounds: the ECAL/HCAL split results from the whole hadron model (interaction
    // depth, containment, e/h, HCAL resolution) and has no closed form; the issue asks for "little
    // in the ECAL, most in the HCAL", which is what these bounds state.
    const h = sampleParticles(beam, SpeciesCode.HADRON, 10000);
    const ecal = stats(h.map((p) => p.ecalGeV));
    const hcal = stats(h.map((p) => p.hcalGeV));
    expect(hcal.mean).toBeGreaterThan(0.5 * 70);
    expect(ecal.mean).toBeLessThan(0.3 * 70);
    expect(h.filter((p) => p.hcalGeV > p.ecalGeV).length / h.length).toBeGreaterThan(0.9);
    expect(h).toAllSatisfy((p) => (p.detail.SRD ?? 0) === 0);
    // A fraction interacts in the preshower and looks electron-like there.
    const interactedInEcal = h.filter((p) => p.flags & ParticleFlag.INTERACTED_IN_ECAL).length / h.length;
    const expected = 1 - Math.exp(-DEFAULT_PHYSICS.ecal.depthLambda);
    expect(Math.abs(interactedInEcal - expected)).toBeLessThan(5 * Math.sqrt((expected * (1 - expected)) / h.length));
  });

  it("muons are MIPs everywhere along the axis, cross the VETO, and make no SRD", () => {
    const m = sampleParticles(beam, SpeciesCode.MUON, 3000);
    // The main section sees one MIP: MPV mipGeV, Moyal energy loss of the configured width.
    const main = stats(m.map((p) => p.ecalGeV - p.psGeV));
    meanMatches(main, mipGeVOf("ECAL:1") * moyalMean(DEFAULT_PHYSICS.mip.landauWidth));
    expect(m).toAllSatisfy((p) => (p.detail.SRD ?? 0) === 0);
    expect(m).toAllSatisfy((p) => (p.detail.VETO ?? 0) > 0);
  });
});

describe("dark-photon signal", () => {
  it("200 MeV A' at 70 GeV: the ECAL sees E0 - E_R (about 31 GeV), nothing in the HCAL", () => {
    const beam = loadBeam("e+70", { darkPhoton: { massMeV: 200, probabilityPerPositron: 1 } });
    const N = 5000;
    const d = sampleParticles(beam, SpeciesCode.POSITRON, N);
    expect(d).toAllSatisfy((p) => p.flags & ParticleFlag.DARK_PHOTON);
    const visible = 70 - resonanceEnergyGeV(200);
    expect(visible).toBeCloseTo(30.86, 1);
    const { ecal } = DEFAULT_PHYSICS;
    const sigma = Math.hypot(Math.sqrt(ecal.stochasticTerm ** 2 / visible + ecal.constantTerm ** 2) * visible, beam.momentumSpread * 70);
    const s = stats(d.map((p) => p.ecalGeV));
    expect(Math.abs(s.mean - visible)).toBeLessThan((5 * sigma) / Math.sqrt(N));
    expect(Math.abs(s.std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * N));
    expect(d).toAllSatisfy((p) => p.hcalGeV === 0);
  });

  it("with a small injection probability, the signal fraction matches it", () => {
    const p = 0.01;
    const beam = loadBeam("e+70", { darkPhoton: { massMeV: 150, probabilityPerPositron: p } });
    const N = 20000;
    const n = sampleParticles(beam, SpeciesCode.POSITRON, N).filter((x) => x.flags & ParticleFlag.DARK_PHOTON).length;
    expect(Math.abs(n - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
  });

  it("upstream electro/photo-nuclear interactions happen at the configured rate per positron", () => {
    const p = 0.02;
    const beam = loadBeam("e+70", { upstreamPerPot: p });
    const N = 20000;
    const up = sampleParticles(beam, SpeciesCode.POSITRON, N).filter((x) => x.flags & ParticleFlag.UPSTREAM);
    expect(Math.abs(up.length - N * p)).toBeLessThan(5 * Math.sqrt(N * p * (1 - p)));
    // They lose part of the energy before the ECAL.
    for (const x of up) expect(x.ecalGeV).toBeLessThan(0.9 * x.energyGeV);
  });
});
