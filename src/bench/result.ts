// What a bench run gives back (types only: shared by the run, its report and the CLI).
import type { Setup } from "../../boards/setup";
import type { BeamSpec } from "../../simulator/beam";
import type { PhysicsSummary } from "../analysis/physics-summary";
import type { BuilderStats } from "../builder/builder";
import type { Conversion, ConfigWarning } from "../config/convert";
import type { BoardSummary, Check } from "../daq/run-facts";
import type { RunSession } from "../daq/session";
import type { SpillAccount } from "./accounting";
import type { BenchOptions } from "./options";
import type { AddressInfo } from "node:net";

export interface BenchProgress {
  spill: number;
  spills: number;
  slice: number;
  slices: number;
  events: number;
}

export interface BenchHooks {
  onProgress?: (p: BenchProgress) => void;
  /** Human-readable steps ("configuring 5 boards", ...). */
  onStep?: (s: string) => void;
  /** The preset's conversion warnings (thresholds below noise...), before anything starts. */
  onWarnings?: (w: readonly ConfigWarning[]) => void;
  /** The board server listens (the session is there to observe: tests of what other clients do). */
  onListening?: (addr: AddressInfo, session: RunSession) => void;
  /** What the board server warns about (a refused client, ...). */
  onWarning?: (message: string) => void;
  /** The run session exists (before any board connects): attach observers such as the live page. */
  onSession?: (session: RunSession) => void;
}

export interface BoardResult extends BoardSummary {
  image: string;
  imageBytes: number;
}

export interface BenchTiming {
  wallMs: number;
  startupMs: number;
  simulatorMs: number;
  waitBoardsMs: number;
  hostMs: number;
}

export interface BenchResult {
  ok: boolean;
  setup: Setup;
  options: BenchOptions;
  preset: string;
  beam: BeamSpec;
  runNumber: number;
  runFile?: string;
  boards: BoardResult[];
  spills: SpillAccount[];
  checks: Check[];
  summary: PhysicsSummary;
  conversion: Conversion;
  timing: BenchTiming;
  protocolErrors: Record<string, number>;
  events: number;
  builder: BuilderStats;
  /** With --mass: the injected dark photons, how many triggered and how many the analysis selected. */
  signalEfficiency?: SignalEfficiency;
}

export interface SignalEfficiency {
  massMeV: number;
  /** Positrons that made a dark photon. */
  injected: number;
  /** Of those, accepted triggers of any type, and physics triggers. */
  triggered: number;
  physicsTriggered: number;
  /** Physics triggers the summary took as missing-energy candidates, and those in the expected ECAL window. */
  selected: number;
  selectedInWindow: number;
}
