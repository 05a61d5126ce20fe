// The documents are a specification: examples/python/na64_run.py, written from src/runfile/README.md,
// protocol/README.md and src/analysis/README.md alone, reads run files to the same counts as
// `na64fe inspect --json`: a closed run with every kind of frame (duplicates, a frame that fails its
// check, frames the builder ignores, the end-of-run index) and the same file cut off by a crash.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { makeSnapshot } from "../../src/runfile/snapshot";
import { RunWriter } from "../../src/runfile/writer";
import { encodeFrame } from "../../protocol/frame";
import { REPO_ROOT } from "../../protocol/codegen/output";
import { LogCode, LogLevel } from "../../protocol/schema/enums";
import type { HelloMsg } from "../../protocol/schema/messages";
import { synthesize, interleave, NA64_BOARDS } from "../../testkit/synthetic-boards";
import { na64fe } from "../support/cli";

const READER = join(REPO_ROOT, "examples/python/na64_run.py");
const python = spawnSync("python3", ["--version"], { encoding: "utf-8" });
const hasPython = python.status === 0;
if (!hasPython) console.warn("test/examples/python-reader.test.ts: python3 is not installed: the Python reader is not tested");

let dir: string;
const files: Record<string, string> = {};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "na64fe-py-"));
  const setup = loadSetup();
  const preset = loadPreset("e+70");
  const conv = convertPreset(preset.name, preset.preset, setup, { darkPhotonMassMeV: 100 });
  const hash = new Map(conv.boards.map((b) => [b.boardId, b.hash]));
  const hello = (role: number): HelloMsg => ({
    role, fwMajor: 1, fwMinor: 2, fwPatch: 3, protoMajor: 1, protoMinor: 0, channelCount: 36, frontEnd: 2, capabilities: 15, bootCount: 4,
    uptimeMs: 100, state: 2, configVersion: 1, configHash: 0, runNumber: 0, spillNumber: 0, ringOldestSeq: 1, rxWindowFrames: 1, maxPayloadBytes: 2359,
  });
  const snapshot = makeSnapshot(preset, conv, setup, new Map([[1, hello(1)], [3, hello(2)]]));
  const boards = NA64_BOARDS.map((b) => ({ ...b, configHash: hash.get(b.id)! }));
  // Board 4 (HCAL) sends no hits in half of the events: candidates need HCAL below 1 GeV.
  const perBoard = synthesize({ boards: boards.map((b) => (b.id === 4 ? { ...b, meanHits: 0.7 } : b)), spills: 3, triggersPerSpill: 40, seed: 5, multiTypeEvery: 7, beamOnlyEvery: 5 });
  const all = interleave(perBoard);
  const lastSeq = new Map<number, number>();
  for (const f of all) lastSeq.set(f.board, Math.max(lastSeq.get(f.board) ?? 0, f.seq));
  const extra = (board: number, name: "STATUS" | "LOG"): Buffer => {
    const seq = (lastSeq.get(board) ?? 0) + 1;
    lastSeq.set(board, seq);
    return name === "STATUS"
      ? encodeFrame("STATUS", { state: 3, runNumber: 9, spillNumber: 1, configHash: hash.get(board)!, uptimeMs: 5000, bootCount: 4, eventsPending: 0, ringUsed: 2, busy: 0, errorCount: 0, lastErrorCode: 0 }, { source: board, seq })
      : encodeFrame("LOG", { level: LogLevel.INFO, code: LogCode.SPILL_DEAD_TIME, arg0: 1, arg1: 1234, text: "é" }, { source: board, seq });
  };

  const path = join(dir, "run-000009.na64");
  const w = RunWriter.create(path, snapshot, { runNumber: 9, startTimeMs: 1_800_000_000_000, comment: "python reader" });
  let t = 1_800_000_000_100;
  w.appendFrame(1, extra(1, "LOG"), t++);
  for (let spill = 1; spill <= 3; spill++) {
    const frames = all.filter((f) => f.spill === spill);
    frames.forEach((f, i) => {
      w.appendFrame(f.board, f.bytes, (t += 0.5));
      if (i === 10) w.appendFrame(f.board, f.bytes, (t += 0.5)); // a duplicate
      if (i === 20) w.appendFrame(2, extra(2, "STATUS"), (t += 0.5));
    });
    if (spill === 2) {
      const broken = Buffer.from(extra(5, "STATUS"));
      broken[20] ^= 0x10; // fails its frame check; the record's CRC is right
      w.appendFrame(5, broken, (t += 0.5));
    }
    w.endSpill(spill, (t += 1));
  }
  w.appendFrame(3, extra(3, "STATUS"), (t += 1));
  w.close("end of run", (t += 1));
  files.closed = path;

  // The same run as a crash left it: the file ends inside spill 3.
  const cut = join(dir, "run-000010.na64");
  copyFileSync(path, cut);
  const size = readFileSync(path).length;
  truncateSync(cut, Math.floor(size * 0.85));
  files.crashed = cut;

  // The same run with one byte damaged in the middle: the reader resynchronises after the record.
  const bytes = readFileSync(path);
  bytes[Math.floor(size * 0.5)]! ^= 0x40;
  files.damaged = join(dir, "run-000011.na64");
  writeFileSync(files.damaged, bytes);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// biome-ignore lint/suspicious/noExplicitAny: parsed JSON of two programs, compared as it is
type Json = Record<string, any>;

/** What to do when the reader and inspect disagree after a format change. */
const HINT =
  "the Python reader (examples/python/na64_run.py) disagrees with inspect: if a message layout or a run-file rule changed, " +
  "update the reader from the regenerated protocol/README.md and src/runfile/README.md (its MESSAGES table mirrors the message tables)";

function pythonReads(path: string): Json {
  const r = spawnSync("python3", [READER, path], { encoding: "utf-8" });
  expect(r.stderr, HINT).toBe("");
  expect(r.status, HINT).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

const pick = (o: Json, keys: string[]): Json => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
const hist = (h: Json) => pick(h, ["bins", "under", "over", "entries"]);

/** The counts both print, from inspect --json's shape (the Python reader's fileOk is inspect's ok without the run's checks). */
function counts(j: Json): Json {
  const p = j.physics;
  const fileOk = "fileOk" in j ? j.fileOk : j.status.closed && j.status.tail.frames === 0 && !j.status.problem && j.boards.every((b: Json) => b.hashOk);
  return {
    fileBytes: j.fileBytes,
    fileOk,
    status: { closed: j.status.closed, completeSpills: j.status.completeSpills, tail: { frames: j.status.tail.frames }, problem: j.status.problem?.offset },
    header: j.header,
    boards: j.boards,
    spills: j.spills,
    trailer: j.trailer,
    physics: {
      ...pick(p, ["frames", "badFrames", "beamSeconds", "triggersByType", "ratesHz", "ecalBeamOfTypePhysics", "missingEnergyCandidates"]),
      builder: pick(p.builder, ["frames", "events", "complete", "incomplete", "zeroHitEvents", "duplicates", "ignored", "unexpected", "unknownSource", "hashMismatches"]),
      ecalBeamGeV: hist(p.ecalBeamGeV),
      ecalPhysicsGeV: hist(p.ecalPhysicsGeV),
    },
  };
}

async function inspectJson(path: string): Promise<Json> {
  const r = await na64fe("inspect", path, "--json");
  expect(r.json.length).toBe(1);
  return r.json[0] as Json;
}

describe(`a reader in Python written from the READMEs alone (examples/python/na64_run.py)${hasPython ? "" : " [skipped: python3 is not installed]"}`, () => {
  it.skipIf(!hasPython)("reads a closed run to the counts inspect --json prints", async () => {
    const want = counts(await inspectJson(files.closed!));
    const got = counts(pythonReads(files.closed!));
    // The file holds what the comparison is about.
    expect(want.fileOk).toBe(true);
    expect(want.spills.length).toBe(3);
    expect(want.trailer.spills).toBe(4); // three spills and the end-of-run index
    const p = want.physics;
    expect(p.builder.events).toBe(120);
    expect(p.builder.duplicates).toBeGreaterThan(0);
    expect(p.builder.ignored).toBeGreaterThan(0);
    expect(p.badFrames).toBe(1);
    expect(p.triggersByType.beam).toBeGreaterThan(0);
    expect(p.ecalBeamOfTypePhysics).toBeGreaterThan(0);
    expect(p.ecalBeamGeV.entries).toBe(p.triggersByType.beam + p.ecalBeamOfTypePhysics);
    expect(p.missingEnergyCandidates).toBeGreaterThan(0);
    expect(want.boards.filter((b: Json) => b.firmware === "1.2.3").length).toBe(2);
    expect(got, HINT).toEqual(want);
  });

  it.skipIf(!hasPython)("reads the same run cut off by a crash to the same counts: complete spills, the recovered tail, the events", async () => {
    const want = counts(await inspectJson(files.crashed!));
    const got = counts(pythonReads(files.crashed!));
    expect(want.fileOk).toBe(false);
    expect(want.status.closed).toBe(false);
    expect(want.status.completeSpills).toBe(2);
    expect(want.status.tail.frames).toBeGreaterThan(0);
    expect(want.physics.builder.events).toBeGreaterThan(80);
    expect(got, HINT).toEqual(want);
  });

  it.skipIf(!hasPython)("reads the same run with a damaged byte in the middle to the same counts: every spill, one record lost", async () => {
    const want = counts(await inspectJson(files.damaged!));
    const got = counts(pythonReads(files.damaged!));
    expect(want.fileOk).toBe(false);
    expect(want.status.problem).toBeGreaterThan(0);
    expect(want.spills.length).toBe(3);
    expect(want.physics.frames).toBeGreaterThan(500);
    expect(got, HINT).toEqual(want);
  });
});
