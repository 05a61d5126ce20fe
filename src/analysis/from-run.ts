// A recorded run, rebuilt from its file: the frames as received go through the same event builder
// as during the run, with the configuration from the run's own snapshot (setup, CONFIGs, preset).
// `replayRun` hands every built event to a consumer (the physics summary, the Parquet export);
// `analyseRun` is the physics summary of the run, as `na64fe inspect` shows it.
import type { Setup } from "../../boards/setup";
import { decodeFrame } from "../../protocol/frame";
import { ProtocolError } from "../../protocol/errors";
import { decodeConfigPayload } from "../../protocol/config-hash";
import type { ConfigMsg } from "../../protocol/schema/messages";
import { EventBuilder, type BuiltEvent, type BuilderStats, type SpillReport } from "../builder/builder";
import type { RunFile } from "../runfile/reader";
import type { RunSnapshot } from "../runfile/snapshot";
import { RunFileError } from "../runfile/errors";
import { PhysicsSummary } from "./physics-summary";
import { summaryCuts } from "./cuts";
import { beamSeconds } from "./beam-time";
import { FrameTally } from "../daq/frame-tally";
import type { SpillFrames } from "../daq/run-facts";

/** What a run file says about how to read its frames: the setup and each board's CONFIG. */
export interface RunContext {
  snapshot: RunSnapshot;
  setup: Setup;
  configs: ReadonlyMap<number, ConfigMsg>;
  /** Board ids in the order of BuiltEvent.parts. */
  partsOrder: readonly number[];
}

export interface RunReplay {
  builder: BuilderStats;
  spills: SpillReport[];
  /** Per closed spill, the frames each board sent (for the scalers check, as during the run). */
  spillFrames: SpillFrames[];
  frames: number;
  /** Frames in the file that do not decode (a damaged file; the CRC of each record was fine). */
  badFrames: number;
  /** Per spill, the latest TRIGGER timestamp (ticks from the spill's start): the beam a spill without SCALERS covered. */
  triggerTicks: Map<number, number>;
}

export interface RunAnalysis extends RunReplay {
  summary: PhysicsSummary;
  beamEnergyGeV: number;
  /** Beam time in the spills read, from the trigger board's SCALERS (undefined without them). */
  beamSeconds: number | undefined;
}

/** The setup and configurations a run was taken with; a run without a snapshot cannot be rebuilt. */
export function runContext(run: RunFile): RunContext {
  const snap = run.snapshot;
  if (!snap) throw new RunFileError("NO_SNAPSHOT", run.path, "snapshot", undefined, "the run file has no configuration snapshot to analyse it with");
  const configs = new Map<number, ConfigMsg>(snap.boards.map((b) => [b.boardId, decodeConfigPayload(Buffer.from(b.configPayload, "base64"))]));
  return { snapshot: snap, setup: snap.setup, configs, partsOrder: snap.setup.boards.map((b) => b.id) };
}

/**
 * Rebuild the events of the whole run (complete spills and the recovered tail), or of one spill,
 * handing each to `onEvent` in the order the builder emits them.
 */
export function replayRun(run: RunFile, ctx: RunContext, onEvent: (e: BuiltEvent) => void, opts: { spill?: number } = {}): RunReplay {
  const snap = ctx.snapshot;
  const spills: SpillReport[] = [];
  const spillFrames: SpillFrames[] = [];
  const ids = ctx.setup.boards.map((b) => b.id);
  const tally = new FrameTally();
  // A board restarts when its HELLO says another boot count; its counters restart with it.
  const boots = new Map<number, number>();
  const restartedInSpill = new Set<number>();
  const builder = new EventBuilder({
    boards: ctx.setup.boards.map((b) => ({ id: b.id, kind: b.role === "trigger" ? "trigger" : "digitiser", configHash: snap.boards.find((x) => x.boardId === b.id)?.configHash })),
    onEvent,
    onSpill: (r) => {
      spills.push(r);
      spillFrames.push({ spill: r.spill, report: r, uniqueFrames: tally.unique(r.spill, ids), repeatedFrames: tally.repeated(r.spill, ids), restartedBoards: [...restartedInSpill] });
      tally.forget(r.spill);
      restartedInSpill.clear();
    },
  });
  let frames = 0;
  let badFrames = 0;
  const triggerTicks = new Map<number, number>();
  for (const r of run.frames(opts.spill !== undefined ? { spill: opts.spill } : { tail: true })) {
    frames++;
    try {
      const f = decodeFrame(r.bytes);
      if (f.name === "EVENT" || f.name === "TRIGGER") tally.add(r.boardId, f.body.spillNumber, f.body.triggerNumber);
      if (f.name === "TRIGGER") triggerTicks.set(f.body.spillNumber, Math.max(triggerTicks.get(f.body.spillNumber) ?? 0, f.body.timestampTicks));
      if (f.name === "HELLO") {
        const before = boots.get(r.boardId);
        if (before !== undefined && before !== f.body.bootCount) restartedInSpill.add(r.boardId);
        boots.set(r.boardId, f.body.bootCount);
      }
      builder.push(f);
    } catch (e) {
      if (!(e instanceof ProtocolError)) throw e;
      badFrames++;
    }
  }
  builder.finish();
  return { builder: builder.stats, spills, spillFrames, frames, badFrames, triggerTicks };
}

/** The physics summary of the whole run (complete spills and the recovered tail), or of one spill. */
export function analyseRun(run: RunFile, opts: { spill?: number } = {}): RunAnalysis {
  const ctx = runContext(run);
  const p = ctx.snapshot.preset.settings;
  // Run files written before the cut was a preset setting carry no value for it (the type says otherwise).
  if (p.analysis.ecalSignalMaxFractionOfE0 === undefined)
    throw new RunFileError("SNAPSHOT_TOO_OLD", run.path, "snapshot.preset.settings.analysis.ecalSignalMaxFractionOfE0", undefined, "the run's preset has no analysis.ecalSignalMaxFractionOfE0 (recorded by an older na64fe): no missing-energy cut to analyse it with");
  const summary = new PhysicsSummary(summaryCuts(p, ctx.snapshot.signal), { setup: ctx.setup, configs: ctx.configs }, ctx.partsOrder);
  const replay = replayRun(run, ctx, (e) => summary.add(e), opts);
  return { ...replay, summary, beamEnergyGeV: p.beam.energyGeV.value, beamSeconds: beamSeconds(replay.spills, ctx.setup, replay.triggerTicks) };
}
