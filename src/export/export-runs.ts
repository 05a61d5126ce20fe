// `na64fe export`: run files to Parquet tables for analysis (pandas, polars, pyarrow, ROOT). Every
// run is replayed through the event builder from its own snapshot, exactly as `inspect` rebuilds
// it, and each built event becomes one row of events.parquet, its hits rows of hits.parquet.
// A crashed run contributes what its file still holds (complete spills and the recovered tail);
// the result says what could not be read.
import { existsSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadSetup } from "../../boards/setup";
import type { EventMsg } from "../../protocol/schema/messages";
import { openRun, type RunFile } from "../runfile/reader";
import { checkRunFolder } from "../runfile/folder";
import { replayRun, runContext } from "../analysis/from-run";
import { softwareVersions } from "../runfile/snapshot";
import { ParquetTable, type Column } from "./parquet-table";
import { columnPrefix, exportRun, type ExportBoard, type ExportRun } from "./run-columns";
import {
  CONFIG_BOARD_COLUMNS,
  CONFIG_CHANNEL_COLUMNS,
  HIT_COLUMNS,
  SCALER_CHANNEL_COLUMNS,
  SCALER_COLUMNS,
  WAVEFORM_COLUMNS,
  eventColumns,
  eventCtx,
  waveformsOf,
} from "./tables";
import { RUN_COLUMNS, type RunRow } from "./run-table";

/** The export cannot be done as asked; nothing was written. */
export class ExportError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${field} ${JSON.stringify(value)}: ${detail}`);
    this.name = "ExportError";
  }
}

export const TABLE_FILES = ["events", "hits", "waveforms", "runs", "config_boards", "config_channels", "scalers", "scaler_channels"] as const;
export type TableName = (typeof TABLE_FILES)[number];

export interface ExportOptions {
  outDir: string;
  /** Replace tables an earlier export left in outDir. */
  force?: boolean;
}

export interface ExportResult {
  outDir: string;
  files: Record<TableName, string>;
  rows: Record<TableName, number>;
  runs: RunRow[];
  /** Why the waveforms table is empty, when it is. */
  waveformsNote?: string;
}

/** Column lists of every table for a setup (the README's tables come from the shipped setup). */
export function tableColumns(boards: readonly ExportBoard[]): Record<TableName, ReadonlyArray<Column<never>>> {
  return {
    events: eventColumns(boards),
    hits: HIT_COLUMNS,
    waveforms: WAVEFORM_COLUMNS,
    runs: RUN_COLUMNS,
    config_boards: CONFIG_BOARD_COLUMNS,
    config_channels: CONFIG_CHANNEL_COLUMNS,
    scalers: SCALER_COLUMNS,
    scaler_channels: SCALER_CHANNEL_COLUMNS,
  } as Record<TableName, ReadonlyArray<Column<never>>>;
}

export const WAVEFORMS_NONE =
  "no waveforms: these runs' EVENT frames carry hit features only (amplitude, time, flags), no raw samples; the table has its columns and no rows";

/** Export the run files to Parquet tables in opts.outDir. Every input is opened and checked before a file is written. */
export function exportRuns(paths: readonly string[], opts: ExportOptions): ExportResult {
  if (!paths.length) throw new ExportError("runs", [], "no run file given");
  checkRunFolder(opts.outDir);
  const files = Object.fromEntries(TABLE_FILES.map((t) => [t, join(resolve(opts.outDir), `${t}.parquet`)])) as Record<TableName, string>;
  if (!opts.force) {
    const there = TABLE_FILES.map((t) => files[t]).filter((f) => existsSync(f));
    if (there.length) throw new ExportError("--out", opts.outDir, `already holds ${there.map((f) => f.slice(f.lastIndexOf("/") + 1)).join(", ")} (use --force to replace them)`);
  }
  const runs: RunFile[] = [];
  try {
    for (const p of paths) runs.push(openRun(p));
    const prepared = runs.map((r) => ({ file: r, ctx: runContext(r) }));
    const byNumber = new Map<number, string>();
    for (const { file } of prepared) {
      const n = file.header.runNumber;
      if (byNumber.has(n)) throw new ExportError("run", n, `run ${n} is in both ${byNumber.get(n)} and ${file.path}: (run, spill, trigger) would not identify an event`);
      byNumber.set(n, file.path);
    }
    const layouts = prepared.map(({ file, ctx }) => exportRun(file.header.runNumber, file.path, ctx));
    const signature = (r: ExportRun) => r.boards.map((b) => `${b.id}:${b.name}:${b.role}`).join(",");
    const odd = layouts.find((r) => signature(r) !== signature(layouts[0]!));
    if (odd) throw new ExportError("run", odd.runNumber, `was taken with other boards (${signature(odd)}) than run ${layouts[0]!.runNumber} (${signature(layouts[0]!)}); export them separately`);

    mkdirSync(opts.outDir, { recursive: true });
    const meta = { "na64.software": `na64fe ${softwareVersions().na64fe}`, "na64.runs": JSON.stringify(layouts.map((r) => ({ run: r.runNumber, file: r.file }))) };
    const cols = tableColumns(layouts[0]!.boards);
    const tables = Object.fromEntries(TABLE_FILES.map((t) => [t, new ParquetTable(files[t], cols[t], { ...meta, "na64.table": t })])) as Record<TableName, ParquetTable<never>>;
    const add = <C>(t: TableName, c: C) => (tables[t] as ParquetTable<C>).add(c);
    const rows: RunRow[] = [];
    try {
      prepared.forEach(({ file, ctx }, k) => {
        const run = layouts[k]!;
        const before = { events: tables.events.rows, hits: tables.hits.rows, waveforms: tables.waveforms.rows };
        const replay = replayRun(file, ctx, (ev) => {
          add("events", eventCtx(run, ev));
          for (const board of run.boards) {
            if (board.role === "trigger") continue;
            const msg = ev.parts[board.part] as EventMsg | undefined;
            if (!msg) continue;
            for (let i = 0; i < msg.hits.n; i++) add("hits", { run, ev, board, msg, i, chan: board.channels.get(msg.hits.channel[i]!) });
            for (const w of waveformsOf(msg)) add("waveforms", { run, ev, board, w, chan: board.channels.get(w.channel) });
          }
        });
        for (const board of run.boards) {
          const snap = ctx.snapshot.boards.find((b) => b.boardId === board.id);
          if (!board.config || !snap) continue;
          const h = snap.hello;
          add("config_boards", { run, board, config: board.config, configHash: snap.configHash, firmware: h ? `${h.fwMajor}.${h.fwMinor}.${h.fwPatch}` : "", bootCount: h?.bootCount ?? 0 });
          for (let i = 0; i < board.config.channels.n; i++) add("config_channels", { run, board, config: board.config, i, chan: board.channels.get(i) });
        }
        for (const sp of replay.spills)
          for (const board of run.boards) {
            const s = sp.scalers[board.id];
            if (!s) continue;
            add("scalers", { run, board, s });
            for (let i = 0; i < s.channels.n; i++) add("scaler_channels", { run, board, s, i });
          }
        const row: RunRow = {
          run: run.runNumber,
          file: resolve(file.path),
          header: file.header,
          snapshot: ctx.snapshot,
          status: file.status,
          closed: file.status.closed,
          replay,
          events: tables.events.rows - before.events,
          hits: tables.hits.rows - before.hits,
          waveforms: tables.waveforms.rows - before.waveforms,
        };
        rows.push(row);
        add("runs", row);
      });
      for (const t of TABLE_FILES) tables[t].close();
    } catch (e) {
      for (const t of TABLE_FILES) tables[t].discard();
      throw e;
    }
    const counts = Object.fromEntries(TABLE_FILES.map((t) => [t, tables[t].rows])) as Record<TableName, number>;
    return { outDir: resolve(opts.outDir), files, rows: counts, runs: rows, ...(counts.waveforms === 0 ? { waveformsNote: WAVEFORMS_NONE } : {}) };
  } finally {
    for (const r of runs) r.close();
  }
}

/** The shipped setup's export, for the column tables of the README. */
export function shippedTableColumns(): Record<TableName, ReadonlyArray<Column<never>>> {
  const setup = loadSetup();
  return tableColumns(
    setup.boards.map((b, i) => ({ id: b.id, name: b.name, col: columnPrefix(b.name), role: b.role, part: i, channels: new Map(), config: undefined })),
  );
}
