// Where every trigger went. A bench run passes only when the hardware's accepted triggers, the
// events built from the firmware's frames and the firmware's own scalers all agree, and no frame
// went missing without an explanation.
import type { Setup } from "../../boards/setup";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import { runChecks, type RunFacts, type StandChecks } from "../daq/checks";
import type { Check, SpillFrames } from "../daq/run-facts";
import { acceptedTriggers } from "../daq/scaler-check";

export interface SpillAccount extends SpillFrames {
  /** Truth records of accepted triggers (one per trigger the hardware accepted). */
  truthTriggers: number;
  hardwareAccepted: number;
  inhibitedBusy: number;
  inhibitedDead: number;
  particles: Record<string, number>;
  /** SPILL_END scalers the hardware latched, per board id. */
  hardware: Record<number, FifoSpillEndRec>;
}

/** A bench run's spills with what the simulator knows of them. */
export interface TruthFacts {
  setup: Setup;
  spills: readonly SpillAccount[];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** The trigger board's SCALERS against what the hardware latched and the truth, per spill. */
function hardwareIssues(f: TruthFacts): string[] {
  const trig = f.setup.boards.find((b) => b.role === "trigger")!;
  const issues: string[] = [];
  for (const s of f.spills) {
    const hw = s.hardware[trig.id];
    const t = s.report.scalers[trig.id];
    if (!t || !hw) continue; // a missing SCALERS is the scalers check's own issue
    // Per type, the board's scalers equal the hardware's; counted once per trigger, they equal the truth.
    if (t.acceptedTriggers.some((n, i) => n !== hw.acceptedTriggers[i]) || acceptedTriggers(t, s.report) !== s.truthTriggers)
      issues.push(
        `spill ${s.spill}: trigger SCALERS accepted ${t.acceptedTriggers.join("/")} by type (${acceptedTriggers(t, s.report)} triggers), ` +
          `trigger logic latched ${hw.acceptedTriggers.join("/")}, truth ${s.truthTriggers} triggers`,
      );
    if (t.inhibitedBusy !== hw.inhibitedBusy || t.inhibitedDead !== hw.inhibitedDead || t.deadTicks !== hw.deadTicks)
      issues.push(`spill ${s.spill}: trigger SCALERS inhibits/dead time differ from those the trigger logic latched`);
  }
  return issues;
}

/** What the simulated test stand checks beyond the boards' frames: every hardware trigger built, from every board. */
export function truthChecks(f: TruthFacts): StandChecks {
  const checks: Check[] = [];
  const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

  const truth = sum(f.spills.map((s) => s.truthTriggers));
  const accepted = sum(f.spills.map((s) => s.hardwareAccepted));
  const built = sum(f.spills.map((s) => s.report.events));
  const complete = sum(f.spills.map((s) => s.report.complete));
  add(
    "simulated triggers = events built",
    truth === accepted && built === truth && complete === built,
    `trigger logic counted ${accepted}, truth records ${truth}, events built ${built}, complete ${complete}`,
  );

  const perBoard: string[] = [];
  let framesOk = true;
  for (const b of f.setup.boards) {
    const got = sum(f.spills.map((s) => s.uniqueFrames[b.id] ?? 0));
    if (got !== truth) framesOk = false;
    if (got !== truth) perBoard.push(`${b.name} ${got}`);
  }
  add("every board sent one frame per trigger", framesOk, framesOk ? `${f.setup.boards.length} boards x ${truth} triggers` : `expected ${truth}: ${perBoard.join(", ")}`);
  return { checks, truth, issues: hardwareIssues(f) };
}

/** Every check of a bench run: the stand's truth checks, then those every run gets. */
export function accountRun(f: RunFacts & TruthFacts): Check[] {
  return runChecks(f, truthChecks(f));
}
