// A run with real boards (`na64fe record`): the boards connect to the host by themselves, their
// front ends end each spill (SCALERS from every board close it), and the run ends after the asked
// number of spills, after a duration, or when the operator stops it. Everything else is the one
// run of daq/run.ts.
import { loadSetup } from "../../boards/setup";
import { convertPreset } from "../config/convert";
import { loadPreset } from "../presets/load";
import { checkRunFolder } from "../runfile/folder";
import { loadKeysFor } from "../link/keys";
import { runDaq, type RunHooks, type RunOutcome, type RunStand } from "./run";
import { DaqError } from "./session";

export interface RecordOptions {
  /** Beam preset name or file. */
  beam: string;
  /** Stop after this many spills (default: until stopped). */
  spills?: number;
  /** Stop after this many seconds. */
  durationS?: number;
  /** Dark-photon mass for the summary's signal window. */
  massMeV?: number;
  host: string;
  port: number;
  outDir: string;
  runNumber?: number;
  /** Longest wait for every board to connect. */
  waitS: number;
  /** Longest wait for a board's answer. */
  timeoutMs: number;
  /** Run file header: a comment (default "record PRESET") and the operator. */
  comment?: string;
  operator?: string;
  /** Ends the run cleanly (Ctrl-C). */
  stop?: AbortSignal;
  /** Key file (src/link/keys.ts): every board must authenticate with its key. Without: boards without keys only, on this machine. */
  keysFile?: string;
}

/** The real boards: nothing to start; spills end when the boards' SCALERS arrive. */
function realBoards(o: RecordOptions): RunStand {
  const stopped = () => o.stop?.aborted === true;
  return {
    start: async () => undefined,
    alive: () => {
      if (stopped()) throw new DaqError("waiting for HELLO", "stopped by the operator before every board connected");
    },
    spills: async (session) => {
      const started = Date.now();
      while (!stopped()) {
        if (o.spills !== undefined && session.spillReports.size >= o.spills) break;
        if (o.durationS !== undefined && Date.now() - started >= o.durationS * 1000) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return { lastSpill: Math.max(0, ...session.spillReports.keys()), reason: stopped() ? "stopped by the operator" : "end of run" };
    },
    stop: async () => undefined,
  };
}

export interface RecordRun extends RunOutcome {
  preset: ReturnType<typeof loadPreset>;
  conversion: ReturnType<typeof convertPreset>;
}

/** Configure the real boards for a preset, record until the run ends, check it. */
export async function runRecord(o: RecordOptions, hooks: RunHooks & { onWarnings?: (w: RecordRun["conversion"]["warnings"]) => void } = {}): Promise<RecordRun> {
  const setup = loadSetup();
  const preset = loadPreset(o.beam);
  const conversion = convertPreset(preset.name, preset.preset, setup, o.massMeV !== undefined ? { darkPhotonMassMeV: o.massMeV } : {});
  checkRunFolder(o.outDir, o.runNumber); // bad input is refused before anything is printed or started
  const keys = o.keysFile !== undefined ? loadKeysFor(o.keysFile, setup.boards.map((b) => b.id)) : undefined;
  hooks.onWarnings?.(conversion.warnings);
  const outcome = await runDaq(
    {
      setup,
      preset,
      conversion,
      port: o.port,
      host: o.host,
      timeoutMs: o.timeoutMs,
      helloWaitMs: o.waitS * 1000,
      outDir: o.outDir,
      ...(o.runNumber !== undefined ? { runNumber: o.runNumber } : {}),
      comment: o.comment ?? `record ${preset.name}`,
      ...(o.operator ? { operator: o.operator } : {}),
      ...(keys ? { keys } : {}),
    },
    realBoards(o),
    hooks,
  );
  return { ...outcome, preset, conversion };
}
