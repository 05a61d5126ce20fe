// Checks every run gets, real boards or bench: the boards' scalers against the events built and
// the frames received, frames lost on a link, frames that failed their check, firmware errors,
// events that could not be built complete. A stand that knows more (the bench knows the
// simulator's truth) adds its own checks in front and its own issues to the scalers check.
import type { Setup } from "../../boards/setup";
import type { BuilderStats } from "../builder/builder";
import type { BoardSummary, Check, SpillFrames } from "./run-facts";
import { scalerCheck, type ScalerCheckExtra } from "./scaler-check";

export interface LinkFacts {
  /** The run's boards, each with the protocol errors of its own connections. */
  boards: BoardSummary[];
  /** Errors of connections that never spoke for one of the run's boards, by code: reported, never failed. */
  strangerErrors: Record<string, number>;
  firmwareErrors: string[];
  builder: BuilderStats;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function linkChecks(f: LinkFacts): Check[] {
  const lost = f.boards.filter((b) => b.link.lostUnexplained || b.link.lostExplained);
  const resent = sum(f.boards.map((b) => b.link.resendRequests));
  const reboots = sum(f.boards.map((b) => b.link.lostInReboot));
  // Frames of a type this host does not know (a board with a newer minor version) are received and
  // ignored under the versioning rule (protocol/README.md): nothing is lost, so they are reported,
  // not failed. Only errors on the run's own boards' connections count; what other clients did is
  // reported (issue 11: a stray byte from another process is not the run's failure).
  const counts = (b: BoardSummary) => Object.entries(b.protocolErrors).filter(([k]) => k !== "UNKNOWN_TYPE");
  const failing = f.boards.filter((b) => counts(b).length > 0);
  const ignored = sum(f.boards.map((b) => b.protocolErrors["UNKNOWN_TYPE"] ?? 0));
  const ignoredNote = ignored ? `; ${ignored} frame${ignored === 1 ? "" : "s"} of unknown types ignored (newer board firmware?)` : "";
  const strangers = Object.entries(f.strangerErrors);
  const strangerNote = strangers.length
    ? `; not the run's boards: ${strangers.map(([k, v]) => `${k} x${v}`).join(", ")} from other clients (refused or closed)`
    : "";
  // A board that stalled (owed the host an ACK for a while) lost nothing, but is named (issue 11).
  const late = f.boards.filter((b) => b.link.lateEpisodes > 0);
  const lateNote = late.length
    ? `; late: ${late.map((b) => `${b.name} (id ${b.id}) at ${b.remote} ${b.link.lateEpisodes} time${b.link.lateEpisodes === 1 ? "" : "s"}, longest ${(b.link.maxLateMs / 1000).toFixed(1)} s`).join(", ")}`
    : "";
  const errorDetail = failing
    .map((b) => `${b.name} (id ${b.id}) at ${b.remote}: ${counts(b).map(([k, v]) => `${k} x${v}`).join(", ")}${b.errorMessages.length ? ` (last: ${b.errorMessages.at(-1)})` : ""}`)
    .join("; ");
  return [
    {
      name: "no unexplained sequence gaps",
      ok: lost.length === 0,
      detail: lost.length
        ? lost.map((b) => `${b.name}: ${b.link.lostUnexplained} unexplained, ${b.link.lostExplained} gone from the ring`).join("; ")
        : `0 gaps left; ${resent} RESEND requests${reboots ? `, ${reboots} frames lost in restarts and re-injected` : ""}${lateNote}`,
    },
    {
      name: "no protocol errors",
      ok: failing.length === 0,
      detail: (failing.length ? errorDetail : "every frame passed its check") + ignoredNote + strangerNote,
    },
    {
      name: "no firmware errors",
      ok: f.firmwareErrors.length === 0,
      detail: f.firmwareErrors.length ? f.firmwareErrors.slice(0, 3).join("; ") : "no ERROR log from any board",
    },
    {
      name: "event building",
      ok: f.builder.incomplete === 0 && f.builder.hashMismatches === 0 && f.builder.unexpected === 0,
      detail: `${f.builder.complete} complete, ${f.builder.incomplete} incomplete, ${f.builder.duplicates} duplicates ignored, ${f.builder.hashMismatches} config-hash mismatches`,
    },
  ];
}

export interface RunFacts extends LinkFacts {
  setup: Setup;
  spills: readonly SpillFrames[];
}

/** What a stand adds: checks of its own (listed first) and truth for the scalers check. */
export interface StandChecks extends ScalerCheckExtra {
  checks?: Check[];
}

/** The checks of a run, in the order they are reported. */
export function runChecks(f: RunFacts, stand: StandChecks = {}): Check[] {
  return [...(stand.checks ?? []), scalerCheck(f.setup, f.spills, stand), ...linkChecks(f)];
}

/**
 * The run's verdict in one line: PASS, or FAIL naming the checks that failed and the first events
 * that were not built complete (spill, trigger number and the boards whose part is missing).
 */
export function verdict(checks: readonly Check[], builder: Pick<BuilderStats, "incompleteSample" | "incomplete">, boardName: (id: number) => string, pass: string): string {
  const failed = checks.filter((c) => !c.ok);
  if (!failed.length) return `PASS: ${pass}`;
  const sample = builder.incompleteSample.map((e) => `spill ${e.spill} trigger ${e.trigger} (no ${e.missing.map(boardName).join(", ")})`);
  const more = builder.incomplete > sample.length ? ` and ${builder.incomplete - sample.length} more` : "";
  return `FAIL: ${failed.map((c) => c.name).join("; ")}` + (sample.length ? `; incomplete events: ${sample.join(", ")}${more}` : "");
}

/**
 * The checks of a recorded run, from its file alone (`na64fe inspect`): the boards' scalers against
 * the events rebuilt and the frames recorded, every frame decodable, every event complete. The
 * link statistics of the live run are not in the file; these are the checks that can be redone.
 */
export function recordedChecks(setup: Setup, replay: { spillFrames: readonly SpillFrames[]; builder: BuilderStats; badFrames: number; frames: number }): Check[] {
  const b = replay.builder;
  return [
    scalerCheck(setup, replay.spillFrames),
    { name: "every recorded frame decodes", ok: replay.badFrames === 0, detail: replay.badFrames ? `${replay.badFrames} of ${replay.frames} frames do not decode` : `${replay.frames} frames` },
    {
      name: "event building",
      ok: b.incomplete === 0 && b.hashMismatches === 0 && b.unexpected === 0,
      detail: `${b.complete} complete, ${b.incomplete} incomplete, ${b.duplicates} duplicates ignored, ${b.hashMismatches} config-hash mismatches`,
    },
  ];
}
