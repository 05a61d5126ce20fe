// Test helpers: valid frames of every message type (fast-check), and re-sealing a frame after
// changing its envelope or payload, so that a test can build a frame the encoder refuses to make
// (another version, an unknown type, appended bytes) with a correct check.
import fc from "fast-check";
import { encodeFrame, frameCheck } from "../../protocol/frame";
import { allLayouts } from "../../protocol/codegen/layouts";
import { MESSAGES } from "../../protocol/schema/messages";
import { ENV_OFF } from "../../protocol/schema/envelope";
import { HEADER_BYTES } from "../../protocol/schema/limits";
import type { MessageName } from "../../protocol/codecs";
import { valueArb } from "../support/arbitraries";

export interface ValidFrame {
  name: MessageName;
  source: number;
  seq: number;
  body: unknown;
  bytes: Buffer;
}

/** A valid sealed frame of any message type; variable fields hold at most `maxElements` items. */
export function frameArb(maxElements = 6): fc.Arbitrary<ValidFrame> {
  const byName = new Map(allLayouts().map((l) => [l.label, l.model]));
  return fc.constantFrom(...MESSAGES.map((m) => m.name)).chain((name) =>
    fc
      .record({
        body: valueArb(byName.get(name)!, { maxElements }),
        source: fc.integer({ min: 0, max: 0xffff }),
        seq: fc.integer({ min: 0, max: 0xffffffff }),
      })
      .map(({ body, source, seq }) => ({ name, source, seq, body, bytes: encodeFrame(name, body as never, { source, seq }) })),
  );
}

export interface Reseal {
  version?: number;
  type?: number;
  /** Bytes appended to the payload (the length field grows with them). */
  append?: Uint8Array;
  /** Bytes removed from the end of the payload. */
  cut?: number;
  /** Overrides the length field (after append/cut). */
  length?: number;
}

/** A copy of `frame` with envelope/payload changes and a correct check for the result. */
export function reseal(frame: Uint8Array, r: Reseal): Buffer {
  let f = Buffer.from(frame);
  if (r.cut) f = f.subarray(0, f.length - r.cut);
  if (r.append) f = Buffer.concat([f, r.append]);
  f = Buffer.from(f);
  if (r.version !== undefined) f[ENV_OFF.version] = r.version;
  if (r.type !== undefined) f[ENV_OFF.type] = r.type;
  f.writeUInt16LE(r.length ?? f.length - HEADER_BYTES, ENV_OFF.length);
  f.writeUInt32LE(frameCheck(f), ENV_OFF.check);
  return f;
}

/** JSON-comparable form: byte arrays as hex. */
export function normalise(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString("hex") : x)));
}

/** Split `data` at the given cut points (sorted, deduplicated, inside the buffer). */
export function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const pts = [...new Set(cuts.map((c) => Math.max(0, Math.min(data.length, c))))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...pts, data.length]) {
    if (p > prev) out.push(data.subarray(prev, p));
    prev = p;
  }
  return out;
}
