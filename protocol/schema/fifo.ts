// Records the front-end hardware (ADC + FPGA) puts in its readout FIFO, one per trigger or spill
// boundary. The firmware reads exactly these bytes: over SPI on a board, inside INJECT frames in a
// bench run. Each record is [header][body]: header.length counts the whole record, so a reader can
// skip a kind it does not know.
import { object, u8, u16, u32, arrayOf, type AnySchema, type Parsed } from "typed-binary";
import { boundedArrayOf, soa } from "./custom";
import { MAX_CHANNELS, MAX_FIFO_SAMPLES } from "./limits";

export const FifoHeader = object({
  /** FifoKind. */
  kind: u8,
  /** Reserved, zero. */
  flags: u8,
  /** Whole record in bytes, header included. */
  length: u16,
});

export const FifoSpillBegin = object({
  spillNumber: u32,
});

/**
 * A triggered readout window of a digitiser board. Only channels that passed the hardware
 * zero suppression are present (all enabled channels when it is off). Samples are channel-major:
 * samples[c * windowSamples + s] is sample s of channels[c]; 12-bit values in u16.
 */
export const FifoEvent = object({
  /** Counts accepted triggers from 1 in each run (the trigger board's TRIGGER record has the same number). */
  triggerNumber: u32,
  timestampTicks: u32,
  /** TriggerType. */
  triggerType: u8,
  windowSamples: u8,
  /** Channel numbers of the windows that follow, in readout order. */
  channels: boundedArrayOf(u8, "u8", MAX_CHANNELS),
  samples: boundedArrayOf(u16, "u16", MAX_FIFO_SAMPLES, { view: true }),
});

/** The trigger logic's record of one accepted trigger (trigger board FIFO). */
export const FifoTrigger = object({
  triggerNumber: u32,
  timestampTicks: u32,
  /** TriggerType: the lowest type number in typeMask. */
  triggerType: u8,
  /** TriggerType bits of every type that accepted the trigger (condition true and its prescale passed). */
  typeMask: u8,
  /** TriggerInput bits. */
  inputPattern: u8,
  psSumAdc: u16,
  ecalSumAdc: u16,
});

/**
 * The features of one triggered readout window of a digitiser board (FEX_CTRL.FEATURES set): one
 * hit per enabled channel whose amplitude passes zero suppression (every enabled channel when it is
 * off), extracted by the front end exactly as devs/core/digitiser.ts does from the same samples.
 * On waveform events (WAVE_* registers) EVENT records with the same trigger number and the samples
 * follow it (eventFlags WAVEFORM), each holding at most MAX_RECORD_SAMPLES samples.
 */
export const FifoFeatures = object({
  triggerNumber: u32,
  timestampTicks: u32,
  triggerType: u8,
  /** EventFlag: PILEUP and WAVEFORM from the front end; the board adds VETOED and COINCIDENCE. */
  eventFlags: u8,
  /** Energy of the CH_SUM_MASK channels' hits (amplitude x CH_ENERGY_EV_PER_ADC), keV, rounded. */
  energySumKeV: u32,
  /** In-time CH_VETO_MASK hits at or above CH_VETO_THRESHOLD_ADC. */
  vetoHits: u8,
  /** In-time CH_COUNTER_MASK hits at or above CH_THRESHOLD_ADC. */
  counterHits: u8,
  hits: soa(
    {
      channel: u8,
      amplitudeAdc: u16,
      /** Peak time, or leading-edge time with FEX_CTRL.LEADING_EDGE: samples x 256 from the window start. */
      timeQ8: u16,
      /** HitFlag. */
      flags: u8,
    },
    "u8",
    MAX_CHANNELS,
  ),
});

/** Hardware scalers latched at end of spill (every board; trigger counters are zero on digitisers). */
export const FifoSpillEnd = object({
  spillNumber: u32,
  spillTicks: u32,
  deadTicks: u32,
  busyTicks: u32,
  beamCoincidences: u32,
  rawTriggers: arrayOf(u32, 4),
  acceptedTriggers: arrayOf(u32, 4),
  inhibitedBusy: u32,
  inhibitedDead: u32,
  recordsWritten: u32,
  fifoMaxDepth: u16,
});

export interface FifoRecordDef {
  readonly name: string;
  readonly kind: number;
  readonly schema: AnySchema;
}

/** Every FIFO record body, by header.kind. Numbers match FifoKind in enums.ts (a test checks). */
export const FIFO_RECORDS = [
  { name: "SPILL_BEGIN", kind: 1, schema: FifoSpillBegin },
  { name: "EVENT", kind: 2, schema: FifoEvent },
  { name: "TRIGGER", kind: 3, schema: FifoTrigger },
  { name: "SPILL_END", kind: 4, schema: FifoSpillEnd },
  { name: "FEATURES", kind: 5, schema: FifoFeatures },
] as const satisfies readonly FifoRecordDef[];

export const FIFO_HEADER_BYTES = 4;

export type FifoHeaderRec = Parsed<typeof FifoHeader>;
export type FifoSpillBeginRec = Parsed<typeof FifoSpillBegin>;
export type FifoEventRec = Parsed<typeof FifoEvent>;
export type FifoTriggerRec = Parsed<typeof FifoTrigger>;
export type FifoSpillEndRec = Parsed<typeof FifoSpillEnd>;
export type FifoFeaturesRec = Parsed<typeof FifoFeatures>;
