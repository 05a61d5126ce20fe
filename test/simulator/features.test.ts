// The front end's feature extraction (simulator/features.ts) equals the firmware's per-sample
// reference code (devs/core/digitiser.ts) bit for bit: on the golden vectors of the event and pulse
// processing (whose expectations the same reference code meets in vitest and in the VM), and on
// random windows and configurations, where both run on the same samples. The front end is
// programmed with the registers the firmware derives from the configuration
// (devs/core/config-regs.ts), and the board's decisions on its counts (devs/core/event-flags.ts).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BoardRole, ChannelFlag, ConfigFlag, CtrlBit, EventFlag } from "../../protocol/schema/enums";
import { Reg } from "../../protocol/generated/registers";
import { boardConfigOf } from "../../devs/core/config";
import { RegWrites, configRegisters, ctrlValue, featureRegisters, zeroSuppression } from "../../devs/core/config-regs";
import { eventFlagsOf } from "../../devs/core/event-flags";
import { FeatureExtractor, FeatureHits, energyKeV } from "../../simulator/features";
import { EVENT_VECTORS, runEventVector, type EventOutcome } from "../firmware/golden/events";
import { PULSE_VECTORS } from "../firmware/golden/pulse";
import { caloConfig, channelBlock, vetoConfig, type ChannelSpec, type HostConfig } from "../firmware/golden/configs";

/** A register file holding what the firmware writes for `config` (its CTRL as in a run). */
function programmed(config: HostConfig): { get(addr: number): number; version: number } {
  const c = boardConfigOf(config);
  const w = new RegWrites();
  configRegisters(c, w);
  featureRegisters(c, w);
  w.add(Reg.CTRL, ctrlValue(true, false, zeroSuppression(c)));
  const regs = new Map<number, number>();
  for (let i = 0; i < w.n; i++) regs.set(w.addr[i]!, w.value[i]!);
  return { get: (a) => regs.get(a) ?? 0, version: 1 };
}

/** What the front end and the board make of one record's channels and samples. */
function frontEndEvent(config: HostConfig, channels: number[], samples: number[]): Omit<EventOutcome, "strayChannels"> {
  const fe = new FeatureExtractor();
  const h = new FeatureHits();
  fe.extract(programmed(config), channels, channels.length, Uint16Array.from(samples), config.windowSamples, h);
  const n = h.n;
  return {
    hits: { n, channel: [...h.channel.subarray(0, n)], amplitudeAdc: [...h.amplitudeAdc.subarray(0, n)], timeQ8: [...h.timeQ8.subarray(0, n)], flags: [...h.flags.subarray(0, n)] },
    energySumKeV: config.role === BoardRole.VETO ? 0 : energyKeV(h.energyEv),
    eventFlags: eventFlagsOf(config.role, h.eventFlags, h.vetoHits, h.counterHits, config.coincMinCounters),
  };
}

const withoutStray = (o: EventOutcome) => ({ hits: o.hits, energySumKeV: o.energySumKeV, eventFlags: o.eventFlags });

describe("front-end features: the golden vectors of the event processing", () => {
  for (const v of EVENT_VECTORS)
    it(v.name, () => {
      expect(frontEndEvent(v.config, v.channels, v.samples)).toEqual(withoutStray(v.expect));
    });
});

describe("front-end features: the golden vectors of the pulse features", () => {
  for (const v of PULSE_VECTORS)
    for (const role of [BoardRole.CALORIMETER, BoardRole.VETO])
      it(`${v.name} (${role === BoardRole.VETO ? "leading edge" : "peak time"})`, () => {
        const w = v.window;
        const spec: ChannelSpec = { thresholdAdc: v.toleranceAdc, pedestalQ4: v.configuredQ4, timeExpectedQ8: 0, timeHalfWindowQ8: 0, vetoThresholdAdc: 0, energyEvPerAdc: 0, chanFlags: ChannelFlag.ENABLED };
        const config: HostConfig = { ...caloConfig(1), role, flags: w.pedestalFromPresamples ? ConfigFlag.PEDESTAL_FROM_PRESAMPLES : 0, ...w, channels: channelBlock([spec]) };
        const e = frontEndEvent(config, [0], v.samples);
        expect(e.hits.n).toBe(1);
        const f = e.hits.flags[0]!;
        expect({
          amplitudeAdc: e.hits.amplitudeAdc[0],
          timeQ8: e.hits.timeQ8[0],
          saturated: (f & 1) !== 0,
          secondPulse: (f & 2) !== 0,
          pedMeasured: (f & 16) !== 0,
        }).toEqual({
          amplitudeAdc: v.expect.amplitudeAdc,
          timeQ8: role === BoardRole.VETO ? v.expect.leadingEdgeQ8 : v.expect.peakTimeQ8,
          saturated: v.expect.saturated,
          secondPulse: v.expect.secondPulse,
          pedMeasured: v.expect.pedMeasured,
        });
      });
});

describe("front-end features: random windows and configurations against the firmware's reference code", () => {
  const channelSpec = (window: number) =>
    fc.record({
      thresholdAdc: fc.integer({ min: 0, max: 60 }),
      pedestalQ4: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 4095 * 16 })),
      timeExpectedQ8: fc.integer({ min: 0, max: (window << 8) - 1 }),
      timeHalfWindowQ8: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4000 })),
      vetoThresholdAdc: fc.integer({ min: 0, max: 400 }),
      energyEvPerAdc: fc.integer({ min: 0, max: 0xffffffff }),
      chanFlags: fc.integer({ min: 0, max: 15 }),
    });
  // A window: pedestal level, up to three pulses (some saturating, some before the window), noise.
  const samplesOf = (W: number, seed: number[]) => {
    let k = 0;
    const r = () => seed[k++ % seed.length]! / 0xffff;
    const ped = 50 + Math.floor(r() * 400);
    const pulses = Array.from({ length: Math.floor(r() * 4) }, () => ({ at: -4 + r() * (W + 4), amp: r() < 0.2 ? 3000 + r() * 3000 : r() * 1500 }));
    return Array.from({ length: W }, (_, s) => {
      let v = ped + (s & 1) * 3 + Math.floor((r() - 0.5) * 8);
      for (const p of pulses) if (s >= p.at) v += p.amp * Math.exp(-(s - p.at) / 4) * Math.min(1, (s - p.at + 1) / 2);
      return Math.max(0, Math.min(4095, Math.round(v)));
    });
  };
  const scenario = fc
    .record({
      role: fc.constantFrom(BoardRole.CALORIMETER, BoardRole.VETO),
      window: fc.constantFrom(8, 16, 32, 48),
      pedestalSamples: fc.integer({ min: 0, max: 6 }),
      gap: fc.integer({ min: 0, max: 4 }),
      length: fc.integer({ min: 1, max: 40 }),
      pileupRiseAdc: fc.integer({ min: 0, max: 200 }),
      flags: fc.integer({ min: 0, max: 3 }),
      coincMinCounters: fc.integer({ min: 0, max: 3 }),
      nChannels: fc.integer({ min: 1, max: 12 }),
    })
    .chain((s) =>
      fc.record({
        s: fc.constant(s),
        specs: fc.array(channelSpec(s.window), { minLength: s.nChannels, maxLength: s.nChannels }),
        record: fc.uniqueArray(fc.integer({ min: 0, max: s.nChannels + 2 }), { minLength: 0, maxLength: s.nChannels + 2 }),
        noise: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 16, maxLength: 16 }),
      }),
    );
  it("hits, energy sum and event flags agree on 3000 random events", () => {
    fc.assert(
      fc.property(scenario, ({ s, specs, record, noise }) => {
        const W = s.window;
        const pre = Math.min(s.pedestalSamples, W - 1);
        const start = Math.min(pre + s.gap, W - 1);
        const end = Math.min(start + s.length, W);
        const base = s.role === BoardRole.VETO ? vetoConfig() : caloConfig(1);
        const config: HostConfig = {
          ...base,
          role: s.role,
          flags: s.flags & (ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES),
          windowSamples: W,
          pedestalSamples: pre,
          signalStartSample: start,
          signalEndSample: end,
          pileupRiseAdc: s.pileupRiseAdc,
          coincMinCounters: s.coincMinCounters,
          channels: channelBlock(specs),
        };
        const samples = record.flatMap((_, i) => samplesOf(W, noise.map((x) => (x * (i + 7)) & 0xffff)));
        const reference = runEventVector({ name: "random", config, slice: 5, channels: record, samples, expect: undefined as never });
        expect(frontEndEvent(config, record, samples)).toEqual(withoutStray(reference));
      }),
      { numRuns: 3000, seed: 1010 },
    );
  });

  it("the random events exercise every feature (not a test that cannot fail)", () => {
    // The same generator, a fixed sample: saturation, pile-up, vetoes, coincidences and zero hits all occur.
    const seen = { saturated: 0, pileup: 0, vetoed: 0, coincidence: 0, zeroHits: 0, inTime: 0 };
    fc.assert(
      fc.property(scenario, ({ s, specs, record, noise }) => {
        const W = s.window;
        const pre = Math.min(s.pedestalSamples, W - 1);
        const start = Math.min(pre + s.gap, W - 1);
        const base = s.role === BoardRole.VETO ? vetoConfig() : caloConfig(1);
        const config: HostConfig = { ...base, role: s.role, flags: s.flags & 3, windowSamples: W, pedestalSamples: pre, signalStartSample: start, signalEndSample: Math.min(start + s.length, W), pileupRiseAdc: s.pileupRiseAdc, coincMinCounters: s.coincMinCounters, channels: channelBlock(specs) };
        const samples = record.flatMap((_, i) => samplesOf(W, noise.map((x) => (x * (i + 7)) & 0xffff)));
        const e = frontEndEvent(config, record, samples);
        if (e.hits.n === 0) seen.zeroHits++;
        if (e.hits.flags.some((f) => f & 1)) seen.saturated++;
        if (e.hits.flags.some((f) => f & 2)) seen.pileup++;
        if (e.hits.flags.some((f) => f & 4)) seen.inTime++;
        if (e.eventFlags & EventFlag.VETOED) seen.vetoed++;
        if (e.eventFlags & EventFlag.COINCIDENCE) seen.coincidence++;
      }),
      { numRuns: 3000, seed: 1010 },
    );
    for (const [k, v] of Object.entries(seen)) expect(v, k).toBeGreaterThan(20);
  });
});

describe("front-end registers", () => {
  it("CTRL.ZERO_SUPPRESSION drops hits below threshold only when set", () => {
    const c = caloConfig(8);
    const regs = programmed(c);
    expect(regs.get(Reg.CTRL) & CtrlBit.ZERO_SUPPRESSION).toBe(CtrlBit.ZERO_SUPPRESSION);
    expect(regs.get(Reg.CH_SUM_MASK)).toBe(0b10110111); // channel 3 disabled, channel 6 not summed
    expect(regs.get(Reg.CH_VETO_MASK)).toBe(0);
    const v = programmed(vetoConfig());
    expect(v.get(Reg.CH_COUNTER_MASK)).toBe(0b111);
    expect(v.get(Reg.CH_VETO_MASK)).toBe(0b1110011000);
    expect(v.get(Reg.CH_SUM_MASK)).toBe(0);
  });
});
