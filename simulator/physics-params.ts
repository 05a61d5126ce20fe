// Detector-response parameters of the simulator, with their source and flag ([V] verified, [R]
// recalled, [I] engineering inference; keys refer to the project's NA64 facts sheet). Every
// number is a default: pass `physics` overrides to the simulator. Geometry (which cells and
// counters exist, their gains, pedestals, noise, MIP energies and timing) is not here: it comes
// from boards/channel-map.json and boards/calibration.json.
import { z } from "zod";
import { SimOptionError } from "./errors";
import { firstIssue } from "./validate";

export interface PhysicsParams {
  ecal: {
    /** Stochastic term a of sigma/E = a/sqrt(E) (+) c, sqrt(GeV). [I] typical Shashlik Pb-Sc. */
    stochasticTerm: number;
    /** Constant term c. [I] (the NA64 analysis smears MC cells by 4 %, S22). */
    constantTerm: number;
    /** Critical energy of the Pb-Sc mixture (longitudinal profile t_max = ln(E/Ec) + tMaxOffsetX0). [I] */
    criticalEnergyMeV: number;
    /**
     * Longitudinal Gamma profile dE/dt ~ (bt)^(a-1) e^(-bt), a = b t_max + 1: the offset of
     * t_max = ln(E/Ec) + offset (-0.5 for showers started by an electron or positron, +0.5 by a
     * photon) and the scale b (about 0.5 per X0 in lead-based calorimeters). [I] textbook
     * parameterisation (Longo; PDG review of the passage of particles through matter).
     */
    tMaxOffsetX0: number;
    profileB: number;
    /** Depth of the whole ECAL. [R] S6: about 40 X0. */
    depthX0: number;
    /**
     * Depth of the preshower section. [R] S6: first ~4 X0 of ~40 X0. Given alone, psDepthLambda
     * follows (the same share of the ECAL depth); give both to set them independently.
     */
    psDepthX0: number;
    /** Mean of the exponential shift of the shower start (PS-fraction fluctuations). [I] */
    showerStartMeanX0: number;
    /** Relative Gaussian spread of the preshower fraction on top of the start shift. [I] */
    psFractionSpread: number;
    /** Transverse cell pitch. [I] (3.82 cm Shashlik cells) */
    cellSizeMm: number;
    /** EM shower transverse profile: core and halo exponential lengths, core fraction. [I] */
    emCoreMm: number;
    emHaloMm: number;
    emCoreFraction: number;
    /** Cell the undeflected beam hits. [V] S22: (2,3) from run 5262 on ((3,3), (2,2) earlier). */
    beamCellX: number;
    beamCellY: number;
    /** Gaussian beam-spot sigma at the ECAL face. [I] */
    beamSpotMm: number;
    /** Mean fraction of an EM shower leaking into HCAL module 0 (exponentially distributed). [I] */
    leakageToHcal: number;
    /** ECAL depth in nuclear interaction lengths (150 x (1.5 mm Pb + 1.5 mm Sc)). [I] */
    depthLambda: number;
    /**
     * Preshower depth in interaction lengths: psDepthX0 * depthLambda / depthX0 unless given (then
     * psDepthX0 follows it the same way, unless given too). [I]
     */
    psDepthLambda: number;
  };
  hadron: {
    /** Scale of the longitudinal containment 1 - exp(-d/s)(1 + d/s) after the first interaction. [I] */
    showerLengthLambda: number;
    /** Visible ECAL response to hadronic energy relative to EM (e/h). [I] */
    ecalResponse: number;
    /** Relative Gaussian fluctuation of the ECAL hadronic deposit. [I] */
    ecalFluctuation: number;
    /** HCAL hadronic resolution a/sqrt(E) (+) c. [I] */
    hcalStochasticTerm: number;
    hcalConstantTerm: number;
    /** Energy ratio between consecutive HCAL modules (7.5 lambda each, [R] S6). [I] */
    moduleRatio: number;
    /** Relative Gaussian fluctuation of each HCAL module's share, and the smallest factor it may take. [I] */
    moduleFluctuation: number;
    moduleFluctuationFloor: number;
    /**
     * Punch-through into the VETO behind the ECAL: a hadron interacting in the ECAL leaves
     * (1 - containment) x punchThroughMips x Exp(1) MIPs in each beam-axis VETO counter (one that
     * did not interact crosses as one MIP). [I]
     */
    punchThroughMips: number;
    /** Transverse profile of hadron showers in the ECAL. [I] */
    ecalCoreMm: number;
    ecalHaloMm: number;
    ecalCoreFraction: number;
  };
  hcal: {
    /** Cell pitch: 582 mm / 3. [V] S23 */
    cellSizeMm: number;
    /** Depth of one module. [R] S6: about 7.5 lambda. */
    moduleDepthLambda: number;
    coreMm: number;
    haloMm: number;
    coreFraction: number;
    beamCellX: number;
    beamCellY: number;
  };
  mip: {
    /** Width parameter of the Moyal (Landau-like) energy-loss distribution, relative to the MPV. [I] */
    landauWidth: number;
    /** Transverse size of a muon's track deposit: a MIP stays in the cell it crosses. [I] */
    trackMm: number;
  };
  srd: {
    /** Mean synchrotron photons per SRD module for a 100 GeV lepton; scales with E0. [I] */
    photonsPerModuleAt100GeV: number;
    /** Mean photon energy at 100 GeV; scales with E0^3 (critical energy), total with E0^4 (facts §7). [I] */
    photonMeVAt100GeV: number;
  };
  veto: {
    /** VETO elements (index i of VETO:i) on the beam axis, crossed by muons and punch-through. [I] */
    beamCounters: number[];
  };
  halo: {
    /** Probability that a halo particle fires each of V0 and V1. [I] */
    vetoHitProbability: number;
  };
  upstream: {
    /** Fraction y of the lepton energy taken by an upstream electro/photo-nuclear interaction: U(min, max). [I] */
    lossMin: number;
    lossMax: number;
    /** Of the lost energy, a fraction U(0, max) reaches the HCAL. [I] */
    hcalShareMax: number;
    /** Probability that charged secondaries fire the upstream veto. [I] */
    vetoProbability: number;
  };
}

export const DEFAULT_PHYSICS: PhysicsParams = {
  ecal: {
    stochasticTerm: 0.1,
    constantTerm: 0.01,
    criticalEnergyMeV: 9,
    tMaxOffsetX0: -0.5,
    profileB: 0.5,
    depthX0: 40,
    psDepthX0: 4,
    showerStartMeanX0: 0.5,
    psFractionSpread: 0.15,
    cellSizeMm: 38.2,
    emCoreMm: 7,
    emHaloMm: 25,
    emCoreFraction: 0.85,
    beamCellX: 2,
    beamCellY: 3,
    beamSpotMm: 5,
    leakageToHcal: 0.002,
    depthLambda: 1.56,
    psDepthLambda: 0.156,
  },
  hadron: {
    showerLengthLambda: 1.0,
    ecalResponse: 0.7,
    ecalFluctuation: 0.3,
    hcalStochasticTerm: 0.6,
    hcalConstantTerm: 0.05,
    moduleRatio: 0.12,
    moduleFluctuation: 0.3,
    moduleFluctuationFloor: 0.05,
    punchThroughMips: 2,
    ecalCoreMm: 20,
    ecalHaloMm: 60,
    ecalCoreFraction: 0.6,
  },
  hcal: {
    cellSizeMm: 194,
    moduleDepthLambda: 7.5,
    coreMm: 30,
    haloMm: 120,
    coreFraction: 0.7,
    beamCellX: 1,
    beamCellY: 1,
  },
  mip: { landauWidth: 0.12, trackMm: 0.5 },
  srd: { photonsPerModuleAt100GeV: 3, photonMeVAt100GeV: 3.3 },
  veto: { beamCounters: [2, 3] },
  halo: { vetoHitProbability: 0.9 },
  upstream: { lossMin: 0.2, lossMax: 0.9, hcalShareMax: 0.5, vetoProbability: 0.3 },
};

export type PhysicsOverrides = { [K in keyof PhysicsParams]?: Partial<PhysicsParams[K]> };

const pos = z.number().positive();
const nonneg = z.number().min(0);
const frac = z.number().min(0).max(1);
const cell = z.number().int().min(0).max(63);
const PhysicsSchema = z.strictObject({
  ecal: z.strictObject({
    stochasticTerm: nonneg,
    constantTerm: nonneg,
    criticalEnergyMeV: pos,
    tMaxOffsetX0: z.number().min(-2).max(2),
    profileB: pos,
    depthX0: pos,
    psDepthX0: pos,
    showerStartMeanX0: nonneg,
    psFractionSpread: nonneg,
    cellSizeMm: pos,
    emCoreMm: pos,
    emHaloMm: pos,
    emCoreFraction: frac,
    beamCellX: cell,
    beamCellY: cell,
    beamSpotMm: nonneg,
    leakageToHcal: frac,
    depthLambda: pos,
    psDepthLambda: pos,
  }),
  hadron: z.strictObject({
    showerLengthLambda: pos,
    ecalResponse: nonneg,
    ecalFluctuation: nonneg,
    hcalStochasticTerm: nonneg,
    hcalConstantTerm: nonneg,
    moduleRatio: frac,
    moduleFluctuation: nonneg,
    moduleFluctuationFloor: frac,
    punchThroughMips: nonneg,
    ecalCoreMm: pos,
    ecalHaloMm: pos,
    ecalCoreFraction: frac,
  }),
  hcal: z.strictObject({ cellSizeMm: pos, moduleDepthLambda: pos, coreMm: pos, haloMm: pos, coreFraction: frac, beamCellX: cell, beamCellY: cell }),
  mip: z.strictObject({ landauWidth: pos.max(1), trackMm: pos }),
  srd: z.strictObject({ photonsPerModuleAt100GeV: nonneg, photonMeVAt100GeV: nonneg }),
  veto: z.strictObject({ beamCounters: z.array(z.number().int().min(0)) }),
  halo: z.strictObject({ vetoHitProbability: frac }),
  upstream: z
    .strictObject({ lossMin: frac, lossMax: frac, hcalShareMax: frac, vetoProbability: frac })
    .refine((u) => u.lossMin <= u.lossMax, { message: "lossMin must not exceed lossMax", path: ["lossMin"] }),
});

/** Defaults with overrides applied, validated; a bad value is a SimOptionError naming physics.<path>. */
export function resolvePhysics(overrides: PhysicsOverrides = {}): PhysicsParams {
  if (typeof overrides !== "object" || overrides === null) throw new SimOptionError("physics", overrides, "must be an object");
  const merged: Record<string, unknown> = {};
  for (const k of Object.keys(overrides)) {
    if (!(k in DEFAULT_PHYSICS)) throw new SimOptionError(`physics.${k}`, (overrides as Record<string, unknown>)[k], "unknown group");
  }
  for (const [k, v] of Object.entries(DEFAULT_PHYSICS)) merged[k] = { ...v, ...((overrides as Record<string, object>)[k] ?? {}) };
  const r = PhysicsSchema.safeParse(merged);
  if (!r.success) {
    const { path, value, message } = firstIssue(r.error, merged);
    throw new SimOptionError(`physics.${path}`, value, message);
  }
  pairPreshowerDepth(r.data.ecal, overrides.ecal ?? {});
  return r.data;
}

/**
 * The preshower depth in X0 and in interaction lengths describe one section: the one not given
 * follows the other (the same share of the ECAL depth). Each must stay inside the ECAL.
 */
function pairPreshowerDepth(e: PhysicsParams["ecal"], given: Partial<PhysicsParams["ecal"]>): void {
  const lambdaFirst = given.psDepthLambda !== undefined && given.psDepthX0 === undefined;
  if (lambdaFirst) e.psDepthX0 = (e.psDepthLambda * e.depthX0) / e.depthLambda;
  else if (given.psDepthLambda === undefined) e.psDepthLambda = (e.psDepthX0 * e.depthLambda) / e.depthX0;
  const checks: [keyof PhysicsParams["ecal"], number, string][] = [
    ["psDepthX0", e.depthX0, "depthX0"],
    ["psDepthLambda", e.depthLambda, "depthLambda"],
  ];
  if (lambdaFirst) checks.reverse();
  for (const [key, depth, name] of checks)
    if (!((e[key] as number) < depth)) throw new SimOptionError(`physics.ecal.${key}`, e[key], `the preshower is part of the ECAL: must be below ${name} = ${depth}`);
}
