// Run file layout (little-endian; the whole format is written down in src/runfile/README.md, whose
// tables are generated from layout.ts and from the types here). Append-only:
//
//   prefix   16 B   magic "NA64RUN\0", format major u16, minor u16, reserved u32 (0)
//   HEADER        record: JSON  run number, start time, software versions
//   SNAPSHOT      record: JSON  preset, setup/calibration, per-board CONFIG payload + hash, HELLO
//   FRAME ...     record: one sealed protocol frame exactly as received (envelope included)
//   SPILL_INDEX   record: binary, after each spill's frames (see encodeSpillIndex)
//   ... more FRAME / SPILL_INDEX ...
//   TRAILER       record: JSON  end time, totals; written only by a clean close
//
// Every record: [header 16 B: kind u8, flags u8 = 0, boardId u16, bodyBytes u32, timeMs f64][body][crc32 u32]
// timeMs is the host's receive (or write) time in ms since the Unix epoch; the CRC-32 covers the
// record header and body. A reader stops at the first record that is incomplete or fails its CRC:
// everything before it is intact, and the last SPILL_INDEX before it marks the last complete spill.
import { crc32 } from "node:zlib";
import { FRAME_OFFSET_BYTES, PREFIX_AFTER_MAGIC, RECORD_HEADER, RUN_MAGIC, SPILL_INDEX_BOARD, SPILL_INDEX_HEAD, readStruct, writeStruct } from "./layout";

export { RUN_MAGIC };
export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;
/**
 * Spill number of the index a writer closes the run with when frames arrived after the last spill
 * (run-control answers, heartbeats): the epilogue segment, so that every frame is indexed.
 */
export const EPILOGUE_SPILL = 0xffffffff;
export const PREFIX_BYTES = RUN_MAGIC.length + PREFIX_AFTER_MAGIC.bytes;
export const RECORD_HEADER_BYTES = RECORD_HEADER.bytes;
/** The record's CRC-32 after its body (u32). */
export const RECORD_TRAILER_BYTES = 4;
export const RECORD_OVERHEAD = RECORD_HEADER_BYTES + RECORD_TRAILER_BYTES;
/** Largest record body a reader accepts; anything larger is taken as a corrupt length. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Record header `kind`. */
export const enum RecordKind {
  /** JSON (RunHeader): run number, start time, software versions. Always the first record. */
  HEADER = 1,
  /** JSON (RunSnapshot): the configuration the run was taken with. Always the second record. */
  SNAPSHOT = 2,
  /** One sealed protocol frame, envelope included, byte for byte as received. */
  FRAME = 3,
  /** Binary: closes a spill's segment of FRAME records (layout below). */
  SPILL_INDEX = 4,
  /** JSON (RunTrailer): end time and totals. Written only by a clean close; always the last record. */
  TRAILER = 5,
}

export const RECORD_NAMES: Record<number, string> = {
  [RecordKind.HEADER]: "HEADER",
  [RecordKind.SNAPSHOT]: "SNAPSHOT",
  [RecordKind.FRAME]: "FRAME",
  [RecordKind.SPILL_INDEX]: "SPILL_INDEX",
  [RecordKind.TRAILER]: "TRAILER",
};

export function encodePrefix(): Buffer {
  const b = Buffer.alloc(PREFIX_BYTES);
  RUN_MAGIC.copy(b, 0);
  writeStruct(PREFIX_AFTER_MAGIC, b, RUN_MAGIC.length, { formatMajor: FORMAT_MAJOR, formatMinor: FORMAT_MINOR, reserved: 0 });
  return b;
}

/** The prefix's version fields (after the magic, which the caller compares with RUN_MAGIC). */
export function readPrefixVersion(prefix: Buffer): { formatMajor: number; formatMinor: number } {
  return readStruct(PREFIX_AFTER_MAGIC, prefix, RUN_MAGIC.length);
}

/**
 * A record's CRC: CRC-32 as zlib computes it (reflected polynomial 0xEDB88320, initial value and
 * final XOR 0xFFFFFFFF; "123456789" gives 0xCBF43926), over the record header and body.
 */
export function recordCrc(headerAndBody: Uint8Array): number {
  return crc32(headerAndBody);
}

/** Write one record (header, body, CRC) into `out` at `o`; returns the end offset. */
export function writeRecord(out: Buffer, o: number, kind: RecordKind, boardId: number, timeMs: number, body: Uint8Array): number {
  writeStruct(RECORD_HEADER, out, o, { kind, flags: 0, boardId, bodyBytes: body.length, timeMs });
  out.set(body, o + RECORD_HEADER_BYTES);
  const end = o + RECORD_HEADER_BYTES + body.length;
  out.writeUInt32LE(recordCrc(out.subarray(o, end)), end);
  return end + RECORD_TRAILER_BYTES;
}

export interface RecordHeader {
  kind: number;
  flags: number;
  boardId: number;
  bodyBytes: number;
  timeMs: number;
}

export function readRecordHeader(b: Buffer, o: number): RecordHeader {
  return readStruct(RECORD_HEADER, b, o);
}

export function recordCrcOk(b: Buffer, o: number, bodyBytes: number): boolean {
  const end = o + RECORD_HEADER_BYTES + bodyBytes;
  return recordCrc(b.subarray(o, end)) === b.readUInt32LE(end);
}

// ---- SPILL_INDEX body -------------------------------------------------------------------------

/** Per-board counts of one spill's frames. */
export interface BoardSpillCounts {
  boardId: number;
  frames: number;
  /** Frame bytes (envelopes included). */
  bytes: number;
  /** EVENT and TRIGGER frames. */
  dataFrames: number;
  firstSeq: number;
  lastSeq: number;
}

export interface SpillIndexBody {
  spillNumber: number;
  /** File offset of the first record after the previous index (or after the snapshot). */
  segmentStart: number;
  /** File offset of the previous SPILL_INDEX record, -1 for the first. */
  prevIndexOffset: number;
  boards: BoardSpillCounts[];
  /** Offsets of this spill's FRAME records, relative to segmentStart. */
  frameOffsets: Uint32Array;
}

const INDEX_FIXED = SPILL_INDEX_HEAD.bytes;
const INDEX_BOARD = SPILL_INDEX_BOARD.bytes;

export function encodeSpillIndex(x: SpillIndexBody): Buffer {
  const n = x.frameOffsets.length;
  const b = Buffer.alloc(INDEX_FIXED + x.boards.length * INDEX_BOARD + FRAME_OFFSET_BYTES * n);
  writeStruct(SPILL_INDEX_HEAD, b, 0, { spillNumber: x.spillNumber, frameCount: n, segmentStart: x.segmentStart, prevIndexOffset: x.prevIndexOffset, boardCount: x.boards.length });
  let o = INDEX_FIXED;
  for (const c of x.boards) {
    writeStruct(SPILL_INDEX_BOARD, b, o, c);
    o += INDEX_BOARD;
  }
  for (let i = 0; i < n; i++, o += FRAME_OFFSET_BYTES) b.writeUInt32LE(x.frameOffsets[i]!, o);
  return b;
}

/** Decode a SPILL_INDEX body; a body whose counts do not match its length throws an Error naming both. */
export function decodeSpillIndex(b: Buffer): SpillIndexBody {
  if (b.length < INDEX_FIXED) throw new Error(`spill index body of ${b.length} bytes is shorter than ${INDEX_FIXED}`);
  const head = readStruct(SPILL_INDEX_HEAD, b, 0);
  const n = head.frameCount;
  const need = INDEX_FIXED + head.boardCount * INDEX_BOARD + FRAME_OFFSET_BYTES * n;
  if (b.length !== need) throw new Error(`spill index body of ${b.length} bytes, its counts need ${need}`);
  const boards: BoardSpillCounts[] = [];
  let o = INDEX_FIXED;
  for (let i = 0; i < head.boardCount; i++, o += INDEX_BOARD) boards.push(readStruct(SPILL_INDEX_BOARD, b, o));
  const frameOffsets = new Uint32Array(n);
  for (let i = 0; i < n; i++, o += FRAME_OFFSET_BYTES) frameOffsets[i] = b.readUInt32LE(o);
  return { spillNumber: head.spillNumber, segmentStart: head.segmentStart, prevIndexOffset: head.prevIndexOffset, boards, frameOffsets };
}
