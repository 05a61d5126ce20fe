// Front-end FIFO records for firmware tests, built the way the front end would: readout windows
// of 12-bit samples with odd/even pedestals, noise, and pulses of the COMPASS ECAL shape
// (reference: na64-facts.md 2.1, samples 10..27 of the MSADC table, peak at 1.0), clipped at 4095.
// Records are packed into INJECT payloads no larger than the board announced.
import { encodeFifoRecord } from "../protocol/fifo-records";
import type { FifoEventRec, FifoFeaturesRec, FifoSpillEndRec, FifoTriggerRec } from "../protocol/schema/fifo";
import { EventFlag } from "../protocol/schema/enums";
import { MAX_RECORD_SAMPLES } from "../protocol/schema/limits";
import { FeatureExtractor, FeatureHits, energyKeV, type FeatureRegs } from "../simulator/features";

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
    channelHits: [],
    ...over,
  };
}

/** Register writes in order (a board's list: src/config/registers.ts frontEndRegisters). */
export interface RegisterWrites {
  readonly addrs: readonly number[];
  readonly values: readonly number[];
}

/** A register file holding `list` applied in order (everything else 0). */
export function registerFile(list: RegisterWrites): FeatureRegs {
  const regs = new Map<number, number>();
  for (let i = 0; i < list.addrs.length; i++) regs.set(list.addrs[i]!, list.values[i]!);
  return { get: (a) => regs.get(a) ?? 0, version: 1 };
}

/**
 * The FIFO FEATURES record the front end (simulator/features.ts) writes for the readout window of
 * `e`, programmed with `registers` (what a board writes for its CONFIG); `waveform` sets
 * EventFlag.WAVEFORM.
 */
export function featuresRecord(registers: RegisterWrites, e: FifoEventRec, waveform = false): FifoFeaturesRec {
  const h = new FeatureHits();
  new FeatureExtractor().extract(registerFile(registers), e.channels, e.channels.length, e.samples, e.windowSamples, h);
  const n = h.n;
  return {
    triggerNumber: e.triggerNumber,
    timestampTicks: e.timestampTicks,
    triggerType: e.triggerType,
    eventFlags: h.eventFlags | (waveform ? EventFlag.WAVEFORM : 0),
    energySumKeV: energyKeV(h.energyEv),
    vetoHits: h.vetoHits,
    counterHits: h.counterHits,
    hits: { n, channel: [...h.channel.subarray(0, n)], amplitudeAdc: [...h.amplitudeAdc.subarray(0, n)], timeQ8: [...h.timeQ8.subarray(0, n)], flags: [...h.flags.subarray(0, n)] },
  };
}

/**
 * What the front end writes for each readout window of `events`, programmed with `registers`: on a
 * waveform event (`waveform(e)`) the EVENT records of its samples, then its FEATURES record.
 */
export function frontEndRecords(registers: RegisterWrites, events: readonly FifoEventRec[], waveform: (e: FifoEventRec) => boolean = () => false): AnyRecord[] {
  const out: AnyRecord[] = [];
  for (const e of events) {
    const w = waveform(e);
    if (w) out.push(...waveformRecords(e));
    out.push({ name: "FEATURES", body: featuresRecord(registers, e, w) });
  }
  return out;
}

/** The EVENT records of a waveform as the front end splits it: whole channels, at most MAX_RECORD_SAMPLES samples each. */
export function waveformRecords(e: FifoEventRec): AnyRecord[] {
  const W = e.windowSamples;
  const per = Math.max(1, Math.floor(MAX_RECORD_SAMPLES / W));
  const out: AnyRecord[] = [];
  let c0 = 0;
  do {
    const c1 = Math.min(e.channels.length, c0 + per);
    out.push({ name: "EVENT", body: { ...e, channels: e.channels.slice(c0, c1), samples: e.samples.slice(c0 * W, c1 * W) } });
    c0 = c1;
  } while (c0 < e.channels.length);
  return out;
}

/** Hits per channel number 0..n-1 of FEATURES records (the front end's SPILL_END.channelHits). */
export function channelHitsOf(records: readonly AnyRecord[], n: number): number[] {
  const hits = new Array<number>(n).fill(0);
  for (const r of records) if (r.name === "FEATURES") for (const c of r.body.hits.channel) hits[c]!++;
  return hits;
}

export type AnyRecord =
  | { name: "SPILL_BEGIN"; body: { spillNumber: number } }
  | { name: "EVENT"; body: FifoEventRec }
  | { name: "TRIGGER"; body: FifoTriggerRec }
  | { name: "SPILL_END"; body: FifoSpillEndRec }
  | { name: "FEATURES"; body: FifoFeaturesRec };

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
