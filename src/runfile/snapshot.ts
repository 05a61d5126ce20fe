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
  /** Version of the na64fe package that wrote the file. */
  na64fe: string;
  /** Node.js version, as `process.version` ("v20.20.2"). */
  node: string;
  /** Wire protocol "major.minor" of the frames in the file. */
  protocol: string;
  /** Run-file format "major.minor" (the prefix has it too). */
  runFormat: string;
}

export interface RunHeader {
  runNumber: number;
  /** Start of the run, ms since the Unix epoch. */
  startTimeMs: number;
  /** The same as ISO 8601 UTC, for humans. */
  startTime: string;
  software: SoftwareVersions;
  /** The operator's comment, when one was given. */
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
  /** The board id (envelope source, FRAME records' boardId). */
  boardId: number;
  /** Its name in the setup (setup.boards[].name). */
  name: string;
  /** "trigger", "calorimeter" or "veto". */
  role: string;
  /** CONFIG.configVersion pushed. */
  configVersion: number;
  /** Config hash of configPayload (a u32, decimal): what the board's EVENT/TRIGGER frames must carry. */
  configHash: number;
  /** The CONFIG payload sent to the board, base64 (its SHA-256 prefix is configHash). */
  configPayload: string;
  /** The board's HELLO when it had connected (firmware version, boot count, ...). */
  hello?: HelloMsg;
}

/** How a bench run's detector was simulated (absent for runs of real boards). */
export interface BenchSnapshot {
  /** The simulated beam as the simulator was given it. */
  beam: Record<string, unknown>;
  /** Simulation seed. */
  seed: number;
  /** Fraction of the preset's particles per spill. */
  intensity: number;
  /** Simulated beam time per lockstep step. */
  sliceMs: number;
  /** Front-end FIFO depth of every board, in records. */
  fifoDepth: number;
  /** Spills asked for. */
  spills: number;
}

export interface RunSnapshot {
  preset: {
    /** Preset name ("e+70"). */
    name: string;
    /** Its file. */
    file: string;
    /** The preset as resolved (`extends` applied). */
    settings: Preset;
    /** The YAML text of every file it was resolved from. */
    sources: Array<{ file: string; text: string }>;
  };
  /** How the detector was simulated; absent for runs of real boards. */
  bench?: BenchSnapshot;
  /** Expected ECAL window of the dark-photon mass the run was analysed for, when one was given. */
  signal?: SignalWindow;
  /** The readout setup: which board reads which detector element, and each element's calibration. */
  setup: Setup;
  /** One per board: the configuration pushed to it. */
  boards: BoardSnapshot[];
  /** Conversion warnings (a threshold below the noise...). */
  warnings: ConfigWarning[];
}

export interface RunTrailer {
  /** End of the run, ms since the Unix epoch. */
  endTimeMs: number;
  /** The same as ISO 8601 UTC. */
  endTime: string;
  /** Why the run ended ("end of run", or what stopped it). */
  reason: string;
  /** SPILL_INDEX records in the file, the end-of-run index (spill 0xFFFFFFFF) included. */
  spills: number;
  /** FRAME records in the file. */
  frames: number;
  /** Bytes of the file including this trailer. */
  fileBytes: number;
  /** File offset of the last SPILL_INDEX record, -1 when there is none. */
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
