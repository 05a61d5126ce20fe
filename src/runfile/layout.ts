// The fixed binary layouts of a run file as data: the prefix, the record header and the SPILL_INDEX
// body. format.ts reads and writes them through these tables, and src/runfile/README.md's tables are
// generated from them (`npm run codegen`), so the code and the document cannot disagree.
// Little-endian throughout.

export type FieldType = "u8" | "u16" | "u32" | "f64";

export interface LayoutField {
  readonly name: string;
  readonly type: FieldType;
  readonly doc: string;
}

export const FIELD_BYTES: Record<FieldType, number> = { u8: 1, u16: 2, u32: 4, f64: 8 };

export interface Layout<N extends string> {
  readonly fields: readonly LayoutField[];
  /** Byte offset of each field. */
  readonly offset: Readonly<Record<N, number>>;
  readonly bytes: number;
}

export function layout<const F extends readonly LayoutField[]>(fields: F): Layout<F[number]["name"]> {
  const offset: Record<string, number> = {};
  let o = 0;
  for (const f of fields) {
    offset[f.name] = o;
    o += FIELD_BYTES[f.type];
  }
  return { fields, offset: offset as Record<F[number]["name"], number>, bytes: o };
}

export function readField(b: Buffer, at: number, type: FieldType): number {
  switch (type) {
    case "u8":
      return b[at]!;
    case "u16":
      return b.readUInt16LE(at);
    case "u32":
      return b.readUInt32LE(at);
    case "f64":
      return b.readDoubleLE(at);
  }
}

export function writeField(b: Buffer, at: number, type: FieldType, v: number): void {
  switch (type) {
    case "u8":
      b[at] = v;
      return;
    case "u16":
      b.writeUInt16LE(v, at);
      return;
    case "u32":
      b.writeUInt32LE(v, at);
      return;
    case "f64":
      b.writeDoubleLE(v, at);
      return;
  }
}

export function readStruct<N extends string>(l: Layout<N>, b: Buffer, o: number): Record<N, number> {
  const out = {} as Record<N, number>;
  for (const f of l.fields) out[f.name as N] = readField(b, o + l.offset[f.name as N], f.type);
  return out;
}

export function writeStruct<N extends string>(l: Layout<N>, b: Buffer, o: number, v: Readonly<Record<N, number>>): void {
  for (const f of l.fields) writeField(b, o + l.offset[f.name as N], f.type, v[f.name as N]);
}

/** The 8 bytes a run file starts with: ASCII "NA64RUN" and a zero byte. */
export const RUN_MAGIC = Buffer.from("NA64RUN\0", "latin1");

/** After the 8 magic bytes. */
export const PREFIX_AFTER_MAGIC = layout([
  { name: "formatMajor", type: "u16", doc: "Run-file format major version; a reader refuses another major." },
  { name: "formatMinor", type: "u16", doc: "Run-file format minor version." },
  { name: "reserved", type: "u32", doc: "Zero." },
] as const);

export const RECORD_HEADER = layout([
  { name: "kind", type: "u8", doc: "RecordKind (record kinds below)." },
  { name: "flags", type: "u8", doc: "Zero (a reader stops at a record whose flags are not)." },
  { name: "boardId", type: "u16", doc: "FRAME: the board whose connection delivered the frame; 0 for the other kinds." },
  { name: "bodyBytes", type: "u32", doc: "Bytes of the body that follows this header." },
  { name: "timeMs", type: "f64", doc: "The host's receive time (FRAME) or write time (the other kinds), ms since the Unix epoch (1970-01-01 UTC)." },
] as const);

/** The fixed part of a SPILL_INDEX body; the per-board entries and the frame offsets follow it. */
export const SPILL_INDEX_HEAD = layout([
  { name: "spillNumber", type: "u32", doc: "The spill the index closes; 0xFFFFFFFF for the end-of-run index." },
  { name: "frameCount", type: "u32", doc: "FRAME records in the segment: the number of frame offsets at the end of the body." },
  { name: "segmentStart", type: "f64", doc: "File offset of the segment's first record: the record after the previous SPILL_INDEX, or after the SNAPSHOT for the first. An integer held in an f64." },
  { name: "prevIndexOffset", type: "f64", doc: "File offset of the previous SPILL_INDEX record, -1 for the first. An integer held in an f64." },
  { name: "boardCount", type: "u16", doc: "Per-board entries that follow." },
] as const);

/** One per board that delivered frames in the segment, in increasing boardId. */
export const SPILL_INDEX_BOARD = layout([
  { name: "boardId", type: "u16", doc: "The board (FRAME records' boardId)." },
  { name: "frames", type: "u32", doc: "Its FRAME records in the segment, every message type." },
  { name: "bytes", type: "u32", doc: "Their frame bytes, envelopes included." },
  { name: "dataFrames", type: "u32", doc: "Of those, READOUT, EVENT and TRIGGER frames (data frames: not SCALERS, STATUS, LOG or any other type)." },
  { name: "firstSeq", type: "u32", doc: "Envelope seq of its first frame in the segment." },
  { name: "lastSeq", type: "u32", doc: "Envelope seq of its last frame in the segment." },
] as const);

/** Bytes of one frame offset at the end of a SPILL_INDEX body (u32, relative to segmentStart). */
export const FRAME_OFFSET_BYTES = 4;
