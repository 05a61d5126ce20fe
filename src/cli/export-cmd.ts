// `na64fe export RUN...`: run files to Parquet tables (events, hits, waveforms, runs, configuration,
// scalers) that pandas, polars, pyarrow and ROOT read; the columns are in src/export/README.md.
import { Command } from "commander";
import { exportRuns, TABLE_FILES, type ExportResult } from "../export/export-runs";
import { plural } from "../format/text";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";

interface ExportOpts {
  out: string;
  force?: boolean;
  json?: boolean;
}

/** What a run's export left out, in words; empty when the file was read whole. */
export function skippedOf(r: ExportResult["runs"][number]): string[] {
  const s: string[] = [];
  const p = r.status.problem;
  if (p) s.push(`${p.bytesAfter} bytes from byte ${p.offset} on are unreadable (${p.reason})`);
  if (!r.closed && !p) s.push("the run was not closed (no trailer): exported up to where the file ends");
  if (r.status.tail.frames) s.push(`${plural(r.status.tail.frames, "frame")} after the last complete spill were recovered and exported; their spill has no SCALERS`);
  if (r.replay.badFrames) s.push(`${plural(r.replay.badFrames, "frame")} did not decode and were skipped`);
  return s;
}

function exportCmd(out: Out, paths: string[], o: ExportOpts): number {
  const r = exportRuns(paths, { outDir: o.out, ...(o.force ? { force: true } : {}) });
  const whole = r.runs.every((x) => skippedOf(x).length === 0);
  if (o.json) {
    out.json({
      ok: whole,
      outDir: r.outDir,
      files: r.files,
      rows: r.rows,
      runs: r.runs.map((x) => ({ run: x.run, file: x.file, status: x.status.summary, events: x.events, completeEvents: x.replay.builder.complete, hits: x.hits, waveforms: x.waveforms, skipped: skippedOf(x) })),
      ...(r.waveformsNote ? { waveformsNote: r.waveformsNote } : {}),
    });
    return whole ? EXIT_OK : EXIT_FAILED;
  }
  const c = out.c;
  for (const x of r.runs) {
    out.line(`${c.bold(`run ${x.run}`)} (${x.file}): ${plural(x.events, "event")} (${x.replay.builder.complete} complete), ${plural(x.hits, "hit")}, ${plural(x.waveforms, "waveform")}; ${x.status.summary}`);
    for (const s of skippedOf(x)) out.line(c.yellow(`  skipped: ${s}`));
  }
  for (const t of TABLE_FILES) out.line(`  ${r.files[t]}  ${plural(r.rows[t], "row")}`);
  if (r.waveformsNote) out.line(c.dim(r.waveformsNote));
  return whole ? EXIT_OK : EXIT_FAILED;
}

export function exportCommand(run: Runner): Command {
  return new Command("export")
    .description("write run files as Parquet tables for pandas, polars, pyarrow and ROOT (events, hits, waveforms, runs, configuration, scalers)")
    .argument("<runs...>", "run files")
    .option("--out <dir>", "folder for the tables", "export")
    .option("--force", "replace the tables of an earlier export in --out")
    .option("--json", "machine-readable result")
    .addHelpText(
      "after",
      "\nExample: na64fe export runs/run-000001.na64 runs/run-000002.na64 --out export\n" +
        '         python -c "import pandas as pd; print(pd.read_parquet(\'export/events.parquet\'))"\n' +
        "Columns: src/export/README.md. A crashed run exports what its file holds; what was skipped is printed.\n" +
        "Exit codes: 0 every run exported whole, 1 a run was damaged or not closed (what it held is exported), 2 bad file or option (nothing written).",
    )
    .action((paths: string[], opts: ExportOpts) => run((out) => exportCmd(out, paths, opts)));
}
