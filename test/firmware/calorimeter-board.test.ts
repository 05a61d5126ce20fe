// The built calorimeter image in the VM against the DAQ host's board server (src/link), exchanging
// real frames: HELLO, CONFIG (bad and good, read back), run control, INJECT of the front end's
// FEATURES records (its feature extraction on readout windows) -> READOUT with the physics checked
// against the independent reference model, SCALERS after the spill's last READOUT, the largest
// event (72 channels, with its 72 x 48-sample waveform) and a reboot that restores the persisted
// configuration.
import { frontEndRegisters } from "../../src/config/registers";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BenchBoard } from "./support/bench-board";
import { channelHitsOf, eventRecord, frontEndRecords, packInject, Rng, spillEndRecord, type AnyRecord, type ChannelWave } from "../../testkit/fifo-records";
import { readoutEvents, readoutWaveforms } from "./support/readout";
import { MAX_RECORD_SAMPLES } from "../../protocol/schema/limits";
import { MAX_HOST_PAYLOAD_BYTES } from "../../devs/core/link-policy";
import { caloConfig, caloConfigAll } from "./golden/configs";
import { referenceEvent } from "./reference-events";
import { configRegisters, ctrlValue, RegWrites } from "../../devs/core/config-regs";
import { boardConfigOf } from "../../devs/core/config";
import { configHash, encodeConfigPayload } from "../../protocol/config-hash";
import { ConfigRejectedError, NotConfiguredError, RunRefusedError } from "../../src/link/errors";
import { BoardRole, BoardState, Capability, FrontEndKind, LogCode, NackReason, RunAction } from "../../protocol/schema/enums";
import { ConfigField } from "../../protocol/generated/config-fields";
import { Reg } from "../../protocol/generated/registers";
import type { ConfigMsg } from "../../protocol/schema/messages";

const BOARD = 3;
let b: BenchBoard;

beforeAll(async () => {
  b = await BenchBoard.start("calorimeter", BOARD);
}, 120_000);

afterAll(async () => {
  await b?.stop();
});

const config = caloConfig(36) as ConfigMsg;
const hash = configHash(config);

function shower(rng: Rng, energyScale: number): ChannelWave[] {
  // A shower centred on channel 14 of a 6 x 6 block, with a few small cells around it.
  const out: ChannelWave[] = [];
  for (let ch = 0; ch < 36; ch++) {
    const dx = (ch % 6) - 2, dy = Math.floor(ch / 6) - 2;
    const a = energyScale * Math.exp(-(dx * dx + dy * dy) / 1.5);
    if (a >= 4 && ch !== 3) out.push({ ch, pulses: [{ amplitudeAdc: a, peakSample: 14 + rng.uniform() * 0.5 }] });
  }
  return out;
}

describe("calorimeter board in the VM, through the board server", () => {
  it("says HELLO with its identity, capabilities and link limits", async () => {
    const hello = b.all("HELLO")[0]!;
    expect(hello.source).toBe(BOARD);
    expect(hello.seq).toBe(1);
    expect(hello.body).toMatchObject({
      role: BoardRole.CALORIMETER,
      protoMajor: PROTO_MAJOR,
      protoMinor: PROTO_MINOR,
      channelCount: 72,
      frontEnd: FrontEndKind.LINK,
      bootCount: 1,
      state: BoardState.UNCONFIGURED,
      configHash: 0,
      ringOldestSeq: 1,
      rxWindowFrames: 1,
      maxPayloadBytes: MAX_HOST_PAYLOAD_BYTES,
    });
    expect(hello.body.capabilities).toBe(Capability.RESEND_RING | Capability.PERSISTENT_CONFIG | Capability.FLOW_CONTROL | Capability.FE_WRITE_MIRROR);
  });

  it("rejects a bad CONFIG naming reason, field, channel and value, and applies nothing", async () => {
    const link = await b.link();
    const bad = caloConfig(36) as ConfigMsg;
    bad.configVersion = 8;
    bad.channels.thresholdAdc[5] = 5000;
    const from = b.frames.length;
    const err = await link.configure(bad).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigRejectedError);
    expect(err.nack).toEqual({ configVersion: 8, reason: NackReason.OUT_OF_RANGE, fieldId: ConfigField.channels_thresholdAdc, index: 5, value: 5000 });
    expect(err.message).toContain("channels.thresholdAdc[5] = 5000");
    expect(b.all("FE_WRITE", from)).toHaveLength(0);
    const before = b.frames.length;
    // The board has no configuration yet: the read-back says so instead of timing out.
    expect(await link.readConfig().catch((e) => e)).toBeInstanceOf(NotConfiguredError);
    expect(b.all("LOG", before).map((l) => l.body.code)).toContain(LogCode.NOT_CONFIGURED);
    expect(b.all("CONFIG", before)).toHaveLength(0);
  });

  it("applies a good CONFIG: register writes mirrored, CONFIG_ACK with the hash, persisted", async () => {
    const link = await b.link();
    const from = b.frames.length;
    const ack = await link.configure(config);
    expect(ack).toEqual({ configVersion: 7, configHash: hash, channelCount: 36, persisted: 1 });
    const w = new RegWrites();
    w.add(Reg.CTRL, ctrlValue(false, false, true));
    configRegisters(boardConfigOf(config), w);
    const fe = b.all("FE_WRITE", from);
    expect(fe).toHaveLength(1);
    expect(fe[0]!.body.regs).toEqual({ n: w.n, addr: w.addr.slice(0, w.n), value: w.value.slice(0, w.n) });
    expect(fe[0]!.seq).toBeLessThan(b.all("CONFIG_ACK", from)[0]!.seq);
  });

  it("reads the applied configuration back byte for byte", async () => {
    const link = await b.link();
    const back = await link.readConfig();
    expect(Buffer.from(encodeConfigPayload(back))).toEqual(Buffer.from(encodeConfigPayload(config)));
  });

  it("a later bad CONFIG leaves the running configuration untouched", async () => {
    const link = await b.link();
    const bad = caloConfig(36) as ConfigMsg;
    bad.configVersion = 9;
    bad.signalEndSample = 40;
    const err = await link.configure(bad).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigRejectedError);
    expect(err.nack).toMatchObject({ reason: NackReason.WINDOW_ORDER, fieldId: ConfigField.signalEndSample, value: 40 });
    expect(configHash(await link.readConfig())).toBe(hash);
  });

  it("refuses BEGIN_RUN for another configuration hash, accepts it for the applied one", async () => {
    const link = await b.link();
    const err = await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 41, spillNumber: 0, configHash: (hash ^ 1) >>> 0 }).catch((e) => e);
    expect(err).toBeInstanceOf(RunRefusedError);
    const from = b.frames.length;
    const st = await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 41, spillNumber: 0, configHash: hash });
    expect(st).toMatchObject({ state: BoardState.RUNNING, runNumber: 41, configHash: hash, busy: 0 });
    const ctrl = b.all("FE_WRITE", from).at(-1)!;
    expect(ctrl.body.regs).toEqual({ n: 1, addr: [Reg.CTRL], value: [ctrlValue(true, false, true)] });
    await link.runControl({ action: RunAction.BEGIN_SPILL, runNumber: 41, spillNumber: 1, configHash: hash });
  });

  it("forwards the front end's FEATURES records, one event per trigger in READOUT frames, then SCALERS", async () => {
    const link = await b.link();
    const rng = new Rng(70);
    const events = [];
    for (let t = 1; t <= 30; t++) {
      if (t === 7) events.push(eventRecord(t, 32, [], rng)); // nothing passed the hardware zero suppression
      else if (t === 8) events.push(eventRecord(t, 32, [{ ch: 0, pulses: [{ amplitudeAdc: 3, peakSample: 14 }] }], rng)); // below threshold
      else if (t === 9) events.push(eventRecord(t, 32, [{ ch: 2, pulses: [{ amplitudeAdc: 700, peakSample: 12 }, { amplitudeAdc: 300, peakSample: 20 }] }], rng));
      else events.push(eventRecord(t, 32, shower(rng, 400 + 60 * t), rng));
    }
    const fe = frontEndRecords(frontEndRegisters(config), events);
    const perChannel = channelHitsOf(fe, 36);
    const records: AnyRecord[] = [{ name: "SPILL_BEGIN", body: { spillNumber: 1 } }, ...fe];
    records.push({ name: "SPILL_END", body: spillEndRecord(1, { recordsWritten: 32, channelHits: perChannel }) });
    const from = b.frames.length;
    for (const p of packInject(records, link.hello!.maxPayloadBytes - 2)) link.send("INJECT", { records: p });
    const scalers = await b.until(() => b.all("SCALERS", from)[0], "SCALERS");
    const got = readoutEvents(b.all("READOUT", from));
    // Several events per frame.
    expect(b.all("READOUT", from).length).toBeLessThan(got.length / 4);
    expect(got.map((e) => e.body.triggerNumber)).toEqual(events.map((e) => e.triggerNumber));
    for (const [i, e] of got.entries()) {
      const ref = referenceEvent(config, events[i]!.channels, events[i]!.samples);
      expect(e.body).toMatchObject({ spillNumber: 1, configHash: hash, timestampTicks: events[i]!.timestampTicks, triggerType: 1 });
      expect({ hits: e.body.hits, energySumKeV: e.body.energySumKeV, eventFlags: e.body.eventFlags }).toEqual({
        hits: ref.hits,
        energySumKeV: ref.energySumKeV,
        eventFlags: ref.eventFlags,
      });
    }
    expect(got[6]!.body.hits.n).toBe(0);
    expect(got[7]!.body.hits.n).toBe(0);
    expect(got[8]!.body.eventFlags).toBe(4); // pile-up
    // SCALERS come after the spill's last EVENT and count what was sent.
    expect(scalers.seq).toBeGreaterThan(got.at(-1)!.seq);
    const hits = got.reduce((s, e) => s + e.body.hits.n, 0);
    expect(hits).toBeGreaterThan(100);
    expect(scalers.body).toMatchObject({ runNumber: 41, spillNumber: 1, eventsSent: 30, hitsSent: hits, fifoRecords: 32, deadTicks: 1_866_250 });
    expect(scalers.body.channels.n).toBe(36);
    const sent = new Array(36).fill(0);
    for (const e of got) for (const c of e.body.hits.channel) sent[c]++;
    expect(scalers.body.channels.hits).toEqual(sent);
    expect(link.up.stats).toMatchObject({ lostUnexplained: 0, lostExplained: 0, lostInReboot: 0 });
  });

  it("forwards the largest event (72 hits) with its waveform (72 x 48 samples in records of 1,152), no reconnect", async () => {
    const link = await b.link();
    await link.runControl({ action: RunAction.END_RUN, runNumber: 41, spillNumber: 1, configHash: hash });
    const big = caloConfigAll(72, 48) as ConfigMsg;
    big.configVersion = 11;
    const connects = link.stats.connects;
    await link.configure(big);
    const bigHash = configHash(big);
    await link.runControl({ action: RunAction.BEGIN_RUN, runNumber: 42, spillNumber: 0, configHash: bigHash });
    const rng = new Rng(72);
    const chans: ChannelWave[] = [];
    for (let ch = 0; ch < 72; ch++) chans.push({ ch, pulses: [{ amplitudeAdc: 900 + 40 * ch, peakSample: 13.3 }, { amplitudeAdc: 500, peakSample: 30 }] });
    const rec = eventRecord(500, 48, chans, rng);
    // The front end splits the waveform into records of whole channels, at most MAX_RECORD_SAMPLES each.
    const records = frontEndRecords(frontEndRegisters(big), [rec, { ...rec, triggerNumber: 501 }], (e) => e.triggerNumber === 500);
    expect(records.filter((r) => r.name === "EVENT").map((r) => (r.body as { samples: number[] }).samples.length)).toEqual([MAX_RECORD_SAMPLES, MAX_RECORD_SAMPLES, MAX_RECORD_SAMPLES]);
    const from = b.frames.length;
    for (const p of packInject(records, link.hello!.maxPayloadBytes - 2)) link.send("INJECT", { records: p });
    const evs = await b.until(() => (readoutEvents(b.all("READOUT", from)).length === 2 ? readoutEvents(b.all("READOUT", from)) : undefined), "two events of 72 hits");
    const ref = referenceEvent(big, rec.channels, rec.samples);
    expect(evs[0]!.body.hits).toEqual(ref.hits);
    expect(evs[0]!.body.hits.n).toBe(72);
    expect(evs[0]!.body.configHash).toBe(bigHash);
    expect(evs[0]!.body.eventFlags & 4).toBe(4);
    // The waveform travels before its event: every channel, every sample, in frames of one record at most.
    const waveFrames = b.all("READOUT", from);
    expect(waveFrames.every((f) => f.bytes <= 16 + 10 + 2393)).toBe(true);
    const w = readoutWaveforms(waveFrames).filter((x) => x.body.triggerNumber === 500).flatMap((x) => x.body.waveforms);
    expect(w.map((x) => x.channel)).toEqual(rec.channels);
    expect(w.flatMap((x) => Array.from(x.samplesAdc))).toEqual(rec.samples);
    expect(w.at(-1)!.samplesAdc.length).toBe(48);
    expect(b.vm.logs.join("\n")).not.toMatch(/InfiniteLoop|PANIC|OutOfMemory/);
    expect(link.stats.connects).toBe(connects);
    await link.runControl({ action: RunAction.END_RUN, runNumber: 42, spillNumber: 0, configHash: bigHash });
    await link.configure(config);
  });

  it("keeps its configuration across a reboot: HELLO carries the hash, LOG CONFIG_RESTORED", async () => {
    const from = b.frames.length;
    const link = await b.reboot();
    const hello = await b.until(() => b.all("HELLO", from)[0], "HELLO after the reboot");
    expect(hello.seq).toBe(1);
    expect(hello.body).toMatchObject({ bootCount: 2, configHash: hash, configVersion: 7, state: BoardState.CONFIGURED });
    const restored = await b.until(() => b.all("LOG", from).find((l) => l.body.code === LogCode.CONFIG_RESTORED), "LOG CONFIG_RESTORED");
    expect(restored.body).toMatchObject({ arg0: 7, arg1: hash });
    expect(configHash(await link.readConfig())).toBe(hash);
    expect(link.stats.reboots).toBe(1);
  });
});
