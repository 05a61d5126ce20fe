// Front-end FIFO records for firmware tests, built the way the front end would: readout windows
// of 12-bit samples with odd/even pedestals, noise, and pulses of the COMPASS ECAL shape
// (reference: na64-facts.md 2.1, samples 10..27 of the MSADC table, peak at 1.0), clipped at 4095.
// Records are packed into INJECT payloads no larger than the board announced.
import { encodeFifoRecord } from "../protocol/fifo-records";
import type { FifoEventRec, FifoSpillEndRec, FifoTriggerRec } from "../protocol/schema/fifo";

/** Pulse shape around its peak (offset 0 = 1.0), one value per 12.86 ns sample. */
const SHAPE = [0, 0.0006, 0.039, 0.2695, 0.654, 0.922, 1.0, 0.943, 0.8353, 0.717, 0.6153, 0.525, 0.4456, 0.3805, 0.3278, 0.2805, 0.2425, 0.21];
const PEAK_INDEX = 6;

/** Shape at `x` samples from the peak (linear between table points; a slow tail to 0.02 after it). */
export function pulseShape(x: number): number {
  const i = x + PEAK_INDEX;
  if (i <= 0) return 0;
  const at = (k: number) => (k < SHAPE.length ? SHAPE[k]! : Math.max(0.02, 0.21 - ((k - SHAPE.length + 1) * 0.19) / 22));
  const k = Math.floor(i);
  const f = i - k;
  return at(k) * (1 - f) + at(k + 1) * f;
}

/** Seeded xorshift32 with a Gaussian from 12 uniforms: the same noise on every run. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  uniform(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    this.s = s >>> 0;
    return this.s / 4294967296;
  }
  gauss(): number {
    let t = 0;
    for (let i = 0; i < 12; i++) t += this.uniform();
    return t - 6;
  }
}

export interface Pulse {
  amplitudeAdc: number;
  /** Peak position in samples from the window start (fractional). */
  peakSample: number;
}

export interface ChannelWave {
  ch: number;
  pulses: Pulse[];
}

/** One channel's window: pedestals (even, odd samples), noise, pulses, 12-bit clipping. */
export function window(samples: number, pulses: Pulse[], rng: Rng, pedEvenAdc = 200, pedOddAdc = 203, noiseAdc = 1.5): number[] {
  const out: number[] = [];
  for (let s = 0; s < samples; s++) {
    let v = s % 2 === 0 ? pedEvenAdc : pedOddAdc;
    for (const p of pulses) v += p.amplitudeAdc * pulseShape(s - p.peakSample);
    v += noiseAdc * rng.gauss();
    out.push(Math.max(0, Math.min(4095, Math.round(v))));
  }
  return out;
}

/** A FIFO EVENT record for `channels` (channel-major samples). */
export function eventRecord(triggerNumber: number, windowSamples: number, channels: ChannelWave[], rng: Rng, triggerType = 1): FifoEventRec {
  const samples: number[] = [];
  for (const c of channels) samples.push(...window(windowSamples, c.pulses, rng));
  return {
    triggerNumber,
    timestampTicks: triggerNumber * 1000 + 17,
    triggerType,
    windowSamples,
    channels: channels.map((c) => c.ch),
    samples,
  };
}

export function spillEndRecord(spillNumber: number, over: Partial<FifoSpillEndRec> = {}): FifoSpillEndRec {
  return {
    spillNumber,
    spillTicks: 373_250_000,
    deadTicks: 1_866_250,
    busyTicks: 0,
    beamCoincidences: 0,
    rawTriggers: [0, 0, 0, 0],
    acceptedTriggers: [0, 0, 0, 0],
    inhibitedBusy: 0,
    inhibitedDead: 0,
    recordsWritten: 0,
    fifoMaxDepth: 0,
    ...over,
  };
}

export type AnyRecord =
  | { name: "SPILL_BEGIN"; body: { spillNumber: number } }
  | { name: "EVENT"; body: FifoEventRec }
  | { name: "TRIGGER"; body: FifoTriggerRec }
  | { name: "SPILL_END"; body: FifoSpillEndRec };

export function recordBytes(r: AnyRecord): Buffer {
  return encodeFifoRecord(r.name, r.body as never);
}

/** Pack records into INJECT payloads of at most `maxRecordBytes` bytes each (whole records only). */
export function packInject(records: AnyRecord[], maxRecordBytes = 8174): Uint8Array[] {
  const out: Uint8Array[] = [];
  let cur: Buffer[] = [];
  let n = 0;
  for (const r of records) {
    const b = recordBytes(r);
    if (b.length > maxRecordBytes) throw new RangeError(`a ${r.name} record of ${b.length} bytes does not fit an INJECT of ${maxRecordBytes}`);
    if (n + b.length > maxRecordBytes) {
      out.push(Buffer.concat(cur));
      cur = [];
      n = 0;
    }
    cur.push(b);
    n += b.length;
  }
  if (cur.length) out.push(Buffer.concat(cur));
  return out;
}
