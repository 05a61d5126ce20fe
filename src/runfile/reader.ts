// Reads a run file, also after a crash or with damage inside it. Opening scans every record once,
// checking each one's CRC; after a record that is torn or corrupt it resynchronises on the next
// offset where a whole record with a matching CRC starts, and reports what it skipped. Every
// SPILL_INDEX is checked against the FRAME records read before it: frame offsets, and per board the
// frame count, bytes, data frames and first and last seq. A spill whose index was read and whose
// frames all were is complete; one with frames lost in a damaged region is listed with how many are
// missing; frames no index covers (after the last one, or behind a lost index) are the recovered,
// unindexed tail. Each frame's own check is verified too.
import { isDataFrameType } from "../../protocol/readout";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { frameCheck } from "../../protocol/frame";
import { ENV_OFF } from "../../protocol/schema/envelope";
import { HEADER_BYTES } from "../../protocol/schema/limits";
import { RunFileError } from "./errors";
import {
  FORMAT_MAJOR,
  EPILOGUE_SPILL,
  MAX_BODY_BYTES,
  PREFIX_BYTES,
  RECORD_HEADER_BYTES,
  RECORD_NAMES,
  RECORD_OVERHEAD,
  RUN_MAGIC,
  RecordKind,
  decodeSpillIndex,
  type SpillIndexBody,
  readPrefixVersion,
  readRecordHeader,
  recordCrcOk,
  type BoardSpillCounts,
  type RecordHeader,
} from "./format";
import type { RunHeader, RunSnapshot, RunTrailer } from "./snapshot";

export interface SpillInfo {
  spillNumber: number;
  /** FRAME records of the spill that were read. */
  frames: number;
  /** Per-board counts, as the index records them. */
  boards: BoardSpillCounts[];
  /** First record of the spill's segment and the offset of its index record. */
  segmentStart: number;
  indexOffset: number;
  /** When the index was written (ms since the Unix epoch). */
  timeMs: number;
  /** Frames the index lists that could not be read (in a damaged region); 0 for a complete spill. */
  missingFrames: number;
}

/** A region of the file that could not be read: from `offset`, `bytes` long, and why. */
export interface SkippedRegion {
  offset: number;
  bytes: number;
  reason: string;
}

export interface RunProblem {
  /** Where the first unreadable region starts, and why. */
  offset: number;
  reason: string;
  /** Unreadable bytes in the whole file (every skipped region). */
  bytesAfter: number;
}

export interface RunStatus {
  /** A trailer was found and nothing was damaged: the writer closed the run cleanly. */
  closed: boolean;
  /** Spills whose index was read and every frame of them too. */
  completeSpills: number;
  /** Frames no index covers: after the last index (their spill never finished) or behind a lost one. */
  tail: { frames: number; fromOffset: number; toOffset: number };
  /** The first damage (see skipped for all of it). */
  problem?: RunProblem;
  /** Every region the reader skipped, in file order. */
  skipped: SkippedRegion[];
  /** SPILL_INDEX records that contradict the frames before them (each says how). */
  indexProblems: string[];
  /** FRAME records whose frame fails its own check (the record's CRC was fine: written so). */
  badFrames: number;
  /** One line for humans. */
  summary: string;
}

export interface RecordedFrame {
  /** File offset of the FRAME record. */
  offset: number;
  /** Board whose connection delivered the frame. */
  boardId: number;
  /** Host receive time, ms since the Unix epoch. */
  timeMs: number;
  /** The sealed frame as received (a copy). */
  bytes: Buffer;
}

interface ScannedRecord {
  offset: number;
  h: RecordHeader;
  /** Body bytes; a view valid until the scanner moves on. */
  body: Buffer;
  end: number;
}

/**
 * Sequential record reader over [from, to) with a reusable chunk buffer. After a record that is
 * torn or fails its checks it moves on to the next offset where a whole valid record starts,
 * remembering what it skipped.
 */
class Scanner {
  private chunk: Buffer;
  private chunkStart = 0;
  private chunkLen = 0;
  pos: number;
  readonly skipped: SkippedRegion[] = [];

  constructor(
    private fd: number,
    from: number,
    private to: number,
  ) {
    this.pos = from;
    this.chunk = Buffer.allocUnsafe(Math.max(RECORD_OVERHEAD, Math.min(1 << 20, to - from)));
  }

  /** Make [pos, pos + n) resident; false when the file ends before that. */
  private ensure(pos: number, n: number): boolean {
    if (pos >= this.chunkStart && pos + n <= this.chunkStart + this.chunkLen) return true;
    if (pos + n > this.to) return false;
    if (n > this.chunk.length) this.chunk = Buffer.allocUnsafe(n);
    const want = Math.min(this.chunk.length, this.to - pos);
    let got = 0;
    while (got < want) {
      const r = readSync(this.fd, this.chunk, got, want - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    this.chunkStart = pos;
    this.chunkLen = got;
    return got >= n;
  }

  /** Whether a whole valid record starts at `o` (the resynchronising search: no reasons built). */
  private validAt(o: number): boolean {
    if (!this.ensure(o, RECORD_HEADER_BYTES)) return false;
    const at = o - this.chunkStart;
    const c = this.chunk;
    if (RECORD_NAMES[c[at]!] === undefined || c[at + 1] !== 0) return false;
    const body = c.readUInt32LE(at + 4);
    if (body > MAX_BODY_BYTES || o + RECORD_OVERHEAD + body > this.to) return false;
    return this.ensure(o, RECORD_OVERHEAD + body) && recordCrcOk(this.chunk, o - this.chunkStart, body);
  }

  /** Why no valid record starts at `o`, or undefined when one does (then it is resident). */
  private invalidAt(o: number): string | undefined {
    if (!this.ensure(o, RECORD_HEADER_BYTES)) return `torn record: ${this.to - o} of at least ${RECORD_OVERHEAD} bytes present`;
    const h = readRecordHeader(this.chunk, o - this.chunkStart);
    if (!RECORD_NAMES[h.kind]) return `unknown record kind ${h.kind}${h.kind === 0 ? " (zero-filled space after a crash?)" : ""}`;
    if (h.flags !== 0) return `record flags ${h.flags} are not 0`;
    if (h.bodyBytes > MAX_BODY_BYTES) return `record length ${h.bodyBytes} exceeds ${MAX_BODY_BYTES}`;
    const total = RECORD_OVERHEAD + h.bodyBytes;
    if (!this.ensure(o, total)) return `torn ${RECORD_NAMES[h.kind]} record: ${this.to - o} of ${total} bytes present`;
    if (!recordCrcOk(this.chunk, o - this.chunkStart, h.bodyBytes)) return `${RECORD_NAMES[h.kind]} record fails its CRC`;
    return undefined;
  }

  /** The next intact record, or undefined at the end; damage on the way is skipped and recorded. */
  next(): ScannedRecord | undefined {
    let o = this.pos;
    if (o >= this.to) return undefined;
    const why = this.invalidAt(o);
    if (why) {
      // Resynchronise: the next offset where a whole record with a matching CRC starts.
      let p = o + 1;
      while (p < this.to && !this.validAt(p)) p++;
      this.skipped.push({ offset: o, bytes: p - o, reason: why });
      if (p >= this.to) {
        this.pos = this.to;
        return undefined;
      }
      o = p;
    }
    const at = o - this.chunkStart;
    const h = readRecordHeader(this.chunk, at);
    this.pos = o + RECORD_OVERHEAD + h.bodyBytes;
    return { offset: o, h, body: this.chunk.subarray(at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + h.bodyBytes), end: this.pos };
  }
}

/** Parse a JSON record body; undefined when it is not JSON (a writer bug, since its CRC matched). */
function json<T>(body: Buffer): T | undefined {
  try {
    return JSON.parse(body.toString("utf-8")) as T;
  } catch {
    return undefined;
  }
}

/** What the scan keeps of one FRAME record (for the index checks and frames()). */
interface FrameSeen {
  offset: number;
  boardId: number;
  bytes: number;
  type: number;
  seq: number;
}

/** The FRAME records read since the last accepted index. */
class Segment {
  frames: FrameSeen[] = [];
  constructor(readonly start: number) {}

  /** Per-board counts of `frames` in the index's form. */
  static counts(frames: readonly FrameSeen[]): Map<number, BoardSpillCounts> {
    const m = new Map<number, BoardSpillCounts>();
    for (const f of frames) {
      let c = m.get(f.boardId);
      if (!c) m.set(f.boardId, (c = { boardId: f.boardId, frames: 0, bytes: 0, dataFrames: 0, firstSeq: f.seq, lastSeq: f.seq }));
      c.frames++;
      c.bytes += f.bytes;
      if (isDataFrameType(f.type)) c.dataFrames++;
      c.lastSeq = f.seq;
    }
    return m;
  }
}

export class RunFile {
  header!: RunHeader;
  snapshot?: RunSnapshot;
  spills: SpillInfo[] = [];
  /** Frames after the last spill (run-control answers, heartbeats), indexed when the run was closed. */
  epilogue?: SpillInfo;
  trailer?: RunTrailer;
  status!: RunStatus;
  fileBytes = 0;
  private fd: number;
  /** Offsets of the FRAME records read: per indexed segment (by index offset), and the unindexed ones. */
  private readonly indexedFrames = new Map<number, number[]>();
  private unindexed: number[] = [];

  private constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
    } catch (e) {
      throw new RunFileError("IO", path, "path", path, `cannot open: ${(e as Error).message}`);
    }
  }

  /** Open and verify a run file. Throws RunFileError only when it is not a readable run file at all. */
  static open(path: string): RunFile {
    const f = new RunFile(path);
    try {
      f.scan();
    } catch (e) {
      f.close();
      throw e;
    }
    return f;
  }

  private scan(): void {
    const path = this.path;
    this.fileBytes = fstatSync(this.fd).size;
    const prefix = Buffer.alloc(PREFIX_BYTES);
    const got = readSync(this.fd, prefix, 0, PREFIX_BYTES, 0);
    if (got < PREFIX_BYTES || !prefix.subarray(0, 8).equals(RUN_MAGIC))
      throw new RunFileError("NOT_A_RUN_FILE", path, "prefix.magic", prefix.subarray(0, Math.min(got, 8)).toString("hex"), "not an na64fe run file (no NA64RUN magic)");
    const { formatMajor: major, formatMinor: minor } = readPrefixVersion(prefix);
    if (major !== FORMAT_MAJOR)
      throw new RunFileError("UNSUPPORTED_FORMAT", path, "prefix.formatMajor", major, `run file format ${major}.${minor}; this reader reads major ${FORMAT_MAJOR}`);

    const sc = new Scanner(this.fd, PREFIX_BYTES, this.fileBytes);
    const first = sc.next();
    if (!first || first.h.kind !== RecordKind.HEADER || first.offset !== PREFIX_BYTES) {
      const why = sc.skipped[0]?.reason;
      throw new RunFileError("NO_HEADER", path, "record.kind", first?.offset === PREFIX_BYTES ? first.h.kind : undefined, `no readable HEADER record at offset ${PREFIX_BYTES}${why ? `: ${why}` : ""}`);
    }
    const header = json<RunHeader>(first.body);
    if (!header) throw new RunFileError("NO_HEADER", path, "header", undefined, `HEADER record at offset ${PREFIX_BYTES} is not JSON`);
    this.header = header;

    const indexProblems: string[] = [];
    const note = (offset: number, reason: string) => sc.skipped.push({ offset, bytes: 0, reason });
    let badFrames = 0;
    let segment = new Segment(sc.pos);
    let prevIndex = -1;
    let lastIndexEnd = -1;
    let trailerOffset = -1;
    for (let r = sc.next(); r; r = sc.next()) {
      const name = RECORD_NAMES[r.h.kind]!;
      if (this.trailer) {
        indexProblems.push(`${name} record at ${r.offset} after the trailer`);
        continue;
      }
      switch (r.h.kind) {
        case RecordKind.SNAPSHOT:
          if (this.snapshot) indexProblems.push(`a second SNAPSHOT record at ${r.offset}`);
          else {
            this.snapshot = json<RunSnapshot>(r.body);
            if (!this.snapshot) indexProblems.push(`SNAPSHOT record at ${r.offset} is not JSON`);
          }
          if (segment.frames.length === 0) segment = new Segment(r.end);
          break;
        case RecordKind.FRAME: {
          const b = r.body;
          if (b.length < HEADER_BYTES || frameCheck(b) !== b.readUInt32LE(ENV_OFF.check)) badFrames++;
          segment.frames.push({
            offset: r.offset,
            boardId: r.h.boardId,
            bytes: b.length,
            type: b.length > ENV_OFF.type ? b[ENV_OFF.type]! : -1,
            seq: b.length >= ENV_OFF.seq + 4 ? b.readUInt32LE(ENV_OFF.seq) : 0,
          });
          break;
        }
        case RecordKind.SPILL_INDEX: {
          const accepted = this.takeIndex(r, segment, prevIndex, lastIndexEnd, indexProblems);
          if (accepted) {
            prevIndex = r.offset;
            lastIndexEnd = r.end;
            segment = new Segment(r.end);
          }
          break;
        }
        case RecordKind.TRAILER:
          this.trailer = json<RunTrailer>(r.body);
          trailerOffset = r.offset;
          if (!this.trailer) indexProblems.push(`TRAILER record at ${r.offset} is not JSON`);
          break;
        default:
          indexProblems.push(`unexpected ${name} record at ${r.offset} among the frames`);
      }
    }
    if (!this.snapshot && !indexProblems.some((p) => p.startsWith("SNAPSHOT"))) note(first.end, "run file has no readable configuration snapshot");
    this.unindexed.push(...segment.frames.map((f) => f.offset));
    const skipped = sc.skipped.filter((x) => x.bytes > 0);
    const unreadable = skipped.reduce((a, x) => a + x.bytes, 0);
    const firstDamage = sc.skipped[0];
    const tailFrom = segment.start;
    const tailTo = segment.frames.length ? (trailerOffset >= 0 ? trailerOffset : this.fileBytes) : segment.start;
    const damaged = sc.skipped.length > 0 || indexProblems.length > 0 || this.spills.some((x) => x.missingFrames > 0) || (this.epilogue?.missingFrames ?? 0) > 0;
    this.status = {
      closed: this.trailer !== undefined && !damaged,
      completeSpills: this.spills.filter((x) => x.missingFrames === 0).length,
      tail: { frames: this.unindexed.length, fromOffset: tailFrom, toOffset: tailTo },
      ...(firstDamage ? { problem: { offset: firstDamage.offset, reason: firstDamage.reason, bytesAfter: unreadable } } : {}),
      skipped: sc.skipped,
      indexProblems,
      badFrames,
      summary: "",
    };
    this.status.summary = summarise(this.status, this.spills);
  }

  /**
   * A SPILL_INDEX record: accepted (its spill listed, the frames it lists assigned to it) when it
   * describes frames that were read; on an intact segment every frame offset and per-board count
   * must match, after damage the index is trusted for what it lists (its CRC matched) and the frames
   * it lists that were not read are counted missing. Returns whether it was accepted.
   */
  private takeIndex(r: ScannedRecord, seg: Segment, prevIndex: number, lastIndexEnd: number, problems: string[]): boolean {
    let idx: SpillIndexBody;
    try {
      idx = decodeSpillIndex(r.body);
    } catch (e) {
      problems.push(`SPILL_INDEX record at ${r.offset}: ${(e as Error).message}`);
      return false;
    }
    const label = idx.spillNumber === EPILOGUE_SPILL ? "the end-of-run SPILL_INDEX" : `SPILL_INDEX of spill ${idx.spillNumber}`;
    const listed = Array.from(idx.frameOffsets, (rel) => idx.segmentStart + rel);
    const read = new Map(seg.frames.map((f) => [f.offset, f]));
    const mine = listed.filter((o) => read.has(o));
    const missing = listed.length - mine.length;
    const intact = missing === 0 && seg.frames.length === listed.length && idx.segmentStart === seg.start;
    if (intact) {
      if (idx.prevIndexOffset !== prevIndex) problems.push(`${label} points back to ${idx.prevIndexOffset}, the previous index is at ${prevIndex}`);
      const counted = idx.boards.reduce((s, b) => s + b.frames, 0);
      if (counted !== listed.length) problems.push(`${label}: per-board counts add up to ${counted}, not ${listed.length}`);
      const found = Segment.counts(seg.frames);
      for (const b of idx.boards) {
        const f = found.get(b.boardId);
        if (!f) problems.push(`${label}: board ${b.boardId} has ${b.frames} frames in the index, none in the file`);
        else
          for (const k of ["frames", "bytes", "dataFrames", "firstSeq", "lastSeq"] as const)
            if (b[k] !== f[k]) problems.push(`${label}: board ${b.boardId} ${k} ${b[k]} in the index, ${f[k]} in the frames`);
      }
      for (const id of found.keys()) if (!idx.boards.some((b) => b.boardId === id)) problems.push(`${label}: board ${id} has frames but no entry`);
    } else if (mine.length === 0 && listed.length > 0) {
      // Lists none of the frames read: it does not describe this file's frames.
      problems.push(`${label} lists ${listed.length} frames, none of them among the ${seg.frames.length} read before it`);
      return false;
    } else if (missing === 0 && seg.frames.length !== listed.length && lastIndexEnd === seg.start && idx.segmentStart === seg.start) {
      // An intact segment the index does not describe: it lists fewer or other frames.
      problems.push(`${label} lists ${listed.length} frames, ${seg.frames.length} precede it`);
      return false;
    }
    // Frames read in the segment that this index does not list belong to no index (a lost one's).
    const listedSet = new Set(listed);
    for (const f of seg.frames) if (!listedSet.has(f.offset)) this.unindexed.push(f.offset);
    this.indexedFrames.set(r.offset, mine);
    const info: SpillInfo = {
      spillNumber: idx.spillNumber,
      frames: mine.length,
      boards: idx.boards,
      segmentStart: idx.segmentStart,
      indexOffset: r.offset,
      timeMs: r.h.timeMs,
      missingFrames: missing,
    };
    if (idx.spillNumber === EPILOGUE_SPILL) this.epilogue = info;
    else this.spills.push(info);
    return true;
  }

  /** True when the run was closed cleanly, every frame is indexed and passes its check, nothing is damaged. */
  get ok(): boolean {
    return this.status.closed && this.status.tail.frames === 0 && this.status.badFrames === 0;
  }

  /**
   * Frames in file order: those of one spill (`spill`), or of every spill read plus, with `tail`,
   * the recovered frames no index covers.
   */
  *frames(opts: { spill?: number; tail?: boolean } = {}): Generator<RecordedFrame> {
    let offsets: number[];
    if (opts.spill !== undefined) {
      const s = this.spills.find((x) => x.spillNumber === opts.spill);
      if (!s)
        throw new RunFileError("NO_SUCH_SPILL", this.path, "spill", opts.spill, `no spill ${opts.spill} in the file (spills: ${this.spills.map((x) => x.spillNumber).join(", ") || "none"})`);
      offsets = this.indexedFrames.get(s.indexOffset)!;
    } else {
      offsets = [];
      for (const s of this.spills) offsets.push(...this.indexedFrames.get(s.indexOffset)!);
      if (this.epilogue) offsets.push(...this.indexedFrames.get(this.epilogue.indexOffset)!);
      if (opts.tail) offsets.push(...this.unindexed);
      offsets.sort((a, b) => a - b);
    }
    const head = Buffer.allocUnsafe(RECORD_HEADER_BYTES);
    for (const offset of offsets) {
      readSync(this.fd, head, 0, RECORD_HEADER_BYTES, offset);
      const h = readRecordHeader(head, 0);
      const bytes = Buffer.allocUnsafe(h.bodyBytes);
      readSync(this.fd, bytes, 0, h.bodyBytes, offset + RECORD_HEADER_BYTES);
      yield { offset, boardId: h.boardId, timeMs: h.timeMs, bytes };
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function summarise(s: RunStatus, spills: SpillInfo[]): string {
  const whole = spills.filter((x) => x.missingFrames === 0);
  const last = whole.length ? `spill ${whole[whole.length - 1]!.spillNumber}` : undefined;
  const n = `${whole.length} complete spill${whole.length === 1 ? "" : "s"}`;
  const readable = last ? `readable up to ${last}, ${n}` : "no complete spill";
  const hurt = spills.filter((x) => x.missingFrames > 0).map((x) => `spill ${x.spillNumber} misses ${x.missingFrames} frame${x.missingFrames === 1 ? "" : "s"}`);
  const tail = s.tail.frames
    ? `; ${s.tail.frames} frame${s.tail.frames === 1 ? "" : "s"} after ${last ?? "the configuration snapshot"} recovered but not indexed (their spill never finished)`
    : "";
  const bad = s.badFrames ? `; ${s.badFrames} frame${s.badFrames === 1 ? " fails its" : "s fail their"} check` : "";
  const idx = s.indexProblems.length ? `; ${s.indexProblems.length} index problem${s.indexProblems.length === 1 ? "" : "s"} (${s.indexProblems[0]})` : "";
  const regions = s.skipped.filter((x) => x.bytes > 0);
  if (s.problem) {
    const where =
      regions.length <= 1
        ? `damaged at byte ${s.problem.offset} (${s.problem.reason}; ${s.problem.bytesAfter} bytes unreadable)`
        : `damaged in ${regions.length} places, first at byte ${s.problem.offset} (${s.problem.reason}; ${s.problem.bytesAfter} bytes unreadable in all, the records after each place were read)`;
    return `${where}: ${readable}${hurt.length ? `; ${hurt.join(", ")}` : ""}${tail}${bad}${idx}`;
  }
  if (!s.closed && s.indexProblems.length) return `not sound: ${readable}${tail}${bad}${idx}`;
  if (!s.closed) return `not closed (no trailer; the writer stopped): ${readable}${tail}${bad}`;
  return `complete: ${n}${tail}${bad}`;
}

export function openRun(path: string): RunFile {
  return RunFile.open(path);
}
