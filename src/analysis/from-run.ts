// The physics summary of a recorded run, rebuilt from its file: the frames as received go through
// the same event builder and summary as during the run, with the configuration from the run's own
// snapshot (setup, CONFIGs, preset cuts).
import { decodeFrame } from "../../protocol/frame";
import { ProtocolError } from "../../protocol/errors";
import { decodeConfigPayload } from "../../protocol/config-hash";
import type { ConfigMsg } from "../../protocol/schema/messages";
import { EventBuilder, type BuilderStats, type SpillReport } from "../builder/builder";
import type { RunFile } from "../runfile/reader";
import { RunFileError } from "../runfile/errors";
import { PhysicsSummary } from "./physics-summary";
import { summaryCuts } from "./cuts";
import { beamSeconds } from "./beam-time";

export interface RunAnalysis {
  summary: PhysicsSummary;
  builder: BuilderStats;
  spills: SpillReport[];
  frames: number;
  /** Frames in the file that do not decode (a damaged file; the CRC of each record was fine). */
  badFrames: number;
  beamEnergyGeV: number;
  /** Beam time in the spills read, from the trigger board's SCALERS (undefined without them). */
  beamSeconds: number | undefined;
}

/** Rebuild the events of the whole run (complete spills and the recovered tail), or of one spill. */
export function analyseRun(run: RunFile, opts: { spill?: number } = {}): RunAnalysis {
  const snap = run.snapshot;
  if (!snap) throw new RunFileError("NO_SNAPSHOT", run.path, "snapshot", undefined, "the run file has no configuration snapshot to analyse it with");
  const setup = snap.setup;
  const configs = new Map<number, ConfigMsg>(snap.boards.map((b) => [b.boardId, decodeConfigPayload(Buffer.from(b.configPayload, "base64"))]));
  const p = snap.preset.settings;
  // Run files written before the cut was a preset setting carry no value for it (the type says otherwise).
  if (p.analysis.ecalSignalMaxFractionOfE0 === undefined)
    throw new RunFileError("SNAPSHOT_TOO_OLD", run.path, "snapshot.preset.settings.analysis.ecalSignalMaxFractionOfE0", undefined, "the run's preset has no analysis.ecalSignalMaxFractionOfE0 (recorded by an older na64fe): no missing-energy cut to analyse it with");
  const e0 = p.beam.energyGeV.value;
  const spills: SpillReport[] = [];
  let summary: PhysicsSummary | undefined;
  const builder = new EventBuilder({
    boards: setup.boards.map((b) => ({ id: b.id, kind: b.role === "trigger" ? "trigger" : "digitiser", configHash: snap.boards.find((x) => x.boardId === b.id)?.configHash })),
    onEvent: (e) => summary!.add(e),
    onSpill: (r) => spills.push(r),
  });
  summary = new PhysicsSummary(summaryCuts(p, snap.signal), { setup, configs }, builder.boardIds);
  let frames = 0;
  let badFrames = 0;
  for (const r of run.frames(opts.spill !== undefined ? { spill: opts.spill } : { tail: true })) {
    frames++;
    try {
      builder.push(decodeFrame(r.bytes));
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      badFrames++;
    }
  }
  builder.finish();
  return { summary, builder: builder.stats, spills, frames, badFrames, beamEnergyGeV: e0, beamSeconds: beamSeconds(spills, setup) };
}
