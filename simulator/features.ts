// The feature extraction of a digitiser board's FPGA (digital pulse processing, as commercial
// digitisers do it): per triggered readout window, the hits of every read-out channel, computed
// from the same samples the ADC wrote and programmed by the registers the firmware writes
// (FEX_*, CH_*). The result equals, bit for bit, what the firmware's per-sample reference code
// (devs/core/digitiser.ts processChannels + finishEvent) computes from those samples; the golden
// vectors and a property test over random windows prove it (test/simulator/features.test.ts, and
// the same vectors in the DeviceScript VM).
//
// Per channel (samples s = 0..W-1 of the window, y(s) = 16 x raw(s) - pedestal of s's parity, Q4):
// - pedestals: with PEDESTAL_FROM_PRESAMPLES and at least 2 pre-samples, the rounded means x 16 of
//   the even and of the odd pre-samples, unless a configured pedestal (CH_PEDESTAL_Q4 > 0) and a
//   threshold are set and one parity spreads by the threshold or more (not flat): then, and when
//   pre-samples are off, the configured one for both parities;
// - peak: the largest y in [FEX_SIGNAL_START, FEX_SIGNAL_END), the earliest on a tie; amplitude
//   (peak + 8) >> 4, 0 for a peak <= 0; CTRL.ZERO_SUPPRESSION drops a channel below CH_THRESHOLD;
// - pile-up: some sample of the region lies FEX_PILEUP_RISE_ADC or more below an earlier and a
//   later one (a fall then a rise), flagged for a peak of at least that rise;
// - saturation: a raw sample of the region at ADC_MAX;
// - time (Q8): LEADING_EDGE: where the rising edge before the peak crosses half the peak, linear
//   between the samples around the crossing (0 when the edge starts before the window, the peak
//   sample for a peak <= 0); otherwise the middle of a saturated top, or a parabola through the peak
//   and its neighbours (half a sample at most), or the peak sample on the window edge;
// - flags: PEDESTAL_MEASURED, SATURATED, IN_TIME (|t - CH_TIME_EXPECTED| <= CH_TIME_HALF_WINDOW,
//   half window > 0), VETO (in time, CH_VETO_MASK, amplitude >= CH_VETO_THRESHOLD), PILEUP.
// Per event: the energy of the CH_SUM_MASK hits (amplitude x CH_ENERGY_EV_PER_ADC, keV rounded),
// the in-time veto hits, the in-time CH_COUNTER_MASK hits at or above their threshold, and
// EventFlag.PILEUP when a hit has it. The board adds VETOED and COINCIDENCE from these counts.
import { Reg } from "../protocol/generated/registers";
import { CtrlBit, EventFlag, FexBit, HitFlag } from "../protocol/schema/enums";
import { MAX_CHANNELS } from "../protocol/schema/limits";

const ADC_MAX = 4095;

/** Register values as the extraction reads them, derived once per register-file version. */
export interface FeatureRegs {
  get(addr: number): number;
  readonly version: number;
}

/** The hits of one window and the event-level sums: what one FEATURES record carries. */
export class FeatureHits {
  n = 0;
  readonly channel = new Uint8Array(MAX_CHANNELS);
  readonly amplitudeAdc = new Uint16Array(MAX_CHANNELS);
  readonly timeQ8 = new Uint16Array(MAX_CHANNELS);
  readonly flags = new Uint8Array(MAX_CHANNELS);
  /** Energy of the CH_SUM_MASK hits, eV (exact: below 2^53). */
  energyEv = 0;
  vetoHits = 0;
  counterHits = 0;
  /** EventFlag bits set by the front end (PILEUP). */
  eventFlags = 0;
  /** OR of the hits' flags (for the waveform policy). */
  hitFlagsAny = 0;
}

/** energySumKeV of a FEATURES record: eV -> keV, rounded, saturating at the u32 maximum. */
export function energyKeV(energyEv: number): number {
  const kev = Math.floor(energyEv / 1000 + 0.5);
  return kev > 0xffffffff ? 0xffffffff : kev;
}

export class FeatureExtractor {
  private version = -1;
  // Board-wide settings.
  private features = false;
  private zs = false;
  private fromPre = false;
  private leadingEdge = false;
  private nPre = 0;
  private s0 = 0;
  private s1 = 0;
  private rise = 0;
  // Per channel.
  private readonly thr = new Int32Array(MAX_CHANNELS);
  private readonly pedQ4 = new Int32Array(MAX_CHANNELS);
  private readonly expected = new Int32Array(MAX_CHANNELS);
  private readonly half = new Int32Array(MAX_CHANNELS);
  private readonly vetoThr = new Int32Array(MAX_CHANNELS);
  private readonly evPerAdc = new Float64Array(MAX_CHANNELS);
  /** Bit 0 SUM, bit 1 COUNTER, bit 2 VETO, bit 3 enabled (CH_ENABLE_MASK). */
  private readonly role = new Uint8Array(MAX_CHANNELS);

  /** FEX_CTRL.FEATURES as the registers stand. */
  enabled(regs: FeatureRegs): boolean {
    this.sync(regs);
    return this.features;
  }

  private sync(regs: FeatureRegs): void {
    if (regs.version === this.version) return;
    this.version = regs.version;
    const fex = regs.get(Reg.FEX_CTRL);
    this.features = (fex & FexBit.FEATURES) !== 0;
    this.fromPre = (fex & FexBit.PEDESTAL_FROM_PRESAMPLES) !== 0;
    this.leadingEdge = (fex & FexBit.LEADING_EDGE) !== 0;
    this.zs = (regs.get(Reg.CTRL) & CtrlBit.ZERO_SUPPRESSION) !== 0;
    this.nPre = regs.get(Reg.FEX_PEDESTAL_SAMPLES);
    this.s0 = regs.get(Reg.FEX_SIGNAL_START_SAMPLE);
    this.s1 = regs.get(Reg.FEX_SIGNAL_END_SAMPLE);
    this.rise = regs.get(Reg.FEX_PILEUP_RISE_ADC) << 4;
    for (let ch = 0; ch < MAX_CHANNELS; ch++) {
      const bit = (addr: number) => (regs.get(addr + (ch >>> 5)) >>> (ch & 31)) & 1;
      this.thr[ch] = regs.get(Reg.CH_THRESHOLD_ADC + ch);
      this.pedQ4[ch] = regs.get(Reg.CH_PEDESTAL_Q4 + ch);
      this.expected[ch] = regs.get(Reg.CH_TIME_EXPECTED_Q8 + ch);
      this.half[ch] = regs.get(Reg.CH_TIME_HALF_WINDOW_Q8 + ch);
      this.vetoThr[ch] = regs.get(Reg.CH_VETO_THRESHOLD_ADC + ch);
      this.evPerAdc[ch] = regs.get(Reg.CH_ENERGY_EV_PER_ADC + ch);
      this.role[ch] = bit(Reg.CH_SUM_MASK) | (bit(Reg.CH_COUNTER_MASK) << 1) | (bit(Reg.CH_VETO_MASK) << 2) | (bit(Reg.CH_ENABLE_MASK) << 3);
    }
  }

  /**
   * The features of one window: `n` channels `channels[i]` whose W samples each are at
   * samples[i * W ..] (channel-major, as in the FIFO EVENT record), into `out`. Only channels
   * with `passed[i]` set (when given) and enabled in CH_ENABLE_MASK are looked at.
   */
  extract(regs: FeatureRegs, channels: ArrayLike<number>, n: number, samples: ArrayLike<number>, W: number, out: FeatureHits, passed?: ArrayLike<number>): void {
    this.sync(regs);
    let k = 0;
    let energyEv = 0;
    let vetoHits = 0;
    let counterHits = 0;
    let any = 0;
    const nPre = this.nPre;
    const fromPre = this.fromPre && nPre >= 2;
    const s0 = this.s0;
    const s1 = this.s1;
    const rise = this.rise;
    const pileMin = rise > 0 ? rise : 0x7fffffff;
    for (let i = 0; i < n; i++) {
      if (passed && passed[i] === 0) continue;
      const ch = channels[i]!;
      const role = this.role[ch]!;
      if ((role & 8) === 0) continue;
      const o = i * W;
      const thr = this.thr[ch]!;
      const cfgQ4 = this.pedQ4[ch]!;

      // ---- pedestals
      let pe = cfgQ4;
      let po = cfgQ4;
      let measured = false;
      if (fromPre) {
        let sumE = 0;
        let sumO = 0;
        let minE = 0xffff;
        let maxE = 0;
        let minO = 0xffff;
        let maxO = 0;
        for (let s = 0; s < nPre; s += 2) {
          const x = samples[o + s]!;
          sumE += x;
          if (x < minE) minE = x;
          if (x > maxE) maxE = x;
        }
        for (let s = 1; s < nPre; s += 2) {
          const x = samples[o + s]!;
          sumO += x;
          if (x < minO) minO = x;
          if (x > maxO) maxO = x;
        }
        let flat = true;
        if (cfgQ4 > 0 && thr > 0) flat = maxE - minE < thr && maxO - minO < thr;
        if (flat) {
          const nO = nPre >> 1;
          const nE = nPre - nO;
          pe = Math.floor((sumE * 32 + nE) / (2 * nE));
          po = Math.floor((sumO * 32 + nO) / (2 * nO));
          measured = true;
        }
      }

      // ---- peak, pile-up and saturation over the signal region
      let m = (samples[o + s0]! << 4) - ((s0 & 1) === 0 ? pe : po);
      let at = s0;
      let v = m;
      let pile = false;
      let sat = samples[o + s0]! >= ADC_MAX;
      for (let s = s0 + 1; s < s1; s++) {
        const raw = samples[o + s]!;
        if (raw >= ADC_MAX) sat = true;
        const x = (raw << 4) - ((s & 1) === 0 ? pe : po);
        if (x < v) v = x;
        else if (x > m) {
          if (m - v >= rise) pile = true;
          m = x;
          v = x;
          at = s;
        } else if (x - v >= rise) pile = true;
      }
      const amp = m > 0 ? (m + 8) >> 4 : 0;
      if (this.zs && amp < thr) continue;

      // ---- time
      let t = at << 8;
      if (this.leadingEdge) {
        if (m > 0) {
          const halfPeak = m >> 1;
          let hi = m;
          t = 0;
          for (let s = at - 1; s >= 0; s--) {
            const lo = (samples[o + s]! << 4) - ((s & 1) === 0 ? pe : po);
            if (lo <= halfPeak) {
              t = (s << 8) + Math.floor(((halfPeak - lo) * 256 + ((hi - lo) >> 1)) / (hi - lo));
              break;
            }
            hi = lo;
          }
        }
      } else if (sat && samples[o + at]! >= ADC_MAX) {
        let first = at;
        while (first > 0 && samples[o + first - 1]! >= ADC_MAX) first--;
        let last = at;
        while (last + 1 < W && samples[o + last + 1]! >= ADC_MAX) last++;
        t = (first + last) << 7;
      } else if (at >= 1 && at + 1 < W) {
        const ped = (at & 1) === 0 ? po : pe;
        const ym = (samples[o + at - 1]! << 4) - ped;
        const yp = (samples[o + at + 1]! << 4) - ped;
        const curv = ym - 2 * m + yp;
        if (curv < 0) {
          const a = (yp - ym) * 128;
          const cv = -curv;
          let d = a >= 0 ? Math.trunc((2 * a + cv) / (2 * cv)) : -Math.trunc((-2 * a + cv) / (2 * cv));
          if (d > 128) d = 128;
          else if (d < -128) d = -128;
          t += d;
        }
      }

      // ---- hit
      let f = measured ? HitFlag.PEDESTAL_MEASURED : 0;
      if (sat) f |= HitFlag.SATURATED;
      const half = this.half[ch]!;
      if (half > 0) {
        const dt = t - this.expected[ch]!;
        if (dt <= half && -dt <= half) {
          f |= HitFlag.IN_TIME;
          if ((role & 4) !== 0 && amp >= this.vetoThr[ch]!) {
            f |= HitFlag.VETO;
            vetoHits++;
          }
          if ((role & 2) !== 0 && amp >= thr) counterHits++;
        }
      }
      if (pile && m >= pileMin) f |= HitFlag.PILEUP;
      out.channel[k] = ch;
      out.amplitudeAdc[k] = amp;
      out.timeQ8[k] = t;
      out.flags[k] = f;
      any |= f;
      k++;
      if ((role & 1) !== 0) energyEv += amp * this.evPerAdc[ch]!;
    }
    out.n = k;
    out.energyEv = energyEv;
    out.vetoHits = vetoHits;
    out.counterHits = counterHits;
    out.hitFlagsAny = any;
    out.eventFlags = (any & HitFlag.PILEUP) !== 0 ? EventFlag.PILEUP : 0;
  }
}
