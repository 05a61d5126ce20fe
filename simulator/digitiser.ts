// The sampling ADC of a digitiser board: for one trigger, the readout window of every enabled
// channel: per-sample pedestal (odd and even samples of the window differ, as in the interleaved
// MSADC), Gaussian noise, the pulses of every particle whose signal overlaps the window (in-time
// and pile-up, each with its own time jitter), the LED pulse on calibration triggers, rounding to
// integer counts and saturation at 2^bits - 1; then the hardware zero suppression.
//
// Noise comes from a buffer of 2^16 normal deviates (256 KB, stays in the L2 cache) drawn once
// from the seed, read at a random offset per channel and window: one random draw per channel
// instead of one per sample, the way FPGA noise generators do it. Two channels of an event share
// noise samples only when their offsets fall within a window length of each other (probability
// 1e-3 per pair, and then at a random lag), a channel-to-channel correlation below 1e-3.
//
// With zero suppression on, a channel is skipped without computing it when its pedestal, the
// largest noise value of its noise window and an upper bound of its pulses cannot reach the
// threshold: the result is exactly the same as computing it.
import { Reg } from "../protocol/generated/registers";
import { CtrlBit } from "../protocol/schema/enums";
import { MAX_WINDOW_SAMPLES } from "../protocol/schema/limits";
import { z } from "zod";
import { DETECTORS, type Detector } from "../boards/setup";
import { SimOptionError } from "./errors";
import { firstIssue } from "./validate";
import type { BoardLayout, DetectorLayout } from "./detector";
import { makeShape, type PulseShape, type ShapeSpec } from "./pulse-shapes";
import type { RegisterFile } from "./registers";
import type { Deposits } from "./response";
import { Xoshiro128 } from "./rng";

export interface DigitiserParams {
  /** ADC resolution; samples saturate at 2^bits - 1 (MSADC: 12 bits, 4095; facts §2.1 [V] S15). */
  adcBits: number;
  /** Bits of the trigger's analog-sum ADC (sums saturate at 2^bits - 1). [I] */
  sumAdcBits: number;
  /** Power-on WINDOW_SAMPLES of the digitiser boards (32 x 12.86 ns, facts §2.1). */
  windowSamples: number;
  /** Multiplies every channel's calibrated noise. */
  noiseScale: number;
  /** Multiplies every channel's calibrated time spread (per-hit jitter sigma). */
  jitterScale: number;
  /** Pulse shape per detector. */
  shapes: Record<Detector, ShapeSpec>;
  /** LED pulser shape and height on calibration triggers (calorimeter boards). [I] */
  ledShape: ShapeSpec;
  ledAmplitudeAdc: number;
  /**
   * Shape of the trigger's analog sums (preshower, ECAL). The trigger works on the fast PMT
   * signals before the digitisers' shapers, so by default a short CR-RC^2 (FWHM about 35 ns):
   * only particles within a few tens of ns pile up in the sums. [I]
   */
  sumShape: ShapeSpec;
}

const COMPASS: ShapeSpec = { kind: "compass-ecal" };
/** Fast counter PMTs: a short CR-RC^2 (peak 16 ns after the start). [I] */
const COUNTER: ShapeSpec = { kind: "crrc", order: 2, tauNs: 8 };

export const DEFAULT_DIGITISER: DigitiserParams = {
  adcBits: 12,
  sumAdcBits: 12,
  windowSamples: 32,
  noiseScale: 1,
  jitterScale: 1,
  shapes: { S0: COUNTER, S1: COUNTER, S2: COUNTER, V0: COUNTER, V1: COUNTER, SRD: COMPASS, ECAL: COMPASS, VETO: COMPASS, HCAL: COMPASS },
  // COMPASS ECAL2 LED pulse: front about 9 samples (S15); CR-RC^4 peaks at 4 tau.
  ledShape: { kind: "crrc", order: 4, tauNs: (9 * 12.86) / 4 },
  ledAmplitudeAdc: 1000,
  sumShape: { kind: "crrc", order: 2, tauNs: 10 },
};

const ShapeSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("compass-ecal") }),
  z.strictObject({ kind: z.literal("crrc"), order: z.number().int().min(1).max(8), tauNs: z.number().positive().lt(1000) }),
]);
const DigitiserSchema = z.strictObject({
  adcBits: z.number().int().min(8).max(16),
  sumAdcBits: z.number().int().min(8).max(16),
  windowSamples: z.number().int().min(1).max(MAX_WINDOW_SAMPLES),
  noiseScale: z.number().min(0).max(1e3),
  jitterScale: z.number().min(0).max(1e3),
  shapes: z.strictObject(Object.fromEntries(DETECTORS.map((d) => [d, ShapeSchema])) as Record<Detector, typeof ShapeSchema>),
  ledShape: ShapeSchema,
  ledAmplitudeAdc: z.number().min(0).max(1e5),
  sumShape: ShapeSchema,
});

/** Defaults with overrides applied (shapes per detector), validated: SimOptionError names digitiser.<path>. */
export function resolveDigitiser(o: Partial<DigitiserParams> = {}): DigitiserParams {
  if (typeof o !== "object" || o === null) throw new SimOptionError("digitiser", o, "must be an object");
  const merged = { ...DEFAULT_DIGITISER, ...o, shapes: { ...DEFAULT_DIGITISER.shapes, ...(o.shapes ?? {}) } };
  const r = DigitiserSchema.safeParse(merged);
  if (!r.success) {
    const { path, value, message } = firstIssue(r.error, merged);
    throw new SimOptionError(`digitiser.${path}`, value, message);
  }
  return r.data as DigitiserParams;
}

const NOISE_LOG2 = 16;
const NOISE_MASK = (1 << NOISE_LOG2) - 1;
/**
 * Pulses whose largest value inside the window is below this (ADC counts) are not added: a
 * fifteenth of the smallest channel noise, it shifts no sample by more than 0.1 count.
 */
const MIN_PULSE_ADC = 0.1;

/**
 * Samples k = first, first + 2, ... < W of one channel (one parity, one pedestal): pedestal +
 * noise + signal (row < 0: no signal), rounded and clipped to 0..maxAdc, into buf[o + k].
 * Returns the largest value written.
 */
function digitise(buf: Uint16Array, o: number, first: number, W: number, ped: number, sigma: number, noise: Float32Array, off: number, sig: Float64Array, row: number, maxAdc: number): number {
  let max = 0;
  for (let k = first; k < W; k += 2) {
    let v = ped + sigma * noise[off + k]!;
    if (row >= 0) v += sig[row + k]!;
    const q = v <= 0 ? 0 : v >= maxAdc ? maxAdc : (v + 0.5) | 0;
    buf[o + k] = q;
    if (q > max) max = q;
  }
  return max;
}

/** Particles whose pulses may fall into the readout window of one trigger. */
export interface WindowHits {
  n: number;
  tNs: Float64Array;
  deposits: Deposits[];
}

/**
 * One board's readout of one trigger. `n` channels `chanBuf[i]` with W samples each at
 * sampleBuf[i * W ..] (channel-major); passed[i] = 1 when channel i passes the hardware zero
 * suppression (always 1 with it off). Without `full`, only those are read out; `channels` and
 * `samples` then hold the same as plain arrays (the raw EVENT record).
 */
export interface Readout {
  channels: number[];
  samples: number[];
  n: number;
  W: number;
  chanBuf: Uint8Array;
  sampleBuf: Uint16Array;
  passed: Uint8Array;
}

/** A digitiser board as the readout sees it. */
export interface DigitiserBoard {
  readonly layout: BoardLayout;
  readonly regs: RegisterFile;
  readonly out: Readout;
  /**
   * Read out every enabled channel for this trigger, zero suppression or not (a waveform event of
   * the feature readout); `passed` still tells which channels pass it. The plain arrays stay empty.
   */
  fullReadout: boolean;
}

/** An empty readout of a board of `nch` channels. */
export function emptyReadout(nch: number): Readout {
  return { channels: [], samples: [], n: 0, W: 0, chanBuf: new Uint8Array(nch), sampleBuf: new Uint16Array(nch * MAX_WINDOW_SAMPLES), passed: new Uint8Array(nch) };
}

/** Per-board work space of one trigger's readout. */
class BoardScratch {
  readonly nch: number;
  readonly need: Uint8Array;
  readonly bound: Float64Array;
  /** Noise-buffer offset of each channel for the current trigger. */
  readonly noiseOff: Int32Array;
  // Derived from the registers (valid for regsVersion): enabled flag and, per channel,
  // CH_THRESHOLD_ADC + CH_PEDESTAL_ADC - max(odd, even pedestal) - 0.5, the excursion above the
  // pedestal (noise + signal) a channel needs to pass zero suppression.
  regsVersion = -1;
  readonly enabled: Uint8Array;
  readonly zsExcursion: Float64Array;
  /** CH_THRESHOLD_ADC + CH_PEDESTAL_ADC: the smallest max(sample) that passes. */
  readonly zsLevel: Float64Array;
  // Pulses landing on the board: channel position, element, amplitude, peak time, and the next
  // pulse of the same channel (-1 ends the list that starts at head[channel position]).
  np = 0;
  pulseP = new Int32Array(256);
  pulseE = new Int32Array(256);
  pulseAmp = new Float64Array(256);
  pulsePeakNs = new Float64Array(256);
  pulseNext = new Int32Array(256);
  readonly head: Int32Array;
  /** Signal of the channel being digitised. */
  readonly row = new Float64Array(MAX_WINDOW_SAMPLES);
  // Window of the current trigger.
  active = false;
  W = 0;
  startNs = 0;
  endNs = 0;

  constructor(readonly board: BoardLayout) {
    const n = board.channels.length;
    this.nch = n;
    this.head = new Int32Array(n);
    this.need = new Uint8Array(n);
    this.bound = new Float64Array(n);
    this.noiseOff = new Int32Array(n);
    this.enabled = new Uint8Array(n);
    this.zsExcursion = new Float64Array(n);
    this.zsLevel = new Float64Array(n);
  }

  addPulse(p: number, e: number, amp: number, peakNs: number): void {
    if (this.np === this.pulseP.length) {
      const n = this.np * 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => {
        b.set(a);
        return b;
      };
      this.pulseP = grow(this.pulseP, new Int32Array(n));
      this.pulseE = grow(this.pulseE, new Int32Array(n));
      this.pulseAmp = grow(this.pulseAmp, new Float64Array(n));
      this.pulsePeakNs = grow(this.pulsePeakNs, new Float64Array(n));
      this.pulseNext = grow(this.pulseNext, new Int32Array(n));
    }
    const i = this.np++;
    this.pulseNext[i] = this.head[p]!;
    this.head[p] = i;
    this.pulseP[i] = p;
    this.pulseE[i] = e;
    this.pulseAmp[i] = amp;
    this.pulsePeakNs[i] = peakNs;
  }
}

export class Digitiser {
  readonly maxAdc: number;
  readonly shapes: PulseShape[];
  readonly ledShape: PulseShape;
  private readonly noise: Float32Array;
  private readonly gain: Float64Array;
  private readonly pedOdd: Float64Array;
  private readonly pedEven: Float64Array;
  private readonly sigma: Float64Array;
  private readonly tExpectedNs: Float64Array;
  private readonly jitterNs: Float64Array;
  /** Work space per layout board (null for the trigger board, which has no ADC readout). */
  private readonly scratch: (BoardScratch | null)[];
  /** Element -> digitiser boards reading it: routeStart[e]..routeStart[e+1] index routeBoard/routePos. */
  private readonly routeStart: Int32Array;
  private readonly routeBoard: Int32Array;
  private readonly routePos: Int32Array;
  /** Per element, the deposit that makes a MIN_PULSE_ADC pulse: smaller ones are never added. */
  readonly minDepositGeV: Float64Array;
  private readonly clockNs: number;
  private readonly windowMax = new Map<number, Float32Array>();

  constructor(
    private readonly layout: DetectorLayout,
    readonly params: DigitiserParams,
    seed: number,
    noiseStream: number,
  ) {
    this.clockNs = layout.clockNs;
    this.maxAdc = 2 ** params.adcBits - 1;
    const byShape = new Map<string, PulseShape>();
    const shapeOf = (spec: ShapeSpec): PulseShape => {
      const key = JSON.stringify(spec);
      let s = byShape.get(key);
      if (!s) byShape.set(key, (s = makeShape(spec, layout.clockNs)));
      return s;
    };
    const els = layout.elements;
    this.shapes = els.map((e) => shapeOf(params.shapes[e.det]));
    this.ledShape = shapeOf(params.ledShape);
    this.gain = Float64Array.from(els, (e) => e.cal.gainAdcPerGeV);
    this.pedOdd = Float64Array.from(els, (e) => e.cal.pedestalOddAdc);
    this.pedEven = Float64Array.from(els, (e) => e.cal.pedestalEvenAdc);
    this.sigma = Float64Array.from(els, (e) => e.cal.noiseAdc * params.noiseScale);
    this.tExpectedNs = Float64Array.from(els, (e) => e.cal.tExpectedNs);
    this.jitterNs = Float64Array.from(els, (e) => e.cal.tSigmaNs * params.jitterScale);
    this.minDepositGeV = Float64Array.from(els, (e) => MIN_PULSE_ADC / e.cal.gainAdcPerGeV);
    this.scratch = layout.boards.map((b) => (b.role === "trigger" ? null : new BoardScratch(b)));
    const routes: [number, number][][] = els.map(() => []);
    layout.boards.forEach((b, bi) => {
      if (b.role !== "trigger") b.elements.forEach((e, pos) => routes[e]!.push([bi, pos]));
    });
    this.routeStart = new Int32Array(els.length + 1);
    const flat = routes.flat();
    this.routeBoard = Int32Array.from(flat, (r) => r[0]);
    this.routePos = Int32Array.from(flat, (r) => r[1]);
    for (let e = 0; e < els.length; e++) this.routeStart[e + 1] = this.routeStart[e]! + routes[e]!.length;

    const rng = new Xoshiro128(seed, noiseStream);
    this.noise = new Float32Array((1 << NOISE_LOG2) + MAX_WINDOW_SAMPLES);
    for (let i = 0; i < this.noise.length; i++) this.noise[i] = rng.normal();
  }

  /**
   * For a window of W samples: the largest noise value in noise[off .. off + W - 1] for every
   * offset (van Herk / Gil-Werman running maximum, computed once per window length).
   */
  private noiseWindowMax(W: number): Float32Array {
    let m = this.windowMax.get(W);
    if (m) return m;
    const x = this.noise;
    const n = 1 << NOISE_LOG2;
    const pre = new Float32Array(x.length);
    const suf = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) pre[i] = i % W === 0 ? x[i]! : Math.max(pre[i - 1]!, x[i]!);
    for (let i = x.length - 1; i >= 0; i--) suf[i] = i % W === W - 1 || i === x.length - 1 ? x[i]! : Math.max(suf[i + 1]!, x[i]!);
    m = new Float32Array(n);
    for (let i = 0; i < n; i++) m[i] = Math.max(suf[i]!, pre[i + W - 1]!);
    this.windowMax.set(W, m);
    return m;
  }

  /** Latest time after a pulse's peak that it still matters, over all elements (ns). */
  get maxTailNs(): number {
    return Math.max(...this.shapes.map((s) => s.tailNs), this.ledShape.tailNs);
  }
  get maxRiseNs(): number {
    return Math.max(...this.shapes.map((s) => s.riseNs), this.ledShape.riseNs);
  }
  get minExpectedNs(): number {
    return Math.min(...this.tExpectedNs);
  }
  get maxExpectedNs(): number {
    return Math.max(0, ...this.tExpectedNs);
  }
  get maxJitterNs(): number {
    return Math.max(0, ...this.jitterNs);
  }

  /**
   * Read out every board in `boards` (running digitisers, layout order) for a trigger at
   * `triggerNs` (timestamp tick `tick`). Each board's `out` gets the channels that pass its zero
   * suppression (all enabled channels when it is off), channel-major.
   */
  readout(boards: readonly DigitiserBoard[], tick: number, triggerNs: number, hits: WindowHits, led: boolean, rng: Xoshiro128): void {
    const clock = this.clockNs;
    const scratch = this.scratch;
    for (const s of scratch) if (s) s.active = false;
    for (const b of boards) {
      const s = scratch[this.layout.boards.indexOf(b.layout)]!;
      const W = b.regs.get(Reg.WINDOW_SAMPLES);
      s.active = true;
      s.W = W;
      s.startNs = (tick - b.regs.get(Reg.PRETRIGGER_SAMPLES)) * clock;
      s.endNs = s.startNs + (W - 1) * clock;
      s.np = 0;
      s.head.fill(-1);
      s.bound.fill(0);
    }

    // Pass 1: route every deposit to the boards that read its element, as a pulse (jitter drawn
    // here), and bound each channel's signal by the largest value its pulses take in the window.
    const rs = this.routeStart;
    for (let h = 0; h < hits.n; h++) {
      const d = hits.deposits[h]!;
      const t = hits.tNs[h]!;
      for (let k = 0; k < d.n; k++) {
        const e = d.element[k]!;
        for (let r = rs[e]!; r < rs[e + 1]!; r++) {
          const s = scratch[this.routeBoard[r]!]!;
          if (!s.active) continue;
          const amp = d.geV[k]! * this.gain[e]!;
          if (amp < MIN_PULSE_ADC) continue;
          const peakNs = t + this.tExpectedNs[e]! + this.jitterNs[e]! * rng.normal();
          // Largest value inside the window: 1 if the pulse peaks there, else its value at the
          // window edge nearest to the peak (the shapes rise and fall monotonically).
          const top = amp * (peakNs < s.startNs ? this.shapes[e]!.value(s.startNs - peakNs) : peakNs > s.endNs ? this.shapes[e]!.value(s.endNs - peakNs) : 1);
          if (top < MIN_PULSE_ADC) continue;
          const p = this.routePos[r]!;
          s.addPulse(p, e, amp, peakNs);
          s.bound[p] += top;
        }
      }
    }
    for (const b of boards) this.readBoard(b, scratch[this.layout.boards.indexOf(b.layout)]!, triggerNs, led, rng);
  }

  private deriveRegisters(s: BoardScratch, regs: RegisterFile): void {
    const board = s.board;
    for (let p = 0; p < s.nch; p++) {
      const ch = board.channels[p]!;
      const e = board.elements[p]!;
      s.enabled[p] = regs.channelEnabled(ch) ? 1 : 0;
      s.zsLevel[p] = regs.threshold(ch) + regs.pedestal(ch);
      s.zsExcursion[p] = s.zsLevel[p]! - Math.max(this.pedEven[e]!, this.pedOdd[e]!) - 0.5;
    }
    s.regsVersion = regs.version;
  }

  private readBoard(b: DigitiserBoard, s: BoardScratch, triggerNs: number, led: boolean, rng: Xoshiro128): void {
    const regs = b.regs;
    const board = b.layout;
    const nch = s.nch;
    const W = s.W;
    const clock = this.clockNs;
    const startNs = s.startNs;
    const bound = s.bound;
    const need = s.need;
    const zs = regs.ctrl(CtrlBit.ZERO_SUPPRESSION);
    const ledAmp = led && board.role === "calorimeter" ? this.params.ledAmplitudeAdc : 0;

    // Pass 2: which channels must be computed. Each enabled channel draws its noise offset; with
    // zero suppression, a channel whose pedestal plus the largest noise value of its noise window
    // plus its signal bound cannot reach the threshold is left out: exactly what computing it
    // would give.
    const offs = s.noiseOff;
    const full = b.fullReadout;
    const wmax = zs && !full ? this.noiseWindowMax(W) : null;
    if (s.regsVersion !== regs.version) this.deriveRegisters(s, regs);
    const enabled = s.enabled;
    const excursion = s.zsExcursion;
    for (let p = 0; p < nch; p++) {
      let n = enabled[p] === 1;
      if (n) {
        const off = rng.nextU32() & NOISE_MASK;
        offs[p] = off;
        if (wmax) n = this.sigma[board.elements[p]!]! * wmax[off]! + bound[p]! + ledAmp >= excursion[p]!;
      }
      need[p] = n ? 1 : 0;
    }

    // Pass 3: digitise the channels computed: their pulses (and the LED pulse) into one row,
    // then pedestal + noise + signal, rounded and clipped, into a typed scratch buffer; zero
    // suppression. The record's arrays are filled once, at their final size.
    const maxAdc = this.maxAdc;
    const noise = this.noise;
    const out = b.out;
    const buf = out.sampleBuf;
    const chans = out.chanBuf;
    const passed = out.passed;
    const row = s.row;
    const head = s.head;
    let nOut = 0;
    let o = 0;
    for (let p = 0; p < nch; p++) {
      if (!need[p]) continue;
      const ch = board.channels[p]!;
      const e = board.elements[p]!;
      let sigRow = -1;
      if (head[p]! >= 0 || ledAmp > 0) {
        row.fill(0, 0, W);
        sigRow = 0;
        for (let i = head[p]!; i >= 0; i = s.pulseNext[i]!) this.shapes[s.pulseE[i]!]!.sampleInto(row, 0, W, startNs - s.pulsePeakNs[i]!, clock, s.pulseAmp[i]!);
        if (ledAmp > 0) this.ledShape.sampleInto(row, 0, W, startNs - (triggerNs + this.tExpectedNs[e]!), clock, ledAmp);
      }
      const sigma = this.sigma[e]!;
      const off = offs[p]!;
      const max = Math.max(digitise(buf, o, 0, W, this.pedEven[e]!, sigma, noise, off, row, sigRow, maxAdc), digitise(buf, o, 1, W, this.pedOdd[e]!, sigma, noise, off, row, sigRow, maxAdc));
      const pass = !zs || max >= s.zsLevel[p]!;
      if (!pass && !full) continue;
      passed[nOut] = pass ? 1 : 0;
      chans[nOut++] = ch;
      o += W;
    }
    out.n = nOut;
    out.W = W;
    const channels = out.channels;
    const samples = out.samples;
    if (full) {
      channels.length = 0;
      samples.length = 0;
      return;
    }
    channels.length = nOut;
    samples.length = o;
    for (let i = 0; i < nOut; i++) channels[i] = chans[i]!;
    for (let i = 0; i < o; i++) samples[i] = buf[i]!;
  }
}
