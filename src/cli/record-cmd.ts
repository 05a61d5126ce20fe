// `na64fe record`: a run with real boards. The host listens for the boards of the setup, pushes the
// beam preset's configuration to each (read back, hash checked), starts the run and records every
// frame until the requested number of spills has ended (each spill closes when every board has sent
// its SCALERS; a line on stderr says so) or Ctrl-C; then it ends the run, checks the boards' scalers
// against the events built and the frames received, and prints what happened.
import { Command } from "commander";
import { loadSetup } from "../../boards/setup";
import { DEFAULT_PORT } from "../../protocol/schema/limits";
import { RunAction } from "../../protocol/schema/enums";
import { loadPreset } from "../presets/load";
import { convertPreset } from "../config/convert";
import { DaqError, RunSession, nextRunNumber } from "../daq/session";
import { linkChecks } from "../daq/checks";
import { acceptedTriggers, scalerCheck } from "../daq/scaler-check";
import { checkRunFolder } from "../runfile/folder";
import { boardLines, checkLines, physicsLines } from "../analysis/render";
import { beamSeconds } from "../analysis/beam-time";
import { numberOption } from "./number-option";
import { plural } from "../format/text";
import { EXIT_FAILED, EXIT_OK, type Out } from "./output";
import { warnConversion } from "./conversion-warnings";
import type { CommandResult } from "./main";

interface RecordOpts {
  beam: string;
  spills?: number;
  durationS?: number;
  mass?: number;
  host: string;
  port: number;
  out: string;
  run?: number;
  waitS: number;
  timeoutMs: number;
  json?: boolean;
}

async function record(out: Out, o: RecordOpts, stop: AbortSignal): Promise<number> {
  const setup = loadSetup();
  const preset = loadPreset(o.beam);
  const conversion = convertPreset(preset.name, preset.preset, setup, o.mass !== undefined ? { darkPhotonMassMeV: o.mass } : {});
  checkRunFolder(o.out);
  warnConversion(out, conversion.warnings);
  const session = new RunSession(setup, preset, conversion, { port: o.port, host: o.host, timeoutMs: o.timeoutMs, outDir: o.out });
  const say = (s: string) => {
    if (!o.json) process.stderr.write(`${out.c.dim(s)}\n`);
  };
  try {
    const addr = await session.listen();
    say(`listening on ${addr.address}:${addr.port}; waiting up to ${o.waitS} s for ${setup.boards.map((b) => `${b.name} (id ${b.id})`).join(", ")}`);
    await session.waitForBoards(o.waitS * 1000, () => {
      if (stop.aborted) throw new DaqError("waiting for HELLO", "stopped by the operator before every board connected");
    });
    say("configuring every board (push, read back, compare hashes)");
    await session.configureAll();
    const runNumber = o.run ?? nextRunNumber(o.out);
    session.openRunFile(runNumber, {}, `record ${preset.name}`);
    await session.runControl(RunAction.BEGIN_RUN, 0);
    const trig = setup.boards.find((b) => b.role === "trigger");
    session.onSpillEnd((s) => {
      const sc = trig && s.report.scalers[trig.id];
      const accepted = sc ? `trigger board accepted ${acceptedTriggers(sc, s.report)}` : "no SCALERS from the trigger board";
      say(`spill ${s.spill} ended (${session.spillReports.size}${o.spills !== undefined ? `/${o.spills}` : ""}): ${s.report.events} events built, ${s.report.complete} complete; ${accepted}`);
    });
    say(`run ${runNumber} started: ${o.spills !== undefined ? plural(o.spills, "spill") : "until Ctrl-C"}${o.durationS !== undefined ? `, at most ${o.durationS} s` : ""}; run file ${session.runFile}`);
    const started = Date.now();
    while (!stop.aborted) {
      if (o.spills !== undefined && session.spillReports.size >= o.spills) break;
      if (o.durationS !== undefined && Date.now() - started >= o.durationS * 1000) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await session.runControl(RunAction.END_RUN, Math.max(0, ...session.spillReports.keys()));
    session.finish(stop.aborted ? "stopped by the operator" : "end of run");
    const boards = session.boardSummaries();
    const checks = [
      scalerCheck(setup, [...session.spillFrames.values()]),
      ...linkChecks({ boards, strangerErrors: session.server.strangerErrors, firmwareErrors: session.firmwareErrors, builder: session.builder.stats }),
    ];
    const ok = checks.every((c) => c.ok);
    if (o.json)
      out.json({ ok, runNumber, runFile: session.runFile, spills: [...session.spillReports.values()], checks, boards, summary: session.summary.toJSON(), builder: session.builder.stats });
    else {
      out.line(`${out.c.bold(`run ${runNumber}`)}: ${preset.name}, ${plural(session.spillReports.size, "spill")}, ${session.builder.stats.events} events; run file ${session.runFile}`);
      out.line();
      for (const l of checkLines(checks, out.c)) out.line(l);
      out.line();
      out.line(out.c.bold("Triggers"));
      for (const l of physicsLines(session.summary, preset.preset.beam.energyGeV.value, o.mass, out.c, beamSeconds(session.spillReports.values(), setup))) out.line(l);
      out.line();
      for (const l of boardLines(boards, out.c)) out.line(l);
    }
    return ok ? EXIT_OK : EXIT_FAILED;
  } finally {
    await session.close();
  }
}

export function recordCommand(run: (f: (out: Out) => Promise<number>) => CommandResult | Promise<CommandResult>): Command {
  return new Command("record")
    .description("record a run with real boards: configure them for a beam preset, run, store every frame, build events")
    .option("--beam <preset>", "beam preset (see `na64fe presets`)", "e+70")
    .option("--spills <n>", "stop after this many spills", numberOption("--spills", true, 1))
    .option("--duration-s <s>", "stop after this many seconds", numberOption("--duration-s", false, 0))
    .option("--mass <MeV>", "dark-photon mass for the candidate window in the summary", numberOption("--mass", false, 0))
    .option("--host <address>", "address to listen on (0.0.0.0 for boards on the network)", "127.0.0.1")
    .option("--port <n>", "board-server TCP port", numberOption("--port", true, 0), DEFAULT_PORT)
    .option("--out <dir>", "folder for the run file", "runs")
    .option("--run <n>", "run number (default: next free in the output folder)", numberOption("--run", true, 1))
    .option("--wait-s <s>", "how long to wait for every board to connect", numberOption("--wait-s", false, 0), 60)
    .option("--timeout-ms <ms>", "longest wait for a board's answer", numberOption("--timeout-ms", true, 100), 10_000)
    .option("--json", "machine-readable result")
    .addHelpText("after", "\nStops at --spills, --duration-s or Ctrl-C, then ends the run cleanly.\nExit codes: 0 recorded and every check passed, 1 a check failed or a board did not answer, 2 bad option, preset or --out folder.\n" +
        "Checks: per spill, the trigger board's accepted triggers = events built, and each board's eventsSent = the frames received from it;\n" +
        "a spill still open when the run ends (Ctrl-C) has no SCALERS to check and fails the check.")
    .action((opts: RecordOpts) =>
      run(async (out) => {
        const ac = new AbortController();
        const onSig = () => ac.abort();
        process.once("SIGINT", onSig);
        try {
          return await record(out, opts, ac.signal);
        } finally {
          process.off("SIGINT", onSig);
        }
      }),
    );
}
