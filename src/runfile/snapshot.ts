// JSON bodies of the HEADER, SNAPSHOT and TRAILER records: what a run was, with exactly which
// configuration, recorded before its first frame (like an ODB dump at begin-of-run).
import { readFileSync } from "node:fs";
import type { Setup } from "../../boards/setup";
import type { HelloMsg } from "../../protocol/schema/messages";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import type { Preset } from "../presets/schema";
import type { LoadedPreset } from "../presets/load";
import type { Conversion, ConfigWarning } from "../config/convert";
import type { SignalWindow } from "../config/darkphoton";
import { FORMAT_MAJOR, FORMAT_MINOR } from "./format";

export interface SoftwareVersions {
  na64fe: string;
  node: string;
  protocol: string;
  runFormat: string;
}

export interface RunHeader {
  runNumber: number;
  startTimeMs: number;
  /** ISO 8601, for humans. */
  startTime: string;
  software: SoftwareVersions;
  comment?: string;
  /** Who took the run (`--operator`, or $NA64FE_OPERATOR / $USER). */
  operator?: string;
}

/** The run's own verdict, written into the trailer once its checks have run. */
export interface RunVerdict {
  ok: boolean;
  /** Names of the checks that failed (empty when ok). */
  failed: string[];
  /** Events built from the run's frames. */
  events: number;
}

export interface BoardSnapshot {
  boardId: number;
  name: string;
  role: string;
  configVersion: number;
  configHash: number;
  /** The CONFIG payload sent to the board, base64 (its SHA-256 prefix is configHash). */
  configPayload: string;
  /** The board's HELLO (firmware version, boot count, ...) when it had connected. */
  hello?: HelloMsg;
}

/** How a bench run's detector was simulated (absent for runs of real boards). */
export interface BenchSnapshot {
  beam: Record<string, unknown>;
  seed: number;
  intensity: number;
  sliceMs: number;
  fifoDepth: number;
  spills: number;
}

export interface RunSnapshot {
  preset: { name: string; file: string; settings: Preset; sources: Array<{ file: string; text: string }> };
  bench?: BenchSnapshot;
  signal?: SignalWindow;
  setup: Setup;
  boards: BoardSnapshot[];
  warnings: ConfigWarning[];
}

export interface RunTrailer {
  endTimeMs: number;
  endTime: string;
  reason: string;
  spills: number;
  frames: number;
  /** Bytes of the file including this trailer. */
  fileBytes: number;
  lastIndexOffset: number;
  /** The checks' verdict (absent in run files written before it was recorded, or when none ran). */
  verdict?: RunVerdict;
}

let cachedVersion: string | undefined;

export function softwareVersions(): SoftwareVersions {
  cachedVersion ??= (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf-8")) as { version: string }).version;
  return {
    na64fe: cachedVersion,
    node: process.version,
    protocol: `${PROTO_MAJOR}.${PROTO_MINOR}`,
    runFormat: `${FORMAT_MAJOR}.${FORMAT_MINOR}`,
  };
}

/** The configuration snapshot of a run: the preset as resolved, the setup, each board's CONFIG. */
export function makeSnapshot(preset: LoadedPreset, conv: Conversion, setup: Setup, hellos: ReadonlyMap<number, HelloMsg> = new Map()): RunSnapshot {
  return {
    preset: { name: preset.name, file: preset.file, settings: preset.preset, sources: preset.sources },
    ...(conv.signal ? { signal: conv.signal } : {}),
    setup,
    boards: conv.boards.map((b) => {
      const hello = hellos.get(b.boardId);
      return {
        boardId: b.boardId,
        name: b.name,
        role: b.role,
        configVersion: b.config.configVersion,
        configHash: b.hash,
        configPayload: Buffer.from(b.payload).toString("base64"),
        ...(hello ? { hello } : {}),
      };
    }),
    warnings: conv.warnings,
  };
}
