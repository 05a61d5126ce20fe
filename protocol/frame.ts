// Host-side frame envelope: building sealed frames and verifying one complete frame.
// The streaming reader (partial/concatenated frames, resynchronisation) is in stream.ts.
import { hash } from "node:crypto";
import { CODECS, codecForType, type MessageBodies, type MessageName } from "./codecs";
import { decodeEnvelope, encodeEnvelope } from "./generated/host-codec";
import {
  CheckMismatchError,
  OversizeLengthError,
  BadMagicError,
  TruncatedFrameError,
  UnknownTypeError,
  UnsupportedVersionError,
} from "./errors";
import { ENV_OFF } from "./schema/envelope";
import { FRAME_MAGIC, HEADER_BYTES, MAX_PAYLOAD_BYTES, PROTO_MAJOR, PROTO_MINOR } from "./schema/limits";

/** A decoded frame: envelope fields plus the typed body. */
export type Frame = {
  [K in MessageName]: {
    name: K;
    type: number;
    source: number;
    seq: number;
    major: number;
    minor: number;
    body: MessageBodies[K];
    /** Total bytes on the wire. */
    bytes: number;
    /** The sealed frame exactly as received (a view into the receive buffer, which is not reused). */
    raw: Uint8Array;
  };
}[MessageName];

export interface FrameHeader {
  source: number;
  seq: number;
  /** Override the version byte (tests of the versioning rule). */
  major?: number;
  minor?: number;
}

/**
 * The frame check: the first 4 bytes of SHA-256 over the whole frame with the check field zeroed,
 * read as a little-endian u32. The check bytes of `frame` are restored before returning.
 */
export function frameCheck(frame: Uint8Array): number {
  const o = ENV_OFF.check;
  const saved0 = frame[o]!, saved1 = frame[o + 1]!, saved2 = frame[o + 2]!, saved3 = frame[o + 3]!;
  frame[o] = frame[o + 1] = frame[o + 2] = frame[o + 3] = 0;
  const d = hash("sha256", frame, "buffer");
  frame[o] = saved0;
  frame[o + 1] = saved1;
  frame[o + 2] = saved2;
  frame[o + 3] = saved3;
  return (d[0]! | (d[1]! << 8) | (d[2]! << 16) | (d[3]! << 24)) >>> 0;
}

/** Build one sealed frame. Range errors name the message field and value (FieldRangeError). */
export function encodeFrame<K extends MessageName>(name: K, body: MessageBodies[K], h: FrameHeader): Buffer {
  const codec = CODECS[name];
  const len = codec.size(body);
  if (len > MAX_PAYLOAD_BYTES) throw new OversizeLengthError(len, MAX_PAYLOAD_BYTES);
  const buf = Buffer.alloc(HEADER_BYTES + len);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  encodeEnvelope(dv, 0, {
    magic: FRAME_MAGIC,
    version: ((h.major ?? PROTO_MAJOR) << 4) | (h.minor ?? PROTO_MINOR),
    type: codec.type,
    source: h.source,
    length: len,
    seq: h.seq,
    check: 0,
  });
  const end = codec.encode(dv, HEADER_BYTES, body);
  if (end !== buf.length) throw new Error(`internal: ${name} encoded ${end - HEADER_BYTES} bytes, sized ${len}`);
  dv.setUint32(ENV_OFF.check, frameCheck(buf), true);
  return buf;
}

/**
 * Decode exactly one complete frame occupying `buf[start, start + HEADER_BYTES + length)`.
 * Throws a typed ProtocolError naming the field and value on any problem.
 */
export function decodeFrame(buf: Uint8Array, start = 0): Frame {
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const have = buf.length - start;
  if (have < HEADER_BYTES) throw new TruncatedFrameError(have, HEADER_BYTES);
  const env = decodeEnvelope(dv, start, start + HEADER_BYTES, PROTO_MINOR);
  if (env.magic !== FRAME_MAGIC) throw new BadMagicError(env.magic, FRAME_MAGIC);
  if (env.length > MAX_PAYLOAD_BYTES) throw new OversizeLengthError(env.length, MAX_PAYLOAD_BYTES);
  const total = HEADER_BYTES + env.length;
  if (have < total) throw new TruncatedFrameError(have, total);
  const frame = buf.subarray(start, start + total);
  const expected = frameCheck(frame);
  if (expected !== env.check) throw new CheckMismatchError(env.check, expected, env.type, env.seq);
  const major = env.version >> 4;
  const minor = env.version & 0x0f;
  if (major !== PROTO_MAJOR) throw new UnsupportedVersionError(major, minor, PROTO_MAJOR);
  const codec = codecForType(env.type);
  if (!codec) throw new UnknownTypeError(env.type, minor, env.source, env.seq);
  const body = codec.decode(dv, start + HEADER_BYTES, start + total, minor);
  return {
    name: codec.name,
    type: env.type,
    source: env.source,
    seq: env.seq,
    major,
    minor,
    body,
    bytes: total,
    raw: frame,
  } as Frame;
}
