// Independent reference model of the pulse features (devs/core/pulse.ts), written the plain way:
// floating point, whole-array scans, brute-force pile-up search. The golden vectors must agree with
// it, so their expected numbers do not just restate the firmware code.

export interface RefWindow {
  windowSamples: number;
  pedestalSamples: number;
  signalStartSample: number;
  signalEndSample: number;
  pileupRiseAdc: number;
  pedestalFromPresamples: boolean;
}

export interface RefPulse {
  pedEvenQ4: number;
  pedOddQ4: number;
  pedMeasured: boolean;
  peakSample: number;
  peakQ4: number;
  amplitudeAdc: number;
  saturated: boolean;
  peakTimeQ8: number;
  leadingEdgeQ8: number;
  secondPulse: boolean;
}

const ADC_MAX = 4095;

/** Round half away from zero. */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

export function referencePulse(raw: readonly number[], w: RefWindow, configuredQ4: number, toleranceAdc: number): RefPulse {
  const pre = raw.slice(0, w.pedestalSamples);
  const even = pre.filter((_, i) => i % 2 === 0);
  const odd = pre.filter((_, i) => i % 2 === 1);
  let pedE = configuredQ4, pedO = configuredQ4, measured = false;
  if (w.pedestalFromPresamples && w.pedestalSamples >= 2) {
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const spread = (a: number[]) => Math.max(...a) - Math.min(...a);
    const notFlat = spread(even) >= toleranceAdc || spread(odd) >= toleranceAdc;
    if (!(configuredQ4 > 0 && toleranceAdc > 0 && notFlat)) {
      pedE = Math.round(mean(even) * 16);
      pedO = Math.round(mean(odd) * 16);
      measured = true;
    }
  }
  const y = raw.map((v, s) => v * 16 - (s % 2 === 0 ? pedE : pedO));
  let peak = w.signalStartSample;
  for (let s = w.signalStartSample; s < w.signalEndSample; s++) if (y[s]! > y[peak]!) peak = s;
  const peakQ4 = y[peak]!;
  const saturated = raw.slice(w.signalStartSample, w.signalEndSample).some((v) => v >= ADC_MAX);

  let peakTimeQ8: number;
  if (saturated && raw[peak]! >= ADC_MAX) {
    let a = peak, b = peak;
    while (a > 0 && raw[a - 1]! >= ADC_MAX) a--;
    while (b + 1 < w.windowSamples && raw[b + 1]! >= ADC_MAX) b++;
    peakTimeQ8 = ((a + b) / 2) * 256;
  } else if (peak < 1 || peak + 1 >= w.windowSamples) {
    peakTimeQ8 = peak * 256;
  } else {
    const ym = y[peak - 1]!, y0 = y[peak]!, yp = y[peak + 1]!;
    const curv = ym - 2 * y0 + yp;
    const vertex = curv >= 0 ? 0 : (ym - yp) / (2 * curv);
    peakTimeQ8 = peak * 256 + Math.max(-128, Math.min(128, roundAway(vertex * 256)));
  }

  // Leading edge: last crossing of half the peak before the peak, linear interpolation.
  const half = Math.floor(peakQ4 / 2);
  let leadingEdgeQ8 = peakQ4 <= 0 ? peak * 256 : 0;
  for (let s = peak; s > 0 && peakQ4 > 0; s--) {
    if (y[s - 1]! <= half) {
      leadingEdgeQ8 = Math.floor(((s - 1) + (half - y[s - 1]!) / (y[s]! - y[s - 1]!)) * 256 + 0.5);
      break;
    }
  }

  // Second pulse, brute force: a later (or earlier) sample that stands `rise` above the lowest
  // sample between it and the main peak.
  const rise = w.pileupRiseAdc * 16;
  let secondPulse = false;
  if (rise > 0 && peakQ4 >= rise) {
    for (let j = peak + 1; j < w.signalEndSample && !secondPulse; j++)
      if (y[j]! - Math.min(...y.slice(peak, j)) >= rise) secondPulse = true;
    for (let j = peak - 1; j >= w.signalStartSample && !secondPulse; j--)
      if (y[j]! - Math.min(...y.slice(j + 1, peak + 1)) >= rise) secondPulse = true;
  }
  return {
    pedEvenQ4: pedE,
    pedOddQ4: pedO,
    pedMeasured: measured,
    peakSample: peak,
    peakQ4,
    amplitudeAdc: peakQ4 > 0 ? Math.round(peakQ4 / 16) : 0,
    saturated,
    peakTimeQ8,
    leadingEdgeQ8,
    secondPulse,
  };
}
