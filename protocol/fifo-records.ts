// Host side of the front-end FIFO records: the simulator's hardware model writes them, tests and
// playback tools read them. The firmware reads the same bytes with the generated device codec.
import * as C from "./generated/host-codec";
import { FIFO_RECORDS } from "./schema/fifo";
import type * as F from "./schema/fifo";
import { FIFO_HEADER_BYTES } from "./schema/fifo";
import { PayloadDecodeError, FieldRangeError } from "./errors";
import { PROTO_MINOR } from "./schema/limits";

export interface FifoBodies {
  SPILL_BEGIN: F.FifoSpillBeginRec;
  EVENT: F.FifoEventRec;
  TRIGGER: F.FifoTriggerRec;
  SPILL_END: F.FifoSpillEndRec;
  FEATURES: F.FifoFeaturesRec;
}
export type FifoName = keyof FifoBodies;

export type FifoRecord = { [K in FifoName]: { name: K; kind: number; body: FifoBodies[K]; bytes: number } }[FifoName];

interface FifoCodec<T> {
  kind: number;
  size(v: T): number;
  encode(dv: DataView, o: number, v: T): number;
  decode(dv: DataView, o: number, end: number, minor: number): T;
}

function kindOf(name: FifoName): number {
  const r = FIFO_RECORDS.find((x) => x.name === name);
  if (!r) throw new Error(`no FIFO record ${name}`);
  return r.kind;
}

const FIFO_CODECS: { [K in FifoName]: FifoCodec<FifoBodies[K]> } = {
  SPILL_BEGIN: { kind: kindOf("SPILL_BEGIN"), size: C.sizeFifoSpillBegin, encode: C.encodeFifoSpillBegin, decode: C.decodeFifoSpillBegin },
  EVENT: { kind: kindOf("EVENT"), size: C.sizeFifoEvent, encode: C.encodeFifoEvent, decode: C.decodeFifoEvent },
  TRIGGER: { kind: kindOf("TRIGGER"), size: C.sizeFifoTrigger, encode: C.encodeFifoTrigger, decode: C.decodeFifoTrigger },
  SPILL_END: { kind: kindOf("SPILL_END"), size: C.sizeFifoSpillEnd, encode: C.encodeFifoSpillEnd, decode: C.decodeFifoSpillEnd },
  FEATURES: { kind: kindOf("FEATURES"), size: C.sizeFifoFeatures, encode: C.encodeFifoFeatures, decode: C.decodeFifoFeatures },
};

const NAME_BY_KIND = new Map<number, FifoName>(
  (Object.keys(FIFO_CODECS) as FifoName[]).map((n) => [FIFO_CODECS[n].kind, n]),
);

/** Size in bytes of one record, header included. */
export function fifoRecordSize<K extends FifoName>(name: K, body: FifoBodies[K]): number {
  return FIFO_HEADER_BYTES + (FIFO_CODECS[name] as FifoCodec<FifoBodies[K]>).size(body);
}

/** Write one record (header + body) at `o`; returns the offset after it. */
export function writeFifoRecord<K extends FifoName>(dv: DataView, o: number, name: K, body: FifoBodies[K]): number {
  const codec = FIFO_CODECS[name] as FifoCodec<FifoBodies[K]>;
  const length = FIFO_HEADER_BYTES + codec.size(body);
  if (length > 0xffff) throw new FieldRangeError(`FIFO_${name}`, "length", length, 0, 0xffff);
  C.encodeFifoHeader(dv, o, { kind: codec.kind, flags: 0, length });
  return codec.encode(dv, o + FIFO_HEADER_BYTES, body);
}

/** One record as a new buffer. */
export function encodeFifoRecord<K extends FifoName>(name: K, body: FifoBodies[K]): Buffer {
  const buf = Buffer.alloc(fifoRecordSize(name, body));
  writeFifoRecord(new DataView(buf.buffer, buf.byteOffset, buf.length), 0, name, body);
  return buf;
}

/** Decode every record in `buf` (concatenated records, as in an INJECT payload). */
export function decodeFifoRecords(buf: Uint8Array): FifoRecord[] {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const out: FifoRecord[] = [];
  let o = 0;
  while (o < buf.length) {
    const h = C.decodeFifoHeader(dv, o, Math.min(buf.length, o + FIFO_HEADER_BYTES), PROTO_MINOR);
    if (h.length < FIFO_HEADER_BYTES || o + h.length > buf.length)
      throw new PayloadDecodeError("FIFO_HEADER", "length", h.length, `record length ${h.length} at offset ${o} does not fit ${buf.length - o} bytes`);
    const name = NAME_BY_KIND.get(h.kind);
    if (!name) throw new PayloadDecodeError("FIFO_HEADER", "kind", h.kind, `unknown record kind ${h.kind} at offset ${o}`);
    const codec = FIFO_CODECS[name] as FifoCodec<unknown>;
    const body = codec.decode(dv, o + FIFO_HEADER_BYTES, o + h.length, PROTO_MINOR);
    out.push({ name, kind: h.kind, body, bytes: h.length } as FifoRecord);
    o += h.length;
  }
  return out;
}
