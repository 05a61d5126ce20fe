// Numeric codes that travel on the wire. Portable (DeviceScript + Node): no imports.
// Every member carries a doc comment: protocol/README.md's enum tables are generated from them
// (`npm run codegen`; the generator refuses a member without one). A message field that holds one
// of these codes names the enum in its own doc comment (protocol/schema/messages.ts).

/** Message type byte of the envelope. */
export const enum MsgType {
  /** First frame on every connection (the board speaks first): role, versions, channels, boot count, applied config hash, ring state. */
  HELLO = 0x01,
  /** Down: apply this configuration. Up: the applied configuration (answer to CONFIG_READ). */
  CONFIG = 0x02,
  /** Configuration applied: its version and hash, persisted flag. */
  CONFIG_ACK = 0x03,
  /** Configuration rejected, nothing applied: reason, field id, channel index, value. */
  CONFIG_NACK = 0x04,
  /** Ask for the applied configuration. */
  CONFIG_READ = 0x05,
  /** Begin/end run, begin/end spill, with the config hash the host expects. */
  RUN_CONTROL = 0x06,
  /** Front-end FIFO records for a front end reached over the link (bench, playback). */
  INJECT = 0x07,
  /** Register writes the firmware made to its front end (link front end only). */
  FE_WRITE = 0x08,
  /** One per trigger per digitiser board (zero hits is normal); hits as structure of arrays. Protocol 1.0 and 1.1 boards; 1.2 boards send READOUT. */
  EVENT = 0x09,
  /** One per accepted trigger, from the trigger board. Protocol 1.0 and 1.1 boards; 1.2 boards send READOUT. */
  TRIGGER = 0x0a,
  /** Once per spill, after the spill's last READOUT (or EVENT, TRIGGER): hardware scalers, firmware counters, hits per channel. */
  SCALERS = 0x0b,
  /** Heartbeat (every second) and answer to every RUN_CONTROL. */
  STATUS = 0x0c,
  /** Something the firmware reports: level, code, two numbers, text. */
  LOG = 0x0d,
  /** Resend frames [fromSeq, fromSeq + count) from the resend ring. Unsequenced (seq 0). */
  RESEND = 0x0e,
  /** Cumulative acknowledgement and flow-control window. Unsequenced (seq 0). */
  ACK = 0x0f,
  /** The host's fresh challenge to a board that offered to authenticate (Capability.AUTH). Unsequenced (seq 0). Since 1.1. */
  AUTH_CHALLENGE = 0x10,
  /** The board's nonce and its proof over the challenge and its HELLO. Unsequenced (seq 0). Since 1.1. */
  AUTH_PROOF = 0x11,
  /** The host's tag of the sequenced frame that follows it, on an authenticated connection. Unsequenced (seq 0). Since 1.1. */
  AUTH_TAG = 0x12,
  /** The front end's FIFO records of consecutive triggers as the board forwards them: one FEATURES (digitisers, zero hits is normal) or TRIGGER record per trigger, and the waveform records of waveform events. Since 1.2. */
  READOUT = 0x13,
}

/** What a readout board does; one firmware image per role. */
export const enum BoardRole {
  /** The trigger board: counters, vetoes and analog sums in its trigger logic; sends TRIGGER. */
  TRIGGER = 1,
  /** A calorimeter digitiser (ECAL preshower, ECAL main, HCAL): peak amplitudes and times; sends EVENT. */
  CALORIMETER = 2,
  /** The veto/counter digitiser (S0-S2, V0/V1, SRD, VETO): leading-edge times, veto decision, coincidence; sends EVENT. */
  VETO = 3,
}

/** How the firmware reaches its front end (HELLO.frontEnd). */
export const enum FrontEndKind {
  /** The front end (ADC + FPGA) on the board's SPI bus: a real board. */
  SPI = 1,
  /** The front end is reached over the link: FIFO records in INJECT frames, register writes in FE_WRITE (bench, playback). */
  LINK = 2,
}

/** HELLO.capabilities bits. */
export const enum Capability {
  /** Keeps sent frames until they are acknowledged and replays them on RESEND. */
  RESEND_RING = 0x01,
  /** Keeps the applied configuration in flash and restores it after a reboot. */
  PERSISTENT_CONFIG = 0x02,
  /** Honours the host's ACK window (ACK.windowFrames). */
  FLOW_CONTROL = 0x04,
  /** Sends its front-end register writes to the host as FE_WRITE. */
  FE_WRITE_MIRROR = 0x08,
  /** The board has a key: it proves itself when challenged and takes only authenticated host frames. */
  AUTH = 0x10,
}

/** Board state in HELLO and STATUS. */
export const enum BoardState {
  /** Reserved for a board that is starting; this firmware never sends it. */
  BOOTING = 0,
  /** No configuration applied: front-end records are dropped, RUN_CONTROL is refused. */
  UNCONFIGURED = 1,
  /** A configuration is applied; no run. BEGIN_RUN is accepted here. */
  CONFIGURED = 2,
  /** In a run, between spills. BEGIN_SPILL and END_RUN are accepted here. */
  RUNNING = 3,
  /** In a run, inside a spill. END_SPILL and END_RUN are accepted here. */
  IN_SPILL = 4,
  /** Reserved for a board stopped by an error; this firmware never sends it. */
  ERROR = 5,
}

/** RUN_CONTROL.action. */
export const enum RunAction {
  /** CONFIGURED -> RUNNING; refused unless configHash is the applied configuration's hash. Sets the run number. */
  BEGIN_RUN = 1,
  /** RUNNING or IN_SPILL -> CONFIGURED. */
  END_RUN = 2,
  /** RUNNING -> IN_SPILL; refused unless configHash is the applied configuration's hash. Sets the spill number. */
  BEGIN_SPILL = 3,
  /** IN_SPILL -> RUNNING. */
  END_SPILL = 4,
}

/** CONFIG_NACK.reason. */
export const enum NackReason {
  /** A value outside its allowed range (fieldId, index and value say which). */
  OUT_OF_RANGE = 1,
  /** CONFIG.role is not this board's role. */
  WRONG_ROLE = 2,
  /** Channel count outside 1..the role's capacity, or channels x window above the FIFO record limit. */
  CHANNEL_COUNT = 3,
  /** Pedestal samples, signal start and signal end are not in order inside the window. */
  WINDOW_ORDER = 4,
  /** The payload does not decode, or has bytes left over (value: payload bytes). */
  MALFORMED = 5,
  /** A CONFIG during a run (value: the board state). */
  BUSY_IN_RUN = 6,
  /** The configuration could not be written to flash; nothing applied. */
  STORAGE_FAILED = 7,
}

/** CONFIG.flags bits. */
export const enum ConfigFlag {
  /** Digitisers send only channels whose amplitude reaches thresholdAdc (front end and firmware). */
  ZERO_SUPPRESSION = 0x0001,
  /** Pedestals measured from the pre-samples of each event (odd and even separately). */
  PEDESTAL_FROM_PRESAMPLES = 0x0002,
}

/** CONFIG.channels.chanFlags bits. */
export const enum ChannelFlag {
  /** The channel is read out. */
  ENABLED = 0x01,
  /** A beam counter that takes part in the coincidence check. */
  COUNTER = 0x02,
  /** A veto channel: in-time amplitude above vetoThresholdAdc vetoes the event. */
  VETO = 0x04,
  /** Included in the board's energy sum. */
  SUM = 0x08,
}

/** Trigger type numbers; bit (1 << (type-1)) in masks. */
export const enum TriggerType {
  /** Beam coincidence, no veto, preshower sum >= its minimum and ECAL sum <= its maximum (the missing-energy trigger). Mask bit 0x01. */
  PHYSICS = 1,
  /** Beam coincidence alone, prescaled: an unbiased sample of the beam. Mask bit 0x02. */
  BEAM = 2,
  /** Random generator, prescaled: pedestals and noise. Mask bit 0x04. */
  RANDOM = 3,
  /** Calibration (LED) pulser, prescaled. Mask bit 0x08. */
  CALIBRATION = 4,
}

/** EVENT.hits.flags bits. */
export const enum HitFlag {
  /** A sample of the signal region reached the ADC maximum (4095): the amplitude is a lower bound. */
  SATURATED = 0x01,
  /** A second pulse in the signal region: a sample lies CONFIG.pileupRiseAdc or more below an earlier and a later one (only when pileupRiseAdc > 0 and the peak reaches it). */
  PILEUP = 0x02,
  /** The hit time is within timeExpectedQ8 +- timeHalfWindowQ8 of the channel. */
  IN_TIME = 0x04,
  /** Veto board: a VETO channel in time with amplitude >= vetoThresholdAdc (the event is VETOED). */
  VETO = 0x08,
  /** The pedestal was measured from this event's pre-samples (ConfigFlag.PEDESTAL_FROM_PRESAMPLES), not the configured pedestalQ4. */
  PEDESTAL_MEASURED = 0x10,
}

/** EVENT.eventFlags bits. */
export const enum EventFlag {
  /** Veto board: at least one hit has HitFlag.VETO. */
  VETOED = 0x01,
  /** Veto board: at least coincMinCounters COUNTER channels were in time above threshold. */
  COINCIDENCE = 0x02,
  /** At least one hit has HitFlag.PILEUP. */
  PILEUP = 0x04,
  /** The event's waveforms (FIFO EVENT records of its samples) travel with its features. */
  WAVEFORM = 0x08,
}

/** TRIGGER.inputPattern bits (trigger board discriminator inputs). */
export const enum TriggerInput {
  /** Beam counter S0 fired. */
  S0 = 0x01,
  /** Beam counter S1 fired. */
  S1 = 0x02,
  /** Beam counter S2 fired. */
  S2 = 0x04,
  /** Veto counter V0 fired. */
  V0 = 0x08,
  /** Veto counter V1 fired. */
  V1 = 0x10,
  /** Preshower analog sum >= its minimum (psMinSumAdc). */
  PS_MIN = 0x20,
  /** ECAL analog sum <= its maximum (ecalMaxSumAdc). */
  ECAL_MAX = 0x40,
}

/** LOG.level. */
export const enum LogLevel {
  /** Detail for debugging. */
  DEBUG = 0,
  /** Something normal worth knowing. */
  INFO = 1,
  /** Something went wrong and was handled; data may be affected. */
  WARN = 2,
  /** Something failed. */
  ERROR = 3,
}

/** LOG.code: what a firmware log line is about; each code says what arg0, arg1 and text hold (an argument it does not name is 0, text it does not name is empty). */
export const enum LogCode {
  /** Free text. At level ERROR, arg0 says where it failed (0xffff handling a host frame or applying a configuration, 0xfffe the front end) and arg1 is 0. */
  TEXT = 0,
  /** A RESEND asked for frames no longer in the ring: arg0 first missing seq, arg1 count. */
  RESEND_UNAVAILABLE = 1,
  /** Bytes from the host were not a frame it could use: arg1 FrameFault (below), arg0 as FrameFault says. */
  BAD_FRAME = 2,
  /**
   * A front-end FIFO record could not be used: arg0 record kind, arg1 byte offset; text: the codec
   * error ("FIFO_EVENT#4 truncated"), "window" (another readout window than configured), "role"
   * (a kind this board role does not read) or empty (an unknown kind).
   */
  BAD_FIFO_RECORD = 3,
  /** RUN_CONTROL refused: arg0 action, arg1 board state; text "config hash differs" when the expected hash is not the applied one. */
  RUN_REFUSED = 4,
  /** BUSY raised (arg0 = 1) or released (arg0 = 0); arg1 frames waiting for an ACK. */
  BUSY = 5,
  /** Configuration restored from flash at boot: arg0 config version, arg1 hash. */
  CONFIG_RESTORED = 6,
  /** FIFO trigger numbers jumped within a spill: arg0 the number read, arg1 numbers skipped (an i32 in the u32: negative when repeated or back). */
  TRIGGER_GAP = 7,
  /** The trigger board's spill numbers jumped: arg0 the new spill, arg1 the previous one. */
  SPILL_GAP = 8,
  /** FIFO records dropped because the board has no configuration: arg0 records. */
  RECORDS_UNCONFIGURED = 9,
  /** EVENT records carry channels that are not configured or not enabled (first such event of a spill): arg0 trigger number, arg1 channels. */
  STRAY_CHANNELS = 10,
  /** INJECT ignored: this board reads its front end over SPI. */
  INJECT_IGNORED = 11,
  /** CONFIG_READ while no configuration is applied. */
  NOT_CONFIGURED = 12,
  /** End of a spill on the trigger board: arg0 spill number, arg1 dead-time fraction in ppm. */
  SPILL_DEAD_TIME = 13,
  /**
   * A sequenced host frame without a valid AUTH_TAG was refused (acknowledged, not processed) by a
   * board that has a key: arg0 message type, arg1 seq; text "no tag", "tag" (it does not match) or
   * "no challenge" (the host never authenticated this connection).
   */
  UNAUTHENTICATED = 14,
}

/** Kind byte of a front-end FIFO record. */
export const enum FifoKind {
  /** Start of a spill (the TCS's begin-of-spill). */
  SPILL_BEGIN = 1,
  /** A digitiser's readout window of one trigger: channels and their samples. */
  EVENT = 2,
  /** The trigger logic's record of one accepted trigger (trigger board). */
  TRIGGER = 3,
  /** End of a spill: the hardware scalers latched for it. */
  SPILL_END = 4,
  /** The features (hits) a digitiser's front end extracted from one trigger's readout window. */
  FEATURES = 5,
}

/** Bits of the front-end CTRL register (protocol/schema/registers.ts). */
export const enum CtrlBit {
  /** The front end takes triggers (set while the board is RUNNING or IN_SPILL). */
  RUN_ENABLE = 0x01,
  /** Raised by the firmware when it cannot take more data: the trigger logic inhibits triggers. */
  BUSY = 0x02,
  /** The front end drops channels below CH_THRESHOLD_ADC from its EVENT records. */
  ZERO_SUPPRESSION = 0x04,
}

/** Bits of the front end's FEX_CTRL register (feature extraction of digitiser boards). */
export const enum FexBit {
  /** One FEATURES record per trigger (the hits), plus EVENT records of its samples on waveform events. */
  FEATURES = 0x01,
  /** Pedestals measured from the pre-samples of each window (odd and even separately). */
  PEDESTAL_FROM_PRESAMPLES = 0x02,
  /** Hit time = where the rising edge crosses half the peak (veto/counter boards); else the sub-sample peak time. */
  LEADING_EDGE = 0x04,
}

/** What went wrong with bytes from the host: LOG BAD_FRAME arg1 (each value says what arg0 holds). */
export const enum FrameFault {
  /** Bytes that are not a frame start were skipped (arg0: bytes skipped). */
  GARBAGE = 1,
  /** A frame's check did not match its content (arg0: its seq); the connection starts over. */
  CHECK = 2,
  /** A frame of another protocol major version (arg0: its seq). */
  VERSION = 3,
  /** A payload that does not decode (arg0: its seq). */
  PAYLOAD = 4,
  /** A message type the board does not take (arg0: the type); acknowledged and ignored. */
  TYPE = 5,
  /** A sequence number that skips frames (arg0: the seq received). */
  SEQ_GAP = 6,
  /** Received bytes were lost (the runtime had no heap for them; arg0 0): the connection starts over. */
  LOST_BYTES = 7,
}
