// `na64fe record`: a run with real boards. The host listens for the boards of the setup, pushes the
// beam preset's configuration to each (read back, hash checked), starts the run and records every
// frame until the requested number of spills has ended (each spill closes when every board has sent
// its SCALERS; a line on stderr says so) or Ctrl-C; then it ends the run, checks the boards' scalers
// against the events built and the frames received, and prints what happened.
import { Command } from "commander";
import { DEFAULT_PORT } from "../../protocol/schema/limits";
import { runRecord } from "../daq/record";
import { acceptedTriggers } from "../daq/scaler-check";
import { verdict } from "../daq/checks";
import { boardLines, checkLines, physicsLines } from "../analysis/render";
import { beamSeconds } from "../analysis/beam-time";
import { envOptions, numberOption } from "./number-option";
import { plural } from "../format/text";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";
import { warnConversion } from "./conversion-warnings";
import { addLiveOptions, startLive, stopLive, type LiveCliOpts } from "./live-option";

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
  keys?: string;
  json?: boolean;
  comment?: string;
  operator?: string;
}

async function record(out: Out, o: RecordOpts & LiveCliOpts, stop: AbortSignal): Promise<number> {
  const say = (s: string) => {
    if (!o.json) out.status(s);
  };
  const live = await startLive(out, o);
  const r = await runRecord(
    {
      beam: o.beam,
      ...(o.spills !== undefined ? { spills: o.spills } : {}),
      ...(o.durationS !== undefined ? { durationS: o.durationS } : {}),
      ...(o.mass !== undefined ? { massMeV: o.mass } : {}),
      host: o.host,
      port: o.port,
      outDir: o.out,
      ...(o.run !== undefined ? { runNumber: o.run } : {}),
      waitS: o.waitS,
      timeoutMs: o.timeoutMs,
      ...(o.comment !== undefined ? { comment: o.comment } : {}),
      ...(o.operator !== undefined ? { operator: o.operator } : {}),
      stop,
      ...(o.keys !== undefined ? { keysFile: o.keys } : {}),
    },
    {
      onWarnings: (w) => warnConversion(out, w),
      onWarning: (w) => out.warn(w),
      onStep: say,
      onSession: (session) => {
        live?.attach(session);
        // Say each board as it comes, so a missing one is plain while the run waits for it.
        const seen = new Set<number>();
        session.server.on("hello", (link, info) => {
          const b = session.setup.boards.find((x) => x.id === link.boardId);
          const h = link.hello!;
          if (!info.reconnect) seen.add(link.boardId);
          const missing = session.setup.boards.filter((x) => !seen.has(x.id)).map((x) => x.name);
          say(
            `${b?.name ?? "board"} (id ${link.boardId}) ${info.restarted ? "restarted" : info.reconnect ? "reconnected" : "connected"} from ${link.remote}: ` +
              `firmware ${h.fwMajor}.${h.fwMinor}.${h.fwPatch}, boot ${h.bootCount}; ` +
              (missing.length ? `waiting for ${missing.join(", ")}` : "every board is here"),
          );
        });
      },
      onListening: (addr, session) =>
        say(`listening on ${addr.address}:${addr.port}; waiting up to ${o.waitS} s for ${session.setup.boards.map((b) => `${b.name} (id ${b.id})`).join(", ")}`),
      onRunStarted: (runNumber, session) =>
        say(`run ${runNumber} started: ${o.spills !== undefined ? plural(o.spills, "spill") : "until Ctrl-C"}${o.durationS !== undefined ? `, at most ${o.durationS} s` : ""}; run file ${session.runFile}`),
      onSpillEnd: (s, session) => {
        const trig = session.setup.boards.find((b) => b.role === "trigger");
        const sc = trig && s.report.scalers[trig.id];
        const accepted = sc ? `trigger board accepted ${acceptedTriggers(sc, s.report)}` : "no SCALERS from the trigger board";
        say(`spill ${s.spill} ended (${session.spillReports.size}${o.spills !== undefined ? `/${o.spills}` : ""}): ${s.report.events} events built, ${s.report.complete} complete; ${accepted}`);
      },
    },
  ).finally(() => stopLive(live));
  const { session } = r;
  if (o.json)
    out.json({ ok: r.ok, runNumber: r.runNumber, runFile: r.runFile, spills: [...session.spillReports.values()], checks: r.checks, boards: r.boards, summary: session.summary.toJSON(), builder: session.builder.stats });
  else {
    out.line(`${out.c.bold(`run ${r.runNumber}`)}: ${r.preset.name}, ${plural(session.spillReports.size, "spill")}, ${session.builder.stats.events} events; run file ${r.runFile}`);
    out.line();
    for (const l of checkLines(r.checks, out.c)) out.line(l);
    out.line();
    out.line(out.c.bold("Triggers"));
    for (const l of physicsLines(session.summary, r.preset.preset.beam.energyGeV.value, o.mass, out.c, beamSeconds(session.spillReports.values(), session.setup))) out.line(l);
    out.line();
    for (const l of boardLines(r.boards, out.c)) out.line(l);
    const line = verdict(r.checks, session.builder.stats, (id) => r.boards.find((b) => b.id === id)?.name ?? String(id), "every check passed");
    out.line(r.ok ? out.c.green(line) : out.c.red(line));
  }
  return r.ok ? EXIT_OK : EXIT_FAILED;
}

export function recordCommand(run: Runner): Command {
  const cmd = new Command("record")
    .description("record a run with real boards: configure them for a beam preset, run, store every frame, build events")
    .option("--beam <preset>", "beam preset (see `na64fe presets`)", "e+70")
    .option("--spills <n>", "stop after this many spills", numberOption("--spills", true, 1))
    .option("--duration-s <s>", "stop after this many seconds", numberOption("--duration-s", false, 0))
    .option("--mass <MeV>", "dark-photon mass for the candidate window in the summary", numberOption("--mass", false, 0))
    .addOption(envOptions.host("address to listen on (0.0.0.0 for boards on the network)"))
    .addOption(envOptions.port("board-server TCP port", DEFAULT_PORT))
    .addOption(envOptions.runs("folder for the run file"))
    .addOption(envOptions.comment())
    .addOption(envOptions.operator())
    .option("--run <n>", "run number (default: next free in the output folder)", numberOption("--run", true, 1))
    .option("--wait-s <s>", "how long to wait for every board to connect", numberOption("--wait-s", false, 0), 60)
    .option("--timeout-ms <ms>", "longest wait for a board's answer", numberOption("--timeout-ms", true, 100), 10_000)
    .option("--keys <file>", "the boards' key file (na64fe keys create): every board must authenticate; without it only boards without a key are taken, from this machine")
    .option("--json", "machine-readable result")
    .addHelpText("after", "\nStops at --spills, --duration-s or Ctrl-C, then ends the run cleanly.\nExit codes: 0 recorded and every check passed, 1 a check failed or a board did not answer, 2 bad option, preset or --out folder.\n" +
        "Checks: per spill, the trigger board's accepted triggers = events built, and each board's eventsSent = the frames received from it;\n" +
        "a spill still open when the run ends (Ctrl-C) has no SCALERS to check and fails the check.")
    .action((opts: RecordOpts & LiveCliOpts) =>
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
  return addLiveOptions(cmd);
}
