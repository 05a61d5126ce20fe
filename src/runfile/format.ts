// Run file layout (little-endian). Append-only:
//
//   prefix   16 B   magic "NA64RUN\0", format major u16, minor u16, reserved u32 (0)
//   HEADER        record: JSON  run number, start time, software versions
//   SNAPSHOT      record: JSON  preset, setup/calibration, per-board CONFIG payload + hash, HELLO
//   FRAME ...     record: one sealed protocol frame exactly as received (envelope included)
//   SPILL_INDEX   record: binary, after each spill's frames (see encodeSpillIndex)
//   ... more FRAME / SPILL_INDEX ...
//   TRAILER       record: JSON  end time, totals; written only by a clean close
//
// Every record: [kind u8][flags u8 = 0][boardId u16][bodyBytes u32][timeMs f64][body][crc32 u32]
// timeMs is the host's receive (or write) time in ms since the Unix epoch; the CRC-32 covers the
// record header and body. A reader stops at the first record that is incomplete or fails its CRC:
// everything before it is intact, and the last SPILL_INDEX before it marks the last complete spill.
import { crc32 } from "node:zlib";

export const RUN_MAGIC = Buffer.from("NA64RUN\0", "latin1");
export const FORMAT_MAJOR = 1;
export const FORMAT_MINOR = 0;
/**
 * Spill number of the index a writer closes the run with when frames arrived after the last spill
 * (run-control answers, heartbeats): the epilogue segment, so that every frame is indexed.
 */
export const EPILOGUE_SPILL = 0xffffffff;
export const PREFIX_BYTES = 16;
export const RECORD_HEADER_BYTES = 16;
export const RECORD_TRAILER_BYTES = 4;
export const RECORD_OVERHEAD = RECORD_HEADER_BYTES + RECORD_TRAILER_BYTES;
/** Largest record body a reader accepts; anything larger is taken as a corrupt length. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const enum RecordKind {
  HEADER = 1,
  SNAPSHOT = 2,
  FRAME = 3,
  SPILL_INDEX = 4,
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
  b.writeUInt16LE(FORMAT_MAJOR, 8);
  b.writeUInt16LE(FORMAT_MINOR, 10);
  return b;
}

/** Write one record (header, body, CRC) into `out` at `o`; returns the end offset. */
export function writeRecord(out: Buffer, o: number, kind: RecordKind, boardId: number, timeMs: number, body: Uint8Array): number {
  out[o] = kind;
  out[o + 1] = 0;
  out.writeUInt16LE(boardId, o + 2);
  out.writeUInt32LE(body.length, o + 4);
  out.writeDoubleLE(timeMs, o + 8);
  out.set(body, o + RECORD_HEADER_BYTES);
  const end = o + RECORD_HEADER_BYTES + body.length;
  out.writeUInt32LE(crc32(out.subarray(o, end)), end);
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
  return { kind: b[o]!, flags: b[o + 1]!, boardId: b.readUInt16LE(o + 2), bodyBytes: b.readUInt32LE(o + 4), timeMs: b.readDoubleLE(o + 8) };
}

export function recordCrcOk(b: Buffer, o: number, bodyBytes: number): boolean {
  const end = o + RECORD_HEADER_BYTES + bodyBytes;
  return crc32(b.subarray(o, end)) === b.readUInt32LE(end);
}

// ---- SPILL_INDEX body -------------------------------------------------------------------------

/** Per-board counts of one spill's frames. */
export interface BoardSpillCounts {
  boardId: number;
  frames: number;
  /** Frame bytes (envelopes included). */
  bytes: number;
  /** EVENT, TRIGGER and READOUT frames. */
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

const INDEX_FIXED = 26;
const INDEX_BOARD = 22;

export function encodeSpillIndex(x: SpillIndexBody): Buffer {
  const n = x.frameOffsets.length;
  const b = Buffer.alloc(INDEX_FIXED + x.boards.length * INDEX_BOARD + 4 * n);
  b.writeUInt32LE(x.spillNumber, 0);
  b.writeUInt32LE(n, 4);
  b.writeDoubleLE(x.segmentStart, 8);
  b.writeDoubleLE(x.prevIndexOffset, 16);
  b.writeUInt16LE(x.boards.length, 24);
  let o = INDEX_FIXED;
  for (const c of x.boards) {
    b.writeUInt16LE(c.boardId, o);
    b.writeUInt32LE(c.frames, o + 2);
    b.writeUInt32LE(c.bytes, o + 6);
    b.writeUInt32LE(c.dataFrames, o + 10);
    b.writeUInt32LE(c.firstSeq, o + 14);
    b.writeUInt32LE(c.lastSeq, o + 18);
    o += INDEX_BOARD;
  }
  for (let i = 0; i < n; i++, o += 4) b.writeUInt32LE(x.frameOffsets[i]!, o);
  return b;
}

/** Decode a SPILL_INDEX body; a body whose counts do not match its length throws an Error naming both. */
export function decodeSpillIndex(b: Buffer): SpillIndexBody {
  if (b.length < INDEX_FIXED) throw new Error(`spill index body of ${b.length} bytes is shorter than ${INDEX_FIXED}`);
  const n = b.readUInt32LE(4);
  const nb = b.readUInt16LE(24);
  const need = INDEX_FIXED + nb * INDEX_BOARD + 4 * n;
  if (b.length !== need) throw new Error(`spill index body of ${b.length} bytes, its counts need ${need}`);
  const boards: BoardSpillCounts[] = [];
  let o = INDEX_FIXED;
  for (let i = 0; i < nb; i++, o += INDEX_BOARD)
    boards.push({
      boardId: b.readUInt16LE(o),
      frames: b.readUInt32LE(o + 2),
      bytes: b.readUInt32LE(o + 6),
      dataFrames: b.readUInt32LE(o + 10),
      firstSeq: b.readUInt32LE(o + 14),
      lastSeq: b.readUInt32LE(o + 18),
    });
  const frameOffsets = new Uint32Array(n);
  for (let i = 0; i < n; i++, o += 4) frameOffsets[i] = b.readUInt32LE(o);
  return { spillNumber: b.readUInt32LE(0), segmentStart: b.readDoubleLE(8), prevIndexOffset: b.readDoubleLE(16), boards, frameOffsets };
}
