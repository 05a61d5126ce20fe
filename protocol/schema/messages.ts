// The single source of every board <-> DAQ-host message layout: typed-binary schemas, always
// little-endian on the wire. The device codec (protocol/generated/device-codec.ts) and the fast
// host codec (protocol/generated/host-codec.ts) are generated from these objects by
// protocol/codegen; a test fails when the checked-in output is stale.
//
// Names carry units: ...Adc (ADC counts), ...Ticks (12.86 ns clock ticks), ...Q8 (samples x 256),
// ...Q4 (ADC counts x 16), ...KeV, ...Ms, ...EvPerAdc.
import { object, u8, u16, u32, f32, arrayOf, type AnySchema, type Parsed } from "typed-binary";
import { soa, bytes, text } from "./custom";
import { MAX_CHANNELS, MAX_REG_WRITES, MAX_LOG_TEXT, MAX_INJECT_BYTES } from "./limits";

/** Board announces itself; always the first frame on a connection (the firmware speaks first). */
export const Hello = object({
  role: u8,
  fwMajor: u8,
  fwMinor: u8,
  fwPatch: u8,
  protoMajor: u8,
  protoMinor: u8,
  channelCount: u8,
  frontEnd: u8,
  capabilities: u32,
  bootCount: u32,
  uptimeMs: u32,
  state: u8,
  configVersion: u32,
  configHash: u32,
  runNumber: u32,
  spillNumber: u32,
  /** Oldest sequence number still held in the board's resend ring (its HELLO seq if empty). */
  ringOldestSeq: u32,
  /** Frames the board accepts from the host beyond the last one it acknowledged. */
  rxWindowFrames: u16,
  maxPayloadBytes: u16,
});

/**
 * Full board configuration. Host -> board: apply it. Board -> host (answer to CONFIG_READ): what
 * is applied. Blocks that do not concern a role are zero on that role.
 */
export const Config = object({
  configVersion: u32,
  role: u8,
  flags: u16,
  windowSamples: u8,
  pedestalSamples: u8,
  signalStartSample: u8,
  signalEndSample: u8,
  /** Rise after the main peak, in ADC counts, that marks a second pulse (pile-up). */
  pileupRiseAdc: u16,
  /** Trigger board: enabled trigger types, bit (1 << (type-1)). */
  triggerEnableMask: u8,
  coincMask: u8,
  coincWindowTicks: u16,
  vetoMask: u8,
  vetoWindowTicks: u16,
  psMinSumAdc: u16,
  ecalMaxSumAdc: u16,
  prescaleBeam: u32,
  prescaleRandom: u32,
  prescaleCalib: u32,
  randomPeriodTicks: u32,
  calibPeriodTicks: u32,
  deadTimeTicks: u32,
  /** Veto board: counters (ChannelFlag.COUNTER) required in time for a coincidence. */
  coincMinCounters: u8,
  channels: soa(
    {
      thresholdAdc: u16,
      /** Configured pedestal x 16; used when pedestals are not measured from pre-samples. */
      pedestalQ4: u16,
      timeExpectedQ8: u16,
      timeHalfWindowQ8: u16,
      vetoThresholdAdc: u16,
      energyEvPerAdc: u32,
      chanFlags: u8,
    },
    "u8",
    MAX_CHANNELS,
    // The firmware keeps the columns in wire format (devs/core/config.ts ChannelConfig).
    { deviceColumnBytes: true },
  ),
});

export const ConfigAck = object({
  configVersion: u32,
  configHash: u32,
  channelCount: u8,
  /** 1 when the configuration was written to flash and will survive a reboot. */
  persisted: u8,
});

export const ConfigNack = object({
  configVersion: u32,
  reason: u8,
  /** Leaf index of the offending CONFIG field (protocol/names.ts CONFIG_FIELDS), 0xffff if none. */
  fieldId: u16,
  /** Channel index for per-channel fields, 0xffff otherwise. */
  index: u16,
  value: f32,
});

export const ConfigRead = object({});

export const RunControl = object({
  action: u8,
  runNumber: u32,
  spillNumber: u32,
  /** Hash of the configuration the host expects the board to run with. */
  configHash: u32,
});

/** Front-end FIFO records for the bench/playback front end: whole records, concatenated. */
export const Inject = object({
  records: bytes(MAX_INJECT_BYTES),
});

/** Register writes the firmware made to its front end (mirrored to the host on the link front end). */
export const FeWrite = object({
  regs: soa({ addr: u16, value: u32 }, "u16", MAX_REG_WRITES),
});

export const Event = object({
  spillNumber: u32,
  triggerNumber: u32,
  timestampTicks: u32,
  configHash: u32,
  triggerType: u8,
  eventFlags: u8,
  energySumKeV: u32,
  hits: soa(
    {
      channel: u8,
      amplitudeAdc: u16,
      /** Peak time (calorimeter) or leading-edge time (veto board), samples x 256 from window start. */
      timeQ8: u16,
      flags: u8,
    },
    "u8",
    MAX_CHANNELS,
    // The firmware keeps its hits in wire format (devs/core/hits.ts).
    { deviceColumnBytes: true },
  ),
});

export const Trigger = object({
  spillNumber: u32,
  triggerNumber: u32,
  timestampTicks: u32,
  configHash: u32,
  triggerType: u8,
  /** Trigger types whose condition was true for this trigger, bit (1 << (type-1)). */
  typeMask: u8,
  inputPattern: u8,
  psSumAdc: u16,
  ecalSumAdc: u16,
});

export const Scalers = object({
  runNumber: u32,
  spillNumber: u32,
  spillTicks: u32,
  deadTicks: u32,
  beamCoincidences: u32,
  /** Per trigger type (physics, beam, random, calibration): condition true. */
  rawTriggers: arrayOf(u32, 4),
  /** Per trigger type: accepted after prescale and inhibit. */
  acceptedTriggers: arrayOf(u32, 4),
  inhibitedBusy: u32,
  inhibitedDead: u32,
  fifoRecords: u32,
  fifoMaxDepth: u16,
  eventsSent: u32,
  hitsSent: u32,
  framesResent: u32,
  busyTicks: u32,
  channels: soa({ channel: u8, hits: u32 }, "u8", MAX_CHANNELS),
});

export const Status = object({
  state: u8,
  runNumber: u32,
  spillNumber: u32,
  configHash: u32,
  uptimeMs: u32,
  bootCount: u32,
  eventsPending: u16,
  ringUsed: u16,
  busy: u8,
  errorCount: u16,
  lastErrorCode: u16,
});

export const Log = object({
  level: u8,
  code: u16,
  arg0: u32,
  arg1: u32,
  text: text(MAX_LOG_TEXT),
});

export const Resend = object({
  fromSeq: u32,
  count: u16,
});

/** Cumulative acknowledgement and flow-control window, in both directions. */
export const Ack = object({
  /** Every frame from the peer with seq <= ackSeq has been received and kept. */
  ackSeq: u32,
  /** Frames the sender of this ACK accepts beyond ackSeq. */
  windowFrames: u16,
});

export type Direction = "up" | "down" | "both";

export interface MessageDef {
  readonly name: string;
  readonly type: number;
  readonly dir: Direction;
  readonly schema: AnySchema;
}

/** Every message, by envelope type byte. Numbers match MsgType in enums.ts (a test checks). */
export const MESSAGES = [
  { name: "HELLO", type: 0x01, dir: "up", schema: Hello },
  { name: "CONFIG", type: 0x02, dir: "both", schema: Config },
  { name: "CONFIG_ACK", type: 0x03, dir: "up", schema: ConfigAck },
  { name: "CONFIG_NACK", type: 0x04, dir: "up", schema: ConfigNack },
  { name: "CONFIG_READ", type: 0x05, dir: "down", schema: ConfigRead },
  { name: "RUN_CONTROL", type: 0x06, dir: "down", schema: RunControl },
  { name: "INJECT", type: 0x07, dir: "down", schema: Inject },
  { name: "FE_WRITE", type: 0x08, dir: "up", schema: FeWrite },
  { name: "EVENT", type: 0x09, dir: "up", schema: Event },
  { name: "TRIGGER", type: 0x0a, dir: "up", schema: Trigger },
  { name: "SCALERS", type: 0x0b, dir: "up", schema: Scalers },
  { name: "STATUS", type: 0x0c, dir: "up", schema: Status },
  { name: "LOG", type: 0x0d, dir: "up", schema: Log },
  { name: "RESEND", type: 0x0e, dir: "down", schema: Resend },
  { name: "ACK", type: 0x0f, dir: "both", schema: Ack },
] as const satisfies readonly MessageDef[];

export type HelloMsg = Parsed<typeof Hello>;
export type ConfigMsg = Parsed<typeof Config>;
export type ConfigAckMsg = Parsed<typeof ConfigAck>;
export type ConfigNackMsg = Parsed<typeof ConfigNack>;
export type ConfigReadMsg = Parsed<typeof ConfigRead>;
export type RunControlMsg = Parsed<typeof RunControl>;
export type InjectMsg = Parsed<typeof Inject>;
export type FeWriteMsg = Parsed<typeof FeWrite>;
export type EventMsg = Parsed<typeof Event>;
export type TriggerMsg = Parsed<typeof Trigger>;
export type ScalersMsg = Parsed<typeof Scalers>;
export type StatusMsg = Parsed<typeof Status>;
export type LogMsg = Parsed<typeof Log>;
export type ResendMsg = Parsed<typeof Resend>;
export type AckMsg = Parsed<typeof Ack>;
