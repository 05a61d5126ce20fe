// One run, real boards or the simulated bench: listen, bring up the boards, configure them (push,
// read back, compare hashes), open the run file, BEGIN_RUN, the spills, END_RUN, the trailer, and
// the checks. What differs between the two is a RunStand: who starts the boards, who drives the
// spills and what else it knows to check. `na64fe record` runs it with the real-boards stand
// (daq/record.ts), `na64fe bench` with the simulated test stand (bench/stand.ts).
import type { AddressInfo } from "node:net";
import type { Setup } from "../../boards/setup";
import { RunAction } from "../../protocol/schema/enums";
import type { Conversion } from "../config/convert";
import type { LoadedPreset } from "../presets/load";
import { checkRunFolder } from "../runfile/folder";
import type { RunSnapshot } from "../runfile/snapshot";
import { runChecks, type StandChecks } from "./checks";
import type { BoardSummary, Check, SpillFrames } from "./run-facts";
import { nextRunNumber, RunSession } from "./session";
import type { BoardKeys } from "../link/keys";

export interface RunRequest {
  setup: Setup;
  preset: LoadedPreset;
  conversion: Conversion;
  /** Board-server address: port (0 = any free one) and bind address (default 127.0.0.1). */
  port: number;
  host?: string;
  /** Longest wait for a board's answer. */
  timeoutMs: number;
  /** Longest wait for every board's HELLO. */
  helloWaitMs: number;
  /** Folder for the run file; undefined: do not record. */
  outDir?: string;
  /** Run number; default: the next free one in outDir (1 when not recording). */
  runNumber?: number;
  /** The run file header's comment. */
  comment: string;
  /** Who takes the run (the run file header). */
  operator?: string;
  /** Added to the run file's configuration snapshot (the bench's simulated beam). */
  snapshot?: Partial<RunSnapshot>;
  /** The boards' keys (src/link/keys.ts): each board must authenticate, every host frame is tagged. */
  keys?: BoardKeys;
}

/** How the spills of a run ended. */
export interface SpillsDone {
  /** Highest spill number, for END_RUN. */
  lastSpill: number;
  /** The run file trailer's reason ("end of run", "stopped by the operator"). */
  reason: string;
}

/** Who runs the boards and the spills of a run. */
export interface RunStand {
  /** The board server listens at `addr`: start the boards (the bench launches their VMs). */
  start(session: RunSession, addr: AddressInfo): Promise<void>;
  /** Throws when the boards cannot come any more (a VM died, the operator stopped); called while waiting. */
  alive(): void;
  /** Every board said HELLO (before configuration). */
  ready?(): void;
  /** After BEGIN_RUN: run the spills; resolves when the run is to end. */
  spills(session: RunSession, runNumber: number): Promise<SpillsDone>;
  /** What the stand knows beyond the boards' frames (the bench: the simulator's truth). */
  checks?(session: RunSession): StandChecks;
  /** Stop the boards it started (always called, also after a failure). */
  stop(): Promise<void>;
}

export interface RunHooks {
  /** Human-readable steps ("configuring every board ..."). */
  onStep?: (s: string) => void;
  onListening?: (addr: AddressInfo, session: RunSession) => void;
  /** BEGIN_RUN was acknowledged by every board; the run file (if any) is open. */
  onRunStarted?: (runNumber: number, session: RunSession) => void;
  onSpillEnd?: (s: SpillFrames, session: RunSession) => void;
  /** The session exists: attach observers (frames, events) before anything connects. */
  onSession?: (session: RunSession) => void;
  /** Something the operator should know that stops nothing (an unauthenticated board, a refused client...). */
  onWarning?: (message: string) => void;
}

export interface RunOutcome {
  ok: boolean;
  runNumber: number;
  runFile?: string;
  checks: Check[];
  boards: BoardSummary[];
  spills: SpillFrames[];
  session: RunSession;
}

export async function runDaq(r: RunRequest, stand: RunStand, hooks: RunHooks = {}): Promise<RunOutcome> {
  if (r.outDir) checkRunFolder(r.outDir, r.runNumber);
  const step = hooks.onStep ?? (() => undefined);
  const session = new RunSession(r.setup, r.preset, r.conversion, { port: r.port, timeoutMs: r.timeoutMs, ...(r.host ? { host: r.host } : {}), ...(r.outDir ? { outDir: r.outDir } : {}), ...(r.keys ? { keys: r.keys } : {}) });
  if (hooks.onWarning) session.warnTo(hooks.onWarning);
  hooks.onSession?.(session);
  if (hooks.onSpillEnd) session.onSpillEnd((s) => hooks.onSpillEnd!(s, session));
  try {
    const addr = await session.listen();
    hooks.onListening?.(addr, session);
    await stand.start(session, addr);
    await session.waitForBoards(r.helloWaitMs, () => stand.alive());
    stand.ready?.();
    step("configuring every board (push, read back, compare hashes)");
    await session.configureAll();
    const runNumber = r.runNumber ?? (r.outDir ? nextRunNumber(r.outDir) : 1);
    session.openRunFile(runNumber, r.snapshot ?? {}, r.comment, r.operator);
    await session.runControl(RunAction.BEGIN_RUN, 0);
    hooks.onRunStarted?.(runNumber, session);
    const done = await stand.spills(session, runNumber);
    await session.runControl(RunAction.END_RUN, done.lastSpill);
    // The checks run once every spill is closed; their verdict goes into the trailer.
    let checks: Check[] = [];
    session.finish(done.reason, (builder) => {
      checks = runChecks(
        { setup: r.setup, spills: [...session.spillFrames.values()], boards: session.boardSummaries(), strangerErrors: session.server.strangerErrors, firmwareErrors: session.firmwareErrors, builder },
        stand.checks?.(session),
      );
      return { ok: checks.every((c) => c.ok), failed: checks.filter((c) => !c.ok).map((c) => c.name), events: builder.events };
    });
    const boards = session.boardSummaries();
    const spills = [...session.spillFrames.values()];
    return { ok: checks.every((c) => c.ok), runNumber, ...(session.runFile ? { runFile: session.runFile } : {}), checks, boards, spills, session };
  } finally {
    await stand.stop();
    await session.close();
  }
}
