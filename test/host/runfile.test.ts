// Run files: round trip, the spill index, and recovery after a crash at any byte of the last
// spill (truncation), zero-filled space, a corrupt record, a lying index.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadSetup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { makeSnapshot, type RunSnapshot } from "../../src/runfile/snapshot";
import { RunWriter } from "../../src/runfile/writer";
import { openRun } from "../../src/runfile/reader";
import { RunFileError } from "../../src/runfile/errors";
import { RecordKind, RECORD_OVERHEAD, encodeSpillIndex, writeRecord } from "../../src/runfile/format";
import { synthesize, interleave, NA64_BOARDS, type SynthFrame } from "../../testkit/synthetic-boards";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { na64fe } from "../support/cli";
import { analyseRun } from "../../src/analysis/from-run";
import { decodeFrame } from "../../protocol/frame";

let dir: string;
let snapshot: RunSnapshot;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "na64fe-run-"));
  const setup = loadSetup();
  const preset = loadPreset("e+70");
  snapshot = makeSnapshot(preset, convertPreset(preset.name, preset.preset, setup, { darkPhotonMassMeV: 100 }), setup);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Written {
  path: string;
  bySpill: SynthFrame[][];
  /** File offset where each spill's frames start, where its index starts, and the file end. */
  spillStart: number[];
  indexAt: number[];
  trailerAt: number;
  size: number;
}

function writeRun(name: string, spills = 3, triggers = 6): Written {
  const path = join(dir, name);
  const per = synthesize({ boards: NA64_BOARDS, spills, triggersPerSpill: triggers, seed: 11 });
  const all = interleave(per);
  const bySpill = Array.from({ length: spills }, (_, i) => all.filter((f) => f.spill === i + 1));
  const w = RunWriter.create(path, snapshot, { runNumber: 42, startTimeMs: 1_700_000_000_000, comment: "test" });
  const spillStart: number[] = [], indexAt: number[] = [];
  let t = 1_700_000_000_000;
  bySpill.forEach((fs, i) => {
    spillStart.push(w.offset);
    for (const f of fs) w.appendFrame(f.board, f.bytes, (t += 0.25));
    indexAt.push(w.offset);
    w.endSpill(i + 1, (t += 1));
  });
  const trailerAt = w.offset;
  const trailer = w.close("end of run", t + 5);
  const size = readFileSync(path).length;
  expect(trailer.fileBytes).toBe(size);
  return { path, bySpill, spillStart, indexAt, trailerAt, size };
}

describe("run file", () => {
  it("round-trips header, snapshot, every frame byte for byte, the spill index and the trailer", () => {
    const r = writeRun("roundtrip.run");
    const run = openRun(r.path);
    try {
      expect(run.ok).toBe(true);
      expect(run.status).toMatchObject({ closed: true, completeSpills: 3, tail: { frames: 0 } });
      expect(run.status.summary).toBe("complete: 3 complete spills");
      expect(run.header).toMatchObject({ runNumber: 42, startTimeMs: 1_700_000_000_000, comment: "test", software: { protocol: `${PROTO_MAJOR}.${PROTO_MINOR}`, runFormat: "1.0" } });
      expect(run.snapshot).toEqual(JSON.parse(JSON.stringify(snapshot)));
      expect(run.snapshot!.boards.map((b) => b.name)).toEqual(["trig", "ecal-ps", "ecal-main", "hcal", "veto"]);
      expect(run.trailer).toMatchObject({ spills: 3, frames: r.bySpill.flat().length, reason: "end of run", lastIndexOffset: r.indexAt[2] });
      const got = [...run.frames()];
      expect(got.map((f) => f.bytes.toString("hex"))).toEqual(r.bySpill.flat().map((f) => f.bytes.toString("hex")));
      expect(got.map((f) => f.boardId)).toEqual(r.bySpill.flat().map((f) => f.board));
      expect(got[1]!.timeMs).toBe(1_700_000_000_000 + 0.5);
      // Index: per-spill segment and per-board counts.
      expect(run.spills.map((s) => [s.spillNumber, s.frames, s.segmentStart, s.indexOffset])).toEqual(
        [0, 1, 2].map((i) => [i + 1, r.bySpill[i]!.length, r.spillStart[i], r.indexAt[i]]),
      );
      const b2 = run.spills[1]!.boards.find((b) => b.boardId === 2)!;
      const mine = r.bySpill[1]!.filter((f) => f.board === 2);
      expect(b2).toEqual({ boardId: 2, frames: mine.length, bytes: mine.reduce((s, f) => s + f.bytes.length, 0), dataFrames: 6, firstSeq: mine[0]!.seq, lastSeq: mine.at(-1)!.seq });
      expect([...run.frames({ spill: 2 })].map((f) => f.bytes.toString("hex"))).toEqual(r.bySpill[1]!.map((f) => f.bytes.toString("hex")));
      expect(() => [...run.frames({ spill: 9 })]).toThrow(RunFileError);
    } finally {
      run.close();
    }
  });

  it("after a crash at any byte of the last spill, reads every complete spill and says what was lost", () => {
    const r = writeRun("crash.run");
    const copy = join(dir, "crash-cut.run");
    const bytes = readFileSync(r.path);
    const first2 = r.bySpill[0]!.length + r.bySpill[1]!.length;
    // Frame record boundaries of spill 3.
    const ends: number[] = [];
    let o = r.spillStart[2]!;
    for (const f of r.bySpill[2]!) ends.push((o += RECORD_OVERHEAD + f.bytes.length));
    expect(o).toBe(r.indexAt[2]);
    for (let cut = r.spillStart[2]!; cut < r.size; cut++) {
      writeFileSync(copy, bytes.subarray(0, cut));
      const run = openRun(copy);
      try {
        const indexed = cut >= r.trailerAt ? 3 : 2;
        expect(run.status.completeSpills, `cut ${cut}`).toBe(indexed);
        expect(run.status.closed).toBe(false);
        expect(run.ok).toBe(false);
        const frames = [...run.frames()];
        expect(frames.length).toBe(indexed === 3 ? first2 + r.bySpill[2]!.length : first2);
        const whole = indexed === 3 ? 0 : ends.filter((e) => e <= cut).length;
        expect(run.status.tail.frames, `cut ${cut}`).toBe(whole);
        expect([...run.frames({ tail: true })].length).toBe(frames.length + whole);
        const onBoundary = cut === r.spillStart[2] || ends.includes(cut) || cut === r.trailerAt;
        if (onBoundary) {
          expect(run.status.problem).toBeUndefined();
          expect(run.status.summary).toMatch(/^not closed \(no trailer/);
        } else {
          expect(run.status.problem, `cut ${cut}`).toMatchObject({ reason: expect.stringMatching(/^torn/) });
          expect(run.status.summary).toMatch(/^damaged at byte \d+ \(torn .*readable up to spill [23]/);
        }
      } finally {
        run.close();
      }
    }
  });

  it("a crash before the first spill ended: the summary says there is no complete spill and where the recovered frames are", () => {
    const r = writeRun("first-spill.run");
    const copy = join(dir, "first-spill-cut.run");
    writeFileSync(copy, readFileSync(r.path).subarray(0, r.indexAt[0]!));
    const run = openRun(copy);
    expect(run.status.completeSpills).toBe(0);
    expect(run.status.summary).toBe(`not closed (no trailer; the writer stopped): no complete spill; ${r.bySpill[0]!.length} frames after the configuration snapshot recovered but not indexed (their spill never finished)`);
    run.close();
  });

  it("stops at zero-filled space left by a crash and keeps everything before it", () => {
    const r = writeRun("zeros.run");
    const copy = join(dir, "zeros-cut.run");
    // Zeros after a complete record, and zeros completing a torn record.
    for (const [cut, reason] of [
      [r.spillStart[2]!, "unknown record kind 0 (zero-filled space after a crash?)"],
      [r.spillStart[2]! + 50, "FRAME record fails its CRC"],
    ] as const) {
      copyFileSync(r.path, copy);
      truncateSync(copy, cut);
      appendFileSync(copy, Buffer.alloc(4096));
      const run = openRun(copy);
      expect(run.status.completeSpills).toBe(2);
      expect(run.status.problem).toEqual({ offset: r.spillStart[2], reason, bytesAfter: cut + 4096 - r.spillStart[2]! });
      run.close();
    }
  });

  it("skips a record with a flipped bit, resynchronises on the next one and reads every later spill (issue 11, defect 8)", () => {
    const r = writeRun("flip.run");
    const bytes = readFileSync(r.path);
    const at = r.spillStart[1]! + 40; // inside the first frame of spill 2
    bytes[at]! ^= 0x10;
    const copy = join(dir, "flip-cut.run");
    writeFileSync(copy, bytes);
    const run = openRun(copy);
    const firstRecord = RECORD_OVERHEAD + r.bySpill[1]![0]!.bytes.length;
    expect(run.status.skipped).toEqual([{ offset: r.spillStart[1], bytes: firstRecord, reason: "FRAME record fails its CRC" }]);
    expect(run.status).toMatchObject({ closed: false, completeSpills: 2, problem: { offset: r.spillStart[1], reason: "FRAME record fails its CRC", bytesAfter: firstRecord } });
    expect(run.spills.map((x) => [x.spillNumber, x.frames, x.missingFrames])).toEqual([
      [1, r.bySpill[0]!.length, 0],
      [2, r.bySpill[1]!.length - 1, 1],
      [3, r.bySpill[2]!.length, 0],
    ]);
    expect(run.status.summary).toBe(
      `damaged at byte ${r.spillStart[1]} (FRAME record fails its CRC; ${firstRecord} bytes unreadable): readable up to spill 3, 2 complete spills; spill 2 misses 1 frame`,
    );
    const expected = [...r.bySpill[0]!, ...r.bySpill[1]!.slice(1), ...r.bySpill[2]!];
    expect([...run.frames()].map((f) => f.bytes.toString("hex"))).toEqual(expected.map((f) => f.bytes.toString("hex")));
    expect(run.ok).toBe(false);
    run.close();
  });

  it("loses at most the record a flipped bit hits, wherever it is (over many single-bit flips)", () => {
    const r = writeRun("flips.run");
    const bytes = readFileSync(r.path);
    const total = r.bySpill.flat().length;
    const copy = join(dir, "flips-cut.run");
    let flips = 0;
    // Every 257th bit after the configuration snapshot, through frames, indexes and the trailer.
    for (let bit = r.spillStart[0]! * 8; bit < bytes.length * 8; bit += 257) {
      const b = Buffer.from(bytes);
      b[bit >> 3]! ^= 1 << (bit & 7);
      writeFileSync(copy, b);
      const run = openRun(copy);
      try {
        const got = [...run.frames({ tail: true })].length;
        expect(got, `bit ${bit}`).toBeGreaterThanOrEqual(total - 1);
        expect(run.ok, `bit ${bit}`).toBe(false);
      } finally {
        run.close();
      }
      flips++;
    }
    expect(flips).toBeGreaterThan(300);
  });

  it("an index whose per-board counts or seqs contradict the frames is reported, and the run is not sound", () => {
    const r = writeRun("counts.run");
    const copy = join(dir, "counts-cut.run");
    copyFileSync(r.path, copy);
    truncateSync(copy, r.indexAt[2]!);
    const frames = r.bySpill[2]!;
    let off = 0;
    const offsets = frames.map((f) => {
      const o = off;
      off += RECORD_OVERHEAD + f.bytes.length;
      return o;
    });
    const boards = [...new Set(frames.map((f) => f.board))]
      .sort((a, b) => a - b)
      .map((id) => {
        const mine = frames.filter((f) => f.board === id);
        const data = mine.filter((f) => f.bytes[3] === 0x09 || f.bytes[3] === 0x0a).length;
        return { boardId: id, frames: mine.length, bytes: mine.reduce((a, f) => a + f.bytes.length, 0), dataFrames: data, firstSeq: mine[0]!.seq, lastSeq: mine.at(-1)!.seq + (id === 2 ? 5 : 0) };
      });
    const body = encodeSpillIndex({ spillNumber: 3, segmentStart: r.spillStart[2]!, prevIndexOffset: r.indexAt[1]!, boards, frameOffsets: Uint32Array.from(offsets) });
    const rec = Buffer.alloc(RECORD_OVERHEAD + body.length);
    writeRecord(rec, 0, RecordKind.SPILL_INDEX, 0, 0, body);
    appendFileSync(copy, rec);
    const run = openRun(copy);
    const last = frames.filter((f) => f.board === 2).at(-1)!.seq;
    expect(run.status.indexProblems).toEqual([`SPILL_INDEX of spill 3: board 2 lastSeq ${last + 5} in the index, ${last} in the frames`]);
    expect(run.ok).toBe(false);
    expect(run.status.summary).toMatch(/^not sound: .*1 index problem \(SPILL_INDEX of spill 3: board 2 lastSeq/);
    run.close();
  });

  it("a frame that fails its own check (written so: the record's CRC matches) makes the run unsound", () => {
    const path = join(dir, "badcheck.run");
    const fs = interleave(synthesize({ boards: NA64_BOARDS, spills: 1, triggersPerSpill: 2 }));
    const w = RunWriter.create(path, snapshot, { runNumber: 8 });
    fs.forEach((f, i) => {
      const b = Buffer.from(f.bytes);
      if (i === 3) b[b.length - 1]! ^= 1; // payload changed after sealing
      w.appendFrame(f.board, b);
    });
    w.endSpill(1);
    w.close();
    const run = openRun(path);
    expect(run.status).toMatchObject({ badFrames: 1, completeSpills: 1, closed: true });
    expect(run.ok).toBe(false);
    expect(run.status.summary).toBe("complete: 1 complete spill; 1 frame fails its check");
    run.close();
  });

  it("rates of a crashed run count the unfinished spill's beam time as far as its recovered triggers reach", () => {
    const path = join(dir, "crashed-rates.run");
    const all = interleave(synthesize({ boards: NA64_BOARDS, spills: 2, triggersPerSpill: 6, seed: 5 }));
    const w = RunWriter.create(path, snapshot, { runNumber: 10 });
    for (const f of all.filter((x) => x.spill === 1)) w.appendFrame(f.board, f.bytes);
    w.endSpill(1);
    const spill2 = all.filter((x) => x.spill === 2 && x.kind !== "SCALERS"); // the crash came before its SCALERS
    for (const f of spill2) w.appendFrame(f.board, f.bytes);
    w.abandon();
    const run = openRun(path);
    try {
      const a = analyseRun(run);
      const lastTick = Math.max(...spill2.filter((f) => f.kind === "TRIGGER").map((f) => decodeFrame(f.bytes).body as { timestampTicks: number }).map((b) => b.timestampTicks));
      expect(lastTick).toBeGreaterThan(0);
      const spill1Ticks = (decodeFrame(all.find((f) => f.spill === 1 && f.kind === "SCALERS" && f.board === 1)!.bytes).body as { spillTicks: number }).spillTicks;
      expect(a.beamSeconds).toBeCloseTo(((spill1Ticks + lastTick) * snapshot.setup.clockNs) / 1e9, 9);
      expect(a.builder.events).toBe(12);
    } finally {
      run.close();
    }
  });

  it("inspect says what it skipped and exits 1 for a damaged file and for frames that fail their check", async () => {
    const r = writeRun("inspect-flip.run");
    const bytes = readFileSync(r.path);
    bytes[r.spillStart[1]! + 40]! ^= 0x10;
    const copy = join(dir, "inspect-flip-cut.run");
    writeFileSync(copy, bytes);
    const flipped = await na64fe("inspect", copy, "--no-physics");
    expect(flipped.code).toBe(1);
    expect(flipped.stdout).toContain(`skipped ${RECORD_OVERHEAD + r.bySpill[1]![0]!.bytes.length} bytes at byte ${r.spillStart[1]}: FRAME record fails its CRC`);
    const json = JSON.parse((await na64fe("inspect", copy, "--no-physics", "--json")).stdout);
    expect(json.ok).toBe(false);
    expect(json.status.skipped).toHaveLength(1);
    const path = join(dir, "inspect-badcheck.run");
    const fs = interleave(synthesize({ boards: NA64_BOARDS, spills: 1, triggersPerSpill: 2 }));
    const w = RunWriter.create(path, snapshot, { runNumber: 9 });
    fs.forEach((f, i) => w.appendFrame(f.board, i === 2 ? Buffer.concat([f.bytes.subarray(0, f.bytes.length - 1), Buffer.from([f.bytes.at(-1)! ^ 1])]) : f.bytes));
    w.endSpill(1);
    w.close();
    const bad = await na64fe("inspect", path, "--no-physics");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/status: complete: 1 complete spill; 1 frame fails its check/);
  });

  it("rejects an index that does not describe the records before it, even with a valid CRC; those frames stay recovered", () => {
    const r = writeRun("lying.run");
    const copy = join(dir, "lying-cut.run");
    copyFileSync(r.path, copy);
    truncateSync(copy, r.indexAt[2]!);
    const body = encodeSpillIndex({ spillNumber: 3, segmentStart: r.spillStart[2]!, prevIndexOffset: r.indexAt[1]!, boards: [], frameOffsets: new Uint32Array(1) });
    const rec = Buffer.alloc(RECORD_OVERHEAD + body.length);
    writeRecord(rec, 0, RecordKind.SPILL_INDEX, 0, 0, body);
    appendFileSync(copy, rec);
    const run = openRun(copy);
    expect(run.status.completeSpills).toBe(2);
    expect(run.status.indexProblems).toEqual([expect.stringMatching(/lists 1 frames, \d+ precede it/)]);
    expect(run.status.tail.frames).toBe(r.bySpill[2]!.length);
    expect(run.ok).toBe(false);
    run.close();
  });

  it("after flush() a crash of the writing process loses no frame", () => {
    const path = join(dir, "flushed.run");
    const fs = interleave(synthesize({ boards: NA64_BOARDS, spills: 1, triggersPerSpill: 4 }));
    const w = RunWriter.create(path, snapshot, { runNumber: 7 });
    for (const f of fs.slice(0, 9)) w.appendFrame(f.board, f.bytes);
    w.flush();
    const run = openRun(path); // the writer is still open: as seen after a crash now
    expect(run.status).toMatchObject({ closed: false, completeSpills: 0, tail: { frames: 9 } });
    expect([...run.frames({ tail: true })].map((f) => f.bytes.toString("hex"))).toEqual(fs.slice(0, 9).map((f) => f.bytes.toString("hex")));
    run.close();
    w.abandon();
  });

  it("never overwrites a file, and refuses what is not a run file or a newer format", () => {
    const r = writeRun("exists.run", 1, 1);
    expect(() => RunWriter.create(r.path, snapshot, { runNumber: 1 })).toThrow(expect.objectContaining({ code: "EXISTS" }));
    const other = join(dir, "other.bin");
    writeFileSync(other, "hello, this is not a run file");
    expect(() => openRun(other)).toThrow(expect.objectContaining({ code: "NOT_A_RUN_FILE", field: "prefix.magic" }));
    const newer = readFileSync(r.path);
    newer.writeUInt16LE(2, 8);
    const np = join(dir, "newer.run");
    writeFileSync(np, newer);
    expect(() => openRun(np)).toThrow(expect.objectContaining({ code: "UNSUPPORTED_FORMAT", value: 2 }));
    const headless = join(dir, "headless.run");
    writeFileSync(headless, readFileSync(r.path).subarray(0, 30));
    expect(() => openRun(headless)).toThrow(expect.objectContaining({ code: "NO_HEADER" }));
  });

  it("rejects frames of impossible size and use after close", () => {
    const path = join(dir, "bad-frame.run");
    const w = RunWriter.create(path, snapshot, { runNumber: 1 });
    expect(() => w.appendFrame(1, Buffer.alloc(3))).toThrow(expect.objectContaining({ code: "BAD_FRAME", value: 3 }));
    w.close();
    expect(() => w.appendFrame(1, Buffer.alloc(20))).toThrow(expect.objectContaining({ code: "WRITER_STATE" }));
    const run = openRun(path);
    expect(run.ok).toBe(true);
    expect(run.status.completeSpills).toBe(0);
    run.close();
  });
});
