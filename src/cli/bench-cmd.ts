// `na64fe bench`: the main job. The real firmware images run in the DeviceScript VM, one per
// board; the simulator plays detector and front-end hardware; the host configures the boards for
// the chosen beam, runs the spills, records the run and checks that every trigger is accounted for.
import { Command, InvalidArgumentError } from "commander";
import cliProgress from "cli-progress";
import { runBench, BenchError, type BenchResult } from "../bench/run";
import { BenchOptionError, DEFAULT_BENCH, type BenchOptions, type FaultPlan } from "../bench/options";
import { benchHtml, benchJson, benchReport } from "../bench/report";
import { writeFileSync } from "node:fs";
import { envOptions, numberOption, outputFileOption, portOption } from "./number-option";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";
import { warnConversion } from "./conversion-warnings";
import { addLiveOptions, startLive, stopLive, type LiveCliOpts } from "./live-option";
import type { RunSession } from "../daq/session";

interface BenchCliOpts {
  beam: string;
  spills: number;
  intensity: number;
  seed: number;
  mass?: number;
  signalRate: number;
  upstreamRate?: number;
  sliceMs: number;
  fifoDepth: number;
  run?: number;
  out: string;
  record: boolean;
  port: number;
  timeoutMs: number;
  fault: FaultPlan[];
  comment?: string;
  operator?: string;
  json?: boolean;
  html?: string;
  progress: boolean;
}

type BenchCli = BenchCliOpts & LiveCliOpts;

/** "disconnect:ecal-main:10" -> drop ecal-main's connection after slice 10 of spill 1; repeated, each one. */
function fault(v: string, earlier: FaultPlan[]): FaultPlan[] {
  const m = /^(disconnect|restart):([a-z0-9-]+):(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError(`--fault: expected KIND:BOARD:SLICE (KIND disconnect or restart), got "${v}"`);
  return [...earlier, { kind: m[1] as FaultPlan["kind"], board: m[2]!, afterSlice: Number(m[3]) }];
}

async function bench(out: Out, opts: BenchCli): Promise<number> {
  const options: Partial<BenchOptions> = {
    beam: opts.beam,
    spills: opts.spills,
    intensity: opts.intensity,
    seed: opts.seed,
    signalPerPositron: opts.signalRate,
    sliceMs: opts.sliceMs,
    fifoDepth: opts.fifoDepth,
    port: opts.port,
    timeoutMs: opts.timeoutMs,
    ...(opts.mass !== undefined ? { massMeV: opts.mass } : {}),
    ...(opts.upstreamRate !== undefined ? { upstreamPerParticle: opts.upstreamRate } : {}),
    ...(opts.run !== undefined ? { runNumber: opts.run } : {}),
    faults: opts.fault,
    ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
    ...(opts.operator !== undefined ? { operator: opts.operator } : {}),
  };
  const tty = process.stderr.isTTY === true && opts.progress && !opts.json;
  const bar = tty
    ? new cliProgress.SingleBar({ format: "  spill {spill}/{spills} [{bar}] {percentage}% | {events} events", hideCursor: true, clearOnComplete: true, stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  const live = await startLive(out, opts);
  const result = await runBench(
    { ...options, outDir: opts.record ? opts.out : undefined },
    {
      onStep: (s) => {
        if (!opts.json) out.status(s);
      },
      onWarnings: (w) => warnConversion(out, w),
      ...(live ? { onSession: (s: RunSession) => live.attach(s) } : {}),
      onProgress: (p) => {
        if (!bar) return;
        const total = p.spills * p.slices;
        const value = (p.spill - 1) * p.slices + p.slice;
        if (!started) {
          bar.start(total, value, { spill: p.spill, spills: p.spills, events: p.events });
          started = true;
        } else bar.update(value, { spill: p.spill, spills: p.spills, events: p.events });
      },
    },
  ).finally(async () => {
    bar?.stop();
    await stopLive(live);
  });
  const html = opts.html ?? (result.runFile ? result.runFile.replace(/\.na64$/, ".html") : undefined);
  if (html) writeFileSync(html, await benchHtml(result));
  return reportBench(out, result, { ...opts, ...(html ? { html } : {}) });
}

/** Print the result (opts.html: where the HTML report was written); the exit code: 0 every check passed, 1 one failed. */
export function reportBench(out: Out, result: BenchResult, opts: { json?: boolean; html?: string }): number {
  const html = opts.html;
  if (opts.json) out.json({ ...(benchJson(result) as object), ...(html ? { htmlReport: html } : {}) });
  else {
    for (const l of benchReport(result, out.c)) out.line(l);
    if (html) out.line(out.c.dim(`report with plots: ${html}`));
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

export function benchCommand(run: Runner): Command {
  const d = DEFAULT_BENCH;
  const cmd = new Command("bench")
    .description("bench run: the firmware in the DeviceScript VM on simulated pulses of a beam, recorded and checked")
    .option("--beam <preset>", "beam preset (see `na64fe presets`)", d.beam)
    .option("--spills <n>", "spills to run", numberOption("--spills", true), d.spills)
    .option("--intensity <fraction>", "fraction of the preset's particles per spill", numberOption("--intensity", false), d.intensity)
    .option("--seed <n>", "simulation seed: the same seed gives the same run", numberOption("--seed", true), d.seed)
    .option("--mass <MeV>", "inject dark photons of this mass and count candidates in the expected ECAL window", numberOption("--mass", false))
    .option("--signal-rate <p>", "dark photons per positron on target, with --mass", numberOption("--signal-rate", false), d.signalPerPositron)
    .option("--upstream-rate <p>", "electro/photo-nuclear interactions upstream of the ECAL per beam particle (default: the preset's beam.upstreamNuclearPerParticle)", numberOption("--upstream-rate", false))
    .option("--slice-ms <ms>", "simulated beam time per lockstep step", numberOption("--slice-ms", false), d.sliceMs)
    .option("--fifo-depth <records>", "front-end FIFO depth of every board", numberOption("--fifo-depth", true), d.fifoDepth)
    .option("--run <n>", "run number (default: next free in the output folder)", numberOption("--run", true))
    .addOption(envOptions.runs("folder for the run file"))
    .addOption(envOptions.comment())
    .addOption(envOptions.operator())
    .option("--no-record", "do not write a run file")
    .option("--port <n>", "board-server TCP port (0 = any free port)", portOption("--port"), d.port)
    .option("--timeout-ms <ms>", "longest wait for a board", numberOption("--timeout-ms", true), d.timeoutMs)
    .option("--fault <kind:board:slice>", "test the recovery: disconnect or restart a board after that slice of spill 1, e.g. restart:ecal-main:20 (repeat for several)", fault, [])
    .option("--no-progress", "no progress bar")
    .option("--json", "machine-readable result")
    .option("--html <file>", "write the report with plots here (default: next to the run file)", outputFileOption("--html"))
    .addHelpText(
      "after",
      "\nExample: na64fe bench --beam e+40 --mass 150 --spills 3\nExit codes: 0 every check passed, 1 a check failed or the run could not finish, 2 bad option or preset\n(checked before anything starts: --fault must name a board of the setup and a slice of the spill, --out must be a folder).",
    )
    .action((opts: BenchCli) => run((out) => bench(out, opts)));
  return addLiveOptions(cmd);
}

export { BenchError, BenchOptionError };
