// `na64fe inspect RUN`: what a run file holds and whether it is sound: header, configuration
// snapshot (each board's config hash re-checked), spills with per-board counts, recovery status
// after a crash, and the events rebuilt from the frames (triggers by type, ECAL spectra, the same
// analysis as the bench run's); optionally every frame, decoded, and an HTML page with plots.
import { readoutItems } from "../../protocol/readout";
import { Command, InvalidArgumentError } from "commander";
import { outputFileOption } from "./number-option";
import { decodeFrame, type Frame } from "../../protocol/frame";
import { ProtocolError } from "../../protocol/errors";
import { openRun, type RecordedFrame, type RunFile } from "../runfile/reader";
import { configPayloadHash, hashHex } from "../../protocol/config-hash";
import { table } from "../format/text";
import { EXIT_FAILED, EXIT_OK, type Out, type Runner } from "./output";
import { existsSync, statSync, writeFileSync } from "node:fs";
import { analyseRun, type RunAnalysis } from "../analysis/from-run";
import { TRIGGER_NAMES } from "../analysis/physics-summary";
import { checkLines, ecalLines, triggerLines } from "../analysis/render";
import { recordedChecks } from "../daq/checks";
import { RunFileError } from "../runfile/errors";
import { htmlReport } from "../analysis/html-report";
import { runView } from "../plots/run-view";
import type { Check } from "../daq/run-facts";
import { describeLog } from "../../protocol/log-text";

interface InspectOpts {
  json?: boolean;
  html?: string;
  frames?: boolean;
  spill?: number;
  /** false with --no-physics: do not rebuild the events. */
  physics: boolean;
}

interface BoardCheck {
  boardId: number;
  name: string;
  role: string;
  configHash: number;
  /** The recorded payload hashes to the recorded hash. */
  hashOk: boolean;
  firmware?: string;
}

function boardChecks(run: RunFile): BoardCheck[] {
  return (run.snapshot?.boards ?? []).map((b) => ({
    boardId: b.boardId,
    name: b.name,
    role: b.role,
    configHash: b.configHash,
    hashOk: configPayloadHash(Buffer.from(b.configPayload, "base64")) === b.configHash,
    ...(b.hello ? { firmware: `${b.hello.fwMajor}.${b.hello.fwMinor}.${b.hello.fwPatch}` } : {}),
  }));
}

/** "physics", or "type 7" for a type this host does not know. */
function typeName(t: number): string {
  return TRIGGER_NAMES[t] ?? `type ${t}`;
}

function describe(f: Frame): string {
  switch (f.name) {
    case "EVENT":
      return `spill ${f.body.spillNumber} trigger ${f.body.triggerNumber} ${typeName(f.body.triggerType)} hits ${f.body.hits.n} config ${hashHex(f.body.configHash)}`;
    case "TRIGGER":
      return `spill ${f.body.spillNumber} trigger ${f.body.triggerNumber} ${typeName(f.body.triggerType)} (type bits 0x${f.body.typeMask.toString(16)}) inputs 0x${f.body.inputPattern.toString(16)} PS ${f.body.psSumAdc} ECAL ${f.body.ecalSumAdc} ADC`;
    case "READOUT": {
      const all = readoutItems(f.body);
      const items = all.filter((i) => i.name !== "WAVEFORM");
      const waves = all.length - items.length;
      const range = items.length ? ` triggers ${items[0]!.body.triggerNumber}..${items.at(-1)!.body.triggerNumber}` : "";
      return `spill ${f.body.spillNumber}${range} (${items.length} ${items[0]?.name === "TRIGGER" ? "triggers" : "events"}${waves ? `, ${waves} with waveforms` : ""}) config ${hashHex(f.body.configHash)}`;
    }
    case "SCALERS":
      return `spill ${f.body.spillNumber} events ${f.body.eventsSent} accepted ${f.body.acceptedTriggers.join("/")} dead ${f.body.deadTicks} ticks`;
    case "HELLO":
      return `role ${f.body.role} firmware ${f.body.fwMajor}.${f.body.fwMinor}.${f.body.fwPatch} boot ${f.body.bootCount} config ${hashHex(f.body.configHash)}`;
    case "LOG":
      return describeLog(f.body);
    default:
      return "";
  }
}

type DecodedFrame = RecordedFrame & { frame?: Frame; error?: string };

function decode(r: RecordedFrame): DecodedFrame {
  try {
    return { ...r, frame: decodeFrame(r.bytes) };
  } catch (e) {
    if (!(e instanceof ProtocolError)) throw e;
    return { ...r, error: e.message };
  }
}

/** The checks a run file gets when it is read back: sound file, snapshot hashes, frames, events. */
function fileChecks(run: RunFile, a: RunAnalysis, boards: readonly BoardCheck[]): Check[] {
  const bad = boards.filter((b) => !b.hashOk);
  return [
    { name: "run file", ok: run.ok, detail: run.status.summary },
    { name: "configuration snapshot", ok: bad.length === 0, detail: bad.length ? `the recorded CONFIG of ${bad.map((b) => b.name).join(", ")} does not hash to its recorded hash` : `every board's CONFIG hashes to its recorded hash (${boards.length} boards)` },
    { name: "frames decode", ok: a.badFrames === 0, detail: `${a.frames - a.badFrames} of ${a.frames} frames decode` },
    { name: "events complete", ok: a.builder.incomplete === 0, detail: `${a.builder.complete} of ${a.builder.events} events have every board's frame` },
  ];
}

/** Write the physics summary of the rebuilt events as an HTML page, with the checks and the boards. */
async function writeHtml(run: RunFile, a: RunAnalysis, boards: readonly BoardCheck[], file: string): Promise<void> {
  const h = run.header;
  const frames = new Map<number, { frames: number; data: number }>();
  for (const sp of [...run.spills, ...(run.epilogue ? [run.epilogue] : [])])
    for (const b of sp.boards) {
      const f = frames.get(b.boardId) ?? { frames: 0, data: 0 };
      f.frames += b.frames;
      f.data += b.dataFrames;
      frames.set(b.boardId, f);
    }
  const view = runView(a.summary, run.snapshot!.setup, a.spills);
  const html = await htmlReport({
    title: `NA64 run ${h.runNumber}: ${run.snapshot?.preset.name ?? ""}`,
    facts: [
      `Started ${h.startTime}${h.comment ? `; ${h.comment}` : ""}.`,
      `File ${run.path}: ${run.status.summary}.`,
      `${a.frames} frames, ${a.builder.events} events rebuilt (${a.builder.complete} complete)${a.badFrames ? `, ${a.badFrames} frames did not decode` : ""}; ` +
        (view.beamSeconds !== undefined ? `${view.beamSeconds.toFixed(2)} s of beam (the trigger board's spill lengths).` : "no trigger-board SCALERS (no beam time)."),
    ],
    checks: fileChecks(run, a, boards),
    summary: a.summary,
    view,
    tables: [
      {
        caption: "Boards",
        head: ["board", "id", "role", "config hash", "firmware", "frames (indexed)", "EVENT/TRIGGER frames"],
        rows: boards.map((b) => [b.name, b.boardId, b.role, `${hashHex(b.configHash)}${b.hashOk ? "" : " (payload does not match)"}`, b.firmware ?? "no HELLO", frames.get(b.boardId)?.frames ?? 0, frames.get(b.boardId)?.data ?? 0]),
      },
      {
        caption: "Spills",
        head: ["spill", "events", "complete", "incomplete", "duplicates", "closed by"],
        rows: a.spills.map((s) => [s.spill, s.events, s.complete, s.incomplete, s.duplicates, s.closedBy]),
      },
    ],
  });
  writeFileSync(file, html);
}

/** The events rebuilt from the frames; a run that cannot be analysed (no snapshot...) says why. */
function analyse(run: RunFile, opts: InspectOpts): { analysis?: RunAnalysis; error?: string } {
  if (!opts.physics && !opts.html) return {};
  try {
    return { analysis: analyseRun(run, opts.spill !== undefined ? { spill: opts.spill } : {}) };
  } catch (e) {
    if (!(e instanceof RunFileError) || opts.html) throw e;
    return { error: e.message };
  }
}

function physicsJson(p: { analysis?: RunAnalysis; error?: string }): object {
  if (p.error) return { physics: { error: p.error } };
  const a = p.analysis;
  if (!a) return {};
  const s = a.summary;
  const rates = a.beamSeconds ? Object.fromEntries(Object.entries(s.triggersByType).map(([k, n]) => [k, n / a.beamSeconds!])) : undefined;
  return {
    physics: {
      frames: a.frames,
      badFrames: a.badFrames,
      builder: a.builder,
      beamSeconds: a.beamSeconds,
      triggersByType: s.triggersByType,
      ...(rates ? { ratesHz: rates } : {}),
      ecalBeamGeV: s.ecalBeam,
      ecalBeamOfTypePhysics: s.ecalBeamOfTypePhysics,
      ecalPhysicsGeV: s.ecalPhysics,
      missingEnergyCandidates: s.candidateCount,
    },
  };
}

function physicsText(out: Out, p: { analysis?: RunAnalysis; error?: string }, spill: number | undefined): void {
  const c = out.c;
  if (p.error) out.line(`events: ${c.yellow(`not rebuilt: ${p.error}`)}`);
  const a = p.analysis;
  if (!a) return;
  const b = a.builder;
  out.line(
    `events${spill !== undefined ? ` of spill ${spill}` : ""}: ${b.events} built from ${a.frames} frames (${b.complete} complete, ${b.incomplete} incomplete)` +
      (a.badFrames ? c.red(`, ${a.badFrames} frames did not decode`) : ""),
  );
  for (const l of triggerLines(a.summary, a.beamSeconds)) out.line(l);
  for (const l of ecalLines(a.summary, a.beamEnergyGeV, c, { physics: true, width: 30, trim: true })) out.line(l);
}

async function inspect(out: Out, path: string, opts: InspectOpts): Promise<number> {
  if (existsSync(path) && statSync(path).isDirectory()) throw new InvalidArgumentError(`${path}: is a folder, not a run file (give one of its run-NNNNNN.na64 files)`);
  const run = openRun(path);
  try {
    if (opts.spill !== undefined) run.frames({ spill: opts.spill }).next(); // throws NO_SUCH_SPILL
    const physics = analyse(run, opts);
    const boards = boardChecks(run);
    if (opts.html) await writeHtml(run, physics.analysis!, boards, opts.html);
    const names = new Map(boards.map((b) => [b.boardId, b.name]));
    const spills = opts.spill === undefined ? run.spills : run.spills.filter((s) => s.spillNumber === opts.spill);
    const frames = opts.frames ? [...run.frames(opts.spill !== undefined ? { spill: opts.spill } : { tail: true })].map(decode) : undefined;
    // The run's checks, redone from the file: a run that failed them does not read back as sound.
    const checks = physics.analysis && run.snapshot ? recordedChecks(run.snapshot.setup, physics.analysis) : [];
    // A frame that fails its check or does not decode makes the file unsound too (issue 11).
    const sound = run.ok && boards.every((b) => b.hashOk) && checks.every((c) => c.ok) && !physics.analysis?.badFrames;
    if (opts.json) {
      out.json({
        file: path,
        fileBytes: run.fileBytes,
        ok: sound,
        header: run.header,
        status: run.status,
        preset: run.snapshot ? { name: run.snapshot.preset.name, file: run.snapshot.preset.file, signal: run.snapshot.signal } : undefined,
        boards,
        spills,
        trailer: run.trailer,
        checks,
        ...physicsJson(physics),
        ...(frames
          ? {
              frames: frames.map((f) => ({
                offset: f.offset,
                boardId: f.boardId,
                timeMs: f.timeMs,
                bytes: f.bytes.length,
                ...(f.frame ? { type: f.frame.name, source: f.frame.source, seq: f.frame.seq, body: f.frame.body } : { error: f.error }),
              })),
            }
          : {}),
      });
      return sound ? EXIT_OK : EXIT_FAILED;
    }
    const c = out.c;
    const h = run.header;
    out.line(`${c.bold(`run ${h.runNumber}`)}  started ${h.startTime}  ${c.dim(`na64fe ${h.software.na64fe}, node ${h.software.node}, protocol ${h.software.protocol}, file format ${h.software.runFormat}`)}`);
    if (run.snapshot) {
      const p = run.snapshot.preset;
      out.line(`preset ${c.bold(p.name)}: ${p.settings.title}${run.snapshot.signal ? `; dark photon ${run.snapshot.signal.massMeV} MeV` : ""}`);
    }
    const bRows = boards.map((b) => [b.name, String(b.boardId), b.role, b.hashOk ? c.cyan(hashHex(b.configHash)) : c.red(`${hashHex(b.configHash)} (payload does not match)`), b.firmware ?? c.dim("no HELLO")]);
    for (const l of table([["board", "id", "role", "config", "firmware"].map((x) => c.underline(x)), ...bRows])) out.line("  " + l);
    const state = run.ok ? c.green(run.status.summary) : c.red(run.status.summary);
    out.line(`status: ${state}`);
    // What the reader skipped and what contradicts the indexes, at most 10 lines of each.
    const listed = (items: string[]) => [...items.slice(0, 10), ...(items.length > 10 ? [`... and ${items.length - 10} more`] : [])];
    for (const l of listed(run.status.skipped.filter((x) => x.bytes > 0).map((x) => `skipped ${x.bytes} bytes at byte ${x.offset}: ${x.reason}`))) out.line(`  ${c.red(l)}`);
    for (const l of listed(run.status.indexProblems)) out.line(`  ${c.red(l)}`);
    if (checks.length) for (const l of checkLines(checks, c)) out.line(l);
    if (spills.length) {
      const sRows = spills.map((s) => [
        String(s.spillNumber),
        String(s.frames),
        s.boards
          .map((b) => {
            const span = b.lastSeq - b.firstSeq + 1;
            const seq = span === b.frames ? "" : c.yellow(` (seq ${b.firstSeq}..${b.lastSeq})`);
            return `${names.get(b.boardId) ?? b.boardId} ${b.dataFrames}/${b.frames}${seq}`;
          })
          .join(", "),
      ]);
      for (const l of table([["spill", "frames", "per board: data/all frames"].map((x) => c.underline(x)), ...sRows])) out.line("  " + l);
    }
    physicsText(out, physics, opts.spill);
    if (frames) {
      const fRows = frames.map((f) => [
        String(f.offset),
        names.get(f.boardId) ?? String(f.boardId),
        f.frame ? f.frame.name : c.red("BAD"),
        f.frame ? String(f.frame.seq) : "",
        String(f.bytes.length),
        f.frame ? describe(f.frame) : c.red(f.error!),
      ]);
      for (const l of table([["offset", "board", "type", "seq", "bytes", ""].map((x) => c.underline(x)), ...fRows])) out.line("  " + l);
    }
    return sound ? EXIT_OK : EXIT_FAILED;
  } finally {
    run.close();
  }
}

function spillNumber(v: string): number {
  const x = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(x)) throw new InvalidArgumentError(`--spill: expected a spill number, got "${v}"`);
  return x;
}

export function inspectCommand(run: Runner): Command {
  return new Command("inspect")
    .description("summarise a run file: header, configuration, spills, recovery status after a crash")
    .argument("<run>", "run file")
    .option("--frames", "list every frame, decoded")
    .option("--spill <n>", "only this spill", spillNumber)
    .option("--json", "machine-readable output")
    .option("--html <file>", "also write the physics summary with plots to this HTML file", outputFileOption("--html"))
    .option("--no-physics", "do not rebuild the events from the frames (faster on a large run file)")
    .addHelpText("after", "\nExit codes: 0 run complete and sound, 1 run not closed, damaged (skipped regions, an index that contradicts the frames, frames that fail their check) or config hash mismatch, 2 not a run file / no such spill.")
    .action((path: string, opts: InspectOpts) => run((out) => inspect(out, path, opts)));
}
