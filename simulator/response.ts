// Detector response to one beam particle, in two steps:
//  - summarise(): at beam rate, a few draws per particle: counter deposits, preshower and ECAL
//    totals, HCAL total, flags. This is all the trigger logic needs (discriminators and analog
//    sums).
//  - detail(): only for particles inside a triggered readout window: the deposit of every element
//    (ECAL cells of both sections, HCAL cells, SRD modules, VETO counters), consistent with the
//    summary (the cell deposits of each section add up to the summary totals). Its random numbers
//    come from a stream keyed by the particle's serial, so it is the same whichever trigger asks.
//
// Models (parameters in physics-params.ts):
//  - e+-: full containment in ~40 X0, sigma/E = a/sqrt(E) (+) c; longitudinal Gamma profile
//    (t_max = ln(E/Ec) + tMaxOffsetX0, scale profileB) gives the preshower share of the first psDepthX0, with the
//    shower start shifted by an exponential; transverse double-exponential profile over the cells
//    around an impact point spread by the beam spot; a small leakage into HCAL module 0; SRD
//    synchrotron photons scaling as E0 (number) x E0^3 (mean energy) = E0^4 (total, facts §7).
//  - upstream electro/photo-nuclear interaction: the lepton loses y ~ U(lossMin, lossMax) before
//    the ECAL; part of it reaches the HCAL, secondaries may fire V0/V1.
//  - dark photon: resonant annihilation e+ e- -> A' removes E_R = m^2/(2 m_e) - m_e; the ECAL sees
//    the rest; no HCAL, no veto activity.
//  - hadrons: first interaction at an exponential depth (lambda); the part of the hadronic shower
//    contained in the rest of the ECAL (times e/h) stays there, the rest goes to the HCAL modules
//    with a geometric module-to-module ratio; punch-through crosses the VETO; no SRD.
//  - muons: MIPs everywhere along the axis (Moyal energy loss), no SRD.
//  - halo: off-axis particles crossing only V0/V1.
import { type BeamSpec, SpeciesCode, resonanceEnergyGeV } from "./beam";
import type { DetectorLayout, Grid } from "./detector";
import type { ParticleRing } from "./particles";
import { ParticleFlag } from "./particles";
import type { PhysicsParams } from "./physics-params";
import { QuantileTable, exponentialFrom16, normalFrom16, type Xoshiro128 } from "./rng";

// Enum members copied into module constants: the hot loops then read no imported binding.
const POSITRON: number = SpeciesCode.POSITRON;
const ELECTRON: number = SpeciesCode.ELECTRON;
const HADRON: number = SpeciesCode.HADRON;
const MUON: number = SpeciesCode.MUON;
const HALO: number = SpeciesCode.HALO;
const F_UPSTREAM: number = ParticleFlag.UPSTREAM;
const F_DARK: number = ParticleFlag.DARK_PHOTON;
const F_IN_ECAL: number = ParticleFlag.INTERACTED_IN_ECAL;

/** Sparse list of element deposits of one particle. */
export class Deposits {
  n = 0;
  readonly element: Int32Array;
  readonly geV: Float64Array;
  /**
   * @param floorGeV per element, deposits below this are not kept (the digitiser passes the
   *   energy of its smallest pulse worth adding); none by default.
   */
  constructor(
    capacity: number,
    private readonly floorGeV: Float64Array | null = null,
  ) {
    this.element = new Int32Array(capacity);
    this.geV = new Float64Array(capacity);
  }
  add(element: number, geV: number): void {
    if (element < 0 || !(geV > 0)) return;
    if (this.floorGeV && geV < this.floorGeV[element]!) return;
    this.element[this.n] = element;
    this.geV[this.n] = geV;
    this.n++;
  }
  /** Deposit of one element (sum over entries; 0 if none). */
  of(element: number): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) if (this.element[i] === element) s += this.geV[i]!;
    return s;
  }
}

/** Regularised lower incomplete gamma function P(a, x). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnPre = -x + a * Math.log(x) - lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (term < sum * 1e-15) break;
    }
    return sum * Math.exp(lnPre);
  }
  // Continued fraction for Q(a, x) (modified Lentz).
  let b = x + 1 - a;
  let c = 1e300;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c;
    if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return 1 - Math.exp(lnPre) * h;
}

function lnGamma(z: number): number {
  // Lanczos approximation (g = 7).
  const g = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  z -= 1;
  let x = g[0]!;
  for (let i = 1; i < 9; i++) x += g[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/**
 * Fractions of a 1D double-exponential profile centred at x0 (core length `core`, halo length
 * `halo`, core share w) falling into the n cells [i*pitch, (i+1)*pitch): out[i]. The cumulative
 * distribution at the cell edges needs exp(-|edge - x0| / length); edges on one side of x0 are a
 * pitch apart, so each side takes one exp per length and then a constant factor per edge.
 */
function edgeFractions(out: Float64Array, n: number, x0: number, pitch: number, core: number, halo: number, w: number): void {
  const rc = Math.exp(-pitch / core);
  const rh = Math.exp(-pitch / halo);
  // First edge at or after x0.
  const first = Math.min(n + 1, Math.max(0, Math.ceil(x0 / pitch)));
  // cdf(edge) = 0.5 + 0.5 * sign * (1 - w e_c - (1 - w) e_h), e = exp(-|edge - x0| / length).
  let prev = 0;
  if (first > 0) {
    // Edges below x0, from edge 0 upwards: |d| shrinks by a pitch per edge.
    let ec = Math.exp(-(x0 - 0) / core);
    let eh = Math.exp(-(x0 - 0) / halo);
    prev = 0.5 - 0.5 * (1 - w * ec - (1 - w) * eh);
    for (let i = 1; i < first && i <= n; i++) {
      ec /= rc;
      eh /= rh;
      const c = 0.5 - 0.5 * (1 - w * ec - (1 - w) * eh);
      out[i - 1] = c - prev;
      prev = c;
    }
  }
  if (first <= n) {
    let ec = Math.exp(-(first * pitch - x0) / core);
    let eh = Math.exp(-(first * pitch - x0) / halo);
    let c = 0.5 + 0.5 * (1 - w * ec - (1 - w) * eh);
    if (first === 0) prev = c;
    else out[first - 1] = c - prev;
    prev = c;
    for (let i = first + 1; i <= n; i++) {
      ec *= rc;
      eh *= rh;
      c = 0.5 + 0.5 * (1 - w * ec - (1 - w) * eh);
      out[i - 1] = c - prev;
      prev = c;
    }
  }
}

/** Containment of a hadronic shower within depth d (lambda) after its start: Gamma(2) CDF. */
function hadronContainment(d: number, scale: number): number {
  if (d <= 0) return 0;
  const u = d / scale;
  return 1 - Math.exp(-u) * (1 + u);
}

const PS_TABLE_SIZE = 1024;

/** Trials until the first success of probability p (>= 1; Infinity when p is 0). */
function geometric(rng: Xoshiro128, p: number): number {
  if (!(p > 0)) return Infinity;
  if (p >= 1) return 1;
  return 1 + Math.floor(Math.log(rng.uniform()) / Math.log1p(-p));
}

export class DetectorResponse {
  readonly mip: QuantileTable;
  /** Mean of the Moyal MIP table (MPV 1). */
  readonly mipMean: number;
  private readonly psTable = new Float64Array(PS_TABLE_SIZE + 1);
  private readonly pDark: number;
  /** Dark photons injected since the spill began. */
  darkPhotons = 0;
  private readonly darkLossGeV: number;
  private readonly counterMip = new Float64Array(5);
  private readonly mipPs: number;
  private readonly mipMain: number;
  private readonly mipHcal: number;
  private readonly mipVeto: Float64Array;
  private readonly srdPhotons: number;
  private readonly srdPhotonGeV: number;
  private readonly scratchX: Float64Array;
  // Hot-path copies of parameters.
  private readonly emSigmaRelE0: number;
  private readonly psInvStep: number;
  private readonly psDepthX0: number;
  private readonly showerStartMeanX0: number;
  private readonly psFractionSpread: number;
  private readonly leakageToHcal: number;
  private readonly haloVetoProbability: number;
  // Particles left until the next upstream interaction / dark-photon event.
  private untilUpstream = Infinity;
  private untilDark = Infinity;
  private readonly scratchY: Float64Array;
  private readonly moduleWeights: Float64Array;

  constructor(
    readonly layout: DetectorLayout,
    readonly beam: BeamSpec,
    readonly p: PhysicsParams,
  ) {
    const w = p.mip.landauWidth;
    this.mip = new QuantileTable((x) => {
      const l = (x - 1) / w;
      return Math.exp(-0.5 * (l + Math.exp(-l)));
    }, 1 - 5 * w, 1 + 40 * w);
    this.mipMean = 1 + w * (0.5772156649 + Math.LN2);

    // Preshower share as a function of the shower-start shift t0 in [0, psDepth] X0.
    const e = p.ecal;
    // t_max of at least half an X0: a guard for energies near Ec, far below any beam's.
    const tmax = Math.max(0.5, Math.log((beam.energyGeV * 1000) / e.criticalEnergyMeV) + e.tMaxOffsetX0);
    const b = e.profileB;
    const a = b * tmax + 1;
    const step = e.psDepthX0 / PS_TABLE_SIZE;
    for (let i = 0; i <= PS_TABLE_SIZE; i++) this.psTable[i] = gammaP(a, b * (e.psDepthX0 - i * step));
    this.psInvStep = 1 / step;
    this.psDepthX0 = e.psDepthX0;
    this.showerStartMeanX0 = e.showerStartMeanX0;
    this.psFractionSpread = e.psFractionSpread;
    this.leakageToHcal = e.leakageToHcal;
    this.haloVetoProbability = p.halo.vetoHitProbability;
    this.emSigmaRelE0 = this.emSigmaRel(beam.energyGeV);

    const dp = beam.darkPhoton;
    this.pDark = dp ? dp.probabilityPerPositron : 0;
    this.darkLossGeV = dp ? resonanceEnergyGeV(dp.massMeV) : 0;

    const cal = (idx: number) => (idx >= 0 ? layout.elements[idx]!.cal.mipGeV : 0);
    for (let c = 0; c < 5; c++) this.counterMip[c] = cal(layout.counters[c]!);
    this.mipPs = this.gridMip(layout.ecal, 0);
    this.mipMain = this.gridMip(layout.ecal, 1);
    this.mipHcal = this.gridMip(layout.hcal, 0);
    this.mipVeto = Float64Array.from(layout.veto, (i) => cal(i));

    const scale = beam.energyGeV / 100;
    this.srdPhotons = p.srd.photonsPerModuleAt100GeV * scale;
    this.srdPhotonGeV = (p.srd.photonMeVAt100GeV / 1000) * scale * scale * scale;
    const n = Math.max(layout.ecal.nx, layout.ecal.ny, layout.hcal.nx, layout.hcal.ny, 1);
    this.scratchX = new Float64Array(n);
    this.scratchY = new Float64Array(n);
    this.moduleWeights = new Float64Array(Math.max(1, layout.hcal.layers));
  }

  private gridMip(g: Grid, layer: number): number {
    for (let i = layer * g.nx * g.ny; i < (layer + 1) * g.nx * g.ny && i < g.cells.length; i++) {
      const idx = g.cells[i]!;
      if (idx >= 0) return this.layout.elements[idx]!.cal.mipGeV;
    }
    return 0;
  }

  /** Mean SRD energy of a lepton of this beam summed over the modules, GeV (for tests/reports). */
  srdMeanTotalGeV(): number {
    return this.srdPhotons * this.srdPhotonGeV * this.layout.srd.length;
  }

  /** Relative EM resolution at energy E. */
  emSigmaRel(eGeV: number): number {
    const a = this.p.ecal.stochasticTerm;
    const c = this.p.ecal.constantTerm;
    return Math.sqrt((a * a) / Math.max(eGeV, 1e-3) + c * c);
  }

  /** Reset the per-spill state (countdowns to the next rare process) from the spill's beam stream. */
  startSpill(rng: Xoshiro128): void {
    this.darkPhotons = 0;
    this.untilUpstream = geometric(rng, this.beam.upstreamPerPot);
    this.untilDark = geometric(rng, this.pDark);
  }

  /**
   * Fill the beam-rate summary of the particle in `slot` (species and energy already set). Rare
   * processes (upstream interactions, dark photons) use countdowns drawn from a geometric
   * distribution instead of one uniform per particle: the same statistics, no draw per particle.
   */
  summarise(rng: Xoshiro128, ring: ParticleRing, slot: number): void {
    const sp = ring.species[slot]!;
    const E = ring.energyGeV[slot]!;
    const cg = ring.counterGeV;
    const c0 = slot * 5;
    let flags = 0;
    let ps = 0;
    let ecal = 0;
    let hcal = 0;
    let aux = 0;
    const mip = this.mip;
    if (sp === HALO) {
      cg[c0] = 0;
      cg[c0 + 1] = 0;
      cg[c0 + 2] = 0;
      const ph = this.haloVetoProbability;
      cg[c0 + 3] = rng.uniform() < ph ? this.counterMip[3]! * mip.sample(rng) : 0;
      cg[c0 + 4] = rng.uniform() < ph ? this.counterMip[4]! * mip.sample(rng) : 0;
    } else {
      // On-axis: the beam counters see a MIP each (three 10-bit draws from one 32-bit number);
      // the upstream veto (counters with a hole for the beam) nothing.
      const u = rng.nextU32();
      cg[c0] = this.counterMip[0]! * mip.at10(u >>> 22);
      cg[c0 + 1] = this.counterMip[1]! * mip.at10((u >>> 12) & 1023);
      cg[c0 + 2] = this.counterMip[2]! * mip.at10((u >>> 2) & 1023);
      cg[c0 + 3] = 0;
      cg[c0 + 4] = 0;
      if (sp === POSITRON || sp === ELECTRON) {
        let visible = E;
        let sigmaRel = this.emSigmaRelE0;
        if (sp === POSITRON && --this.untilDark <= 0) {
          this.untilDark = geometric(rng, this.pDark);
          this.darkPhotons++;
          flags |= F_DARK;
          visible = Math.max(0, E - this.darkLossGeV);
          sigmaRel = this.emSigmaRel(visible);
        } else if (--this.untilUpstream <= 0) {
          this.untilUpstream = geometric(rng, this.beam.upstreamPerPot);
          const up = this.p.upstream;
          const y = up.lossMin + (up.lossMax - up.lossMin) * rng.uniform();
          flags |= F_UPSTREAM;
          aux = y;
          visible = E * (1 - y);
          sigmaRel = this.emSigmaRel(visible);
          hcal = E * y * up.hcalShareMax * rng.uniform();
          if (rng.uniform() < up.vetoProbability) {
            cg[c0 + 3] = this.counterMip[3]! * mip.sample(rng);
            cg[c0 + 4] = this.counterMip[4]! * mip.sample(rng);
          }
        }
        const n2 = rng.nextU32();
        ecal = visible * (1 + sigmaRel * normalFrom16(n2 >>> 16));
        if (ecal < 0) ecal = 0;
        const n3 = rng.nextU32();
        const t0 = this.showerStartMeanX0 * exponentialFrom16(n3 >>> 16);
        let f = t0 >= this.psDepthX0 ? 0 : this.psTable[(t0 * this.psInvStep + 0.5) | 0]!;
        f *= 1 + this.psFractionSpread * normalFrom16(n2 & 0xffff);
        f = f < 0 ? 0 : f > 1 ? 1 : f;
        // The lepton ionises the preshower before it showers: at least a MIP there.
        ps = f * ecal + this.mipPs;
        if (ps > ecal) ps = ecal;
        if (!(flags & F_DARK)) hcal += ecal * this.leakageToHcal * exponentialFrom16(n3 & 0xffff);
      } else if (sp === HADRON) {
        const h = this.p.hadron;
        const L = this.p.ecal.depthLambda;
        const Lps = this.p.ecal.psDepthLambda;
        const z = rng.exponential();
        aux = z;
        ps = this.mipPs * mip.sample(rng);
        ecal = ps + this.mipMain * mip.sample(rng);
        const hs = h.hcalStochasticTerm;
        const hc = h.hcalConstantTerm;
        if (z < L) {
          flags |= F_IN_ECAL;
          const fluct = Math.max(0, 1 + h.ecalFluctuation * rng.normal());
          const cont = hadronContainment(L - z, h.showerLengthLambda);
          const inEcal = E * h.ecalResponse * cont * fluct;
          const inPs = z < Lps ? E * h.ecalResponse * hadronContainment(Lps - z, h.showerLengthLambda) * fluct : 0;
          ps += inPs;
          ecal += inEcal;
          const eh = E * (1 - cont);
          hcal = Math.max(0, eh * (1 + Math.sqrt((hs * hs) / Math.max(eh, 0.1) + hc * hc) * rng.normal()));
        } else {
          hcal = Math.max(0, E * (1 + Math.sqrt((hs * hs) / E + hc * hc) * rng.normal()));
        }
      } else {
        // Muon.
        ps = this.mipPs * mip.sample(rng);
        ecal = ps + this.mipMain * mip.sample(rng);
        hcal = this.mipHcal * this.layout.hcal.layers * mip.sample(rng);
      }
    }
    ring.flags[slot] = flags;
    ring.psGeV[slot] = ps;
    ring.ecalGeV[slot] = ecal;
    ring.hcalGeV[slot] = hcal;
    ring.aux[slot] = aux;
  }

  /** Every element's deposit for the particle in `slot`; `rng` is the particle's own stream. */
  detail(rng: Xoshiro128, ring: ParticleRing, slot: number, out: Deposits): void {
    out.n = 0;
    const L = this.layout;
    const cg = ring.counterGeV;
    for (let c = 0; c < 5; c++) out.add(L.counters[c]!, cg[slot * 5 + c]!);
    const sp = ring.species[slot]!;
    if (sp === HALO) return;
    const p = this.p;
    const isLepton = sp === POSITRON || sp === ELECTRON;
    const ps = ring.psGeV[slot]!;
    const main = ring.ecalGeV[slot]! - ps;
    const hcal = ring.hcalGeV[slot]!;

    // ECAL: both sections share the impact point and the transverse profile.
    const e = p.ecal;
    const x0 = (e.beamCellX + 0.5) * e.cellSizeMm + e.beamSpotMm * rng.normal();
    const y0 = (e.beamCellY + 0.5) * e.cellSizeMm + e.beamSpotMm * rng.normal();
    if (sp === HADRON) this.profile(L.ecal, x0, y0, e.cellSizeMm, p.hadron.ecalCoreMm, p.hadron.ecalHaloMm, p.hadron.ecalCoreFraction);
    else if (isLepton) this.profile(L.ecal, x0, y0, e.cellSizeMm, e.emCoreMm, e.emHaloMm, e.emCoreFraction);
    else this.profile(L.ecal, x0, y0, e.cellSizeMm, p.mip.trackMm, p.mip.trackMm, 1);
    this.spread(L.ecal, 0, ps, out);
    this.spread(L.ecal, 1, main, out);

    // HCAL: split over modules, then over the cells of each module.
    const hc = p.hcal;
    const modules = L.hcal.layers;
    if (hcal > 0 && modules > 0) {
      // Same transverse offset from the beam axis as at the ECAL face.
      const hx = (hc.beamCellX + 0.5) * hc.cellSizeMm + (x0 - (e.beamCellX + 0.5) * e.cellSizeMm);
      const hy = (hc.beamCellY + 0.5) * hc.cellSizeMm + (y0 - (e.beamCellY + 0.5) * e.cellSizeMm);
      let wsum = 0;
      const w = this.moduleWeights;
      for (let m = 0; m < modules; m++) {
        let wm: number;
        if (sp === MUON) wm = this.mip.sample(rng);
        else if (isLepton) wm = m === 0 ? 1 : 0;
        else {
          const start = ring.aux[slot]! < e.depthLambda ? 0 : Math.min(modules - 1, Math.floor((ring.aux[slot]! - e.depthLambda) / hc.moduleDepthLambda));
          const h = p.hadron;
          wm = m < start ? 0 : Math.pow(h.moduleRatio, m - start) * Math.max(h.moduleFluctuationFloor, 1 + h.moduleFluctuation * rng.normal());
        }
        w[m] = wm;
        wsum += wm;
      }
      if (sp === MUON) this.profile(L.hcal, hx, hy, hc.cellSizeMm, p.mip.trackMm, p.mip.trackMm, 1);
      else this.profile(L.hcal, hx, hy, hc.cellSizeMm, hc.coreMm, hc.haloMm, hc.coreFraction);
      for (let m = 0; m < modules; m++) this.spread(L.hcal, m, wsum > 0 ? (hcal * w[m]!) / wsum : 0, out);
    }

    // SRD: synchrotron photons of leptons only.
    if (isLepton) {
      for (let m = 0; m < L.srd.length; m++) {
        const n = rng.poisson(this.srdPhotons);
        let eg = 0;
        for (let k = 0; k < n; k++) eg += this.srdPhotonGeV * rng.exponential();
        out.add(L.srd[m]!, eg);
      }
    }

    // VETO between ECAL and HCAL: muons and punch-through hadrons cross the counters on the axis.
    let vetoMips = 0;
    if (sp === MUON) vetoMips = 1;
    else if (sp === HADRON) {
      const z = ring.aux[slot]!;
      vetoMips = z >= e.depthLambda ? 1 : (1 - hadronContainment(e.depthLambda - z, p.hadron.showerLengthLambda)) * p.hadron.punchThroughMips * rng.exponential();
    }
    if (vetoMips > 0) {
      for (const i of p.veto.beamCounters) {
        if (i < L.veto.length) out.add(L.veto[i]!, vetoMips * this.mipVeto[i]! * this.mip.sample(rng));
      }
    }
  }

  /**
   * Transverse fractions per column (fx) and row (fy) of a shower centred at (x0, y0) mm with a
   * double-exponential profile; the cell fraction is fx * fy (separable approximation).
   */
  private profile(g: Grid, x0: number, y0: number, pitch: number, core: number, halo: number, w: number): void {
    edgeFractions(this.scratchX, g.nx, x0, pitch, core, halo, w);
    edgeFractions(this.scratchY, g.ny, y0, pitch, core, halo, w);
  }

  /** Share `total` over the cells of grid layer `layer` by the last profile(), normalised to the cells present. */
  private spread(g: Grid, layer: number, total: number, out: Deposits): void {
    if (!(total > 0) || layer >= g.layers) return;
    const fx = this.scratchX;
    const fy = this.scratchY;
    const base = layer * g.nx * g.ny;
    let sum = 0;
    for (let j = 0; j < g.ny; j++) for (let i = 0; i < g.nx; i++) if (g.cells[base + j * g.nx + i]! >= 0) sum += fx[i]! * fy[j]!;
    if (!(sum > 0)) return;
    const k = total / sum;
    const floor = 1e-7 * sum;
    for (let j = 0; j < g.ny; j++) {
      for (let i = 0; i < g.nx; i++) {
        const idx = g.cells[base + j * g.nx + i]!;
        const f = fx[i]! * fy[j]!;
        // Cells under 1e-7 of the shower carry less than a thousandth of an ADC count.
        if (idx >= 0 && f > floor) out.add(idx, f * k);
      }
    }
  }
}
