// Options of a bench run (`na64fe bench`), their defaults, and their validation. Every bad value is
// a BenchOptionError naming the option, the value and what was expected.

export interface FaultPlan {
  /** Board name or id whose connection the host drops... */
  board: string;
  /** ...after this many slices of the first spill. */
  afterSlice: number;
  /** "disconnect": the host closes the socket (the board reconnects); "restart": its VM is killed and started again on the same flash. */
  kind: "disconnect" | "restart";
}

export interface BenchOptions {
  /** Beam preset (presets/NAME.yaml) or a path to a preset file. */
  beam: string;
  spills: number;
  /** Fraction of the preset's particles per spill that the simulated beam delivers. */
  intensity: number;
  seed: number;
  /** Inject dark photons of this mass (MeV); the report counts candidates in the expected window. */
  massMeV?: number;
  /** Probability per positron of a dark photon, when massMeV is set. */
  signalPerPositron: number;
  /**
   * Electro/photo-nuclear interactions upstream of the ECAL per beam lepton on target; undefined:
   * the preset's beam.upstreamNuclearPerParticle.
   */
  upstreamPerParticle?: number;
  /** Simulated beam time per lockstep step: advance, read out every FIFO, wait for the boards. */
  sliceMs: number;
  /** Front-end FIFO depth in records (every board). */
  fifoDepth: number;
  runNumber?: number;
  /** Folder for the run file; undefined: do not record. */
  outDir?: string;
  /** Board-server port; 0 picks a free one. */
  port: number;
  /** Longest wait for a board (HELLO, an answer, a drained queue). */
  timeoutMs: number;
  /** Run file header: a comment (default "bench PRESET seed N") and the operator. */
  comment?: string;
  operator?: string;
  /** Faults to inject, in any order (several may hit the same slice). */
  faults: FaultPlan[];
}

export const DEFAULT_BENCH: Omit<BenchOptions, "runNumber" | "massMeV" | "upstreamPerParticle" | "comment" | "operator"> = {
  beam: "e+70",
  spills: 1,
  intensity: 0.05,
  seed: 1,
  signalPerPositron: 2e-4,
  sliceMs: 100,
  fifoDepth: 1024,
  outDir: "runs",
  port: 0,
  timeoutMs: 30_000,
  faults: [],
};

export class BenchOptionError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`--${field} ${JSON.stringify(value)}: expected ${expected}`);
    this.name = "BenchOptionError";
  }
}

function check(ok: boolean, field: string, value: unknown, expected: string): void {
  if (!ok) throw new BenchOptionError(field, value, expected);
}

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** The fault targets a board of the setup and a slice the first spill has (checked before anything starts). */
export function checkFaultTarget(f: FaultPlan, boards: ReadonlyArray<{ id: number; name: string }>, slicesPerSpill: number): void {
  const spec = `${f.kind}:${f.board}:${f.afterSlice}`;
  const names = boards.map((b) => b.name);
  check(
    boards.some((b) => b.name === f.board || String(b.id) === f.board),
    "fault",
    spec,
    `a board of the setup (${names.join(", ")}) or its id, e.g. ${f.kind}:${names[0]}:${f.afterSlice}`,
  );
  check(f.afterSlice < slicesPerSpill, "fault", spec, `a slice 0..${slicesPerSpill - 1} of spill 1 (${slicesPerSpill} slices per spill at this --slice-ms)`);
}

/** Defaults filled in, every value checked. */
export function resolveBenchOptions(o: Partial<BenchOptions>): BenchOptions {
  const r: BenchOptions = { ...DEFAULT_BENCH, ...o } as BenchOptions;
  check(typeof r.beam === "string" && r.beam.length > 0, "beam", r.beam, "a preset name such as e+70");
  check(isInt(r.spills) && r.spills >= 1 && r.spills <= 1000, "spills", r.spills, "an integer 1..1000");
  check(typeof r.intensity === "number" && r.intensity > 0 && r.intensity <= 4, "intensity", r.intensity, "a fraction of the preset's particles per spill in (0, 4]");
  check(isInt(r.seed) && r.seed >= 0 && Number.isSafeInteger(r.seed), "seed", r.seed, "a non-negative integer");
  if (r.massMeV !== undefined) check(typeof r.massMeV === "number" && r.massMeV > 0, "mass", r.massMeV, "a dark-photon mass in MeV > 0");
  check(typeof r.signalPerPositron === "number" && r.signalPerPositron >= 0 && r.signalPerPositron <= 0.01, "signal-rate", r.signalPerPositron, "a probability per positron in [0, 0.01]");
  if (r.upstreamPerParticle !== undefined)
    check(typeof r.upstreamPerParticle === "number" && r.upstreamPerParticle >= 0 && r.upstreamPerParticle <= 1e-3, "upstream-rate", r.upstreamPerParticle, "interactions per beam particle in [0, 0.001] (measured at 70 GeV: 29e-9)");
  check(typeof r.sliceMs === "number" && r.sliceMs >= 0.1 && r.sliceMs <= 4800, "slice-ms", r.sliceMs, "simulated milliseconds per step in [0.1, 4800]");
  check(isInt(r.fifoDepth) && r.fifoDepth >= 4 && r.fifoDepth <= 1 << 20, "fifo-depth", r.fifoDepth, "an integer 4..1048576 records");
  if (r.runNumber !== undefined) check(isInt(r.runNumber) && r.runNumber >= 1 && r.runNumber <= 0xffffffff, "run", r.runNumber, "a run number 1..4294967295");
  check(isInt(r.port) && r.port >= 0 && r.port <= 65535, "port", r.port, "a TCP port 0..65535 (0 = any free port)");
  check(isInt(r.timeoutMs) && r.timeoutMs >= 100, "timeout-ms", r.timeoutMs, "an integer >= 100");
  check(Array.isArray(r.faults), "fault", r.faults, "a list of faults");
  for (const f of r.faults) {
    check(f.kind === "disconnect" || f.kind === "restart", "fault", f.kind, "disconnect or restart");
    check(isInt(f.afterSlice) && f.afterSlice >= 0, "fault", f.afterSlice, "a slice number >= 0");
  }
  return r;
}
