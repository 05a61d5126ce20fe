// Loads and validates the readout setup: which board reads which detector element
// (channel-map.json) and each element's calibration (calibration.json). Used by the simulator
// (true detector response), the host (physics units -> ADC counts and ticks) and the bench.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { MAX_CHANNELS } from "../protocol/schema/limits";
import { BoardRole } from "../protocol/schema/enums";

export const BOARDS_DIR = dirname(fileURLToPath(import.meta.url));

/** A setup file is malformed or inconsistent: `field` is the JSON path, `value` what it held. */
export class SetupError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${file}: ${field || "(root)"}: ${detail}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`);
    this.name = "SetupError";
  }
}

export const DETECTORS = ["S0", "S1", "S2", "V0", "V1", "SRD", "ECAL", "VETO", "HCAL"] as const;
export type Detector = (typeof DETECTORS)[number];
export type Role = "trigger" | "calorimeter" | "veto";

/** The code of each role on the wire (HELLO.role, CONFIG.role). */
export const ROLE_CODE: Readonly<Record<Role, BoardRole>> = { trigger: BoardRole.TRIGGER, calorimeter: BoardRole.CALORIMETER, veto: BoardRole.VETO };

const ChannelSchema = z.strictObject({
  ch: z.number().int().min(0).max(MAX_CHANNELS - 1),
  det: z.enum(DETECTORS),
  cell: z.array(z.number().int().min(0)).optional(),
});

const BoardSchema = z.strictObject({
  id: z.number().int().min(1).max(0xfffe),
  name: z.string().regex(/^[a-z0-9-]+$/, "lower-case letters, digits and '-'"),
  role: z.enum(["trigger", "calorimeter", "veto"]),
  devsBoard: z.string().min(1),
  note: z.string().optional(),
  channels: z.array(ChannelSchema).min(1).max(MAX_CHANNELS),
});

const ChannelMapSchema = z.strictObject({
  $comment: z.string().optional(),
  clockNs: z.number().positive(),
  boards: z.array(BoardSchema).min(1),
});

const CalDefaultsSchema = z.strictObject({
  gainAdcPerGeV: z.number().positive(),
  pedestalAdc: z.number().min(0).max(4095),
  noiseAdc: z.number().min(0),
  mipGeV: z.number().positive(),
  tExpectedNs: z.number().min(0),
  tSigmaNs: z.number().positive(),
  tLeadingEdgeToPeakNs: z.number().min(0),
  source: z.string().optional(),
});

const CalChannelSchema = z.strictObject({
  gainScale: z.number().positive().optional(),
  pedestalOddAdc: z.number().min(0).max(4095).optional(),
  pedestalEvenAdc: z.number().min(0).max(4095).optional(),
  noiseAdc: z.number().min(0).optional(),
  tExpectedNs: z.number().min(0).optional(),
});

const TriggerSumsSchema = z.strictObject({
  psAdcPerGeV: z.number().positive(),
  ecalAdcPerGeV: z.number().positive(),
  source: z.string().optional(),
});

const CalibrationSchema = z.strictObject({
  $comment: z.string().optional(),
  period: z.string(),
  triggerSums: TriggerSumsSchema,
  defaults: z.record(z.string(), CalDefaultsSchema),
  channels: z.record(z.string(), CalChannelSchema),
});

export interface ElementCalibration {
  /** ADC counts per GeV deposited (gain of this element). */
  gainAdcPerGeV: number;
  pedestalOddAdc: number;
  pedestalEvenAdc: number;
  noiseAdc: number;
  /** Energy of a minimum-ionising particle in this element. */
  mipGeV: number;
  /** Expected pulse peak time after the start of the readout window, and its spread. */
  tExpectedNs: number;
  tSigmaNs: number;
  /** Half-height leading edge to peak: what the veto board's leading-edge times are earlier by. */
  tLeadingEdgeToPeakNs: number;
}

export interface ChannelInfo {
  /** Channel number on its board (EVENT hits.channel, CONFIG row). */
  ch: number;
  /** The detector the channel reads. */
  det: Detector;
  /** Indices inside the detector: ECAL section, x, y (section 0 is the preshower); HCAL module, x, y; SRD module; VETO counter; empty for S0-S2, V0, V1. */
  cell: number[];
  /** Canonical element name: DET or DET:i:j... */
  element: string;
  cal: ElementCalibration;
}

export interface BoardInfo {
  /** Board id: the envelope source of its frames. */
  id: number;
  name: string;
  role: Role;
  /** DeviceScript board definition it runs on (boards/<devsBoard>.board.json). */
  devsBoard: string;
  /** In increasing channel number. */
  channels: ChannelInfo[];
}

/** Gains of the analog sums the trigger logic compares with TRIG_PS_MIN_SUM_ADC / TRIG_ECAL_MAX_SUM_ADC. */
export interface TriggerSums {
  /** Preshower sum (the 36 ECAL section-0 cells), ADC counts per GeV. */
  psAdcPerGeV: number;
  /** ECAL sum (all ECAL cells), ADC counts per GeV. */
  ecalAdcPerGeV: number;
}

export interface Setup {
  /** One clock tick (the ...Ticks fields of the protocol), ns. */
  clockNs: number;
  /** Which data-taking period the calibration is from. */
  calibrationPeriod: string;
  triggerSums: TriggerSums;
  boards: BoardInfo[];
}

export function elementName(det: string, cell?: readonly number[]): string {
  return cell && cell.length ? `${det}:${cell.join(":")}` : det;
}

function parse<T>(schema: z.ZodType<T>, raw: unknown, file: string): T {
  const r = schema.safeParse(raw);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = issue.path.map(String).join(".");
  let value: unknown = raw;
  for (const p of issue.path) value = (value as Record<PropertyKey, unknown> | undefined)?.[p as PropertyKey];
  throw new SetupError(file, path, value, issue.message);
}

function readJson(path: string, file: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf-8");
  } catch (e) {
    throw new SetupError(file, "", undefined, `cannot read: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SetupError(file, "", undefined, `not valid JSON: ${(e as Error).message}`);
  }
}

/** Calibration defaults key for an element: "ECAL:0" for ECAL section 0, else the detector. */
function defaultsKey(det: Detector, cell: number[]): string {
  return det === "ECAL" ? `ECAL:${cell[0]}` : det;
}

/** Build a Setup from already-parsed JSON (tests feed broken variants through here). */
export function buildSetup(mapRaw: unknown, calRaw: unknown, files = { map: "channel-map.json", cal: "calibration.json" }): Setup {
  const map = parse(ChannelMapSchema, mapRaw, files.map);
  const cal = parse(CalibrationSchema, calRaw, files.cal);
  const ids = new Set<number>();
  const names = new Set<string>();
  const boards: BoardInfo[] = map.boards.map((b, bi) => {
    if (ids.has(b.id)) throw new SetupError(files.map, `boards.${bi}.id`, b.id, "board id used twice");
    if (names.has(b.name)) throw new SetupError(files.map, `boards.${bi}.name`, b.name, "board name used twice");
    ids.add(b.id);
    names.add(b.name);
    const used = new Set<number>();
    const channels = b.channels.map((c, ci) => {
      if (used.has(c.ch)) throw new SetupError(files.map, `boards.${bi}.channels.${ci}.ch`, c.ch, "channel used twice on this board");
      used.add(c.ch);
      const cell = c.cell ?? [];
      const element = elementName(c.det, cell);
      const key = defaultsKey(c.det, cell);
      const d = cal.defaults[key];
      if (!d) throw new SetupError(files.cal, `defaults.${key}`, undefined, `missing calibration defaults for ${element}`);
      const o = cal.channels[element] ?? {};
      const ped = d.pedestalAdc;
      return {
        ch: c.ch,
        det: c.det,
        cell,
        element,
        cal: {
          gainAdcPerGeV: d.gainAdcPerGeV * (o.gainScale ?? 1),
          pedestalOddAdc: o.pedestalOddAdc ?? ped,
          pedestalEvenAdc: o.pedestalEvenAdc ?? ped,
          noiseAdc: o.noiseAdc ?? d.noiseAdc,
          mipGeV: d.mipGeV,
          tExpectedNs: o.tExpectedNs ?? d.tExpectedNs,
          tSigmaNs: d.tSigmaNs,
          tLeadingEdgeToPeakNs: d.tLeadingEdgeToPeakNs,
        },
      };
    });
    channels.sort((a, b) => a.ch - b.ch);
    return { id: b.id, name: b.name, role: b.role, devsBoard: b.devsBoard, channels };
  });
  for (const key of Object.keys(cal.channels)) {
    if (!boards.some((b) => b.channels.some((c) => c.element === key)))
      throw new SetupError(files.cal, `channels.${key}`, undefined, "calibration for an element no board reads");
  }
  const triggerSums = { psAdcPerGeV: cal.triggerSums.psAdcPerGeV, ecalAdcPerGeV: cal.triggerSums.ecalAdcPerGeV };
  return { clockNs: map.clockNs, calibrationPeriod: cal.period, triggerSums, boards };
}

/** Load boards/channel-map.json and boards/calibration.json (or the same files in `dir`). */
export function loadSetup(dir = BOARDS_DIR): Setup {
  return buildSetup(readJson(join(dir, "channel-map.json"), "channel-map.json"), readJson(join(dir, "calibration.json"), "calibration.json"));
}

export function boardByName(setup: Setup, name: string): BoardInfo {
  const b = setup.boards.find((x) => x.name === name);
  if (!b) throw new SetupError("channel-map.json", "boards", name, `no board named ${name} (have ${setup.boards.map((x) => x.name).join(", ")})`);
  return b;
}
