// The export's tables and their columns: one definition per column (name with its unit, type,
// meaning, value), from which the Parquet schema, the files' metadata and the README's column
// tables all come. Values come from the host's built events (the event builder's output) and the
// run's snapshot, never from wire bytes: a change of the wire format touches the decoders only.
import type { ReadoutEvent, Waveform } from "../../protocol/readout";
import { HitFlag, TriggerType } from "../../protocol/schema/enums";
import type { ConfigMsg, EventMsg, ScalersMsg, TriggerMsg } from "../../protocol/schema/messages";
import { Config, Scalers } from "../../protocol/schema/messages";
import { modelOf, type FieldModel } from "../../protocol/codegen/model";
import type { ChannelInfo } from "../../boards/setup";
import type { BuiltEvent } from "../builder/builder";
import { TRIGGER_NAMES, energySumGeV } from "../analysis/physics-summary";
import type { Column, ColumnType } from "./parquet-table";
import { cellIndex, type ExportBoard, type ExportRun } from "./run-columns";

// ---- events -------------------------------------------------------------------------------------

export interface EventCtx {
  run: ExportRun;
  ev: BuiltEvent;
  trig: TriggerMsg | undefined;
  /** The trigger board's TRIGGER, else the first digitiser EVENT present (every built event has one part). */
  first: TriggerMsg | EventMsg;
}

const digi = (c: EventCtx, b: ExportBoard) => c.ev.parts[b.part] as EventMsg | undefined;
const typeBit = (t: TriggerType) => 1 << (t - 1);

export function eventColumns(boards: readonly ExportBoard[]): Column<EventCtx>[] {
  const cols: Column<EventCtx>[] = [
    { name: "run", type: "u32", doc: "run number", value: (c) => c.run.runNumber },
    { name: "spill", type: "u32", doc: "spill number (from 1)", value: (c) => c.ev.spill },
    { name: "trigger", type: "u32", doc: "trigger number in the run; (run, spill, trigger) is the event key", value: (c) => c.ev.trigger },
    { name: "timestamp_ticks", type: "u32", doc: "trigger time since the spill began, in clock ticks (TRIGGER frame; a digitiser's EVENT when the trigger board's frame is missing)", value: (c) => c.first.timestampTicks },
    { name: "timestamp_ns", type: "f64", doc: "timestamp_ticks x the clock period (12.86 ns)", value: (c) => c.first.timestampTicks * c.run.clockNs },
    { name: "trigger_type", type: "u8", doc: "trigger type: 1 physics, 2 beam, 3 random, 4 calibration (the type the trigger board assigned)", value: (c) => c.first.triggerType },
    { name: "trigger_name", type: "string", doc: "trigger_type in words", value: (c) => TRIGGER_NAMES[c.first.triggerType] ?? `type ${c.first.triggerType}` },
    {
      name: "trigger_type_mask",
      type: "u8",
      doc: "trigger types whose condition was true, bit 1 << (type - 1) (a trigger can be physics and beam at once); 0 without the trigger board's frame",
      value: (c) => c.trig?.typeMask ?? 0,
    },
    { name: "trigger_inputs", type: "u8", doc: "trigger board discriminator inputs that fired: S0 1, S1 2, S2 4, V0 8, V1 16, PS minimum 32, ECAL maximum 64", value: (c) => c.trig?.inputPattern ?? 0 },
    { name: "ps_sum_adc", type: "u16", doc: "preshower analog sum the trigger compared, ADC counts", value: (c) => c.trig?.psSumAdc ?? 0 },
    { name: "ecal_sum_adc", type: "u16", doc: "ECAL analog sum the trigger compared, ADC counts", value: (c) => c.trig?.ecalSumAdc ?? 0 },
    { name: "ecal_total_energy_GeV", type: "f64", doc: "ECAL energy: the preshower and main boards' energy sums added (what inspect's ECAL spectra show)", value: (c) => energySumGeV(c.ev, c.run.ecalParts) },
    { name: "hcal_total_energy_GeV", type: "f64", doc: "HCAL energy: the HCAL boards' energy sums added", value: (c) => energySumGeV(c.ev, c.run.hcalParts) },
    { name: "vetoed", type: "bool", doc: "the veto board vetoed the event (a veto channel above its threshold in time)", value: (c) => vetoFlag(c, 0x01) },
    { name: "coincidence", type: "bool", doc: "the veto board saw the beam-counter coincidence", value: (c) => vetoFlag(c, 0x02) },
    { name: "event_flags", type: "u8", doc: "OR of every board's EVENT flags: VETOED 1, COINCIDENCE 2, PILEUP 4", value: (c) => boards.reduce((a, b) => a | (digi(c, b)?.eventFlags ?? 0), 0) },
    { name: "hits", type: "u16", doc: "hits over every digitiser (0 is a normal event, e.g. a random trigger)", value: (c) => c.ev.hits },
    { name: "complete", type: "bool", doc: "every board contributed", value: (c) => c.ev.complete },
    { name: "completion", type: "string", doc: "why the event was closed: complete, board-done, late, spill-end or overflow (see src/builder)", value: (c) => c.ev.completion },
    { name: "boards_missing", type: "u8", doc: "boards that did not contribute", value: (c) => c.ev.missing.length },
    { name: "config_hash_ok", type: "bool", doc: "every board's frame carried the hash of the CONFIG the host pushed to it", value: (c) => c.ev.hashMismatch.length === 0 },
  ];
  for (const b of boards) {
    cols.push({ name: `${b.col}_present`, type: "bool", doc: `board ${b.name} contributed`, value: (c) => c.ev.parts[b.part] !== undefined });
    cols.push({ name: `${b.col}_config_hash`, type: "u32", doc: `hash of the configuration board ${b.name} ran with (0 when absent)`, value: (c) => c.ev.parts[b.part]?.configHash ?? 0 });
    if (b.role === "trigger") continue;
    cols.push({ name: `${b.col}_energy_GeV`, type: "f64", doc: `board ${b.name}'s energy sum (its SUM channels)`, value: (c) => (digi(c, b)?.energySumKeV ?? 0) / 1e6 });
    cols.push({ name: `${b.col}_hits`, type: "u8", doc: `hits of board ${b.name}`, value: (c) => digi(c, b)?.hits.n ?? 0 });
    cols.push({ name: `${b.col}_flags`, type: "u8", doc: `board ${b.name}'s EVENT flags`, value: (c) => digi(c, b)?.eventFlags ?? 0 });
  }
  return cols;
}

function vetoFlag(c: EventCtx, bit: number): boolean {
  const v = c.run.vetoPart >= 0 ? (c.ev.parts[c.run.vetoPart] as EventMsg | undefined) : undefined;
  return v ? (v.eventFlags & bit) !== 0 : false;
}

export function eventCtx(run: ExportRun, ev: BuiltEvent): EventCtx {
  const trig = run.trigPart >= 0 ? (ev.parts[run.trigPart] as TriggerMsg | undefined) : undefined;
  return { run, ev, trig, first: trig ?? (ev.parts.find((p) => p !== undefined) as EventMsg) };
}

/** Beam triggers by their type mask, as the spectra select them (`trigger_type_mask & BEAM_MASK`). */
export const BEAM_MASK = typeBit(TriggerType.BEAM);
export const PHYSICS_MASK = typeBit(TriggerType.PHYSICS);

// ---- hits ---------------------------------------------------------------------------------------

export interface HitCtx {
  run: ExportRun;
  ev: BuiltEvent;
  board: ExportBoard;
  msg: EventMsg;
  i: number;
  chan: ChannelInfo | undefined;
}

const HIT_FLAGS: Array<[string, number, string]> = [
  ["saturated", HitFlag.SATURATED, "the pulse reached the ADC's full scale"],
  ["pileup", HitFlag.PILEUP, "a second pulse in the window"],
  ["in_time", HitFlag.IN_TIME, "time within the channel's in-time window (expected time +- half window)"],
  ["veto_hit", HitFlag.VETO, "in time and above the channel's veto threshold (veto channels)"],
  ["pedestal_measured", HitFlag.PEDESTAL_MEASURED, "pedestal measured from the event's pre-samples, not the configured one"],
];

const hitTimeQ8 = (c: HitCtx) => c.msg.hits.timeQ8[c.i]!;
const hitChannel = (c: HitCtx) => c.msg.hits.channel[c.i]!;

export const HIT_COLUMNS: Column<HitCtx>[] = [
  { name: "run", type: "u32", doc: "event key: run number", value: (c) => c.run.runNumber },
  { name: "spill", type: "u32", doc: "event key: spill number", value: (c) => c.ev.spill },
  { name: "trigger", type: "u32", doc: "event key: trigger number", value: (c) => c.ev.trigger },
  { name: "board_id", type: "u16", doc: "readout board id (boards/channel-map.json)", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  { name: "channel", type: "u8", doc: "board channel", value: hitChannel },
  { name: "detector", type: "string", doc: "detector the channel reads (S0 S1 S2 V0 V1 SRD ECAL VETO HCAL; empty for a channel the map does not list)", value: (c) => c.chan?.det ?? "" },
  { name: "element", type: "string", doc: "element name from the channel map: DET or DET:i:j:k (ECAL:section:x:y, HCAL:module:x:y, SRD:module, VETO:counter)", value: (c) => c.chan?.element ?? "" },
  { name: "module", type: "i16", doc: "first index of the element: ECAL section (0 preshower, 1 main), HCAL module, SRD module, VETO counter; -1 if none", value: (c) => cellIndex(c.chan, 0) },
  { name: "cell_x", type: "i16", doc: "ECAL/HCAL cell column (0-5 ECAL, 0-2 HCAL); -1 if none", value: (c) => cellIndex(c.chan, 1) },
  { name: "cell_y", type: "i16", doc: "ECAL/HCAL cell row; -1 if none", value: (c) => cellIndex(c.chan, 2) },
  { name: "amplitude_adc", type: "u16", doc: "peak amplitude above the pedestal, ADC counts", value: (c) => c.msg.hits.amplitudeAdc[c.i]! },
  {
    name: "energy_GeV",
    type: "f64",
    doc: "amplitude_adc x the channel's energyEvPerAdc from the run's CONFIG (the calibration the firmware sums with)",
    value: (c) => (c.msg.hits.amplitudeAdc[c.i]! * (c.board.config?.channels.energyEvPerAdc[hitChannel(c)] ?? 0)) / 1e9,
  },
  { name: "time_ns", type: "f64", doc: "hit time from the start of the readout window: peak (calorimeters) or half-height leading edge (veto board); timeQ8 / 256 x clock period", value: (c) => (hitTimeQ8(c) / 256) * c.run.clockNs },
  {
    name: "time_offset_ns",
    type: "f64",
    doc: "time_ns minus the channel's expected time from the run's CONFIG (the veto-timing plot's quantity)",
    value: (c) => ((hitTimeQ8(c) - (c.board.config?.channels.timeExpectedQ8[hitChannel(c)] ?? 0)) / 256) * c.run.clockNs,
  },
  { name: "flags", type: "u8", doc: "hit flags: SATURATED 1, PILEUP 2, IN_TIME 4, VETO 8, PEDESTAL_MEASURED 16 (also as the booleans below)", value: (c) => c.msg.hits.flags[c.i]! },
  ...HIT_FLAGS.map(([name, bit, doc]): Column<HitCtx> => ({ name, type: "bool", doc: `flag ${bit}: ${doc}`, value: (c) => (c.msg.hits.flags[c.i]! & bit) !== 0 })),
];

// ---- waveforms ----------------------------------------------------------------------------------

/**
 * The raw samples a digitiser's event carried: the waveform records of a waveform event in a
 * READOUT frame (protocol/readout.ts); none for an EVENT frame (features only).
 */
export function waveformsOf(msg: EventMsg): readonly Waveform[] {
  return (msg as ReadoutEvent).waveforms ?? [];
}

export interface WaveformCtx {
  run: ExportRun;
  ev: BuiltEvent;
  board: ExportBoard;
  w: Waveform;
  chan: ChannelInfo | undefined;
}

export const WAVEFORM_COLUMNS: Column<WaveformCtx>[] = [
  { name: "run", type: "u32", doc: "event key: run number", value: (c) => c.run.runNumber },
  { name: "spill", type: "u32", doc: "event key: spill number", value: (c) => c.ev.spill },
  { name: "trigger", type: "u32", doc: "event key: trigger number", value: (c) => c.ev.trigger },
  { name: "board_id", type: "u16", doc: "readout board id", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  { name: "channel", type: "u8", doc: "board channel", value: (c) => c.w.channel },
  { name: "detector", type: "string", doc: "detector the channel reads", value: (c) => c.chan?.det ?? "" },
  { name: "element", type: "string", doc: "element name from the channel map", value: (c) => c.chan?.element ?? "" },
  { name: "samples_adc", type: "i16[]", doc: "raw ADC samples of the readout window, one per clock tick (12.86 ns), pedestal included", value: (c) => Array.from(c.w.samplesAdc) },
];

// ---- configuration and scalers, flattened from the message schemas -------------------------------

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
const TYPE_NAMES = ["physics", "beam", "random", "calibration"];
/** Fixed arrays whose elements have names (per trigger type). */
const ELEMENT_NAMES: Record<string, string[]> = { rawTriggers: TYPE_NAMES, acceptedTriggers: TYPE_NAMES };

function columnType(kind: string): ColumnType {
  return kind === "f32" ? "f64" : (kind as ColumnType);
}

/** The scalar and fixed-array fields of a message as columns, named in snake_case with their unit suffix. */
function fieldColumns<Ctx>(message: string, fields: readonly FieldModel[], body: (c: Ctx) => Record<string, unknown>, skip: readonly string[] = []): Column<Ctx>[] {
  const out: Column<Ctx>[] = [];
  for (const f of fields) {
    if (skip.includes(f.name)) continue;
    if (f.kind === "scalar") out.push({ name: snake(f.name), type: columnType(f.type), doc: `${message}.${f.name}`, value: (c) => body(c)[f.name] });
    else if (f.kind === "fixedArray")
      for (let i = 0; i < f.length; i++) {
        const label = ELEMENT_NAMES[f.name]?.[i] ?? String(i);
        out.push({ name: `${snake(f.name)}_${label}`, type: columnType(f.type), doc: `${message}.${f.name}[${i}]`, value: (c) => (body(c)[f.name] as number[])[i] });
      }
  }
  return out;
}

const CONFIG_MODEL = modelOf("Config", Config);
const SCALERS_MODEL = modelOf("Scalers", Scalers);
const soaOf = (m: typeof CONFIG_MODEL, name: string) => m.fields.find((f): f is Extract<FieldModel, { kind: "soa" }> => f.kind === "soa" && f.name === name)!;

export interface BoardConfigCtx {
  run: ExportRun;
  board: ExportBoard;
  config: ConfigMsg;
  configHash: number;
  firmware: string;
  bootCount: number;
}

export const CONFIG_BOARD_COLUMNS: Column<BoardConfigCtx>[] = [
  { name: "run", type: "u32", doc: "run number", value: (c) => c.run.runNumber },
  { name: "board_id", type: "u16", doc: "readout board id", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  { name: "board_role", type: "string", doc: "trigger, calorimeter or veto", value: (c) => c.board.role },
  { name: "config_hash", type: "u32", doc: "hash of the CONFIG payload (the events' <board>_config_hash)", value: (c) => c.configHash },
  { name: "firmware", type: "string", doc: "firmware version from the board's HELLO (empty if it had not connected)", value: (c) => c.firmware },
  { name: "boot_count", type: "u32", doc: "the board's boot count from its HELLO (0 if unknown)", value: (c) => c.bootCount },
  ...fieldColumns<BoardConfigCtx>("CONFIG", CONFIG_MODEL.fields, (c) => c.config as unknown as Record<string, unknown>),
];

export interface ChannelConfigCtx {
  run: ExportRun;
  board: ExportBoard;
  config: ConfigMsg;
  i: number;
  chan: ChannelInfo | undefined;
}

const chanCol = (c: ChannelConfigCtx, name: keyof ConfigMsg["channels"]) => (c.config.channels[name] as number[])[c.i]!;

export const CONFIG_CHANNEL_COLUMNS: Column<ChannelConfigCtx>[] = [
  { name: "run", type: "u32", doc: "run number", value: (c) => c.run.runNumber },
  { name: "board_id", type: "u16", doc: "readout board id", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  { name: "channel", type: "u8", doc: "board channel", value: (c) => c.i },
  { name: "detector", type: "string", doc: "detector the channel reads", value: (c) => c.chan?.det ?? "" },
  { name: "element", type: "string", doc: "element name from the channel map", value: (c) => c.chan?.element ?? "" },
  ...soaOf(CONFIG_MODEL, "channels").columns.map(
    (k): Column<ChannelConfigCtx> => ({ name: snake(k.name), type: columnType(k.type), doc: `CONFIG.channels.${k.name}`, value: (c) => chanCol(c, k.name as keyof ConfigMsg["channels"]) }),
  ),
  { name: "pedestal_adc", type: "f64", doc: "pedestal_q4 / 16", value: (c) => chanCol(c, "pedestalQ4") / 16 },
  { name: "energy_GeV_per_adc", type: "f64", doc: "energy_ev_per_adc / 1e9 (multiply an amplitude by this one: the integer product can overflow 32 bits)", value: (c) => chanCol(c, "energyEvPerAdc") / 1e9 },
  { name: "time_expected_ns", type: "f64", doc: "time_expected_q8 / 256 x clock period", value: (c) => (chanCol(c, "timeExpectedQ8") / 256) * c.run.clockNs },
  { name: "time_half_window_ns", type: "f64", doc: "time_half_window_q8 / 256 x clock period", value: (c) => (chanCol(c, "timeHalfWindowQ8") / 256) * c.run.clockNs },
];

export interface ScalerCtx {
  run: ExportRun;
  board: ExportBoard;
  s: ScalersMsg;
}

export const SCALER_COLUMNS: Column<ScalerCtx>[] = [
  { name: "run", type: "u32", doc: "run number (of the export; the board's own is run_number)", value: (c) => c.run.runNumber },
  { name: "spill", type: "u32", doc: "spill number", value: (c) => c.s.spillNumber },
  { name: "board_id", type: "u16", doc: "readout board id", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  ...fieldColumns<ScalerCtx>("SCALERS", SCALERS_MODEL.fields, (c) => c.s as unknown as Record<string, unknown>, ["spillNumber"]),
  { name: "spill_s", type: "f64", doc: "spill_ticks x clock period, seconds of beam", value: (c) => (c.s.spillTicks * c.run.clockNs) / 1e9 },
  { name: "dead_time_fraction", type: "f64", doc: "dead_ticks / spill_ticks", value: (c) => (c.s.spillTicks ? c.s.deadTicks / c.s.spillTicks : 0) },
  { name: "busy_fraction", type: "f64", doc: "busy_ticks / spill_ticks", value: (c) => (c.s.spillTicks ? c.s.busyTicks / c.s.spillTicks : 0) },
];

export interface ScalerChannelCtx {
  run: ExportRun;
  board: ExportBoard;
  s: ScalersMsg;
  i: number;
}

export const SCALER_CHANNEL_COLUMNS: Column<ScalerChannelCtx>[] = [
  { name: "run", type: "u32", doc: "run number", value: (c) => c.run.runNumber },
  { name: "spill", type: "u32", doc: "spill number", value: (c) => c.s.spillNumber },
  { name: "board_id", type: "u16", doc: "readout board id", value: (c) => c.board.id },
  { name: "board", type: "string", doc: "readout board name", value: (c) => c.board.name },
  { name: "channel", type: "u8", doc: "board channel", value: (c) => c.s.channels.channel[c.i]! },
  { name: "element", type: "string", doc: "element name from the channel map", value: (c) => c.board.channels.get(c.s.channels.channel[c.i]!)?.element ?? "" },
  { name: "hits", type: "u32", doc: "hits the board sent from this channel in the spill (SCALERS.channels.hits)", value: (c) => c.s.channels.hits[c.i]! },
];
