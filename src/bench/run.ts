// `na64fe bench`: one run (daq/run.ts) on the simulated test stand (bench/stand.ts) for a beam
// preset: every option checked before anything starts, the preset converted once, the beam of the
// preset simulated, and at the end the accounting against the simulator's truth.
import { performance } from "node:perf_hooks";
import { loadSetup } from "../../boards/setup";
import { FrontEndSimulator } from "../../simulator/frontend";
import { benchBeam } from "../config/beam";
import { convertPreset } from "../config/convert";
import { runDaq } from "../daq/run";
import { loadPreset } from "../presets/load";
import { presetWith } from "../presets/override";
import { checkRunFolder } from "../runfile/folder";
import { generateKeys } from "../link/keys";
import { checkFaultTarget, resolveBenchOptions, type BenchOptions } from "./options";
import type { BenchHooks, BenchResult, BoardResult, SignalEfficiency } from "./result";
import type { PhysicsSummary } from "../analysis/physics-summary";
import { TriggerType } from "../../protocol/schema/enums";
import { BenchError, SimulatedStand } from "./stand";

export { BenchError };
export type { BenchHooks, BenchResult, BoardResult };

/** The dark photons the simulator made against what triggered and what the analysis selected. */
function signalEfficiency(massMeV: number, stand: SimulatedStand, summary: PhysicsSummary): SignalEfficiency {
  const physicsBit = 1 << (TriggerType.PHYSICS - 1);
  let physicsTriggered = 0;
  let selected = 0;
  let selectedInWindow = 0;
  for (const [key, mask] of stand.signal.triggered) {
    if (mask & physicsBit) physicsTriggered++;
    if (summary.candidateKeys.has(key)) {
      selected++;
      if (summary.candidatesInWindowKeys.has(key)) selectedInWindow++;
    }
  }
  return { massMeV, injected: stand.signal.injected, triggered: stand.signal.triggered.size, physicsTriggered, selected, selectedInWindow };
}

export async function runBench(input: Partial<BenchOptions> = {}, hooks: BenchHooks = {}): Promise<BenchResult> {
  const t0 = performance.now();
  const o = resolveBenchOptions(input);
  const step = hooks.onStep ?? (() => undefined);
  const setup = loadSetup();
  const loaded = loadPreset(o.beam);
  const preset =
    o.upstreamPerParticle === undefined
      ? loaded
      : { ...loaded, preset: presetWith(loaded.preset, { beam: { upstreamNuclearPerParticle: o.upstreamPerParticle } }, "[I] set by na64fe bench --upstream-rate") };
  const conversion = convertPreset(preset.name, preset.preset, setup, o.massMeV !== undefined ? { darkPhotonMassMeV: o.massMeV } : {});
  const beam = benchBeam(preset.preset, o);
  const sim = new FrontEndSimulator(setup, beam, { seed: o.seed, fifoDepth: o.fifoDepth });
  hooks.onWarnings?.(conversion.warnings);
  // Everything the user gave is checked before a VM boots or a file is created.
  const sliceTicks = Math.max(1, Math.round((o.sliceMs * 1e6) / setup.clockNs));
  for (const f of o.faults) checkFaultTarget(f, setup.boards, Math.ceil(sim.spillTicks / sliceTicks));
  if (o.outDir) checkRunFolder(o.outDir, o.runNumber);

  // Every bench board gets a fresh key for this run (written into its own copy of the image).
  const keys = generateKeys(setup.boards.map((b) => b.id));
  const stand = new SimulatedStand(setup, conversion, sim, o, hooks, keys);
  const run = await runDaq(
    {
      setup,
      preset,
      conversion,
      port: o.port,
      timeoutMs: o.timeoutMs,
      helloWaitMs: o.timeoutMs,
      ...(o.outDir ? { outDir: o.outDir } : {}),
      ...(o.runNumber !== undefined ? { runNumber: o.runNumber } : {}),
      comment: o.comment ?? `bench ${preset.name} seed ${o.seed}`,
      ...(o.operator ? { operator: o.operator } : {}),
      snapshot: { bench: { beam: { ...beam }, seed: o.seed, intensity: o.intensity, sliceMs: o.sliceMs, fifoDepth: o.fifoDepth, spills: o.spills } },
      keys,
    },
    stand,
    {
      onStep: step,
      ...(hooks.onSession ? { onSession: hooks.onSession } : {}),
      ...(hooks.onListening ? { onListening: hooks.onListening } : {}),
      ...(hooks.onWarning ? { onWarning: hooks.onWarning } : {}),
    },
  );
  const boards: BoardResult[] = run.boards.map((b) => {
    const img = stand.imageOf(b.role);
    return { ...b, image: img.entry, imageBytes: img.bytes };
  });
  const timing = { ...stand.timing, hostMs: run.session.hostMs, wallMs: performance.now() - t0 };
  return {
    ok: run.ok,
    setup,
    options: o,
    preset: preset.name,
    beam,
    runNumber: run.runNumber,
    ...(run.runFile ? { runFile: run.runFile } : {}),
    boards,
    spills: stand.spillAccounts,
    checks: run.checks,
    summary: run.session.summary,
    conversion,
    timing,
    protocolErrors: { ...run.session.server.errorCounts },
    events: run.session.builder.stats.events,
    builder: run.session.builder.stats,
    ...(o.massMeV !== undefined ? { signalEfficiency: signalEfficiency(o.massMeV, stand, run.session.summary) } : {}),
  };
}
