// `na64fe runs [DIR]`: the runs of a folder, one line each, like a run database: run number, start
// time, preset, comment and operator, spills, events, whether the file is complete or was cut
// short, and the run's verdict as its checks gave it (recorded in the trailer).
import { Command } from "commander";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { table } from "../format/text";
import { RunFileError } from "../runfile/errors";
import { openRun } from "../runfile/reader";
import { RunFolderError } from "../runfile/errors";
import { envOptions } from "./number-option";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";

export interface RunListing {
  file: string;
  runNumber?: number;
  startTime?: string;
  preset?: string;
  comment?: string;
  operator?: string;
  spills?: number;
  events?: number;
  /** complete: closed with a trailer; cut: readable up to the last complete spill; unreadable. */
  status: "complete" | "cut" | "unreadable";
  /** The checks' verdict: ok, failed (with the names), or unknown (not recorded, or the run was cut). */
  checks: "ok" | "failed" | "unknown";
  failed?: string[];
  detail?: string;
}

const RUN_FILE = /^run-\d{6,}\.na64$/;

/** Every run file of `dir`, oldest run first. */
export function listRuns(dir: string): RunListing[] {
  if (!existsSync(dir)) throw new RunFolderError(dir, "does not exist");
  if (!statSync(dir).isDirectory()) throw new RunFolderError(dir, "is a file, not a folder of run files");
  return readdirSync(dir)
    .filter((f) => RUN_FILE.test(f))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      try {
        const run = openRun(file);
        try {
          const v = run.trailer?.verdict;
          return {
            file,
            runNumber: run.header.runNumber,
            startTime: run.header.startTime,
            ...(run.snapshot ? { preset: run.snapshot.preset.name } : {}),
            ...(run.header.comment ? { comment: run.header.comment } : {}),
            ...(run.header.operator ? { operator: run.header.operator } : {}),
            spills: run.status.completeSpills,
            ...(v ? { events: v.events } : {}),
            status: run.status.closed ? "complete" : "cut",
            checks: v ? (v.ok ? "ok" : "failed") : "unknown",
            ...(v && !v.ok ? { failed: v.failed } : {}),
            ...(run.status.closed ? {} : { detail: run.status.summary }),
          } satisfies RunListing;
        } finally {
          run.close();
        }
      } catch (e) {
        if (!(e instanceof RunFileError)) throw e;
        return { file, status: "unreadable", checks: "unknown", detail: e.message } satisfies RunListing;
      }
    });
}

function runs(out: Out, dir: string, o: { json?: boolean }): number {
  const list = listRuns(dir);
  if (o.json) out.json({ dir, runs: list });
  else if (!list.length) out.line(`no run files in ${dir}`);
  else {
    const rows = list.map((r) => [
      r.runNumber !== undefined ? String(r.runNumber) : "?",
      r.startTime?.replace("T", " ").slice(0, 19) ?? "",
      r.preset ?? "",
      String(r.spills ?? ""),
      r.events !== undefined ? String(r.events) : "",
      r.status,
      r.checks === "failed" ? `FAIL (${r.failed!.join("; ")})` : r.checks,
      [r.operator, r.comment].filter(Boolean).join(": "),
    ]);
    for (const l of table([["run", "start (UTC)", "preset", "spills", "events", "file", "checks", "operator: comment"], ...rows])) out.line(l);
  }
  return list.some((r) => r.status === "unreadable") ? EXIT_FAILED : EXIT_OK;
}

export function runsCommand(run: Runner): Command {
  return new Command("runs")
    .description("list the runs of a folder: number, start, preset, spills, events, complete or cut, the checks' verdict, operator and comment")
    .argument("[dir]", "folder of run files (default: --out, $NA64FE_RUNS or runs)")
    .addOption(envOptions.runs("folder of run files"))
    .option("--json", "machine-readable list")
    .addHelpText("after", "\nExit codes: 0 listed, 1 a run file could not be read (it is listed as unreadable), 2 the folder does not exist.")
    .action((dir: string | undefined, opts: { out: string; json?: boolean }) => run((out) => runs(out, dir ?? opts.out, opts)));
}
