// The sampling ADC: pulse shapes (COMPASS template and CR-RC^n peak where they should), odd/even
// pedestals recovered from the pre-samples, saturation at 4095, overlapping pulses adding sample by
// sample, time jitter of the calibrated spread, and hardware zero suppression that keeps exactly
// the channels whose max(sample) - CH_PEDESTAL_ADC reaches CH_THRESHOLD_ADC.
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { CtrlBit } from "../../protocol/schema/enums";
import { DetectorLayout } from "../../simulator/detector";
import { DEFAULT_DIGITISER, Digitiser, emptyReadout, type DigitiserParams, type Readout, type WindowHits } from "../../simulator/digitiser";
import { compassEcalSamples, makeShape, COMPASS_ECAL_SAMPLES_10_TO_27 } from "../../simulator/pulse-shapes";
import { RegisterFile } from "../../simulator/registers";
import { Deposits } from "../../simulator/response";
import { Xoshiro128 } from "../../simulator/rng";
import { SETUP, stats } from "./support";

const CLOCK = SETUP.clockNs;
const layout = new DetectorLayout(SETUP);
const main = layout.boards.find((b) => b.name === "ecal-main")!;
const veto = layout.boards.find((b) => b.name === "veto")!;

function rig(params: Partial<DigitiserParams> = {}, board = main) {
  const dig = new Digitiser(layout, { ...DEFAULT_DIGITISER, ...params }, 42, 5);
  const regs = new RegisterFile(board, dig.maxAdc, 32);
  const out: Readout = emptyReadout(board.channels.length);
  const rng = new Xoshiro128(1, 2);
  const read = (hits: WindowHits, tick = 1000, triggerNs = tick * CLOCK) => {
    dig.readout([{ layout: board, regs, out, fullReadout: false }], tick, triggerNs, hits, false, rng);
    return { channels: [...out.channels], samples: [...out.samples] };
  };
  return { dig, regs, read, board };
}

/** Particles at times t, each depositing `geV` in each listed element. */
function hits(...particles: [t: number, deposits: [string, number][]][]): WindowHits {
  const out: WindowHits = { n: particles.length, tNs: Float64Array.from(particles, (p) => p[0]), deposits: [] };
  for (const [, deposits] of particles) {
    const d = new Deposits(layout.size);
    for (const [name, e] of deposits) d.add(layout.byName.get(name)!, e);
    out.deposits.push(d);
  }
  return out;
}

/** One particle at time t depositing `geV` in each listed element. */
function hit(t: number, deposits: [string, number][]): WindowHits {
  return hits([t, deposits]);
}
const NO_HITS: WindowHits = { n: 0, tNs: new Float64Array(0), deposits: [] };

describe("pulse shapes", () => {
  it("the COMPASS template peaks at 1 at its sample 16 and keeps the measured values", () => {
    const s = compassEcalSamples();
    expect(s.slice(10, 28)).toEqual(COMPASS_ECAL_SAMPLES_10_TO_27);
    expect(s.indexOf(1)).toBe(16);
    const shape = makeShape({ kind: "compass-ecal" }, CLOCK);
    expect(shape.value(0)).toBeCloseTo(1, 2);
    // The interpolated shape goes through the table: sample 16 + k sits at k clock periods after the peak.
    for (let k = -5; k <= 11; k++) expect(shape.value(k * CLOCK)).toBeCloseTo(s[16 + k]!, 2);
    expect(shape.value(-7 * CLOCK)).toBe(0);
  });

  it("sampling a pulse at the clock gives the shape's value at every sample", () => {
    for (const spec of [{ kind: "compass-ecal" } as const, { kind: "crrc", order: 2, tauNs: 8 } as const]) {
      const shape = makeShape(spec, CLOCK);
      const rng = new Xoshiro128(3);
      for (let trial = 0; trial < 300; trial++) {
        const first = -1500 + 2500 * rng.uniform();
        const out = new Float64Array(40);
        shape.sampleInto(out, 4, 32, first, CLOCK, 3.5);
        for (let k = 0; k < 32; k++) expect(out[4 + k]).toBeCloseTo(3.5 * shape.value(first + k * CLOCK), 10);
        expect(out[0]! + out[36]!).toBe(0);
        // Another period takes the general path.
        const other = new Float64Array(32);
        shape.sampleInto(other, 0, 32, first, 10, 1);
        for (let k = 0; k < 32; k++) expect(other[k]).toBeCloseTo(shape.value(first + k * 10), 10);
      }
    }
  });

  it("CR-RC^n peaks at n tau with value 1", () => {
    const shape = makeShape({ kind: "crrc", order: 3, tauNs: 10 }, CLOCK);
    expect(shape.riseNs).toBeCloseTo(30, 0);
    expect(shape.value(0)).toBeCloseTo(1, 6);
    expect(shape.value(-1)).toBeLessThan(1);
    expect(shape.value(1)).toBeLessThan(1);
  });
});

describe("digitiser", () => {
  const cell = "ECAL:1:2:3";
  const el = layout.elements[layout.byName.get(cell)!]!;
  const ch = main.channels[main.elements.indexOf(el.index)]!;

  it("a noiseless pulse peaks tExpected after the window start, shifted by the pretrigger samples", () => {
    const { regs, read } = rig({ noiseScale: 0, jitterScale: 0 });
    regs.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    for (const pre of [0, 5]) {
      regs.write([Reg.PRETRIGGER_SAMPLES], [pre]);
      const tick = 1000;
      const r = read(hit(tick * CLOCK, [[cell, 10]]), tick);
      expect(r.channels).toEqual([ch]);
      const w = r.samples;
      const peak = w.indexOf(Math.max(...w));
      expect(peak).toBe(pre + Math.round(el.cal.tExpectedNs / CLOCK));
      // Height: 10 GeV x gain above the pedestal.
      const ped = peak % 2 ? el.cal.pedestalOddAdc : el.cal.pedestalEvenAdc;
      expect(Math.abs(w[peak]! - ped - 10 * el.cal.gainAdcPerGeV)).toBeLessThan(0.01 * 10 * el.cal.gainAdcPerGeV + 1);
    }
  });

  it("saturates at 4095 and never goes below 0", () => {
    const { regs, read } = rig();
    regs.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    const r = read(hit(1000 * CLOCK, [[cell, 500]]));
    expect(Math.max(...r.samples)).toBe(4095);
    expect(r.samples.filter((x) => x === 4095).length).toBeGreaterThan(3);
    expect(Math.min(...r.samples)).toBeGreaterThanOrEqual(0);
    const { read: read10 } = rig({ adcBits: 10 });
    expect(Math.max(...read10(hit(1000 * CLOCK, [[cell, 500]])).samples)).toBe(1023);
  });

  it("odd and even pedestals are recovered from the pre-samples, with the calibrated noise", () => {
    const { regs, read } = rig();
    regs.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    const even: number[] = [];
    const odd: number[] = [];
    const events = 1500;
    for (let i = 0; i < events; i++) {
      // A pulse is in the window; the first 4 samples come before its foot.
      const w = read(hit((1000 + i) * CLOCK + 3, [[cell, 20]]), 1000 + i).samples;
      even.push(w[0]!, w[2]!);
      odd.push(w[1]!, w[3]!);
    }
    const n = 2 * events;
    const sigma = el.cal.noiseAdc;
    const e = stats(even);
    const o = stats(odd);
    // The mean of rounded samples: tolerance 5 sigma/sqrt(n) plus the rounding bias bound.
    expect(Math.abs(e.mean - el.cal.pedestalEvenAdc)).toBeLessThan((5 * sigma) / Math.sqrt(n) + 0.05);
    expect(Math.abs(o.mean - el.cal.pedestalOddAdc)).toBeLessThan((5 * sigma) / Math.sqrt(n) + 0.05);
    // Noise plus rounding (uniform, variance 1/12).
    const expected = Math.sqrt(sigma * sigma + 1 / 12);
    expect(Math.abs(e.std - expected)).toBeLessThan((5 * expected) / Math.sqrt(2 * n));
  });

  it("overlapping pile-up pulses add sample by sample (noiseless)", () => {
    const { regs, read } = rig({ noiseScale: 0, jitterScale: 0 });
    regs.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    const shape = makeShape({ kind: "compass-ecal" }, CLOCK);
    const tick = 1000;
    const a: [number, number] = [tick * CLOCK + 3, 20];
    const b: [number, number] = [a[0] + 4.3 * CLOCK, 15];
    const w = read(hits([a[0], [[cell, a[1]]]], [b[0], [[cell, b[1]]]]), tick).samples;
    const gain = el.cal.gainAdcPerGeV;
    let overlapping = 0;
    for (let k = 0; k < w.length; k++) {
      const t = tick * CLOCK + k * CLOCK;
      const pa = a[1] * gain * shape.value(t - a[0] - el.cal.tExpectedNs);
      const pb = b[1] * gain * shape.value(t - b[0] - el.cal.tExpectedNs);
      const ped = k % 2 ? el.cal.pedestalOddAdc : el.cal.pedestalEvenAdc;
      // Rounding to integer counts is the only difference.
      expect(Math.abs(w[k]! - (ped + pa + pb))).toBeLessThanOrEqual(0.5 + 1e-9);
      if (pa > 50 && pb > 50) overlapping++;
    }
    // The two pulses really share samples (the test is not about two separate pulses).
    expect(overlapping).toBeGreaterThan(3);
  });

  it("time jitter: pulse times spread with the calibrated sigma", () => {
    const { regs, read } = rig({ noiseScale: 0 });
    regs.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    const shape = makeShape({ kind: "compass-ecal" }, CLOCK);
    const amp = 50 * el.cal.gainAdcPerGeV;
    // Sample k sits 32 ns before the nominal peak, on the rising edge, which the pulse covers
    // for 77 ns: the edge value gives the pulse's time back (jitter up to 5 sigmas stays on it).
    const tExp = el.cal.tExpectedNs;
    const k = Math.ceil((tExp - 32) / CLOCK);
    const offset = k * CLOCK - tExp + 32;
    const ped = k % 2 ? el.cal.pedestalOddAdc : el.cal.pedestalEvenAdc;
    /** Time dt (ns, <= 0) before the peak where the shape rises through r (bisection). */
    const riseTime = (r: number) => {
      let lo = -shape.riseNs;
      let hi = 0;
      for (let i = 0; i < 60; i++) {
        const mid = (lo + hi) / 2;
        if (shape.value(mid) < r) lo = mid;
        else hi = mid;
      }
      return (lo + hi) / 2;
    };
    const shifts: number[] = [];
    for (let i = 0; i < 4000; i++) {
      const tick = 1000 + i;
      const v = read(hit(tick * CLOCK + offset, [[cell, 50]]), tick).samples[k]!;
      // The sample is dt after the jittered peak: jitter = -32 ns - dt.
      shifts.push(-32 - riseTime((v - ped) / amp));
    }
    // Rounding (0.5 count of a 2000-count pulse) moves a time by under 0.1 ns, far below the
    // tolerances: 5 standard errors of the mean (sigma/sqrt(n)) and of the spread (sigma/sqrt(2n)).
    const sigma = el.cal.tSigmaNs;
    const s = stats(shifts);
    expect(Math.abs(s.mean)).toBeLessThan((5 * sigma) / Math.sqrt(s.n));
    expect(Math.abs(s.std - sigma)).toBeLessThan((5 * sigma) / Math.sqrt(2 * s.n));
    // jitterScale multiplies it.
    const { regs: r2, read: read2 } = rig({ noiseScale: 0, jitterScale: 0 });
    r2.write([Reg.CH_ENABLE_MASK, Reg.CH_ENABLE_MASK + 1], [2 ** ch, 0].map((x) => x >>> 0));
    const still = new Set(Array.from({ length: 50 }, (_, i) => read2(hit((1000 + i) * CLOCK + offset, [[cell, 50]]), 1000 + i).samples[k]));
    expect(still.size).toBe(1);
  });

  it("zero suppression keeps exactly the channels that pass the threshold above the pedestal register", () => {
    const a = rig({}, veto);
    const b = rig({}, veto);
    const hits = hit(1000 * CLOCK + 5, [
      ["S0", 0.001],
      ["VETO:2", 0.0005],
      ["SRD:1", 0.00002],
    ]);
    const chans = [...veto.channels];
    const peds = Array.from(veto.elements, (e) => Math.round((layout.elements[e]!.cal.pedestalEvenAdc + layout.elements[e]!.cal.pedestalOddAdc) / 2));
    for (const { regs } of [a, b]) {
      regs.write(
        chans.flatMap((c) => [Reg.CH_PEDESTAL_ADC + c, Reg.CH_THRESHOLD_ADC + c]),
        peds.flatMap((p) => [p, 8]),
      );
    }
    a.regs.write([Reg.CTRL], [CtrlBit.ZERO_SUPPRESSION]);
    for (let i = 0; i < 50; i++) {
      const off = b.read(hits);
      const on = a.read(hits);
      expect(off.channels).toEqual(chans);
      // Same random streams: the suppressed record is the unsuppressed one filtered by the rule.
      const keep = chans.filter((c, k) => Math.max(...off.samples.slice(k * 32, k * 32 + 32)) - peds[k]! >= 8);
      expect(on.channels).toEqual(keep);
      expect(on.samples).toEqual(keep.flatMap((c) => off.samples.slice(chans.indexOf(c) * 32, chans.indexOf(c) * 32 + 32)));
      expect(on.channels).toContain(chans[veto.elements.indexOf(layout.byName.get("S0")!)]);
    }
    // Noise-only channels are suppressed: most of the 15 channels are gone.
    expect(a.read(NO_HITS).channels.length).toBeLessThan(3);
  });

  it("only enabled channels are read out", () => {
    const { regs, read } = rig({}, veto);
    regs.write([Reg.CH_ENABLE_MASK], [0b101]);
    expect(read(NO_HITS).channels).toEqual([0, 2]);
    regs.write([Reg.CH_ENABLE_MASK], [0]);
    expect(read(NO_HITS)).toEqual({ channels: [], samples: [] });
  });
});
