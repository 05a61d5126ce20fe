// Beam time of a run, as the trigger board measured it: the spill lengths in its SCALERS. Rates
// (Hz per trigger type) are counts over this time, the same for bench runs, real boards and a run
// file read back.
import type { SpillReport } from "../builder/builder";

/** Seconds of beam in the spills whose trigger-board SCALERS arrived; undefined when none did. */
export function beamSeconds(reports: Iterable<SpillReport>, setup: { clockNs: number; boards: ReadonlyArray<{ id: number; role: string }> }): number | undefined {
  const trig = setup.boards.find((b) => b.role === "trigger");
  let ticks = 0;
  let seen = false;
  for (const r of reports) {
    const sc = trig && r.scalers[trig.id];
    if (!sc) continue;
    ticks += sc.spillTicks;
    seen = true;
  }
  return seen ? (ticks * setup.clockNs) / 1e9 : undefined;
}
