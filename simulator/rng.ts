// Random numbers for the simulator: cheap, seeded and reproducible.
//
// - Xoshiro128 is xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit output, a few integer
//   operations per draw. Every independent piece of the simulation (beam arrivals, random-trigger
//   generator, digitiser noise, per-particle detail) gets its own stream, derived from the run seed
//   and a stream key with a hash, so changing one part (a register, a threshold) never shifts the
//   random numbers of another: the same beam passes through different trigger settings.
// - Normal deviates come from a 4096-cell inverse-CDF table (32 KB, stays in the L1/L2 cache)
//   read with 16 random bits: 12 pick the cell, 4 interpolate inside it, so one 32-bit draw gives
//   two deviates. The outermost cells end at +-4.75 sigma (probability 1e-6), the support of
//   every normal draw; the variance is right to 1e-4. Several times cheaper than Box-Muller.

/** 32-bit finaliser of MurmurHash3: spreads every input bit over the output. */
export function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Hash four integer keys (seed, stream id, spill number, particle serial) to 32 bits. */
export function hashKeys(k0: number, k1: number, k2: number, k3: number): number {
  let h = 0x9e3779b9;
  h = mixKey(h, k0);
  h = mixKey(h, k1);
  h = mixKey(h, k2);
  return mixKey(h, k3);
}

function mixKey(h: number, k: number): number {
  // Keys above 32 bits (seeds up to 2^53) contribute both words.
  const lo = k >>> 0;
  const hi = Math.floor(k / 4294967296) >>> 0;
  h = mix32(h ^ mix32(lo + 0x7f4a7c15));
  return hi ? mix32(h ^ mix32(hi + 0x2545f491)) : h;
}

export class Xoshiro128 {
  /** State words; a typed array keeps them unboxed int32 in V8. */
  private readonly s = new Int32Array(4);

  constructor(k0: number, k1 = 0, k2 = 0, k3 = 0) {
    this.reseed(k0, k1, k2, k3);
  }

  /** Reset the state from up to four integer keys (splitmix32 expansion of their hash; never all zero). */
  reseed(k0: number, k1 = 0, k2 = 0, k3 = 0): void {
    let x = hashKeys(k0, k1, k2, k3);
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      return mix32(x);
    };
    const s = this.s;
    s[0] = next();
    s[1] = next();
    s[2] = next();
    s[3] = next();
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 1;
  }

  /** Next 32-bit unsigned integer. */
  nextU32(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    let c = s[2]!;
    let d = s[3]!;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    c ^= a;
    d ^= b;
    s[1] = b ^ c;
    s[0] = a ^ d;
    s[2] = c ^ (b << 9);
    s[3] = rotl(d, 11);
    return r;
  }

  /** Uniform in the open interval (0, 1). */
  uniform(): number {
    return (this.nextU32() + 0.5) * 2.3283064365386963e-10;
  }

  /** Standard normal deviate (table; support +-4.75). */
  normal(): number {
    return normalFrom16(this.nextU32() >>> 16);
  }

  /**
   * Exponential deviate with mean 1: Marsaglia and Tsang's ziggurat (256 layers; 8 bits pick the
   * layer, 24 bits the position), exact, a logarithm only in 1.2 % of the draws.
   */
  exponential(): number {
    let u = this.nextU32();
    let iz = u & 255;
    let j = u >>> 8;
    if (j < ZIG_K[iz]!) return j * ZIG_W[iz]!;
    for (;;) {
      if (iz === 0) return ZIG_R - Math.log(this.uniform());
      const x = j * ZIG_W[iz]!;
      if (ZIG_F[iz]! + this.uniform() * (ZIG_F[iz - 1]! - ZIG_F[iz]!) < Math.exp(-x)) return x;
      u = this.nextU32();
      iz = u & 255;
      j = u >>> 8;
      if (j < ZIG_K[iz]!) return j * ZIG_W[iz]!;
    }
  }

  /** Poisson deviate (Knuth's product method for small means, normal approximation above 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

// Ziggurat tables for the exponential distribution (Marsaglia & Tsang 2000, 256 layers), scaled
// for 24-bit positions.
const ZIG_R = 7.69711747013104972;
const ZIG_K = new Float64Array(256);
const ZIG_W = new Float64Array(256);
const ZIG_F = new Float64Array(256);
(() => {
  const m = 16777216; // 2^24
  const v = 3.949659822581572e-3;
  let de = ZIG_R;
  let te = de;
  const q = v / Math.exp(-de);
  ZIG_K[0] = Math.floor((de / q) * m);
  ZIG_K[1] = 0;
  ZIG_W[0] = q / m;
  ZIG_W[255] = de / m;
  ZIG_F[0] = 1;
  ZIG_F[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(v / de + Math.exp(-de));
    ZIG_K[i + 1] = Math.floor((de / te) * m);
    te = de;
    ZIG_F[i] = Math.exp(-de);
    ZIG_W[i] = de / m;
  }
})();

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

const NORMAL_CELLS = 4096;
/** Quantiles of the standard normal at k / 4096 (ends clamped at probability 1e-6). */
const NORMAL_QUANTILES: Float64Array = (() => {
  const t = new Float64Array(NORMAL_CELLS + 1);
  for (let k = 0; k <= NORMAL_CELLS; k++) t[k] = normalQuantile(Math.min(1 - 1e-6, Math.max(1e-6, k / NORMAL_CELLS)));
  return t;
})();
/** Largest |deviate| normalFrom16 can return. */
export const NORMAL_MAX_ABS = NORMAL_QUANTILES[NORMAL_CELLS]!;

const EXP_CELLS = 4096;
/** Quantiles of the unit exponential at k / 4096 (last clamped at probability 1 - 1e-6). */
const EXP_QUANTILES: Float64Array = Float64Array.from({ length: EXP_CELLS + 1 }, (_, k) => -Math.log(1 - Math.min(1 - 1e-6, k / EXP_CELLS)));

/** Exponential deviate (mean 1, support 0..13.8) from 16 random bits: two per 32-bit draw. */
export function exponentialFrom16(bits: number): number {
  const k = bits >>> 4;
  const a = EXP_QUANTILES[k]!;
  return a + (EXP_QUANTILES[k + 1]! - a) * ((bits & 15) + 0.5) * 0.0625;
}

/** Standard normal deviate from 16 random bits (0..65535). */
export function normalFrom16(bits: number): number {
  const k = bits >>> 4;
  const a = NORMAL_QUANTILES[k]!;
  return a + (NORMAL_QUANTILES[k + 1]! - a) * ((bits & 15) + 0.5) * 0.0625;
}

/**
 * Inverse-CDF sampler for a fixed distribution given by its density on a grid: 4096 quantiles,
 * one 32-bit draw per sample (12 bits pick the cell, the rest interpolate inside it).
 */
export class QuantileTable {
  private readonly q: Float64Array;
  constructor(density: (x: number) => number, xMin: number, xMax: number, gridPoints = 20000) {
    const n = gridPoints;
    const dx = (xMax - xMin) / n;
    const cdf = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) cdf[i + 1] = cdf[i]! + Math.max(0, density(xMin + (i + 0.5) * dx)) * dx;
    const total = cdf[n]!;
    this.q = new Float64Array(QuantileTable.SIZE + 1);
    let j = 0;
    for (let k = 0; k <= QuantileTable.SIZE; k++) {
      const target = (k / QuantileTable.SIZE) * total;
      while (j < n - 1 && cdf[j + 1]! < target) j++;
      const seg = cdf[j + 1]! - cdf[j]!;
      const f = seg > 0 ? (target - cdf[j]!) / seg : 0;
      this.q[k] = xMin + (j + Math.min(1, Math.max(0, f))) * dx;
    }
  }
  static readonly SIZE = 4096;
  /** Coarse sample from 10 random bits (cell midpoints of a 1024-cell grid). */
  at10(bits: number): number {
    const k = bits << 2;
    return 0.5 * (this.q[k]! + this.q[k + 4]!);
  }
  sample(rng: Xoshiro128): number {
    const u = rng.nextU32();
    const k = u >>> 20;
    const f = (u & 0xfffff) * 9.5367431640625e-7;
    const q = this.q;
    return q[k]! + (q[k + 1]! - q[k]!) * f;
  }
}
