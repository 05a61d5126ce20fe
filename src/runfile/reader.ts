// Reads a run file, also after a crash. Opening scans every record once, checking each one's
// CRC and every spill index against the records before it; the scan stops at the first record
// that is torn or corrupt. What comes before that point is trusted; the last valid SPILL_INDEX
// marks the last complete spill, and frames after it are reported as a recovered, unindexed tail.
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
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
  readPrefixVersion,
  readRecordHeader,
  recordCrcOk,
  type BoardSpillCounts,
  type RecordHeader,
} from "./format";
import type { RunHeader, RunSnapshot, RunTrailer } from "./snapshot";

export interface SpillInfo {
  spillNumber: number;
  frames: number;
  boards: BoardSpillCounts[];
  /** First record of the spill's segment and the offset of its index record. */
  segmentStart: number;
  indexOffset: number;
  /** When the index was written (ms since the Unix epoch). */
  timeMs: number;
}

export interface RunProblem {
  offset: number;
  reason: string;
  /** Bytes from the problem to the end of the file (not readable). */
  bytesAfter: number;
}

export interface RunStatus {
  /** A trailer was found: the writer closed the run cleanly. */
  closed: boolean;
  completeSpills: number;
  /** Frames after the last index: intact, but their spill never finished. */
  tail: { frames: number; fromOffset: number; toOffset: number };
  problem?: RunProblem;
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

/** Sequential record reader over [from, to) with a reusable chunk buffer. */
class Scanner {
  private chunk: Buffer;
  private chunkStart = 0;
  private chunkLen = 0;
  pos: number;
  problem?: { offset: number; reason: string };

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

  /** The next intact record, or undefined at the end or at the first bad record (see problem). */
  next(): ScannedRecord | undefined {
    const o = this.pos;
    if (o >= this.to) return undefined;
    const fail = (reason: string) => {
      this.problem = { offset: o, reason };
      return undefined;
    };
    if (!this.ensure(o, RECORD_HEADER_BYTES)) return fail(`torn record: ${this.to - o} of at least ${RECORD_OVERHEAD} bytes present`);
    const h = readRecordHeader(this.chunk, o - this.chunkStart);
    if (!RECORD_NAMES[h.kind]) return fail(`unknown record kind ${h.kind}${h.kind === 0 ? " (zero-filled space after a crash?)" : ""}`);
    if (h.flags !== 0) return fail(`record flags ${h.flags} are not 0`);
    if (h.bodyBytes > MAX_BODY_BYTES) return fail(`record length ${h.bodyBytes} exceeds ${MAX_BODY_BYTES}`);
    const total = RECORD_OVERHEAD + h.bodyBytes;
    if (!this.ensure(o, total)) return fail(`torn ${RECORD_NAMES[h.kind]} record: ${this.to - o} of ${total} bytes present`);
    const at = o - this.chunkStart;
    if (!recordCrcOk(this.chunk, at, h.bodyBytes)) return fail(`${RECORD_NAMES[h.kind]} record fails its CRC`);
    this.pos = o + total;
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
    if (!first || first.h.kind !== RecordKind.HEADER)
      throw new RunFileError("NO_HEADER", path, "record.kind", first?.h.kind, `no readable HEADER record at offset ${PREFIX_BYTES}${sc.problem ? `: ${sc.problem.reason}` : ""}`);
    const header = json<RunHeader>(first.body);
    if (!header) throw new RunFileError("NO_HEADER", path, "header", undefined, `HEADER record at offset ${PREFIX_BYTES} is not JSON`);
    this.header = header;

    let problem: { offset: number; reason: string } | undefined;
    const snap = sc.next();
    if (snap && snap.h.kind === RecordKind.SNAPSHOT) {
      this.snapshot = json<RunSnapshot>(snap.body);
      if (!this.snapshot) problem = { offset: snap.offset, reason: "SNAPSHOT record is not JSON" };
    } else problem = sc.problem ?? { offset: snap ? snap.offset : sc.pos, reason: snap ? `expected SNAPSHOT, found ${RECORD_NAMES[snap.h.kind]}` : "run file ends before its configuration snapshot" };

    let segmentStart = sc.pos;
    let prevIndex = -1;
    let segOffsets: number[] = [];
    let trailerOffset = -1;
    while (!problem) {
      const r = sc.next();
      if (!r) {
        problem = sc.problem;
        break;
      }
      if (this.trailer) {
        problem = { offset: r.offset, reason: `${RECORD_NAMES[r.h.kind]} record after the trailer` };
        break;
      }
      if (r.h.kind === RecordKind.FRAME) segOffsets.push(r.offset - segmentStart);
      else if (r.h.kind === RecordKind.SPILL_INDEX) {
        const why = this.checkIndex(r, segmentStart, prevIndex, segOffsets);
        if (why) {
          problem = { offset: r.offset, reason: why };
          break;
        }
        prevIndex = r.offset;
        segmentStart = r.end;
        segOffsets = [];
      } else if (r.h.kind === RecordKind.TRAILER) {
        this.trailer = json<RunTrailer>(r.body);
        trailerOffset = r.offset;
        if (!this.trailer) problem = { offset: r.offset, reason: "TRAILER record is not JSON" };
      } else problem = { offset: r.offset, reason: `unexpected ${RECORD_NAMES[r.h.kind]} record among the frames` };
    }
    const tailEnd = problem ? problem.offset : trailerOffset >= 0 ? trailerOffset : sc.pos;
    const tail = { frames: segOffsets.length, fromOffset: segmentStart, toOffset: segOffsets.length ? tailEnd : segmentStart };
    this.status = {
      closed: this.trailer !== undefined && !problem,
      completeSpills: this.spills.length,
      tail,
      ...(problem ? { problem: { ...problem, bytesAfter: this.fileBytes - problem.offset } } : {}),
      summary: "",
    };
    this.status.summary = summarise(this.status, this.spills);
  }

  private checkIndex(r: ScannedRecord, segmentStart: number, prevIndex: number, seg: number[]): string | undefined {
    let idx;
    try {
      idx = decodeSpillIndex(r.body);
    } catch (e) {
      return `SPILL_INDEX record: ${(e as Error).message}`;
    }
    if (idx.segmentStart !== segmentStart) return `SPILL_INDEX of spill ${idx.spillNumber} starts its spill at ${idx.segmentStart}, the previous index ends at ${segmentStart}`;
    if (idx.prevIndexOffset !== prevIndex) return `SPILL_INDEX of spill ${idx.spillNumber} points back to ${idx.prevIndexOffset}, the previous index is at ${prevIndex}`;
    if (idx.frameOffsets.length !== seg.length) return `SPILL_INDEX of spill ${idx.spillNumber} lists ${idx.frameOffsets.length} frames, ${seg.length} precede it`;
    for (let i = 0; i < seg.length; i++)
      if (idx.frameOffsets[i] !== seg[i]) return `SPILL_INDEX of spill ${idx.spillNumber}: frame ${i} at +${idx.frameOffsets[i]}, found at +${seg[i]}`;
    const counted = idx.boards.reduce((s, b) => s + b.frames, 0);
    if (counted !== seg.length) return `SPILL_INDEX of spill ${idx.spillNumber}: per-board counts add up to ${counted}, not ${seg.length}`;
    const info = { spillNumber: idx.spillNumber, frames: seg.length, boards: idx.boards, segmentStart, indexOffset: r.offset, timeMs: r.h.timeMs };
    if (idx.spillNumber === EPILOGUE_SPILL) this.epilogue = info;
    else this.spills.push(info);
    return undefined;
  }

  /** True when the run was closed cleanly and every frame is indexed. */
  get ok(): boolean {
    return this.status.closed && this.status.tail.frames === 0 && !this.status.problem;
  }

  /**
   * Frames in file order: those of one spill (`spill`), or of every complete spill plus, with
   * `tail`, the recovered frames after the last index.
   */
  *frames(opts: { spill?: number; tail?: boolean } = {}): Generator<RecordedFrame> {
    const ranges: Array<[number, number]> = [];
    if (opts.spill !== undefined) {
      const s = this.spills.find((x) => x.spillNumber === opts.spill);
      if (!s)
        throw new RunFileError("NO_SUCH_SPILL", this.path, "spill", opts.spill, `no complete spill ${opts.spill} (complete spills: ${this.spills.map((x) => x.spillNumber).join(", ") || "none"})`);
      ranges.push([s.segmentStart, s.indexOffset]);
    } else {
      for (const s of this.spills) ranges.push([s.segmentStart, s.indexOffset]);
      if (this.epilogue) ranges.push([this.epilogue.segmentStart, this.epilogue.indexOffset]);
      if (opts.tail && this.status.tail.frames > 0) ranges.push([this.status.tail.fromOffset, this.status.tail.toOffset]);
    }
    for (const [from, to] of ranges) {
      const sc = new Scanner(this.fd, from, to);
      for (let r = sc.next(); r; r = sc.next())
        if (r.h.kind === RecordKind.FRAME) yield { offset: r.offset, boardId: r.h.boardId, timeMs: r.h.timeMs, bytes: Buffer.from(r.body) };
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}

function summarise(s: RunStatus, spills: SpillInfo[]): string {
  const last = spills.length ? `spill ${spills[spills.length - 1]!.spillNumber}` : undefined;
  const n = `${spills.length} complete spill${spills.length === 1 ? "" : "s"}`;
  const readable = last ? `readable up to ${last}, ${n}` : "no complete spill";
  const tail = s.tail.frames
    ? `; ${s.tail.frames} frame${s.tail.frames === 1 ? "" : "s"} after ${last ?? "the configuration snapshot"} recovered but not indexed (their spill never finished)`
    : "";
  if (s.problem) return `damaged at byte ${s.problem.offset} (${s.problem.reason}; ${s.problem.bytesAfter} bytes unreadable): ${readable}${tail}`;
  if (!s.closed) return `not closed (no trailer; the writer stopped): ${readable}${tail}`;
  return `complete: ${n}${tail}`;
}

export function openRun(path: string): RunFile {
  return RunFile.open(path);
}
