// The front-end model with FEX_CTRL.FEATURES set: one FEATURES record per trigger whose hits are the
// features of the raw window the ADC wrote (the same digitised samples the raw readout gives), and
// waveforms on demand as EVENT records (every Nth trigger, trigger types, hit flags), split into
// records of at most MAX_RECORD_SAMPLES; the FIFO burst register; triggers held off until every
// record of a trigger fits.
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { EventFlag, HitFlag, TriggerType } from "../../protocol/schema/enums";
import { MAX_RECORD_SAMPLES, MAX_SPI_READ_BYTES } from "../../protocol/schema/limits";
import type { FifoEventRec, FifoFeaturesRec } from "../../protocol/schema/fifo";
import { decodeFifoRecords } from "../../protocol/fifo-records";
import { boardConfigOf } from "../../devs/core/config";
import { RegWrites, featureRegisters } from "../../devs/core/config-regs";
import { FeatureExtractor, FeatureHits, energyKeV } from "../../simulator/features";
import { RegisterError } from "../../simulator/errors";
import type { FrontEndSimulator } from "../../simulator/frontend";
import { conversionFor, programmedSim, runSpill, shortBeam } from "./support";

const ECAL = 3;
const VETO = 5;
const beam = shortBeam(40e6);

/** Program the feature readout of every digitiser (as the firmware does from its CONFIG), plus `extra` registers. */
function withFeatures(sim: FrontEndSimulator, extra: Record<number, number> = {}): void {
  for (const b of conversionFor(beam).boards) {
    if (b.role === "trigger") continue;
    const w = new RegWrites();
    featureRegisters(boardConfigOf(b.config), w);
    for (const [a, v] of Object.entries(extra)) w.add(Number(a), v);
    sim.writeRegisters(b.boardId, w.addr.slice(0, w.n), w.value.slice(0, w.n));
  }
}

describe("feature readout in the front-end model", () => {
  it("gives the features of the very windows the raw readout gives, one FEATURES record per trigger", () => {
    const raw = programmedSim(beam, { seed: 3 });
    const feat = programmedSim(beam, { seed: 3 });
    withFeatures(feat);
    const r = runSpill(raw, 1);
    const f = runSpill(feat, 1);
    const conv = conversionFor(beam);
    for (const id of [ECAL, VETO]) {
      const events = r.records.get(id)!.filter((x) => x.name === "EVENT").map((x) => x.body as FifoEventRec);
      const features = f.records.get(id)!.filter((x) => x.name === "FEATURES").map((x) => x.body as FifoFeaturesRec);
      expect(events.length).toBeGreaterThan(20);
      expect(features.map((x) => x.triggerNumber)).toEqual(events.map((x) => x.triggerNumber));
      expect(f.records.get(id)!.some((x) => x.name === "EVENT")).toBe(false);
      // The same extraction on the raw record's samples gives the same bytes.
      const regs = feat as unknown as { board(id: number): { regs: { get(a: number): number; version: number } } };
      const fe = new FeatureExtractor();
      const h = new FeatureHits();
      let hits = 0;
      events.forEach((e, k) => {
        fe.extract(regs.board(id).regs, e.channels, e.channels.length, e.samples, e.windowSamples, h);
        const x = features[k]!;
        expect(x.hits.n).toBe(h.n);
        expect([...x.hits.amplitudeAdc]).toEqual([...h.amplitudeAdc.subarray(0, h.n)]);
        expect([...x.hits.timeQ8]).toEqual([...h.timeQ8.subarray(0, h.n)]);
        expect([...x.hits.flags]).toEqual([...h.flags.subarray(0, h.n)]);
        expect(x.energySumKeV).toBe(energyKeV(h.energyEv));
        expect(x.vetoHits).toBe(h.vetoHits);
        expect(x.counterHits).toBe(h.counterHits);
        hits += h.n;
      });
      expect(hits).toBeGreaterThan(0);
      expect(conv.boards.find((b) => b.boardId === id)).toBeDefined();
    }
  });

  it("writes waveforms of every Nth trigger and of chosen trigger types, all enabled channels, in records of at most MAX_RECORD_SAMPLES", () => {
    const sim = programmedSim(beam, { seed: 5 });
    withFeatures(sim, { [Reg.WAVE_EVERY_N]: 10, [Reg.WAVE_TYPE_MASK]: 1 << (TriggerType.RANDOM - 1) });
    const recs = runSpill(sim, 1).records.get(ECAL)!;
    const features = recs.filter((x) => x.name === "FEATURES").map((x) => x.body as FifoFeaturesRec);
    const waved = features.filter((x) => x.eventFlags & EventFlag.WAVEFORM);
    expect(waved.length).toBeGreaterThan(3);
    for (const x of features) {
      const want = x.triggerNumber % 10 === 0 || x.triggerType === TriggerType.RANDOM;
      expect((x.eventFlags & EventFlag.WAVEFORM) !== 0, `trigger ${x.triggerNumber}`).toBe(want);
    }
    // Each waveform event's EVENT records follow its FEATURES record and hold every enabled channel (36).
    for (let i = 0; i < recs.length; i++) {
      if (recs[i]!.name !== "FEATURES") continue;
      const x = recs[i]!.body as FifoFeaturesRec;
      const waves: FifoEventRec[] = [];
      for (let j = i + 1; j < recs.length && recs[j]!.name === "EVENT"; j++) waves.push(recs[j]!.body as FifoEventRec);
      if (!(x.eventFlags & EventFlag.WAVEFORM)) {
        expect(waves).toHaveLength(0);
        continue;
      }
      expect(waves.every((w) => w.triggerNumber === x.triggerNumber && w.samples.length <= MAX_RECORD_SAMPLES)).toBe(true);
      expect(waves.flatMap((w) => w.channels)).toEqual(Array.from({ length: 36 }, (_, c) => c));
      // The hits are among the channels read out.
      expect([...x.hits.channel].every((c) => c < 36)).toBe(true);
    }
  });

  it("writes waveforms of events with a flagged hit (saturation, pile-up), their channels as read out", () => {
    const sim = programmedSim(beam, { seed: 5 });
    withFeatures(sim, { [Reg.WAVE_HIT_FLAG_MASK]: HitFlag.PILEUP | HitFlag.SATURATED });
    const recs = runSpill(sim, 1).records.get(ECAL)!;
    const features = recs.filter((x) => x.name === "FEATURES").map((x) => x.body as FifoFeaturesRec);
    const flagged = features.filter((x) => x.hits.flags.some((f) => f & (HitFlag.PILEUP | HitFlag.SATURATED)));
    expect(flagged.length).toBeGreaterThan(0);
    expect(features.filter((x) => x.eventFlags & EventFlag.WAVEFORM).map((x) => x.triggerNumber)).toEqual(flagged.map((x) => x.triggerNumber));
    expect(recs.filter((x) => x.name === "EVENT").length).toBeGreaterThanOrEqual(flagged.length);
  });

  it("FIFO_BURST_BYTES is the whole records at the head that fit one SPI read", () => {
    const sim = programmedSim(beam, { seed: 5 });
    withFeatures(sim, { [Reg.WAVE_EVERY_N]: 3 });
    sim.beginSpill(1);
    sim.advance(sim.spillTicks >> 1);
    const burst = sim.readRegister(ECAL, Reg.FIFO_BURST_BYTES);
    expect(burst).toBeGreaterThan(0);
    expect(burst).toBeLessThanOrEqual(MAX_SPI_READ_BYTES);
    const bytes = sim.takeRecords(ECAL, burst);
    expect(bytes.length).toBe(burst);
    expect(decodeFifoRecords(bytes).length).toBeGreaterThan(1);
    // The next record would not have fitted.
    expect(burst + sim.readRegister(ECAL, Reg.FIFO_BYTES)).toBeGreaterThan(MAX_SPI_READ_BYTES);
  });

  it("holds triggers off while a trigger's records (features and waveform) do not all fit the FIFO", () => {
    const sim = programmedSim(beam, { seed: 5, fifoDepth: 8 });
    withFeatures(sim, { [Reg.WAVE_EVERY_N]: 1 });
    sim.beginSpill(1);
    sim.advance(sim.spillTicks);
    // 36 channels x 32 samples = one EVENT record: two records per trigger; 8 - 2 kept for boundaries.
    expect(sim.readRegister(ECAL, Reg.FIFO_COUNT)).toBe(1 + 2 * 2);
    const spill = sim.endSpill();
    expect(spill.inhibitedBusy).toBeGreaterThan(0);
  });

  it("refuses feature regions outside the window or out of order, naming the register", () => {
    const sim = programmedSim(beam, { seed: 5 });
    const bad = (addrs: number[], values: number[]) => {
      try {
        sim.writeRegisters(ECAL, addrs, values);
      } catch (e) {
        return e as RegisterError;
      }
      throw new Error("accepted");
    };
    const e1 = bad([Reg.FEX_SIGNAL_START_SAMPLE, Reg.FEX_SIGNAL_END_SAMPLE, Reg.FEX_CTRL], [10, 40, 1]);
    expect(e1).toBeInstanceOf(RegisterError);
    expect(e1.message).toMatch(/FEX_SIGNAL_END_SAMPLE.*WINDOW_SAMPLES \(32\)/);
    const e2 = bad([Reg.FEX_PEDESTAL_SAMPLES, Reg.FEX_SIGNAL_START_SAMPLE, Reg.FEX_SIGNAL_END_SAMPLE, Reg.FEX_CTRL], [6, 5, 20, 1]);
    expect(e2.message).toMatch(/FEX_PEDESTAL_SAMPLES/);
    expect(bad([Reg.FEX_CTRL], [8]).message).toMatch(/unknown FEX_CTRL bits 0x8/);
    expect(bad([Reg.WAVE_TYPE_MASK], [0x10]).message).toMatch(/WAVE_TYPE_MASK/);
    expect(bad([Reg.CH_PEDESTAL_Q4 + 3], [4095 * 16 + 1]).message).toMatch(/CH_PEDESTAL_Q4\[3\]/);
    // Nothing was applied.
    expect(sim.readRegister(ECAL, Reg.FEX_CTRL)).toBe(0);
  });
});
