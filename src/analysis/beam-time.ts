// Beam time of a run, as the trigger board measured it: the spill lengths in its SCALERS. Rates
// (Hz per trigger type) are counts over this time, the same for bench runs, real boards and a run
// file read back. A spill that never finished (a crashed run file) has no SCALERS: its beam time is
// the span its recovered triggers cover, so that its events are not counted over the other spills'
// time alone.
import type { SpillReport } from "../builder/builder";

/**
 * Seconds of beam in the spills: the trigger board's SCALERS.spillTicks, or for a spill without
 * them the latest trigger timestamp (ticks from the spill's start) in `triggerTicks` (by spill);
 * undefined when no spill has either.
 */
export function beamSeconds(
  reports: Iterable<SpillReport>,
  setup: { clockNs: number; boards: ReadonlyArray<{ id: number; role: string }> },
  triggerTicks: ReadonlyMap<number, number> = new Map(),
): number | undefined {
  const trig = setup.boards.find((b) => b.role === "trigger");
  let ticks = 0;
  let seen = false;
  for (const r of reports) {
    const sc = trig && r.scalers[trig.id];
    const span = sc ? sc.spillTicks : triggerTicks.get(r.spill);
    if (span === undefined) continue;
    ticks += span;
    seen = true;
  }
  return seen ? (ticks * setup.clockNs) / 1e9 : undefined;
}
