// Where every trigger went. A bench run passes only when the hardware's accepted triggers, the
// events built from the firmware's frames and the firmware's own scalers all agree, and no frame
// went missing without an explanation.
import type { Setup } from "../../boards/setup";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import type { ScalersMsg } from "../../protocol/schema/messages";
import type { BuilderStats, SpillReport } from "../builder/builder";
import { linkChecks, type Check } from "../daq/checks";
import type { BoardResult } from "./run";

export type { Check };

export interface SpillAccount {
  spill: number;
  /** Truth records of accepted triggers (one per trigger the hardware accepted). */
  truthTriggers: number;
  hardwareAccepted: number;
  inhibitedBusy: number;
  inhibitedDead: number;
  particles: Record<string, number>;
  /** SPILL_END scalers the hardware latched, per board id. */
  hardware: Record<number, FifoSpillEndRec>;
  report: SpillReport;
  /** Distinct EVENT/TRIGGER frames per board id (by trigger number). */
  uniqueFrames: Record<number, number>;
  /**
   * Frames for a trigger the board had sent already: after a reconnect the host sends unacknowledged
   * INJECT frames again (at-least-once), and a board that had processed one before the link dropped
   * processes it again. The event builder ignores them; the board's scalers count them.
   */
  repeatedFrames: Record<number, number>;
  /** Boards that restarted during this spill (their firmware counters restarted with them). */
  restartedBoards: number[];
}

export interface RunFacts {
  setup: Setup;
  spills: SpillAccount[];
  boards: BoardResult[];
  protocolErrors: Record<string, number>;
  firmwareErrors: string[];
  builder: BuilderStats;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function accountRun(f: RunFacts): Check[] {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const trig = f.setup.boards.find((b) => b.role === "trigger")!;

  const truth = sum(f.spills.map((s) => s.truthTriggers));
  const accepted = sum(f.spills.map((s) => s.hardwareAccepted));
  const built = sum(f.spills.map((s) => s.report.events));
  const complete = sum(f.spills.map((s) => s.report.complete));
  add(
    "hardware triggers = events built",
    truth === accepted && built === truth && complete === built,
    `hardware accepted ${accepted}, truth records ${truth}, events built ${built}, complete ${complete}`,
  );

  const perBoard: string[] = [];
  let framesOk = true;
  for (const b of f.setup.boards) {
    const got = sum(f.spills.map((s) => s.uniqueFrames[b.id] ?? 0));
    if (got !== truth) framesOk = false;
    if (got !== truth) perBoard.push(`${b.name} ${got}`);
  }
  add("every board sent one frame per trigger", framesOk, framesOk ? `${f.setup.boards.length} boards x ${truth} triggers` : `expected ${truth}: ${perBoard.join(", ")}`);

  const scalerIssues: string[] = [];
  for (const s of f.spills) {
    const fw = s.report.scalers as Record<number, ScalersMsg>;
    const hw = s.hardware[trig.id]!;
    const t = fw[trig.id];
    if (!t) scalerIssues.push(`spill ${s.spill}: no SCALERS from the trigger board`);
    else {
      if (sum(t.acceptedTriggers) !== hw.acceptedTriggers.reduce((a, b) => a + b, 0) || sum(t.acceptedTriggers) !== s.truthTriggers)
        scalerIssues.push(`spill ${s.spill}: trigger SCALERS accepted ${sum(t.acceptedTriggers)}, hardware ${sum(hw.acceptedTriggers)}, truth ${s.truthTriggers}`);
      if (t.inhibitedBusy !== hw.inhibitedBusy || t.inhibitedDead !== hw.inhibitedDead || t.deadTicks !== hw.deadTicks)
        scalerIssues.push(`spill ${s.spill}: trigger SCALERS inhibits/dead time differ from the hardware's`);
    }
    for (const b of f.setup.boards) {
      const sc = fw[b.id];
      if (!sc) {
        scalerIssues.push(`spill ${s.spill}: no SCALERS from ${b.name}`);
        continue;
      }
      if (s.restartedBoards.includes(b.id)) continue; // its counters restarted with it
      const got = (s.uniqueFrames[b.id] ?? 0) + (s.repeatedFrames[b.id] ?? 0);
      if (sc.eventsSent !== got) scalerIssues.push(`spill ${s.spill}: ${b.name} says it sent ${sc.eventsSent}, the host received ${got}`);
    }
  }
  const restarted = f.spills.flatMap((s) => s.restartedBoards.map((id) => `${f.setup.boards.find((b) => b.id === id)?.name} in spill ${s.spill}`));
  const repeats = sum(f.spills.flatMap((s) => Object.values(s.repeatedFrames)));
  add(
    "firmware scalers agree",
    scalerIssues.length === 0,
    scalerIssues.length
      ? scalerIssues.slice(0, 4).join("; ")
      : `trigger board and ${f.setup.boards.length - 1} digitisers` +
          (repeats ? `; ${repeats} frames sent twice after a reconnect (counted by the board, ignored by the builder)` : "") +
          (restarted.length ? ` (restarted, counters reset: ${restarted.join(", ")})` : ""),
  );

  checks.push(...linkChecks(f));
  return checks;
}
