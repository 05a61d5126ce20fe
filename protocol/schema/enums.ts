// Numeric codes that travel on the wire. Portable (DeviceScript + Node): no imports.
// Names for humans are in protocol/names.ts (host side).

/** Message type byte of the envelope. */
export const enum MsgType {
  HELLO = 0x01,
  CONFIG = 0x02,
  CONFIG_ACK = 0x03,
  CONFIG_NACK = 0x04,
  CONFIG_READ = 0x05,
  RUN_CONTROL = 0x06,
  INJECT = 0x07,
  FE_WRITE = 0x08,
  EVENT = 0x09,
  TRIGGER = 0x0a,
  SCALERS = 0x0b,
  STATUS = 0x0c,
  LOG = 0x0d,
  RESEND = 0x0e,
  ACK = 0x0f,
}

/** What a readout board does; one firmware image per role. */
export const enum BoardRole {
  TRIGGER = 1,
  CALORIMETER = 2,
  VETO = 3,
}

/** How the firmware reaches its front end (HELLO.frontEnd). */
export const enum FrontEndKind {
  SPI = 1,
  LINK = 2,
}

/** HELLO.capabilities bits. */
export const enum Capability {
  RESEND_RING = 0x01,
  PERSISTENT_CONFIG = 0x02,
  FLOW_CONTROL = 0x04,
  FE_WRITE_MIRROR = 0x08,
}

/** Board state in HELLO and STATUS. */
export const enum BoardState {
  BOOTING = 0,
  UNCONFIGURED = 1,
  CONFIGURED = 2,
  RUNNING = 3,
  IN_SPILL = 4,
  ERROR = 5,
}

/** RUN_CONTROL.action. */
export const enum RunAction {
  BEGIN_RUN = 1,
  END_RUN = 2,
  BEGIN_SPILL = 3,
  END_SPILL = 4,
}

/** CONFIG_NACK.reason. */
export const enum NackReason {
  OUT_OF_RANGE = 1,
  WRONG_ROLE = 2,
  CHANNEL_COUNT = 3,
  WINDOW_ORDER = 4,
  MALFORMED = 5,
  BUSY_IN_RUN = 6,
  STORAGE_FAILED = 7,
}

/** CONFIG.flags bits. */
export const enum ConfigFlag {
  ZERO_SUPPRESSION = 0x0001,
  /** Pedestals measured from the pre-samples of each event (odd and even separately). */
  PEDESTAL_FROM_PRESAMPLES = 0x0002,
}

/** CONFIG.channels.chanFlags bits. */
export const enum ChannelFlag {
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
  PHYSICS = 1,
  BEAM = 2,
  RANDOM = 3,
  CALIBRATION = 4,
}

/** EVENT.hits.flags bits. */
export const enum HitFlag {
  SATURATED = 0x01,
  PILEUP = 0x02,
  IN_TIME = 0x04,
  VETO = 0x08,
  PEDESTAL_MEASURED = 0x10,
}

/** EVENT.eventFlags bits. */
export const enum EventFlag {
  VETOED = 0x01,
  COINCIDENCE = 0x02,
  PILEUP = 0x04,
  /** The event's waveforms (FIFO EVENT records of its samples) travel with its features. */
  WAVEFORM = 0x08,
}

/** TRIGGER.inputPattern bits (trigger board discriminator inputs). */
export const enum TriggerInput {
  S0 = 0x01,
  S1 = 0x02,
  S2 = 0x04,
  V0 = 0x08,
  V1 = 0x10,
  PS_MIN = 0x20,
  ECAL_MAX = 0x40,
}

/** LOG.level. */
export const enum LogLevel {
  DEBUG = 0,
  INFO = 1,
  WARN = 2,
  ERROR = 3,
}

/** LOG.code: what a firmware log line is about (arg0/arg1 meanings in the comment). */
export const enum LogCode {
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
  /** RUN_CONTROL refused: arg0 action, arg1 board state. */
  RUN_REFUSED = 4,
  /** BUSY raised (arg0 = 1) or released (arg0 = 0); arg1 frames waiting for an ACK. */
  BUSY = 5,
  /** Configuration restored from flash at boot: arg0 config version, arg1 hash. */
  CONFIG_RESTORED = 6,
  /** FIFO trigger numbers jumped within a spill: arg0 the number read, arg1 numbers skipped (negative: repeated or back). */
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
}

/** Kind byte of a front-end FIFO record. */
export const enum FifoKind {
  SPILL_BEGIN = 1,
  EVENT = 2,
  TRIGGER = 3,
  SPILL_END = 4,
  FEATURES = 5,
}

/** Bits of the front-end CTRL register (protocol/schema/registers.ts). */
export const enum CtrlBit {
  RUN_ENABLE = 0x01,
  /** Raised by the firmware when it cannot take more data: the trigger logic inhibits triggers. */
  BUSY = 0x02,
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

/** What went wrong with bytes from the host: LOG BAD_FRAME arg1 (arg0 in each comment). */
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
