// The trigger logic and the front-end FIFOs, driven through the simulator's public API with the
// registers a firmware would write: register values change what triggers, dead time, BUSY and full
// FIFOs inhibit triggers and count them (never a silent drop), records are what the firmware
// reads, and truth agrees with the records.
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { CtrlBit, TriggerInput, TriggerType } from "../../protocol/schema/enums";
import type { FifoEventRec, FifoSpillEndRec, FifoTriggerRec } from "../../protocol/schema/fifo";
import { FifoOverflowError, SimStateError } from "../../simulator/errors";
import { FrontEndSimulator } from "../../simulator/frontend";
import { programmedSim, runSpill, SETUP, shortBeam } from "./support";

const TRIG = 1;
const ECAL_MAIN = 3;
/** 20 ms at the full 70 GeV e+ rate, with more hadrons so that physics triggers are plentiful. */
const BEAM = shortBeam(2e7, { species: { hadron: 0.1 } });

function physicsTruths(sim: FrontEndSimulator, spill: number) {
  return runSpill(sim, spill).truth.filter((t) => t.typeMask & (1 << (TriggerType.PHYSICS - 1)));
}

describe("trigger logic", () => {
  it("raising the ECAL maximum raises the physics rate; the lower setting's triggers are a subset", () => {
    const settings = { enabledTypes: ["physics" as const], deadTimeNs: 0 };
    const serials = [0.3, 0.5, 0.8].map((f) => {
      const sim = programmedSim(BEAM, { seed: 3, fifoDepth: 1 << 16 }, { trigger: { ...settings, ecalMaxFractionOfE0: f } });
      return new Set(physicsTruths(sim, 1).map((t) => t.particle!.serial));
    });
    expect(serials[0]!.size).toBeGreaterThan(20);
    expect(serials[1]!.size).toBeGreaterThan(serials[0]!.size);
    expect(serials[2]!.size).toBeGreaterThan(serials[1]!.size);
    for (const s of serials[0]!) expect(serials[1]!.has(s)).toBe(true);
    for (const s of serials[1]!) expect(serials[2]!.has(s)).toBe(true);
  });

  it("raising the PS minimum lowers the physics rate; the higher setting's triggers are a subset", () => {
    const settings = { enabledTypes: ["physics" as const], deadTimeNs: 0 };
    const runs = [0.3, 0.5, 1].map((psMinGeV) => {
      const sim = programmedSim(BEAM, { seed: 3, fifoDepth: 1 << 16 }, { trigger: { ...settings, psMinGeV } });
      return { psMin: sim.readRegister(TRIG, Reg.TRIG_PS_MIN_SUM_ADC), serials: new Set(physicsTruths(sim, 1).map((t) => t.particle!.serial)) };
    });
    expect(runs.map((r) => r.psMin)).toEqual([0.3, 0.5, 1].map((g) => Math.round(g * SETUP.triggerSums.psAdcPerGeV)));
    expect(runs[2]!.serials.size).toBeGreaterThan(0);
    for (let i = 1; i < runs.length; i++) {
      expect(runs[i]!.serials.size).toBeLessThan(runs[i - 1]!.serials.size);
      for (const s of runs[i]!.serials) expect(runs[i - 1]!.serials.has(s)).toBe(true);
    }
  });

  it("physics triggers satisfy the condition the registers set", () => {
    const sim = programmedSim(BEAM, { seed: 4, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["physics"] } });
    const psMin = sim.readRegister(TRIG, Reg.TRIG_PS_MIN_SUM_ADC);
    const ecalMax = sim.readRegister(TRIG, Reg.TRIG_ECAL_MAX_SUM_ADC);
    const { truth, records } = runSpill(sim, 1);
    expect(truth.length).toBeGreaterThan(20);
    for (const t of truth) {
      expect(t.coincidence).toBe(true);
      expect(t.vetoed).toBe(false);
      expect(t.psSumAdc).toBeGreaterThanOrEqual(psMin);
      expect(t.ecalSumAdc).toBeLessThanOrEqual(ecalMax);
      expect(t.inputPattern & (TriggerInput.PS_MIN | TriggerInput.ECAL_MAX)).toBe(TriggerInput.PS_MIN | TriggerInput.ECAL_MAX);
    }
    // Most physics triggers of a 70 GeV e+ beam are hadrons or particles that lost energy.
    expect(truth.filter((t) => t.particle!.species === "positron" && t.particle!.ecalGeV > 60).length).toBe(0);
    const trig = records.get(TRIG)!.filter((r) => r.name === "TRIGGER").map((r) => r.body as FifoTriggerRec);
    expect(trig.map((r) => r.psSumAdc)).toEqual(truth.map((t) => t.psSumAdc));
  });

  it("the veto removes physics triggers when the halo fires V0/V1 in time", () => {
    const halo = shortBeam(2e7, { species: { hadron: 0.1 }, haloPerParticle: 1 });
    const count = (vetoWindowTicks: number) => {
      const sim = programmedSim(halo, { seed: 5, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["physics"], vetoWindowNs: vetoWindowTicks * SETUP.clockNs, deadTimeNs: 0 } });
      return physicsTruths(sim, 1).length;
    };
    const narrow = count(1);
    const wide = count(200);
    expect(wide).toBeLessThan(narrow);
  });

  it("beam triggers are prescaled and random triggers follow their period", () => {
    const sim = programmedSim(BEAM, { seed: 6, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["beam", "random"], prescaleBeam: 100, randomPeriodMs: 0.1, deadTimeNs: 0 } });
    const { truth } = runSpill(sim, 1);
    const sc = sim.scalers(TRIG);
    expect(sc.acceptedTriggers[TriggerType.BEAM - 1]).toBe(Math.floor(sc.beamCoincidences / 100));
    expect(sc.rawTriggers[TriggerType.BEAM - 1]).toBe(sc.beamCoincidences);
    const random = truth.filter((t) => t.triggerType === TriggerType.RANDOM).length;
    const mu = 2e7 / 1e5;
    expect(Math.abs(random - mu)).toBeLessThan(5 * Math.sqrt(mu));
    expect(truth.filter((t) => t.triggerType === TriggerType.RANDOM)).toAllSatisfy((t) => t.particle === null);
    // Beam coincidences: every on-axis particle whose counters all fire.
    expect(sc.beamCoincidences).toBeGreaterThan(0.9 * BEAM.intensityPerSpill);
  });

  it("calibration triggers put the LED pulse on every calorimeter channel", () => {
    const sim = programmedSim(BEAM, { seed: 7, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["calibration"], calibrationPeriodMs: 1 } });
    const { records } = runSpill(sim, 1);
    const events = records.get(ECAL_MAIN)!.filter((r) => r.name === "EVENT").map((r) => r.body as FifoEventRec);
    // The pulser fires at 1, 2, ... 20 ms; the spill runs to the first whole tick after 20 ms.
    expect(events.length).toBe(20);
    for (const e of events) {
      expect(e.triggerType).toBe(TriggerType.CALIBRATION);
      expect(e.channels.length).toBe(36);
    }
  });
});

describe("dead time and inhibits", () => {
  it("dead time separates accepted triggers and counts the ones it inhibits", () => {
    const deadTimeNs = 50_000;
    const sim = programmedSim(BEAM, { seed: 8, fifoDepth: 1 << 16 }, { trigger: { deadTimeNs } });
    const { truth } = runSpill(sim, 1);
    for (let i = 1; i < truth.length; i++) expect(truth[i]!.timeNs - truth[i - 1]!.timeNs).toBeGreaterThanOrEqual(deadTimeNs - 1e-6);
    const sc = sim.scalers(TRIG);
    expect(sc.inhibitedDead).toBeGreaterThan(0);
    expect(sc.inhibitedBusy).toBe(0);
    const dead = Math.round(deadTimeNs / SETUP.clockNs);
    expect(sc.deadTicks).toBeLessThanOrEqual(truth.length * dead);
    expect(sc.deadTicks).toBeGreaterThan((truth.length - 1) * dead);
  });

  it("a full FIFO inhibits triggers and counts them; nothing is lost or written beyond the depth", () => {
    const depth = 10;
    const settings = { trigger: { deadTimeNs: 0 } };
    // Reference: same beam, same registers, a FIFO that never fills.
    const free = programmedSim(BEAM, { seed: 9, fifoDepth: 1 << 16 }, settings);
    runSpill(free, 1);
    const all = free.lastSpillTruth!.acceptedTriggers;
    // Never drained: depth - 2 slots for records, the first one is SPILL_BEGIN.
    const full = programmedSim(BEAM, { seed: 9, fifoDepth: depth }, settings);
    const { records } = runSpill(full, 1, 7776, false);
    const sc = full.scalers(TRIG);
    const accepted = full.lastSpillTruth!.acceptedTriggers;
    expect(accepted).toBe(depth - 3);
    expect(sc.inhibitedBusy).toBeGreaterThan(0);
    expect(accepted + sc.inhibitedBusy + sc.inhibitedDead).toBe(all);
    for (const id of full.boardIds()) {
      const recs = records.get(id)!;
      expect(recs.length).toBe(depth - 1);
      expect(recs[0]!.name).toBe("SPILL_BEGIN");
      expect(recs[recs.length - 1]!.name).toBe("SPILL_END");
    }
    expect(sc.busyTicks).toBeGreaterThan(0);
    expect(sc.fifoMaxDepth).toBe(depth - 1);
  });

  it("CTRL.BUSY on any board inhibits triggers while it is set, and the busy time is counted", () => {
    const sim = programmedSim(BEAM, { seed: 10, fifoDepth: 1 << 16 }, { trigger: { deadTimeNs: 0 } });
    sim.beginSpill(1);
    const third = Math.floor(sim.spillTicks / 3);
    sim.advance(third);
    const before = sim.takeTruth().length;
    sim.writeRegisters(ECAL_MAIN, [Reg.CTRL], [CtrlBit.RUN_ENABLE | CtrlBit.ZERO_SUPPRESSION | CtrlBit.BUSY]);
    sim.advance(2 * third);
    expect(sim.takeTruth().length).toBe(0);
    const inhibited = sim.scalers(TRIG).inhibitedBusy;
    expect(inhibited).toBeGreaterThan(0);
    sim.writeRegisters(ECAL_MAIN, [Reg.CTRL], [CtrlBit.RUN_ENABLE | CtrlBit.ZERO_SUPPRESSION]);
    sim.endSpill();
    expect(sim.takeTruth().length).toBeGreaterThan(0);
    expect(before).toBeGreaterThan(0);
    const trig = sim.scalers(TRIG);
    expect(trig.inhibitedBusy).toBe(inhibited);
    expect(trig.busyTicks).toBe(third);
    expect(sim.scalers(ECAL_MAIN).busyTicks).toBe(third);
    expect(sim.scalers(2).busyTicks).toBe(0);
  });
});

describe("records and spills", () => {
  it("spill records bracket each FIFO; trigger numbers count from 1 per run; truth matches records", () => {
    const sim = programmedSim(BEAM, { seed: 11, fifoDepth: 4096 });
    const a = runSpill(sim, 7);
    const b = runSpill(sim, 8);
    const numbers = [...a.truth, ...b.truth].map((t) => t.triggerNumber);
    expect(numbers).toEqual(numbers.map((_, i) => i + 1));
    for (const [id, recs] of a.records) {
      expect(recs[0]).toMatchObject({ name: "SPILL_BEGIN", body: { spillNumber: 7 } });
      const end = recs[recs.length - 1]!;
      expect(end.name).toBe("SPILL_END");
      expect(end.body).toEqual({ ...(end.body as FifoSpillEndRec), spillNumber: 7, recordsWritten: recs.length });
      const middle = recs.slice(1, -1);
      expect(middle.length).toBe(a.truth.length);
      const kind = id === TRIG ? "TRIGGER" : "EVENT";
      expect(middle).toAllSatisfy((r) => r.name === kind);
      const bodies = middle.map((r) => r.body as FifoEventRec | FifoTriggerRec);
      expect(bodies.map((x) => x.triggerNumber)).toEqual(a.truth.map((t) => t.triggerNumber));
      expect(bodies.map((x) => x.timestampTicks)).toEqual(a.truth.map((t) => t.timestampTicks));
      expect(bodies.map((x) => x.triggerType)).toEqual(a.truth.map((t) => t.triggerType));
    }
    const end = a.records.get(TRIG)!.at(-1)!.body as FifoSpillEndRec;
    expect(end.acceptedTriggers.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(a.truth.length);
    expect(end.spillTicks).toBe(sim.spillTicks);
    // Digitiser records: samples are channel-major, windowSamples each.
    for (const r of a.records.get(ECAL_MAIN)!.filter((x) => x.name === "EVENT")) {
      const e = r.body as FifoEventRec;
      expect(e.samples.length).toBe(e.channels.length * e.windowSamples);
    }
    // A new run (RUN_ENABLE rising edge on the trigger board) restarts the trigger numbers.
    sim.writeRegisters(TRIG, [Reg.CTRL], [0]);
    sim.writeRegisters(TRIG, [Reg.CTRL], [CtrlBit.RUN_ENABLE]);
    expect(runSpill(sim, 1).truth[0]!.triggerNumber).toBe(1);
  });

  it("a board without RUN_ENABLE gets no records; the trigger board's RUN_ENABLE gates all triggers", () => {
    const sim = programmedSim(BEAM, { seed: 12, fifoDepth: 4096 });
    sim.writeRegisters(ECAL_MAIN, [Reg.CTRL], [0]);
    const r = runSpill(sim, 1);
    expect(r.records.get(ECAL_MAIN)).toEqual([]);
    expect(r.records.get(2)!.length).toBeGreaterThan(2);
    sim.writeRegisters(TRIG, [Reg.CTRL], [0]);
    const s = runSpill(sim, 2);
    expect(s.truth).toEqual([]);
    expect(s.records.get(2)!.map((x) => x.name)).toEqual(["SPILL_BEGIN", "SPILL_END"]);
  });

  it("takeRecords returns whole records up to the byte limit", () => {
    const sim = programmedSim(BEAM, { seed: 13, fifoDepth: 4096 });
    sim.beginSpill(1);
    sim.advance(sim.spillTicks);
    const next = sim.readRegister(ECAL_MAIN, Reg.FIFO_BYTES);
    expect(next).toBeGreaterThan(0);
    expect(sim.takeRecords(ECAL_MAIN, next - 1).length).toBe(0);
    expect(sim.takeRecords(ECAL_MAIN, next).length).toBe(next);
    const count = sim.readRegister(ECAL_MAIN, Reg.FIFO_COUNT);
    const rest = sim.takeRecords(ECAL_MAIN, 1 << 30);
    expect(sim.readRegister(ECAL_MAIN, Reg.FIFO_COUNT)).toBe(0);
    expect(rest.length).toBeGreaterThan(count); // several records, each longer than a byte
    sim.endSpill();
  });

  it("cutting the beam ends the spill at the current time", () => {
    const sim = programmedSim(BEAM, { seed: 15, fifoDepth: 4096 });
    sim.beginSpill(1);
    sim.advance(5000);
    const before = sim.takeTruth().length;
    const spill = sim.endSpill(true);
    expect(spill.acceptedTriggers).toBe(before);
    expect(sim.scalers(TRIG).spillTicks).toBe(5000);
    expect(sim.takeTruth()).toEqual([]);
  });

  it("API misuse is a typed error", () => {
    const sim = programmedSim(BEAM, { seed: 14, fifoDepth: 16 });
    expect(() => sim.advance(10)).toThrow(SimStateError);
    expect(() => sim.endSpill()).toThrow(SimStateError);
    sim.beginSpill(1);
    expect(() => sim.beginSpill(2)).toThrow(SimStateError);
    sim.advance(100);
    expect(() => sim.advance(50)).toThrow(SimStateError);
    expect(() => sim.advance(1.5)).toThrow(SimStateError);
    sim.endSpill();
    // Never drained: the next spill boundary finds the FIFO full; the spill stays open and
    // nothing was written, so draining and retrying completes it.
    sim.beginSpill(2);
    const count = sim.readRegister(2, Reg.FIFO_COUNT);
    expect(() => sim.endSpill()).toThrow(FifoOverflowError);
    expect(sim.spillOpen).toBe(true);
    expect(sim.readRegister(2, Reg.FIFO_COUNT)).toBe(count);
    for (const id of sim.boardIds()) sim.takeRecords(id, 1 << 30);
    sim.endSpill();
    expect(sim.readRegister(2, Reg.FIFO_COUNT)).toBe(1);
    // The same at the begin of a spill: the FIFOs are left as they were.
    const full = programmedSim(BEAM, { seed: 14, fifoDepth: 4 });
    full.beginSpill(1);
    full.endSpill(true);
    full.beginSpill(2);
    full.endSpill(true);
    expect(full.readRegister(2, Reg.FIFO_COUNT)).toBe(4);
    expect(() => full.beginSpill(3)).toThrow(FifoOverflowError);
    expect(full.spillOpen).toBe(false);
    expect(full.readRegister(2, Reg.FIFO_COUNT)).toBe(4);
  });

  it("FE_WRITE frames apply like register writes", () => {
    const sim = programmedSim(BEAM, { seed: 16 });
    sim.applyFeWrite(ECAL_MAIN, { n: 2, addr: [Reg.CH_THRESHOLD_ADC, Reg.CH_THRESHOLD_ADC + 1], value: [11, 12] });
    expect(sim.readRegister(ECAL_MAIN, Reg.CH_THRESHOLD_ADC + 1)).toBe(12);
    expect(() => sim.applyFeWrite(ECAL_MAIN, { n: 3, addr: [Reg.CH_THRESHOLD_ADC], value: [1] })).toThrow(/count 3/);
  });
});
