// Pulse shapes of the front-end digitisers, normalised to a peak of exactly 1.
//
// COMPASS ECAL template (source key S15 of the project's NA64 facts sheet: the COMPASS MSADC
// shape table for ECAL2 in CORAL's CsECAL1/CsDigitizerSADC code, 50 samples of 12.86 ns, peak
// normalised to 1 at sample 16). The table is zero up to sample 9; samples 10..27 are the measured
// values below. Beyond sample 27 the source gives only a slow tail falling from 0.18 to 0.02 by
// sample 49: we model it as one exponential through those two points (a factor 0.9006 per
// sample) and continue it until it drops under 1e-4 [I]. Derived figures (flagged [I] in the
// facts): 10-90 % rise about 2.65 samples, FWHM about 7.7 samples, peak about 6 samples after
// the first non-zero sample. Between samples the shape is a monotone cubic (no overshoot at the
// foot, no wiggles in the tail), tabulated every 1/64 sample.
//
// CR-RC^n: (t/tau)^n exp(-t/tau), peak at t = n tau; the usual analytic shaper, used here for the
// fast counter PMTs and, with a long tau, for the LED pulser of calibration triggers (the COMPASS
// LED pulse is much slower than the particle pulse, its front about 9 samples: S15).

/** Samples 10..27 of the COMPASS ECAL2 MSADC template (S15), peak 1.000 at sample 16. */
export const COMPASS_ECAL_SAMPLES_10_TO_27: readonly number[] = [
  0, 0.0006, 0.039, 0.2695, 0.654, 0.922, 1.0, 0.943, 0.8353, 0.717, 0.6153, 0.525, 0.4456, 0.3805, 0.3278, 0.2805, 0.2425, 0.21,
];
/** Tail anchors of the same template (S15): 0.18 at sample 28 falling to 0.02 at sample 49. */
export const COMPASS_ECAL_TAIL = { firstSample: 28, firstValue: 0.18, lastSample: 49, lastValue: 0.02 } as const;

/** Table steps per digitiser sampling period. */
const STEPS_PER_PERIOD = 64;

export type ShapeSpec = { kind: "compass-ecal" } | { kind: "crrc"; order: number; tauNs: number };

/** A tabulated pulse shape; value(dt) is the shape dt ns after its peak (0 outside its support). */
export class PulseShape {
  /** Time from the start of the support (first non-zero value) to the peak, ns. */
  readonly riseNs: number;
  /** Time from the peak to the end of the support, ns. */
  readonly tailNs: number;
  private readonly table: Float64Array;
  private readonly stepNs: number;
  private readonly invStep: number;
  private readonly peakIndex: number;
  /**
   * The same table, phase-major: row p holds the values at fine indices p, p + 64, p + 128, ...
   * (one per sampling period), row 64 is row 0 advanced by one period. Sampling a pulse at the
   * digitiser clock then reads two contiguous rows.
   */
  private readonly phases: Float64Array;
  private readonly rowLen: number;

  constructor(
    readonly name: string,
    fn: (tNs: number) => number,
    lengthNs: number,
    stepNs: number,
  ) {
    const n = Math.ceil(lengthNs / stepNs) + 2;
    const t = new Float64Array(n);
    let max = 0;
    let imax = 0;
    for (let i = 0; i < n - 1; i++) {
      const v = Math.max(0, fn(i * stepNs));
      t[i] = v;
      if (v > max) {
        max = v;
        imax = i;
      }
    }
    if (!(max > 0)) throw new Error(`pulse shape ${name} is zero everywhere`);
    for (let i = 0; i < n; i++) t[i] = t[i]! / max;
    let first = 0;
    while (first < imax && t[first]! === 0) first++;
    this.table = t;
    this.stepNs = stepNs;
    this.invStep = 1 / stepNs;
    this.peakIndex = imax;
    this.riseNs = (imax - Math.max(0, first - 1)) * stepNs;
    this.tailNs = (n - 1 - imax) * stepNs;
    const rowLen = Math.ceil(n / STEPS_PER_PERIOD) + 2;
    const phases = new Float64Array((STEPS_PER_PERIOD + 1) * rowLen);
    for (let p = 0; p <= STEPS_PER_PERIOD; p++)
      for (let k = 0; k < rowLen; k++) {
        const i = k * STEPS_PER_PERIOD + p;
        phases[p * rowLen + k] = i < n ? t[i]! : 0;
      }
    this.phases = phases;
    this.rowLen = rowLen;
  }

  /** Shape value dtNs after the peak (negative dt: before it). */
  value(dtNs: number): number {
    const x = dtNs * this.invStep + this.peakIndex;
    if (x <= 0) return 0;
    const i = x | 0;
    const t = this.table;
    if (i >= t.length - 1) return 0;
    const a = t[i]!;
    return a + (t[i + 1]! - a) * (x - i);
  }

  /**
   * Add amplitude x the shape at times firstDtNs + k * periodNs after the peak, k = 0..count-1,
   * to out[offset + k]. At the clock the shape was made for (one period = 64 table steps) the
   * interpolation weight is the same for every sample and the values come from two contiguous
   * phase rows.
   */
  sampleInto(out: Float64Array, offset: number, count: number, firstDtNs: number, periodNs: number, amplitude: number): void {
    const x0 = firstDtNs * this.invStep + this.peakIndex;
    if (Math.abs(periodNs * this.invStep - STEPS_PER_PERIOD) > 1e-9) {
      this.sampleAnyPeriod(out, offset, count, x0, periodNs * this.invStep, amplitude);
      return;
    }
    const i0 = Math.floor(x0);
    const f = x0 - i0;
    const phase = i0 & (STEPS_PER_PERIOD - 1);
    const s0 = (i0 - phase) / STEPS_PER_PERIOD;
    const rowLen = this.rowLen;
    const end = Math.min(count, rowLen - 1 - s0);
    const t = this.phases;
    const ra = phase * rowLen + s0;
    const rb = ra + rowLen;
    for (let k = s0 < 0 ? -s0 : 0; k < end; k++) {
      const a = t[ra + k]!;
      out[offset + k] += amplitude * (a + (t[rb + k]! - a) * f);
    }
  }

  private sampleAnyPeriod(out: Float64Array, offset: number, count: number, x0: number, dx: number, amplitude: number): void {
    const t = this.table;
    const last = t.length - 1;
    let x = x0;
    for (let k = 0; k < count; k++, x += dx) {
      if (x <= 0) continue;
      const i = x | 0;
      if (i >= last) break;
      const a = t[i]!;
      out[offset + k] += amplitude * (a + (t[i + 1]! - a) * (x - i));
    }
  }

  get resolutionNs(): number {
    return this.stepNs;
  }
}

/** The COMPASS ECAL template at its native sampling, samples 0..N (N where the tail < 1e-4). */
export function compassEcalSamples(): number[] {
  const s: number[] = [];
  for (let i = 0; i < 10; i++) s.push(0);
  s.push(...COMPASS_ECAL_SAMPLES_10_TO_27);
  const { firstSample, firstValue, lastSample, lastValue } = COMPASS_ECAL_TAIL;
  const ratio = Math.pow(lastValue / firstValue, 1 / (lastSample - firstSample));
  for (let i = firstSample, v = firstValue; v >= 1e-4; i++, v *= ratio) s.push(v);
  return s;
}

/** Monotone cubic (Fritsch-Carlson) interpolation through equally spaced points y[0..n-1]. */
export function monotoneCubic(y: readonly number[]): (x: number) => number {
  const n = y.length;
  const d = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) d[i] = y[i + 1]! - y[i]!;
  const m = new Float64Array(n);
  m[0] = d[0]!;
  m[n - 1] = d[n - 2]!;
  for (let i = 1; i < n - 1; i++) m[i] = d[i - 1]! * d[i]! <= 0 ? 0 : (d[i - 1]! + d[i]!) / 2;
  for (let i = 0; i < n - 1; i++) {
    if (d[i] === 0) {
      m[i] = 0;
      m[i + 1] = 0;
      continue;
    }
    const a = m[i]! / d[i]!;
    const b = m[i + 1]! / d[i]!;
    const h = a * a + b * b;
    if (h > 9) {
      const tau = 3 / Math.sqrt(h);
      m[i] = tau * a * d[i]!;
      m[i + 1] = tau * b * d[i]!;
    }
  }
  return (x: number): number => {
    if (x <= 0) return y[0]!;
    if (x >= n - 1) return y[n - 1]!;
    const i = Math.floor(x);
    const t = x - i;
    const t2 = t * t;
    const t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * y[i]! + (t3 - 2 * t2 + t) * m[i]! + (-2 * t3 + 3 * t2) * y[i + 1]! + (t3 - t2) * m[i + 1]!;
  };
}

/** Build the tabulated shape of a spec for a digitiser clock. */
export function makeShape(spec: ShapeSpec, clockNs: number): PulseShape {
  const step = clockNs / STEPS_PER_PERIOD;
  if (spec.kind === "compass-ecal") {
    const s = compassEcalSamples();
    const f = monotoneCubic(s);
    return new PulseShape("compass-ecal", (t) => f(t / clockNs), (s.length - 1) * clockNs, step);
  }
  const { order, tauNs } = spec;
  const norm = Math.pow(order, order) * Math.exp(-order);
  // Support until the shape falls below 1e-4 of its peak.
  let end = order * tauNs;
  while (Math.pow(end / tauNs, order) * Math.exp(-end / tauNs) / norm > 1e-4) end += tauNs / 4;
  return new PulseShape(`crrc${order}`, (t) => Math.pow(t / tauNs, order) * Math.exp(-t / tauNs), end, step);
}
