// The built trigger and veto images in the VM against the DAQ host's board server: the trigger
// board writes the TRIG_* registers from its configuration, turns FIFO TRIGGER records into
// TRIGGER frames numbered by spill, checks trigger numbering and reports per-spill scalers with
// the dead-time fraction; the veto board measures leading-edge times, decides the veto and the
// counter coincidence, and counts hits per channel for the spill rates.
import { frontEndRegisters } from "../../src/config/registers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchBoard } from "./support/bench-board";
import { channelHitsOf, eventRecord, frontEndRecords, packInject, Rng, spillEndRecord, type AnyRecord } from "../../testkit/fifo-records";
import { readoutEvents, readoutTriggers } from "./support/readout";
import { triggerConfig, vetoConfig } from "./golden/configs";
import { referenceEvent } from "./reference-events";
import { configRegisters, ctrlValue, RegWrites } from "../../devs/core/config-regs";
import { boardConfigOf } from "../../devs/core/config";
import { configHash } from "../../protocol/config-hash";
import { BoardRole, BoardState, EventFlag, HitFlag, LogCode, RunAction, TriggerType } from "../../protocol/schema/enums";
import { Reg } from "../../protocol/generated/registers";
import type { ConfigMsg } from "../../protocol/schema/messages";
import type { FifoTriggerRec } from "../../protocol/schema/fifo";

describe("trigger board in the VM", () => {
  let b: BenchBoard;
  const config = triggerConfig() as ConfigMsg;
  const hash = configHash(config);
  beforeAll(async () => {
    b = await BenchBoard.start("trigger", 1);
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
  });

  it("announces the trigger role with its 5 discriminator inputs", () => {
    expect(b.all("HELLO")[0]!.body).toMatchObject({ role: BoardRole.TRIGGER, channelCount: 5, state: BoardState.UNCONFIGURED });
  });

  it("writes every TRIG_ register from its configuration", async () => {
    const link = await b.link();
    const from = b.frames.length;
    await link.configure(config);
    const w = new RegWrites();
    w.add(Reg.CTRL, ctrlValue(false, false, false));
    configRegisters(boardConfigOf(config), w);
    const fe = b.all("FE_WRITE", from)[0]!;
    expect(fe.body.regs).toEqual({ n: w.n, addr: w.addr.slice(0, w.n), value: w.value.slice(0, w.n) });
    const byAddr = new Map(fe.body.regs.addr.map((a, i) => [a, fe.body.regs.value[i]!]));
    expect(byAddr.get(Reg.TRIG_COINC_MASK)).toBe(7);
    expect(byAddr.get(Reg.TRIG_VETO_MASK)).toBe(0x18);
    expect(byAddr.get(Reg.TRIG_ECAL_MAX_SUM_ADC)).toBe(1120);
    expect(byAddr.get(Reg.TRIG_PRESCALE_BEAM)).toBe(1000);
    expect(byAddr.get(Reg.TRIG_DEAD_TIME_TICKS)).toBe(78);
  });

  it("forwards every TRIGGER record with its spill in READOUT frames, checks the numbering, and ends the spill with SCALERS", async () => {
    const link = await b.link();
    await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 3, spillNumber: 0, configHash: hash });
    const trig = (n: number, type: number): FifoTriggerRec => ({
      triggerNumber: n,
      timestampTicks: 100 * n,
      triggerType: type,
      typeMask: 1 << (type - 1),
      inputPattern: 7,
      psSumAdc: 40 + n,
      ecalSumAdc: 900 - n,
    });
    const types = [TriggerType.PHYSICS, TriggerType.BEAM, TriggerType.PHYSICS, TriggerType.RANDOM, TriggerType.CALIBRATION, TriggerType.PHYSICS];
    const numbers = [1, 2, 3, 4, 6, 7]; // 5 is missing
    const records: AnyRecord[] = [{ name: "SPILL_BEGIN", body: { spillNumber: 12 } }];
    numbers.forEach((n, i) => records.push({ name: "TRIGGER", body: trig(n, types[i]!) }));
    records.push({
      name: "SPILL_END",
      body: spillEndRecord(12, {
        spillTicks: 373_250_000,
        deadTicks: 18_662_500,
        beamCoincidences: 4_100_000,
        rawTriggers: [3, 4100, 1, 1],
        acceptedTriggers: [3, 4, 1, 1],
        inhibitedDead: 2,
      }),
    });
    const from = b.frames.length;
    for (const p of packInject(records)) link.send("INJECT", { records: p });
    const scalers = await b.until(() => b.all("SCALERS", from)[0], "SCALERS");
    const trigs = readoutTriggers(b.all("READOUT", from));
    expect(trigs.map((t) => t.body)).toEqual(numbers.map((n, i) => ({ ...trig(n, types[i]!), spillNumber: 12, configHash: hash })));
    expect(scalers.seq).toBeGreaterThan(trigs.at(-1)!.seq);
    expect(scalers.body).toMatchObject({ runNumber: 3, spillNumber: 12, eventsSent: 6, beamCoincidences: 4_100_000, deadTicks: 18_662_500, acceptedTriggers: [3, 4, 1, 1] });
    const jump = b.all("LOG", from).find((l) => l.body.code === LogCode.TRIGGER_GAP);
    expect(jump?.body).toMatchObject({ arg0: 6, arg1: 1 });
    const dead = await b.until(() => b.all("LOG", from).find((l) => l.body.code === LogCode.SPILL_DEAD_TIME), "the dead-time LOG");
    expect(dead.body).toMatchObject({ arg0: 12, arg1: 50_000 }); // 5 % dead time, in ppm
  });
});

describe("veto board in the VM", () => {
  let b: BenchBoard;
  const config = vetoConfig() as ConfigMsg;
  const hash = configHash(config);
  beforeAll(async () => {
    b = await BenchBoard.start("veto", 5);
  }, 120_000);
  afterAll(async () => {
    await b?.stop();
  });

  it("measures leading edges, vetoes in-time veto hits, flags the counter coincidence, counts hits per channel", async () => {
    const link = await b.link();
    expect(b.all("HELLO")[0]!.body.role).toBe(BoardRole.VETO);
    await link.configure(config);
    await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 9, spillNumber: 0, configHash: hash });
    const rng = new Rng(9);
    const counters = (t: number) => [0, 1, 2].map((ch) => ({ ch, pulses: [{ amplitudeAdc: 290 + 5 * ch, peakSample: 14 + 0.1 * ch + (t & 1) * 0.2 }] }));
    const events = [
      eventRecord(1, 32, counters(1), rng), // beam particle, clean
      eventRecord(2, 32, [...counters(2), { ch: 3, pulses: [{ amplitudeAdc: 200, peakSample: 14.2 }] }], rng), // V0 in time: vetoed
      eventRecord(3, 32, [...counters(3), { ch: 4, pulses: [{ amplitudeAdc: 400, peakSample: 21 }] }], rng), // V1 late: not vetoed
      eventRecord(4, 32, counters(4).slice(0, 2), rng), // two counters: no coincidence
      eventRecord(5, 32, [...counters(5), { ch: 7, pulses: [{ amplitudeAdc: 90, peakSample: 14 }] }], rng), // VETO below its threshold
    ];
    const fe = frontEndRecords(frontEndRegisters(config), events);
    const records: AnyRecord[] = [{ name: "SPILL_BEGIN", body: { spillNumber: 1 } }, ...fe];
    records.push({ name: "SPILL_END", body: spillEndRecord(1, { channelHits: channelHitsOf(fe, 10) }) });
    const from = b.frames.length;
    for (const p of packInject(records)) link.send("INJECT", { records: p });
    const scalers = await b.until(() => b.all("SCALERS", from)[0], "SCALERS");
    const got = readoutEvents(b.all("READOUT", from));
    expect(got).toHaveLength(5);
    got.forEach((e, i) => {
      const ref = referenceEvent(config, events[i]!.channels, events[i]!.samples);
      expect(e.body.hits).toEqual(ref.hits);
      expect(e.body.eventFlags).toBe(ref.eventFlags);
      expect(e.body.energySumKeV).toBe(0);
    });
    expect(got.map((e) => e.body.eventFlags & (EventFlag.VETOED | EventFlag.COINCIDENCE))).toEqual([
      EventFlag.COINCIDENCE,
      EventFlag.COINCIDENCE | EventFlag.VETOED,
      EventFlag.COINCIDENCE,
      0,
      EventFlag.COINCIDENCE,
    ]);
    const v0 = got[1]!.body.hits;
    expect(v0.flags[v0.channel.indexOf(3)]! & HitFlag.VETO).toBe(HitFlag.VETO);
    // Leading edge about 2.5 samples before the peak (half height of the pulse shape).
    const s0 = got[0]!.body.hits;
    expect(s0.timeQ8[0]! / 256).toBeGreaterThan(11);
    expect(s0.timeQ8[0]! / 256).toBeLessThan(12.5);
    expect(scalers.body).toMatchObject({ runNumber: 9, spillNumber: 1, eventsSent: 5, beamCoincidences: 4 });
    const perChannel = new Array(10).fill(0);
    for (const e of got) for (const c of e.body.hits.channel) perChannel[c]++;
    expect(scalers.body.channels).toEqual({ n: 10, channel: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], hits: perChannel });
  });
});
