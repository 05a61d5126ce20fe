// Hand-written golden vectors with realistic content, next to the generated edge cases.
// Numbers are written out here (not read from boards/) so that the vectors only change when the
// protocol does. Engineering values, consistent with the bench setup:
//   - ECAL main section: 6 x 6 cells on board 3 (ecal-main), channel = x + 6 y, 40 ADC/GeV, so
//     energyEvPerAdc = 1e9 / 40 = 25 000 000 eV per ADC count; pedestal about 200 ADC, noise 1.5.
//   - Clock 12.86 ns; the pulse peaks 180 ns after the window start = sample 14.0 = 3584 in Q8.
//   - A 70 GeV e+ shower centred on cell (3,3) (channel 21) deposits about 63 GeV in the main
//     section (the preshower takes the rest): about 80% in the central cell, a few % in each
//     side neighbour, under 1% in the diagonals; cells under the 6 ADC threshold are suppressed.
import type { ConfigMsg, EventMsg, HelloMsg, LogMsg, ScalersMsg } from "../schema/messages";
import type { FifoEventRec, FifoFeaturesRec, FifoSpillBeginRec, FifoSpillEndRec, FifoTriggerRec } from "../schema/fifo";
import {
  BoardRole,
  BoardState,
  Capability,
  ChannelFlag,
  ConfigFlag,
  EventFlag,
  FrontEndKind,
  HitFlag,
  LogCode,
  LogLevel,
  TriggerInput,
  TriggerType,
} from "../schema/enums";
import { MAX_PAYLOAD_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../schema/limits";
import { configHash } from "../config-hash";
import { encodeFifoRecord } from "../fifo-records";
import type { MessageBodies, MessageName } from "../codecs";
import type { FifoBodies, FifoName } from "../fifo-records";

export type VectorSpec =
  | { name: string; kind: "message"; message: MessageName; source: number; seq: number; values: MessageBodies[MessageName]; note: string }
  | { name: string; kind: "fifo"; record: FifoName; values: FifoBodies[FifoName]; note: string };

const ECAL_MAIN_BOARD = 3;
const TRIGGER_BOARD = 1;
const EV_PER_ADC = 25_000_000;
const PEAK_Q8 = 3584;
const SPILL = 12;
const TRIGGER_NO = 48213;
/** 2.1 s into the spill, in 12.86 ns ticks. */
const TIMESTAMP_TICKS = 163_297_045;

/** CR-RC^4 pulse (tau 1.2 samples, peak at sample 14), per mille of the peak, 32 samples. */
const PULSE_PER_MILLE = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 22, 241, 613, 904, 1000, 926, 761, 572, 403, 269, 173, 107, 64, 38, 22, 12, 7, 4, 2, 1, 1, 0];

/** Shower in the ECAL main section: [channel, amplitude ADC, peak time Q8]. */
const SHOWER: ReadonlyArray<readonly [number, number, number]> = [
  [14, 21, PEAK_Q8 + 40],
  [15, 96, PEAK_Q8 - 12],
  [16, 18, PEAK_Q8 + 25],
  [20, 104, PEAK_Q8 + 8],
  [21, 2019, PEAK_Q8],
  [22, 91, PEAK_Q8 - 20],
  [23, 7, PEAK_Q8 + 90],
  [26, 19, PEAK_Q8 + 31],
  [27, 88, PEAK_Q8 + 3],
  [28, 23, PEAK_Q8 - 37],
  [33, 8, PEAK_Q8 - 71],
  [9, 6, PEAK_Q8 + 120],
];

function calorimeterConfig(): ConfigMsg {
  const n = 36;
  const ch = (f: (c: number) => number) => Array.from({ length: n }, (_, c) => f(c));
  return {
    configVersion: 3,
    role: BoardRole.CALORIMETER,
    flags: ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES,
    windowSamples: 32,
    pedestalSamples: 8,
    signalStartSample: 10,
    signalEndSample: 24,
    pileupRiseAdc: 30,
    triggerEnableMask: 0,
    coincMask: 0,
    coincWindowTicks: 0,
    vetoMask: 0,
    vetoWindowTicks: 0,
    psMinSumAdc: 0,
    ecalMaxSumAdc: 0,
    prescaleBeam: 0,
    prescaleRandom: 0,
    prescaleCalib: 0,
    randomPeriodTicks: 0,
    calibPeriodTicks: 0,
    deadTimeTicks: 0,
    coincMinCounters: 0,
    channels: {
      n,
      thresholdAdc: ch(() => 6),
      // Pedestal x 16: 200 ADC with a small per-channel spread.
      pedestalQ4: ch((c) => 3200 + ((c * 7) % 11) * 4 - 20),
      timeExpectedQ8: ch(() => PEAK_Q8),
      timeHalfWindowQ8: ch(() => 768),
      vetoThresholdAdc: ch(() => 0),
      energyEvPerAdc: ch((c) => EV_PER_ADC + ((c * 13) % 17) * 50_000 - 400_000),
      chanFlags: ch(() => ChannelFlag.ENABLED | ChannelFlag.SUM),
    },
  };
}

function triggerConfig(): ConfigMsg {
  // Inputs S0, S1, S2 (beam counters, MIP ~300 ADC), V0, V1 (vetoes).
  const counter = ChannelFlag.ENABLED | ChannelFlag.COUNTER;
  const veto = ChannelFlag.ENABLED | ChannelFlag.VETO;
  return {
    configVersion: 7,
    role: BoardRole.TRIGGER,
    flags: 0,
    windowSamples: 32,
    pedestalSamples: 8,
    signalStartSample: 10,
    signalEndSample: 24,
    pileupRiseAdc: 40,
    triggerEnableMask: (1 << (TriggerType.PHYSICS - 1)) | (1 << (TriggerType.RANDOM - 1)) | (1 << (TriggerType.CALIBRATION - 1)),
    coincMask: TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2,
    coincWindowTicks: 5,
    vetoMask: TriggerInput.V0 | TriggerInput.V1,
    vetoWindowTicks: 8,
    // PS sum above 0.5 GeV (100 ADC/GeV), ECAL sum below 35 GeV (20 ADC/GeV) for a 70 GeV beam.
    psMinSumAdc: 50,
    ecalMaxSumAdc: 700,
    prescaleBeam: 1000,
    prescaleRandom: 1,
    prescaleCalib: 1,
    randomPeriodTicks: 7_776_050, // 10 Hz
    calibPeriodTicks: 77_760_498, // 1 Hz
    deadTimeTicks: 78, // 1 us
    coincMinCounters: 3,
    channels: {
      n: 5,
      thresholdAdc: [150, 150, 150, 150, 150],
      pedestalQ4: [3200, 3196, 3208, 3200, 3204],
      timeExpectedQ8: [PEAK_Q8, PEAK_Q8, PEAK_Q8, PEAK_Q8, PEAK_Q8],
      timeHalfWindowQ8: [512, 512, 512, 768, 768],
      vetoThresholdAdc: [0, 0, 0, 150, 150],
      energyEvPerAdc: [3333, 3333, 3333, 13333, 13333],
      chanFlags: [counter, counter, counter, veto, veto],
    },
  };
}

function showerEvent(hash: number): EventMsg {
  const hits = [...SHOWER].sort((a, b) => a[0] - b[0]);
  const flags = (amp: number, t: number) => HitFlag.PEDESTAL_MEASURED | (Math.abs(t - PEAK_Q8) <= 768 ? HitFlag.IN_TIME : 0) | (amp >= 4095 ? HitFlag.SATURATED : 0);
  return {
    spillNumber: SPILL,
    triggerNumber: TRIGGER_NO,
    timestampTicks: TIMESTAMP_TICKS,
    configHash: hash,
    triggerType: TriggerType.PHYSICS,
    eventFlags: 0,
    energySumKeV: hits.reduce((a, h) => a + h[1] * (EV_PER_ADC / 1000), 0),
    hits: {
      n: hits.length,
      channel: hits.map((h) => h[0]),
      amplitudeAdc: hits.map((h) => h[1]),
      timeQ8: hits.map((h) => h[2]),
      flags: hits.map((h) => flags(h[1], h[2])),
    },
  };
}

/** The front end's features of the shower (the EVENT's hits, as the front end extracts them), a waveform event. */
function showerFeatures(): FifoFeaturesRec {
  const e = showerEvent(0);
  return {
    triggerNumber: e.triggerNumber,
    timestampTicks: e.timestampTicks,
    triggerType: e.triggerType,
    eventFlags: EventFlag.WAVEFORM,
    energySumKeV: e.energySumKeV,
    vetoHits: 0,
    counterHits: 0,
    hits: e.hits,
  };
}

/** The front end's readout window for the shower: 36 channels x 32 samples, channel-major. */
function showerWindow(): FifoEventRec {
  const amp = new Map(SHOWER.map((h) => [h[0], h[1]]));
  const samples: number[] = [];
  for (let c = 0; c < 36; c++)
    for (let s = 0; s < 32; s++) {
      const pedestal = s & 1 ? 201 : 199; // odd/even pedestals differ, as on the MSADC
      const noise = ((c * 7 + s * 3) % 5) - 2;
      const signal = Math.round(((amp.get(c) ?? 0) * PULSE_PER_MILLE[s]!) / 1000);
      samples.push(Math.min(4095, pedestal + noise + signal));
    }
  return {
    triggerNumber: TRIGGER_NO,
    timestampTicks: TIMESTAMP_TICKS,
    triggerType: TriggerType.PHYSICS,
    windowSamples: 32,
    channels: Array.from({ length: 36 }, (_, c) => c),
    samples,
  };
}

function spillEnd(): FifoSpillEndRec {
  return {
    spillNumber: SPILL,
    spillTicks: 373_250_389, // 4.8 s
    deadTicks: 1_203_377,
    busyTicks: 0,
    beamCoincidences: 4_200_000,
    rawTriggers: [61, 4_200_000, 48, 5],
    acceptedTriggers: [59, 4_199, 47, 5],
    inhibitedBusy: 0,
    inhibitedDead: 3,
    recordsWritten: 4_312,
    fifoMaxDepth: 17,
  };
}

/** Every hand-written vector. */
export function realisticVectors(): VectorSpec[] {
  const calo = calorimeterConfig();
  const caloHash = configHash(calo);
  const trig = triggerConfig();
  const window = showerWindow();
  const spillBegin: FifoSpillBeginRec = { spillNumber: SPILL };
  const triggerRec: FifoTriggerRec = {
    triggerNumber: TRIGGER_NO,
    timestampTicks: TIMESTAMP_TICKS,
    triggerType: TriggerType.PHYSICS,
    typeMask: (1 << (TriggerType.PHYSICS - 1)) | (1 << (TriggerType.BEAM - 1)),
    inputPattern: TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2 | TriggerInput.PS_MIN | TriggerInput.ECAL_MAX,
    psSumAdc: 731,
    ecalSumAdc: 524,
  };
  const records = Buffer.concat([
    encodeFifoRecord("SPILL_BEGIN", spillBegin),
    encodeFifoRecord("EVENT", window),
    encodeFifoRecord("SPILL_END", spillEnd()),
  ]);
  if (records.length > MAX_PAYLOAD_BYTES) throw new Error("realistic INJECT does not fit a frame");
  const hello: HelloMsg = {
    role: BoardRole.CALORIMETER,
    fwMajor: 0,
    fwMinor: 3,
    fwPatch: 1,
    protoMajor: PROTO_MAJOR,
    protoMinor: PROTO_MINOR,
    channelCount: 36,
    frontEnd: FrontEndKind.LINK,
    capabilities: Capability.RESEND_RING | Capability.PERSISTENT_CONFIG | Capability.FLOW_CONTROL | Capability.FE_WRITE_MIRROR,
    bootCount: 4,
    uptimeMs: 3_601_250,
    state: BoardState.CONFIGURED,
    configVersion: calo.configVersion,
    configHash: caloHash,
    runNumber: 1207,
    spillNumber: SPILL - 1,
    ringOldestSeq: 18_230,
    rxWindowFrames: 8,
    maxPayloadBytes: MAX_PAYLOAD_BYTES,
  };
  const scalers: ScalersMsg = {
    runNumber: 1207,
    spillNumber: SPILL,
    spillTicks: 373_250_389,
    deadTicks: 1_203_377,
    beamCoincidences: 4_200_000,
    rawTriggers: [61, 4_200_000, 48, 5],
    acceptedTriggers: [59, 4_199, 47, 5],
    inhibitedBusy: 0,
    inhibitedDead: 3,
    fifoRecords: 4_312,
    fifoMaxDepth: 17,
    eventsSent: 4_310,
    hitsSent: 0,
    framesResent: 2,
    busyTicks: 0,
    channels: { n: 5, channel: [0, 1, 2, 3, 4], hits: [4_213_518, 4_207_770, 4_203_301, 38_412, 41_975] },
  };
  const logs: LogMsg[] = [
    { level: LogLevel.WARN, code: LogCode.RESEND_UNAVAILABLE, arg0: 18_101, arg1: 129, text: "resend 18101+129: ring starts at 18230" },
    { level: LogLevel.INFO, code: LogCode.TEXT, arg0: 21, arg1: 0, text: "ch 21 pedestal µ 199.8 → 201.3 ADC (Δ 1.5)" },
  ];
  return [
    { name: "HELLO/ecal-main-configured", kind: "message", message: "HELLO", source: ECAL_MAIN_BOARD, seq: 18_301, values: hello, note: "calorimeter board reconnecting after a reboot" },
    { name: "CONFIG/ecal-main-36ch", kind: "message", message: "CONFIG", source: 0, seq: 2, values: calo, note: "full calorimeter configuration, 36 channels" },
    { name: "CONFIG/trigger-70GeV", kind: "message", message: "CONFIG", source: 0, seq: 2, values: trig, note: "trigger board for a 70 GeV e+ beam" },
    { name: "EVENT/ecal-70GeV-shower", kind: "message", message: "EVENT", source: ECAL_MAIN_BOARD, seq: 18_302, values: showerEvent(caloHash), note: "70 GeV e+ shower in the ECAL main section, 12 hits" },
    { name: "INJECT/ecal-spill-records", kind: "message", message: "INJECT", source: 0, seq: 9, values: { records }, note: "SPILL_BEGIN, the shower's 36x32 readout window, SPILL_END" },
    { name: "SCALERS/trigger-end-of-spill", kind: "message", message: "SCALERS", source: TRIGGER_BOARD, seq: 912, values: scalers, note: "trigger board scalers for a 4.8 s spill of 4.2e6 e+" },
    { name: "LOG/resend-unavailable", kind: "message", message: "LOG", source: ECAL_MAIN_BOARD, seq: 18_303, values: logs[0]!, note: "RESEND for frames that left the ring" },
    { name: "LOG/multibyte-text", kind: "message", message: "LOG", source: ECAL_MAIN_BOARD, seq: 18_304, values: logs[1]!, note: "UTF-8 text with 2- and 3-byte characters" },
    { name: "FIFO_EVENT/ecal-70GeV-window", kind: "fifo", record: "EVENT", values: window, note: "36 channels x 32 samples with the shower pulses" },
    { name: "FIFO_TRIGGER/physics", kind: "fifo", record: "TRIGGER", values: triggerRec, note: "trigger logic record of the shower's trigger" },
    { name: "FIFO_SPILL_END/4.8s", kind: "fifo", record: "SPILL_END", values: spillEnd(), note: "hardware scalers at the end of a 4.8 s spill" },
    { name: "FIFO_FEATURES/ecal-70GeV-shower", kind: "fifo", record: "FEATURES", values: showerFeatures(), note: "the shower's hits as the front end extracts them, a waveform event" },
  ];
}
