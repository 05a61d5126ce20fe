// Appends a run to a new file: header and configuration snapshot first (fsynced before any frame),
// then frames exactly as received, an index record at every spill end (fsynced), a trailer at the
// end. Records are buffered in memory; flush() hands them to the OS, so after flush() returns a
// crash of this process loses nothing, and after endSpill()/close() a power cut loses nothing.
// The link must call flush() before it acknowledges frames to a board.
import { isDataFrameType } from "../../protocol/readout";
import { closeSync, fsyncSync, openSync, writeSync } from "node:fs";
import { HEADER_BYTES, MAX_FRAME_BYTES } from "../../protocol/schema/limits";
import { RunFileError } from "./errors";
import {
  RecordKind,
  RECORD_OVERHEAD,
  encodePrefix,
  encodeSpillIndex,
  writeRecord,
  PREFIX_BYTES,
  EPILOGUE_SPILL,
  type BoardSpillCounts,
} from "./format";
import { softwareVersions, type RunHeader, type RunSnapshot, type RunTrailer, type RunVerdict } from "./snapshot";


export interface RunWriterOptions {
  runNumber: number;
  startTimeMs?: number;
  comment?: string;
  operator?: string;
  /** Bytes buffered before a write to the OS (default 1 MiB). */
  bufferBytes?: number;
}

export interface SpillWritten {
  spillNumber: number;
  indexOffset: number;
  frames: number;
  boards: BoardSpillCounts[];
}

export class RunWriter {
  private fd: number;
  private buf: Buffer;
  private used = 0;
  /** File offset of buf[0]. */
  private flushedTo = 0;
  private segmentStart = 0;
  private prevIndex = -1;
  private offsets = new Uint32Array(1024);
  private nFrames = 0;
  private boards = new Map<number, BoardSpillCounts>();
  private totalFrames = 0;
  private spills = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    fd: number,
    bufferBytes: number,
  ) {
    this.fd = fd;
    this.buf = Buffer.allocUnsafe(bufferBytes);
  }

  /**
   * Create `path` (never overwrites: an existing file is an error) and write the header and the
   * configuration snapshot, synced to disk before this returns.
   */
  static create(path: string, snapshot: RunSnapshot, opts: RunWriterOptions): RunWriter {
    if (!Number.isInteger(opts.runNumber) || opts.runNumber < 0 || opts.runNumber > 0xffffffff)
      throw new RunFileError("WRITER_STATE", path, "runNumber", opts.runNumber, `run number ${opts.runNumber} is not a u32`);
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === "EEXIST") throw new RunFileError("EXISTS", path, "path", path, "run file exists already; a run file is never overwritten");
      throw new RunFileError("IO", path, "path", path, `cannot create: ${err.message}`);
    }
    const w = new RunWriter(path, fd, Math.max(64 * 1024, opts.bufferBytes ?? 1 << 20));
    const start = opts.startTimeMs ?? Date.now();
    const header: RunHeader = {
      runNumber: opts.runNumber,
      startTimeMs: start,
      startTime: new Date(start).toISOString(),
      software: softwareVersions(),
      ...(opts.comment ? { comment: opts.comment } : {}),
      ...(opts.operator ? { operator: opts.operator } : {}),
    };
    w.put(encodePrefix());
    w.record(RecordKind.HEADER, 0, start, Buffer.from(JSON.stringify(header)));
    w.record(RecordKind.SNAPSHOT, 0, start, Buffer.from(JSON.stringify(snapshot)));
    w.sync();
    w.segmentStart = w.offset;
    return w;
  }

  /** File offset where the next record goes. */
  get offset(): number {
    return this.flushedTo + this.used;
  }

  get stats() {
    return { frames: this.totalFrames, spills: this.spills, bytes: this.offset, framesInSpill: this.nFrames };
  }

  /** Append one sealed frame as received on `boardId`'s connection. */
  appendFrame(boardId: number, frame: Uint8Array, timeMs = Date.now()): void {
    this.open();
    if (frame.length < HEADER_BYTES || frame.length > MAX_FRAME_BYTES)
      throw new RunFileError("BAD_FRAME", this.path, "frame.length", frame.length, `a frame has ${HEADER_BYTES}..${MAX_FRAME_BYTES} bytes, got ${frame.length}`);
    const rel = this.offset - this.segmentStart;
    if (rel > 0xffffffff) throw new RunFileError("WRITER_STATE", this.path, "spill", rel, "a spill's frames exceed 4 GiB; end the spill");
    if (this.nFrames === this.offsets.length) {
      const grown = new Uint32Array(this.offsets.length * 2);
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.nFrames++] = rel;
    this.record(RecordKind.FRAME, boardId, timeMs, frame);
    this.totalFrames++;
    const seq = (frame[8]! | (frame[9]! << 8) | (frame[10]! << 16) | (frame[11]! << 24)) >>> 0;
    let c = this.boards.get(boardId);
    if (!c) this.boards.set(boardId, (c = { boardId, frames: 0, bytes: 0, dataFrames: 0, firstSeq: seq, lastSeq: seq }));
    c.frames++;
    c.bytes += frame.length;
    if (isDataFrameType(frame[3]!)) c.dataFrames++;
    c.lastSeq = seq;
  }

  /** Hand buffered records to the OS (survives a crash of this process, not a power cut). */
  flush(): void {
    this.open();
    this.writeOut();
  }

  /**
   * Close the current spill: write its index (offsets of its frames, per-board counts), flush and
   * fsync. The segment is every frame appended since the previous endSpill.
   */
  endSpill(spillNumber: number, timeMs = Date.now()): SpillWritten {
    this.open();
    const boards = [...this.boards.values()].sort((a, b) => a.boardId - b.boardId);
    const body = encodeSpillIndex({
      spillNumber,
      segmentStart: this.segmentStart,
      prevIndexOffset: this.prevIndex,
      boards,
      frameOffsets: this.offsets.subarray(0, this.nFrames),
    });
    const indexOffset = this.offset;
    this.record(RecordKind.SPILL_INDEX, 0, timeMs, body);
    this.sync();
    const done = { spillNumber, indexOffset, frames: this.nFrames, boards };
    this.prevIndex = indexOffset;
    this.segmentStart = this.offset;
    this.nFrames = 0;
    this.boards = new Map();
    this.spills++;
    return done;
  }

  /**
   * End the run: frames appended after the last endSpill are indexed as the epilogue segment
   * (EPILOGUE_SPILL), then the trailer, fsync, close.
   */
  close(reason = "end of run", timeMs = Date.now(), verdict?: RunVerdict): RunTrailer {
    this.open();
    if (this.nFrames > 0) this.endSpill(EPILOGUE_SPILL, timeMs);
    const trailer: RunTrailer = {
      endTimeMs: timeMs,
      endTime: new Date(timeMs).toISOString(),
      reason,
      spills: this.spills,
      frames: this.totalFrames,
      fileBytes: 0,
      lastIndexOffset: this.prevIndex,
      ...(verdict ? { verdict } : {}),
    };
    // fileBytes includes the trailer itself, whose JSON length depends on fileBytes' digits.
    let body = Buffer.from(JSON.stringify(trailer));
    for (let i = 0; i < 3; i++) {
      trailer.fileBytes = this.offset + RECORD_OVERHEAD + body.length;
      body = Buffer.from(JSON.stringify(trailer));
    }
    this.record(RecordKind.TRAILER, 0, timeMs, body);
    this.sync();
    closeSync(this.fd);
    this.closed = true;
    return trailer;
  }

  /** Release the file without a trailer (the run was abandoned); what was flushed stays readable. */
  abandon(): void {
    if (this.closed) return;
    this.writeOut();
    closeSync(this.fd);
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new RunFileError("WRITER_STATE", this.path, "state", "closed", "run file already closed");
  }

  private record(kind: RecordKind, boardId: number, timeMs: number, body: Uint8Array): void {
    const size = RECORD_OVERHEAD + body.length;
    if (this.used + size > this.buf.length) {
      this.writeOut();
      if (size > this.buf.length) this.buf = Buffer.allocUnsafe(size);
    }
    this.used = writeRecord(this.buf, this.used, kind, boardId, timeMs, body);
  }

  private put(bytes: Uint8Array): void {
    if (this.flushedTo !== 0 || this.used !== 0 || bytes.length !== PREFIX_BYTES) throw new Error("internal: prefix written twice");
    this.buf.set(bytes, 0);
    this.used = bytes.length;
  }

  private writeOut(): void {
    let o = 0;
    try {
      while (o < this.used) o += writeSync(this.fd, this.buf, o, this.used - o);
    } catch (e) {
      throw new RunFileError("IO", this.path, "write", this.offset, `write failed: ${(e as Error).message}`);
    }
    this.flushedTo += this.used;
    this.used = 0;
  }

  private sync(): void {
    this.writeOut();
    try {
      fsyncSync(this.fd);
    } catch (e) {
      throw new RunFileError("IO", this.path, "fsync", this.offset, `fsync failed: ${(e as Error).message}`);
    }
  }
}
