// Expectations of the detector-response model computed from its parameters by quadrature, for
// the statistical tests (independent of the simulator's sampling, tables and random streams).
import type { PhysicsParams } from "../../simulator/physics-params";
import { gammaP } from "../../simulator/response";

const EULER_GAMMA = 0.5772156649015329;

/** Mean of a Moyal energy loss of most probable value 1 and width w: 1 + w (gamma + ln 2). */
export function moyalMean(w: number): number {
  return 1 + w * (EULER_GAMMA + Math.LN2);
}

/**
 * Probability that a Moyal energy loss (most probable value 1, width w) reaches x, with the
 * simulator's range of the distribution (1 - 5w .. 1 + 40w), by Simpson's rule on the density.
 */
export function moyalSurvival(x: number, w: number, steps = 20000): number {
  const lo = 1 - 5 * w;
  const hi = 1 + 40 * w;
  const density = (v: number) => {
    const l = (v - 1) / w;
    return Math.exp(-0.5 * (l + Math.exp(-l)));
  };
  const integral = (a: number, b: number) => {
    if (!(b > a)) return 0;
    const h = (b - a) / steps;
    let sum = density(a) + density(b);
    for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * density(a + i * h);
    return (sum * h) / 3;
  };
  return integral(Math.max(lo, x), hi) / integral(lo, hi);
}

/**
 * Mean share of an EM shower of E0 in the first psDepthX0: the Gamma profile of shape
 * a = b t_max + 1 integrated over the preshower, averaged over the exponential shower start
 * (Simpson's rule; a start beyond the preshower leaves nothing there). The Gaussian spread on top
 * has mean 1 and leaves the mean unchanged.
 */
export function expectedPreshowerShare(e: PhysicsParams["ecal"], energyGeV: number, steps = 4000): number {
  const tmax = Math.max(0.5, Math.log((energyGeV * 1000) / e.criticalEnergyMeV) + e.tMaxOffsetX0);
  const a = e.profileB * tmax + 1;
  const D = e.psDepthX0;
  const mu = e.showerStartMeanX0;
  const f = (t0: number) => (mu > 0 ? Math.exp(-t0 / mu) / mu : 0) * gammaP(a, e.profileB * (D - t0));
  if (!(mu > 0)) return gammaP(a, e.profileB * D);
  const h = D / steps;
  let sum = f(0) + f(D);
  for (let i = 1; i < steps; i++) sum += (i % 2 ? 4 : 2) * f(i * h);
  return (sum * h) / 3;
}

/** Cumulative distribution at x of a 1D double-exponential profile centred at x0. */
function profileCdf(x: number, x0: number, core: number, halo: number, w: number): number {
  const d = Math.abs(x - x0);
  const tail = 0.5 * (w * Math.exp(-d / core) + (1 - w) * Math.exp(-d / halo));
  return x < x0 ? tail : 1 - tail;
}

export interface TransverseProfile {
  coreMm: number;
  haloMm: number;
  coreFraction: number;
}

/**
 * Mean share of the beam cell in the main ECAL for a transverse profile (EM showers by default):
 * per axis, the profile's fraction in the beam cell's column over its fraction in the grid,
 * averaged over the Gaussian beam spot; the profile is separable, so the cell share is the
 * product of the two axes.
 */
export function expectedBeamCellShare(
  e: PhysicsParams["ecal"],
  profile: TransverseProfile = { coreMm: e.emCoreMm, haloMm: e.emHaloMm, coreFraction: e.emCoreFraction },
  cells = 6,
  points = 2001,
): number {
  const axis = (beamCell: number) => {
    const p = e.cellSizeMm;
    const centre = (beamCell + 0.5) * p;
    let num = 0;
    let den = 0;
    for (let i = 0; i < points; i++) {
      const z = -8 + (16 * i) / (points - 1);
      const g = Math.exp(-0.5 * z * z);
      const x0 = centre + e.beamSpotMm * z;
      const F = (x: number) => profileCdf(x, x0, profile.coreMm, profile.haloMm, profile.coreFraction);
      num += (g * (F((beamCell + 1) * p) - F(beamCell * p))) / (F(cells * p) - F(0));
      den += g;
    }
    return num / den;
  };
  return axis(e.beamCellX) * axis(e.beamCellY);
}
