// The firmware-scalers check every run gets, bench or real boards: per spill, the triggers the
// trigger board accepted equal the events built, and every board's eventsSent equals the frames
// the host received from it. The detail shows the counts, so the equality can be read off.
//
// The trigger board's SCALERS count accepted triggers per type; a trigger of several types (a
// physics trigger that is also the prescaled beam trigger) counts once in each. Its TRIGGER record
// carries all its type bits, so accepted triggers = the sum of the per-type scalers minus the type
// bits beyond the first of the spill's triggers (SpillReport.extraTypeBits).
import type { Setup } from "../../boards/setup";
import type { ScalersMsg } from "../../protocol/schema/messages";
import type { SpillReport } from "../builder/builder";
import type { Check, SpillFrames } from "./run-facts";

export interface ScalerCheckExtra {
  /** Hardware-trigger truth count of the whole run (bench runs), shown first in the equality. */
  truth?: number;
  /** Further disagreements found by the caller (bench: SCALERS against the hardware's own). */
  issues?: string[];
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** Triggers the trigger board accepted in a spill: its per-type scalers, each trigger counted once. */
export function acceptedTriggers(sc: Pick<ScalersMsg, "acceptedTriggers">, report: Pick<SpillReport, "extraTypeBits">): number {
  return sum(sc.acceptedTriggers) - report.extraTypeBits;
}

export function scalerCheck(setup: Setup, spills: readonly SpillFrames[], extra: ScalerCheckExtra = {}): Check {
  const trig = setup.boards.find((b) => b.role === "trigger");
  const issues: string[] = [];
  let built = 0;
  let accepted = 0;
  let multiType = 0;
  const sent = new Map(setup.boards.map((b) => [b.id, 0]));
  for (const s of spills) {
    built += s.report.events;
    const ended = s.report.closedBy === "finish" ? " (the run ended before the spill did)" : "";
    for (const b of setup.boards) {
      const sc = s.report.scalers[b.id];
      if (!sc) {
        issues.push(`spill ${s.spill}: no SCALERS from ${b.name}${ended}`);
        continue;
      }
      sent.set(b.id, sent.get(b.id)! + sc.eventsSent);
      if (b === trig) {
        const acc = acceptedTriggers(sc, s.report);
        accepted += acc;
        multiType += s.report.multiTypeTriggers;
        if (acc !== s.report.events) issues.push(`spill ${s.spill}: trigger board accepted ${acc}, ${s.report.events} events built`);
      }
      if (s.restartedBoards.includes(b.id)) continue; // its counters restarted with it
      const got = (s.uniqueFrames[b.id] ?? 0) + (s.repeatedFrames[b.id] ?? 0);
      if (sc.eventsSent !== got) issues.push(`spill ${s.spill}: ${b.name} says it sent ${sc.eventsSent}, the host received ${got}`);
    }
  }
  issues.push(...(extra.issues ?? []));
  const restarted = spills.flatMap((s) => s.restartedBoards.map((id) => `${setup.boards.find((b) => b.id === id)?.name} in spill ${s.spill}`));
  const repeats = sum(spills.flatMap((s) => Object.values(s.repeatedFrames)));
  const counts =
    `${extra.truth !== undefined ? `simulated triggers ${extra.truth} = ` : ""}events built ${built} = trigger board accepted ${accepted}` +
    (multiType ? ` (${multiType} of them of several types, counted once)` : "") +
    "; " +
    `eventsSent ${setup.boards.map((b) => `${b.name} ${sent.get(b.id)}`).join(", ")}` +
    (repeats ? `; ${repeats} frames sent twice after a reconnect (counted by the board, ignored by the builder)` : "") +
    (restarted.length ? ` (restarted, counters reset: ${restarted.join(", ")})` : "");
  return { name: "firmware scalers agree", ok: issues.length === 0, detail: issues.length ? `${issues.slice(0, 4).join("; ")}${issues.length > 4 ? `; and ${issues.length - 4} more` : ""} (${counts})` : counts };
}
