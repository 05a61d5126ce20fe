// The single source of every board <-> DAQ-host message layout: typed-binary schemas, always
// little-endian on the wire. The device codec (protocol/generated/device-codec.ts) and the fast
// host codec (protocol/generated/host-codec.ts) are generated from these objects by
// protocol/codegen; a test fails when the checked-in output is stale.
//
// Names carry units: ...Adc (ADC counts), ...Ticks (12.86 ns clock ticks), ...Q8 (samples x 256),
// ...Q4 (ADC counts x 16), ...KeV, ...Ms, ...EvPerAdc.
//
// protocol/README.md's message tables are generated from these objects and their doc comments
// (`npm run codegen`): a field that holds a code names its enum (enums.ts) in its comment.
import { object, u8, u16, u32, f32, arrayOf, type AnySchema, type Parsed } from "typed-binary";
import { soa, bytes, text } from "./custom";
import { MAX_CHANNELS, MAX_REG_WRITES, MAX_LOG_TEXT, MAX_INJECT_BYTES, MAX_READOUT_BYTES } from "./limits";
import { HIT_FIELDS } from "./fifo";

export const Hello = object({
  /** BoardRole. */
  role: u8,
  /** Firmware version major.minor.patch. */
  fwMajor: u8,
  fwMinor: u8,
  fwPatch: u8,
  /** Protocol version the board speaks (the envelope's version byte carries it too). */
  protoMajor: u8,
  protoMinor: u8,
  /** Channels the board reads. */
  channelCount: u8,
  /** FrontEndKind. */
  frontEnd: u8,
  /** Capability bits. */
  capabilities: u32,
  /** Counted up at every boot; a new value means the board restarted (its resend ring is gone, its seq restarts at 1). */
  bootCount: u32,
  uptimeMs: u32,
  /** BoardState. */
  state: u8,
  /** CONFIG.configVersion of the applied configuration; 0 when none is applied. */
  configVersion: u32,
  /** Config hash of the applied configuration; 0 when none is applied. */
  configHash: u32,
  /** Run and spill the board is in (the last ones it was told of). */
  runNumber: u32,
  spillNumber: u32,
  /** Oldest sequence number still held in the board's resend ring (its HELLO seq if empty). */
  ringOldestSeq: u32,
  /** Frames the board accepts from the host beyond the last one it acknowledged. */
  rxWindowFrames: u16,
  maxPayloadBytes: u16,
});

/** The whole configuration of a board. Fields that do not concern a board's role are zero. */
export const Config = object({
  /** Chosen by the host; echoed in CONFIG_ACK, CONFIG_NACK and HELLO. */
  configVersion: u32,
  /** BoardRole this configuration is for (CONFIG_NACK WRONG_ROLE otherwise). */
  role: u8,
  /** ConfigFlag bits. */
  flags: u16,
  /** Digitisers: samples per readout window, 4..64. */
  windowSamples: u8,
  /** Digitisers: pre-samples (from the window start) the pedestals are measured from. */
  pedestalSamples: u8,
  /** Digitisers: the signal region [signalStartSample, signalEndSample) of the window, in samples. */
  signalStartSample: u8,
  signalEndSample: u8,
  /** Rise after the main peak, in ADC counts, that marks a second pulse (pile-up). */
  pileupRiseAdc: u16,
  /** Trigger board: enabled trigger types, TriggerType bits (1 << (type-1)). */
  triggerEnableMask: u8,
  /** Trigger board: counters required for the beam coincidence, TriggerInput bits (S0..S2). */
  coincMask: u8,
  coincWindowTicks: u16,
  /** Trigger board: veto inputs in anti-coincidence, TriggerInput bits (V0, V1). */
  vetoMask: u8,
  /** Trigger board: anti-coincidence window around the beam coincidence. */
  vetoWindowTicks: u16,
  /** Trigger board: preshower analog-sum minimum of the physics trigger. */
  psMinSumAdc: u16,
  /** Trigger board: ECAL analog-sum maximum of the physics trigger. */
  ecalMaxSumAdc: u16,
  /** Trigger board: accept one beam / random / calibration trigger in n (0 = none). */
  prescaleBeam: u32,
  prescaleRandom: u32,
  prescaleCalib: u32,
  /** Trigger board: mean period of the random trigger generator. */
  randomPeriodTicks: u32,
  /** Trigger board: period of the calibration (LED) pulser. */
  calibPeriodTicks: u32,
  /** Trigger board: fixed dead time after each accepted trigger. */
  deadTimeTicks: u32,
  /** Veto board: counters (ChannelFlag.COUNTER) required in time for a coincidence. */
  coincMinCounters: u8,
  /** One row per channel: row i configures channel i (5 rows on the trigger board, 72 on digitisers). */
  channels: soa(
    {
      /** Zero-suppression (digitisers) or discriminator (trigger board) threshold above the pedestal. */
      thresholdAdc: u16,
      /** Configured pedestal x 16; used when pedestals are not measured from pre-samples. */
      pedestalQ4: u16,
      /** Expected hit time from the window start (peak on calorimeters, leading edge on the veto board). */
      timeExpectedQ8: u16,
      /** Half width of the in-time window around timeExpectedQ8 (HitFlag.IN_TIME); 0 = no window. */
      timeHalfWindowQ8: u16,
      /** Veto board: amplitude at which an in-time VETO channel vetoes the event. */
      vetoThresholdAdc: u16,
      /** Energy per ADC count, for the board's energy sum. */
      energyEvPerAdc: u32,
      /** ChannelFlag bits. */
      chanFlags: u8,
    },
    "u8",
    MAX_CHANNELS,
    // The firmware keeps the columns in wire format (devs/core/config.ts ChannelConfig).
    { deviceColumnBytes: true },
  ),
});

export const ConfigAck = object({
  /** Of the configuration just applied. */
  configVersion: u32,
  /** Config hash of the payload just applied. */
  configHash: u32,
  /** Rows of CONFIG.channels applied. */
  channelCount: u8,
  /** 1 when the configuration was written to flash and will survive a reboot. */
  persisted: u8,
});

export const ConfigNack = object({
  /** Of the configuration refused. */
  configVersion: u32,
  /** NackReason. */
  reason: u8,
  /** The offending CONFIG field by its config field id (leaf index, ConfigField), 0xffff if none. */
  fieldId: u16,
  /** Channel index for per-channel fields, 0xffff otherwise. */
  index: u16,
  /** The offending value. */
  value: f32,
});

export const ConfigRead = object({});

export const RunControl = object({
  /** RunAction. */
  action: u8,
  /** Run number (taken by BEGIN_RUN). */
  runNumber: u32,
  /** Spill number (taken by BEGIN_SPILL). */
  spillNumber: u32,
  /** Hash of the configuration the host expects the board to run with. */
  configHash: u32,
});

export const Inject = object({
  /** Whole FIFO records, header included, back to back. */
  records: bytes(MAX_INJECT_BYTES),
});

export const FeWrite = object({
  /** In the order written. */
  regs: soa(
    {
      /** Register address (register map below; per-channel blocks: base + channel). */
      addr: u16,
      value: u32,
    },
    "u16",
    MAX_REG_WRITES,
  ),
});

export const Event = object({
  /** Spill of the trigger (from RUN_CONTROL BEGIN_SPILL). */
  spillNumber: u32,
  /** Trigger number from the FIFO record; with spillNumber the key the event builder joins boards on. */
  triggerNumber: u32,
  /** Trigger time from the FIFO record. */
  timestampTicks: u32,
  /** Config hash of the configuration the event was processed with. */
  configHash: u32,
  /** TriggerType from the FIFO record. */
  triggerType: u8,
  /** EventFlag bits. */
  eventFlags: u8,
  /** Calorimeter boards: sum over the hits of SUM channels of amplitudeAdc x energyEvPerAdc, rounded; 0 on the veto board. */
  energySumKeV: u32,
  /** One row per hit, in the order of the FIFO record's channels; 0 rows is an ordinary event. */
  hits: soa(
    HIT_FIELDS,
    "u8",
    MAX_CHANNELS,
    // The firmware keeps its hits in wire format (devs/core/hits.ts).
    { deviceColumnBytes: true },
  ),
});

export const Trigger = object({
  /** Spill of the trigger (from RUN_CONTROL BEGIN_SPILL). */
  spillNumber: u32,
  /** Trigger number, counted by the trigger logic; every digitiser's EVENT of this trigger carries the same. */
  triggerNumber: u32,
  /** Trigger time. */
  timestampTicks: u32,
  /** Config hash of the trigger board's applied configuration. */
  configHash: u32,
  /** TriggerType: the lowest type number in typeMask (PHYSICS before BEAM). */
  triggerType: u8,
  /** TriggerType bits (1 << (type-1)) of every type that accepted this trigger: its condition was true and it passed that type's prescale. */
  typeMask: u8,
  /** TriggerInput bits at the trigger time. */
  inputPattern: u8,
  /** Preshower analog sum at the trigger time. */
  psSumAdc: u16,
  /** ECAL analog sum at the trigger time. */
  ecalSumAdc: u16,
});

export const Scalers = object({
  runNumber: u32,
  spillNumber: u32,
  /** Hardware: length of the spill. */
  spillTicks: u32,
  /** Hardware: time the trigger logic was dead after accepted triggers. */
  deadTicks: u32,
  /** Beam coincidences: the hardware's count (trigger board); the events with EventFlag.COINCIDENCE (veto board). */
  beamCoincidences: u32,
  /** Hardware, per trigger type (element type-1: physics, beam, random, calibration): condition true. */
  rawTriggers: arrayOf(u32, 4),
  /** Hardware, per trigger type (element type-1): accepted after prescale and inhibit; a trigger with several bits in its typeMask counts in each. */
  acceptedTriggers: arrayOf(u32, 4),
  /** Hardware: triggers inhibited because a board was BUSY. */
  inhibitedBusy: u32,
  /** Hardware: triggers inhibited by the dead time. */
  inhibitedDead: u32,
  /** Hardware: records the front end wrote into its FIFO this spill. */
  fifoRecords: u32,
  /** Hardware: most records the FIFO held at once. */
  fifoMaxDepth: u16,
  /** Firmware: events (digitisers: FEATURES records, or EVENT frames) or triggers (trigger board) sent this spill. */
  eventsSent: u32,
  /** Firmware: hits in those events. */
  hitsSent: u32,
  /** Firmware: frames sent again on RESEND this spill. */
  framesResent: u32,
  /** Hardware: time this board held BUSY. */
  busyTicks: u32,
  /** Hits per channel this spill, one row for each of the board's channels (row i = channel i): the front end's count (FIFO SPILL_END.channelHits). */
  channels: soa({ channel: u8, hits: u32 }, "u8", MAX_CHANNELS),
});

export const Status = object({
  /** BoardState. */
  state: u8,
  runNumber: u32,
  spillNumber: u32,
  /** Config hash of the applied configuration; 0 when none is applied. */
  configHash: u32,
  uptimeMs: u32,
  bootCount: u32,
  /** Link front end: 1 while injected records wait to be processed, else 0. */
  eventsPending: u16,
  /** Frames in the resend ring (sent, not yet acknowledged). */
  ringUsed: u16,
  /** 1 while the board is BUSY (CtrlBit.BUSY raised), else 0. */
  busy: u8,
  /** Failures since boot that the board logged as LOG TEXT at level ERROR (saturates at 0xffff). */
  errorCount: u16,
  /** arg0 of the last of them. */
  lastErrorCode: u16,
});

export const Log = object({
  /** LogLevel. */
  level: u8,
  /** LogCode. */
  code: u16,
  /** First number; its meaning depends on the LogCode. */
  arg0: u32,
  /** Second number; its meaning depends on the LogCode. */
  arg1: u32,
  /** Empty except where the LogCode says. */
  text: text(MAX_LOG_TEXT),
});

export const Resend = object({
  /** First up-direction seq to send again. */
  fromSeq: u32,
  /** Frames from fromSeq on. */
  count: u16,
});

/**
 * Since 1.2. On digitisers FEATURES records with the board's decisions in eventFlags (VETOED,
 * COINCIDENCE), each preceded on a waveform event (eventFlags WAVEFORM) by the EVENT records of its
 * samples, possibly in an earlier READOUT frame; on the trigger board TRIGGER records. A frame
 * carries the records of one turn of the board's work, in FIFO order. The host turns each FEATURES
 * record into the EVENT fields (spillNumber and configHash from this frame) and each TRIGGER record
 * into the TRIGGER fields (protocol/readout.ts).
 */
export const Readout = object({
  /** Spill of the triggers (from RUN_CONTROL BEGIN_SPILL and the FIFO's SPILL_BEGIN). */
  spillNumber: u32,
  /** Hash of the configuration the board runs with. */
  configHash: u32,
  /** Whole FIFO records (FEATURES, EVENT, TRIGGER), header included, back to back. */
  records: bytes(MAX_READOUT_BYTES),
});

/** Sent in both directions, each acknowledging the other's frames. */
export const Ack = object({
  /** Every frame from the peer with seq <= ackSeq has been received and kept. */
  ackSeq: u32,
  /** Frames the sender of this ACK accepts beyond ackSeq. */
  windowFrames: u16,
});

/**
 * Host -> board, unsequenced, answer to the HELLO of a board that announced Capability.AUTH: a
 * fresh random challenge. The board answers with AUTH_PROOF (protocol/README.md, "Trust").
 */
export const AuthChallenge = object({
  hostNonce: arrayOf(u8, 16),
});

/**
 * Board -> host, unsequenced: the board's own fresh nonce and its proof, the first 16 bytes of
 * HMAC-SHA256(key, "NA64 board" | hostNonce | boardNonce | the HELLO frame of this connection).
 */
export const AuthProof = object({
  boardNonce: arrayOf(u8, 16),
  mac: arrayOf(u8, 16),
});

/**
 * Host -> board, unsequenced, right before every sequenced host frame on an authenticated
 * connection: the first 16 bytes of HMAC-SHA256(key, "NA64 host" | boardNonce | hostNonce | that
 * frame), naming its seq. Bound to this connection's nonces and to the seq: a recorded frame cannot
 * be replayed.
 */
export const AuthTag = object({
  seq: u32,
  mac: arrayOf(u8, 16),
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
  { name: "AUTH_CHALLENGE", type: 0x10, dir: "down", schema: AuthChallenge },
  { name: "AUTH_PROOF", type: 0x11, dir: "up", schema: AuthProof },
  { name: "AUTH_TAG", type: 0x12, dir: "down", schema: AuthTag },
  { name: "READOUT", type: 0x13, dir: "up", schema: Readout },
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
export type AuthChallengeMsg = Parsed<typeof AuthChallenge>;
export type AuthProofMsg = Parsed<typeof AuthProof>;
export type AuthTagMsg = Parsed<typeof AuthTag>;
export type ReadoutMsg = Parsed<typeof Readout>;
