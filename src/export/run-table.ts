// The runs table: one row per exported run file, with what the file held, what could not be read
// after a crash, and the run's whole configuration snapshot as JSON.
import type { RunStatus } from "../runfile/reader";
import type { RunHeader, RunSnapshot } from "../runfile/snapshot";
import type { RunReplay } from "../analysis/from-run";
import type { Column } from "./parquet-table";

export interface RunRow {
  run: number;
  file: string;
  header: RunHeader;
  snapshot: RunSnapshot;
  status: RunStatus;
  closed: boolean;
  replay: RunReplay;
  events: number;
  hits: number;
  waveforms: number;
}

export const RUN_COLUMNS: Column<RunRow>[] = [
  { name: "run", type: "u32", doc: "run number", value: (r) => r.run },
  { name: "file", type: "string", doc: "the run file exported", value: (r) => r.file },
  { name: "start_time", type: "string", doc: "run start, ISO 8601 (HEADER)", value: (r) => r.header.startTime },
  { name: "comment", type: "string", doc: "run comment (HEADER)", value: (r) => r.header.comment ?? "" },
  { name: "preset", type: "string", doc: "beam preset the boards were configured for", value: (r) => r.snapshot.preset.name },
  { name: "beam_energy_GeV", type: "f64", doc: "the preset's beam energy", value: (r) => r.snapshot.preset.settings.beam.energyGeV.value },
  { name: "closed", type: "bool", doc: "the writer closed the run cleanly (TRAILER present)", value: (r) => r.closed },
  { name: "status", type: "string", doc: "what the reader found, in words (complete, not closed, damaged at byte N...)", value: (r) => r.status.summary },
  { name: "complete_spills", type: "u32", doc: "spills with a valid SPILL_INDEX", value: (r) => r.status.completeSpills },
  { name: "tail_frames", type: "u32", doc: "frames after the last index, recovered and exported (their spill never finished)", value: (r) => r.status.tail.frames },
  { name: "damaged_at_byte", type: "i64", doc: "file offset of the first unreadable record, -1 if none", value: (r) => BigInt(r.status.problem?.offset ?? -1) },
  { name: "unreadable_bytes", type: "i64", doc: "bytes from the damage to the end of the file: not exported", value: (r) => BigInt(r.status.problem?.bytesAfter ?? 0) },
  { name: "damage", type: "string", doc: "why the reader stopped there (empty if it did not)", value: (r) => r.status.problem?.reason ?? "" },
  { name: "frames", type: "u32", doc: "frames read", value: (r) => r.replay.frames },
  { name: "bad_frames", type: "u32", doc: "frames that did not decode: skipped", value: (r) => r.replay.badFrames },
  { name: "events", type: "u32", doc: "rows in events.parquet from this run", value: (r) => r.events },
  { name: "complete_events", type: "u32", doc: "events every board contributed to", value: (r) => r.replay.builder.complete },
  { name: "hits", type: "u32", doc: "rows in hits.parquet from this run", value: (r) => r.hits },
  { name: "waveforms", type: "u32", doc: "rows in waveforms.parquet from this run", value: (r) => r.waveforms },
  { name: "snapshot_json", type: "string", doc: "the run's configuration snapshot (SNAPSHOT record): preset with its sources, setup, each board's CONFIG and HELLO", value: (r) => JSON.stringify(r.snapshot) },
];
