// What the live page shows at one moment, sampled from the state a run session keeps anyway (the
// physics summary, the closed spills' reports, the links, the boards' last STATUS): the DAQ does no
// work per event for the page. A snapshot is taken when the page asks (about once a second).
import { BoardState } from "../../protocol/schema/enums";
import type { RunSession } from "../daq/session";
import { runView, type BoardView, type RunView } from "../plots/run-view";
import { plotsOf, type Row } from "../plots/specs";

export interface LiveSnapshot {
  /** Increases with every snapshot. */
  seq: number;
  timeMs: number;
  /** "waiting for a run", "waiting for boards (3 of 5)", "configuring", "in spill 2", "between spills", "ended". */
  state: string;
  ended: boolean;
  run?: number;
  runFile?: string;
  preset?: string;
  /** The spill open now. */
  spill?: number;
  spillsClosed: number;
  events: number;
  completeEvents: number;
  triggersByType: Record<string, number>;
  /** Beam time of the closed spills (the trigger board's spill lengths) and the rates over it. */
  beamSeconds?: number;
  ratesHz?: Record<string, number>;
  boards: BoardView[];
  /** Dead time (trigger board) and BUSY of each closed spill, percent. */
  spills: Array<{ spill: number; events: number; deadPercent?: number; busyPercent: Record<string, number> }>;
  waveforms: number;
  waveformsNote: string;
  /** Identifies the plot specifications (they change only with the preset). */
  plotsKey: string;
  /** Each plot's rows (the "table" data set of its specification). */
  data: Record<string, Row[]>;
}

export const NO_WAVEFORMS = "none recorded: the boards' EVENT frames carry hit features (amplitude, time, flags), no raw samples";

/** The run's plot view now, with the boards' links. */
export function liveView(session: RunSession, nowMs = Date.now()): RunView {
  const trig = session.setup.boards.find((b) => b.role === "trigger");
  const open = openSpill(session, trig?.id);
  const boards: BoardView[] = session.setup.boards.map((b) => {
    const l = session.server.link(b.id);
    const st = session.lastStatus.get(b.id);
    return {
      id: b.id,
      name: b.name,
      role: b.role,
      connected: l?.connected ?? false,
      ...(l?.bootCount !== undefined ? { bootCount: l.bootCount } : {}),
      reconnects: l ? Math.max(0, l.stats.connects - 1) : 0,
      restarts: session.restarts.get(b.id) ?? 0,
      resendRequests: l?.stats.resendRequests ?? 0,
      ...(st ? { busy: st.status.busy !== 0, heartbeatAgeMs: Math.max(0, nowMs - st.atMs) } : {}),
      frames: session.frameCount(b.id),
    };
  });
  const spillsSeen = Math.max(session.spillsBegun, session.spillReports.size + (open !== undefined && !session.spillReports.has(open) ? 1 : 0));
  return runView(session.summary, session.setup, session.spillReports.values(), { spillsSeen, boards, waveforms: [] });
}

function openSpill(session: RunSession, trigId: number | undefined): number | undefined {
  if (session.spillOpen !== undefined) return session.spillOpen;
  // Real boards run their spills themselves: the trigger board's heartbeat says when it is in one.
  const st = trigId !== undefined ? session.lastStatus.get(trigId)?.status : undefined;
  return st && st.state === BoardState.IN_SPILL && !session.spillReports.has(st.spillNumber) ? st.spillNumber : undefined;
}

function stateOf(session: RunSession, spill: number | undefined, ended: boolean): string {
  if (ended) return "ended";
  const n = session.setup.boards.length;
  const connected = session.setup.boards.filter((b) => session.server.link(b.id)?.connected).length;
  if (!session.runActive && session.runNumber === 0) return connected < n ? `waiting for boards (${connected} of ${n} connected)` : "configuring the boards";
  if (!session.runActive) return "ending the run";
  return spill !== undefined ? `in spill ${spill}` : "between spills";
}

export function liveSnapshot(session: RunSession | undefined, seq: number, ended: boolean, nowMs = Date.now()): LiveSnapshot {
  const base = { seq, timeMs: nowMs, ended, waveforms: 0, waveformsNote: NO_WAVEFORMS };
  if (!session)
    return { ...base, state: ended ? "ended" : "waiting for a run", spillsClosed: 0, events: 0, completeEvents: 0, triggersByType: {}, boards: [], spills: [], plotsKey: "", data: {} };
  const trig = session.setup.boards.find((b) => b.role === "trigger");
  const spill = openSpill(session, trig?.id);
  const v = liveView(session, nowMs);
  const beamS = v.beamSeconds;
  const data = Object.fromEntries(plotsOf(v, { waveforms: true }).map((p) => [p.id, p.rows]));
  return {
    ...base,
    state: stateOf(session, spill, ended),
    ...(session.runNumber ? { run: session.runNumber } : {}),
    ...(session.runFile ? { runFile: session.runFile } : {}),
    preset: session.preset.name,
    ...(spill !== undefined ? { spill } : {}),
    spillsClosed: session.spillReports.size,
    events: session.builder.stats.events,
    completeEvents: session.builder.stats.complete,
    triggersByType: v.triggersByType,
    ...(beamS ? { beamSeconds: beamS, ratesHz: Object.fromEntries(Object.entries(v.triggersByType).map(([k, n]) => [k, n / beamS])) } : {}),
    boards: v.boards ?? [],
    spills: v.spills.map((s) => ({
      spill: s.spill,
      events: s.events,
      ...(s.deadFraction !== undefined ? { deadPercent: 100 * s.deadFraction } : {}),
      busyPercent: Object.fromEntries(Object.entries(s.busyFraction).map(([b, f]) => [b, 100 * f])),
    })),
    plotsKey: plotsKey(session),
    data,
  };
}

export function plotsKey(session: RunSession): string {
  return `${session.preset.name}:${session.preset.preset.beam.energyGeV.value}:${session.conversion.signal?.massMeV ?? ""}`;
}
