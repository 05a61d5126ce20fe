// Detector-response parameters: the preshower depth in X0 and in interaction lengths follow each
// other, bad values are typed errors naming the field, and the parameters that used to be
// constants in response.ts take effect when overridden (statistical checks: 5 standard errors).
import { describe, expect, it } from "vitest";
import { SpeciesCode } from "../../simulator/beam";
import { loadBeam } from "../../src/config/beam";
import { SimOptionError } from "../../simulator/errors";
import { ParticleFlag } from "../../simulator/particles";
import { DEFAULT_PHYSICS, resolvePhysics } from "../../simulator/physics-params";
import { expectedBeamCellShare, expectedPreshowerShare } from "./expectations";
import { mipGeVOf, sampleParticles, stats, thrown } from "./support";

const beam = loadBeam("e+70");

describe("preshower depth pair", () => {
  it("the defaults describe one section: 4 X0 of 40 X0 is 0.156 of 1.56 lambda", () => {
    const e = resolvePhysics().ecal;
    expect(e.psDepthLambda).toBeCloseTo((e.psDepthX0 * e.depthLambda) / e.depthX0, 12);
    expect(e.psDepthLambda).toBeCloseTo(DEFAULT_PHYSICS.ecal.psDepthLambda, 12);
  });

  it("the depth not given follows the one given; both given are taken as they are", () => {
    expect(resolvePhysics({ ecal: { psDepthX0: 8 } }).ecal.psDepthLambda).toBeCloseTo(0.312, 12);
    expect(resolvePhysics({ ecal: { psDepthLambda: 0.078 } }).ecal.psDepthX0).toBeCloseTo(2, 12);
    expect(resolvePhysics({ ecal: { depthX0: 20 } }).ecal.psDepthLambda).toBeCloseTo(0.312, 12);
    const both = resolvePhysics({ ecal: { psDepthX0: 3, psDepthLambda: 0.2 } }).ecal;
    expect([both.psDepthX0, both.psDepthLambda]).toEqual([3, 0.2]);
  });

  it("a preshower deeper than the ECAL is a SimOptionError naming the depth given", () => {
    const x0 = thrown(() => resolvePhysics({ ecal: { psDepthX0: 41 } })) as SimOptionError;
    expect(x0).toBeInstanceOf(SimOptionError);
    expect([x0.field, x0.value]).toEqual(["physics.ecal.psDepthX0", 41]);
    const lambda = thrown(() => resolvePhysics({ ecal: { psDepthLambda: 2 } })) as SimOptionError;
    expect([lambda.field, lambda.value]).toEqual(["physics.ecal.psDepthLambda", 2]);
    const bad = thrown(() => resolvePhysics({ hadron: { moduleFluctuationFloor: 1.5 } })) as SimOptionError;
    expect([bad.field, bad.value]).toEqual(["physics.hadron.moduleFluctuationFloor", 1.5]);
  });
});

describe("overridden parameters take effect", () => {
  it("longitudinal profile: the preshower share follows profileB and tMaxOffsetX0", () => {
    const ecal = { profileB: 0.3, tMaxOffsetX0: -1.5 };
    const s = stats(sampleParticles(beam, SpeciesCode.POSITRON, 10000, 11, { ecal }).map((p) => p.psGeV / p.ecalGeV));
    const expected = expectedPreshowerShare({ ...DEFAULT_PHYSICS.ecal, ...ecal }, 70) + mipGeVOf("ECAL:0") / 70;
    const tol = (5 * s.std) / Math.sqrt(s.n);
    expect(Math.abs(s.mean - expected)).toBeLessThan(tol);
    // Far from the default profile's share: the override is not ignored.
    expect(Math.abs(expected - mipGeVOf("ECAL:0") / 70 - expectedPreshowerShare(DEFAULT_PHYSICS.ecal, 70))).toBeGreaterThan(10 * tol);
  });

  it("muon track width: the beam cell's share of a muon's main-ECAL deposit follows trackMm", () => {
    for (const trackMm of [DEFAULT_PHYSICS.mip.trackMm, 20]) {
      const share = stats(sampleParticles(beam, SpeciesCode.MUON, 4000, 11, { mip: { trackMm } }).map((p) => p.maxMainCellShare));
      const expected = expectedBeamCellShare(DEFAULT_PHYSICS.ecal, { coreMm: trackMm, haloMm: trackMm, coreFraction: 1 });
      expect(Math.abs(share.mean - expected)).toBeLessThan((5 * share.std) / Math.sqrt(share.n));
    }
    // A narrow track stays in its cell; a 20 mm one spreads into the neighbours.
    expect(expectedBeamCellShare(DEFAULT_PHYSICS.ecal, { coreMm: 0.5, haloMm: 0.5, coreFraction: 1 })).toBeGreaterThan(0.97);
    expect(expectedBeamCellShare(DEFAULT_PHYSICS.ecal, { coreMm: 20, haloMm: 20, coreFraction: 1 })).toBeLessThan(0.9);
  });

  it("HCAL modules: without fluctuation, consecutive modules share exactly moduleRatio", () => {
    const ratios = (moduleFluctuation?: number) =>
      sampleParticles(beam, SpeciesCode.HADRON, 2000, 11, moduleFluctuation === undefined ? {} : { hadron: { moduleFluctuation } })
        .filter((p) => p.flags & ParticleFlag.INTERACTED_IN_ECAL && (p.detail["HCAL:0"] ?? 0) > 0)
        .map((p) => (p.detail["HCAL:1"] ?? 0) / p.detail["HCAL:0"]!);
    const flat = ratios(0);
    expect(flat.length).toBeGreaterThan(500);
    for (const r of flat) expect(r).toBeCloseTo(DEFAULT_PHYSICS.hadron.moduleRatio, 9);
    // With the default fluctuation the ratio spreads (relative std about sqrt(2) x 0.3).
    expect(stats(ratios()).std).toBeGreaterThan(0.1 * DEFAULT_PHYSICS.hadron.moduleRatio);
  });

  it("punch-through: with punchThroughMips 0 only hadrons crossing the whole ECAL reach the VETO", () => {
    const h = sampleParticles(beam, SpeciesCode.HADRON, 3000, 11, { hadron: { punchThroughMips: 0 } });
    const interacted = h.filter((p) => p.flags & ParticleFlag.INTERACTED_IN_ECAL);
    expect(interacted.length).toBeGreaterThan(1000);
    expect(interacted).toAllSatisfy((p) => (p.detail.VETO ?? 0) === 0);
    expect(h.filter((p) => !(p.flags & ParticleFlag.INTERACTED_IN_ECAL))).toAllSatisfy((p) => (p.detail.VETO ?? 0) > 0);
    const byDefault = sampleParticles(beam, SpeciesCode.HADRON, 3000, 11).filter((p) => p.flags & ParticleFlag.INTERACTED_IN_ECAL);
    expect(byDefault.filter((p) => (p.detail.VETO ?? 0) > 0).length).toBeGreaterThan(0.5 * byDefault.length);
  });
});
