// One complete frame (protocol/frame.ts): every failure is a typed ProtocolError that names the
// field and the value; whatever the decoder accepts re-encodes to exactly the same bytes.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeFrame, encodeFrame, frameCheck } from "../../protocol/frame";
import { configHash } from "../../protocol/config-hash";
import {
  BadMagicError,
  CheckMismatchError,
  FieldValueError,
  OversizeLengthError,
  PayloadDecodeError,
  ProtocolError,
  TruncatedFrameError,
  UnknownTypeError,
  UnsupportedVersionError,
} from "../../protocol/errors";
import { ENV_OFF } from "../../protocol/schema/envelope";
import { MESSAGES, type ConfigMsg, type EventMsg } from "../../protocol/schema/messages";
import { HEADER_BYTES, MAX_PAYLOAD_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { loadGolden } from "../../protocol/golden/vectors";
import { frameArb, normalise, reseal } from "./frames";
import { createHash } from "node:crypto";

const event: EventMsg = {
  spillNumber: 3,
  triggerNumber: 1001,
  timestampTicks: 77,
  configHash: 0xcafe,
  triggerType: 1,
  eventFlags: 0,
  energySumKeV: 1000,
  hits: { n: 2, channel: [4, 5], amplitudeAdc: [100, 200], timeQ8: [3584, 3600], flags: [4, 4] },
};
const good = () => encodeFrame("EVENT", event, { source: 3, seq: 42 });

function errorOf(f: () => unknown): ProtocolError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error("expected a ProtocolError, nothing was thrown");
}

describe("decodeFrame", () => {
  it("decodes a valid frame: envelope fields and body", () => {
    const f = decodeFrame(good());
    expect(f).toMatchObject({ name: "EVENT", type: 9, source: 3, seq: 42, major: PROTO_MAJOR, minor: PROTO_MINOR, bytes: good().length });
    expect(f.body).toEqual(event);
  });

  it("decodes a frame in the middle of a larger buffer", () => {
    const g = good();
    const buf = Buffer.concat([Buffer.from([1, 2, 3]), g, Buffer.from([9])]);
    expect(decodeFrame(buf, 3).body).toEqual(event);
  });

  it("bad magic names envelope.magic and the value read", () => {
    const g = good();
    g[0] = 0x00;
    const e = errorOf(() => decodeFrame(g));
    expect(e).toBeInstanceOf(BadMagicError);
    expect(e).toMatchObject({ code: "BAD_MAGIC", field: "envelope.magic", value: 0xa600 });
    expect(e.message).toContain("0xa600");
  });

  it("another major version names envelope.version, both versions, and is detected after the check", () => {
    const e = errorOf(() => decodeFrame(reseal(good(), { version: 0x23 })));
    expect(e).toBeInstanceOf(UnsupportedVersionError);
    expect(e).toMatchObject({ code: "UNSUPPORTED_VERSION", field: "envelope.version", value: 0x23, major: 2, minor: 3, supportedMajor: PROTO_MAJOR });
    expect(e.message).toContain("2.3");
  });

  it("an unknown type names envelope.type, the value, the frame's minor, its source and seq", () => {
    const e = errorOf(() => decodeFrame(reseal(good(), { type: 0x7f, version: (PROTO_MAJOR << 4) | (PROTO_MINOR + 1) })));
    expect(e).toBeInstanceOf(UnknownTypeError);
    expect(e).toMatchObject({ code: "UNKNOWN_TYPE", field: "envelope.type", value: 0x7f, minor: PROTO_MINOR + 1, source: 3, seq: 42 });
    expect(e.message).toBe(`unknown type 0x7f from board 3, ignored (seq 42, frame minor version ${PROTO_MINOR + 1})`);
  });

  it("an oversize length names envelope.length before any payload is read", () => {
    const g = good();
    g.writeUInt16LE(MAX_PAYLOAD_BYTES + 1, ENV_OFF.length);
    const e = errorOf(() => decodeFrame(g));
    expect(e).toBeInstanceOf(OversizeLengthError);
    expect(e).toMatchObject({ code: "OVERSIZE_LENGTH", field: "envelope.length", value: MAX_PAYLOAD_BYTES + 1 });
  });

  it("a check mismatch names envelope.check, the stored and the computed check", () => {
    const g = good();
    g[HEADER_BYTES + 5] ^= 0x10;
    const stored = g.readUInt32LE(ENV_OFF.check);
    const e = errorOf(() => decodeFrame(g)) as CheckMismatchError;
    expect(e).toBeInstanceOf(CheckMismatchError);
    expect(e).toMatchObject({ code: "CHECK_MISMATCH", field: "envelope.check", value: stored, expected: frameCheck(g), type: 9, seq: 42 });
    expect(e.expected).not.toBe(stored);
  });

  it("a truncated frame names envelope.length and how many bytes were there", () => {
    const g = good();
    expect(errorOf(() => decodeFrame(g.subarray(0, g.length - 1)))).toMatchObject({ code: "TRUNCATED_FRAME", field: "envelope.length", value: g.length - 1 });
    expect(errorOf(() => decodeFrame(g.subarray(0, 10)))).toBeInstanceOf(TruncatedFrameError);
    expect(errorOf(() => decodeFrame(g.subarray(0, 10)))).toMatchObject({ value: 10 });
  });

  it("a payload the schema refuses names the message field (check valid)", () => {
    // Hit count 200 > 72.
    const g = good();
    g[HEADER_BYTES + 22] = 200;
    const e = errorOf(() => decodeFrame(reseal(g, {})));
    expect(e).toBeInstanceOf(PayloadDecodeError);
    expect(e).toMatchObject({ code: "PAYLOAD_DECODE", field: "EVENT.hits", value: 200 });
    expect(e.message).toContain("count 200 exceeds 72");
    // A payload shorter than its fixed part: the value is the bytes that were there.
    const ack = encodeFrame("ACK", { ackSeq: 1, windowFrames: 2 }, { source: 0, seq: 1 });
    expect(errorOf(() => decodeFrame(reseal(ack, { cut: 1 })))).toMatchObject({ code: "PAYLOAD_DECODE", field: "ACK.ackSeq", value: 5 });
    // Elements promised by the count but missing: 2 hits need 12 bytes, 9 are left.
    const short = errorOf(() => decodeFrame(reseal(good(), { cut: 3 })));
    expect(short).toMatchObject({ code: "PAYLOAD_DECODE", field: "EVENT.hits", value: 9 });
    expect(short.message).toContain("needs 12 more bytes, 9 left");
    // Trailing bytes in a frame of this minor.
    const e2 = errorOf(() => decodeFrame(reseal(ack, { append: new Uint8Array([1, 2]) })));
    expect(e2).toMatchObject({ code: "PAYLOAD_DECODE", field: "ACK", value: 2 });
    expect(e2.message).toContain("2 trailing bytes");
  });

  it("LOG text must be valid UTF-8 on the wire and well-formed on encode", () => {
    const log = encodeFrame("LOG", { level: 1, code: 0, arg0: 0, arg1: 0, text: "ab" }, { source: 1, seq: 1 });
    const bad = Buffer.from(log);
    bad[bad.length - 1] = 0xc3; // a lead byte with no continuation
    const utf8 = errorOf(() => decodeFrame(reseal(bad, {})));
    expect(utf8).toMatchObject({ code: "PAYLOAD_DECODE", field: "LOG.text" });
    expect(Buffer.from(utf8.value as Uint8Array).toString("hex")).toBe("61c3");
    const e = errorOf(() => encodeFrame("LOG", { level: 1, code: 0, arg0: 0, arg1: 0, text: "a\uD800b" }, { source: 1, seq: 1 }));
    expect(e).toBeInstanceOf(FieldValueError);
    expect(e).toMatchObject({ field: "LOG.text", value: "a\uD800b" });
    // A leading byte-order mark is a character like any other and survives the round trip.
    const bom = encodeFrame("LOG", { level: 1, code: 0, arg0: 0, arg1: 0, text: "\uFEFFx" }, { source: 1, seq: 1 });
    expect((decodeFrame(bom).body as { text: string }).text).toBe("\uFEFFx");
  });

  it("a non-finite f32 on the wire is a payload error naming the field", () => {
    const nack = encodeFrame("CONFIG_NACK", { configVersion: 1, reason: 1, fieldId: 3, index: 0xffff, value: 1.5 }, { source: 2, seq: 5 });
    const g = Buffer.from(nack);
    g.writeFloatLE(Number.NaN, g.length - 4);
    expect(errorOf(() => decodeFrame(reseal(g, {})))).toMatchObject({ code: "PAYLOAD_DECODE", field: "CONFIG_NACK.value", value: Number.NaN });
  });

  it("the check is SHA-256 of the frame with the check field zeroed, first 4 bytes little-endian", () => {
    const g = good();
    // Computed independently: SHA-256 (node:crypto) over the bytes before and after the check
    // field with four zero bytes in its place, first 4 bytes of the digest little-endian.
    const o = ENV_OFF.check;
    const digest = createHash("sha256").update(g.subarray(0, o)).update(Buffer.alloc(4)).update(g.subarray(o + 4)).digest();
    const want = digest[0]! + digest[1]! * 2 ** 8 + digest[2]! * 2 ** 16 + digest[3]! * 2 ** 24;
    expect(g.readUInt32LE(o)).toBe(want); // what encodeFrame wrote
    const before = Buffer.from(g);
    expect(frameCheck(g)).toBe(want);
    expect(g.equals(before)).toBe(true); // frameCheck restored the field it zeroed
    // The check field's content does not enter the check.
    g.writeUInt32LE(0x12345678, o);
    expect(frameCheck(g)).toBe(want);
    expect(g.readUInt32LE(o)).toBe(0x12345678);
  });

  it("configHash is SHA-256 of the CONFIG payload (the realistic EVENT and HELLO carry it)", () => {
    const golden = loadGolden();
    const cfg = golden.find((g) => g.name === "CONFIG/ecal-main-36ch")!;
    const payload = Buffer.from(cfg.hex, "hex").subarray(HEADER_BYTES);
    const want = createHash("sha256").update(payload).digest().readUInt32LE(0);
    expect(configHash(cfg.values as ConfigMsg)).toBe(want);
    expect(golden.find((g) => g.name === "EVENT/ecal-70GeV-shower")!.values.configHash).toBe(want);
    expect(golden.find((g) => g.name === "HELLO/ecal-main-configured")!.values.configHash).toBe(want);
  });
});

describe("decodeFrame properties", () => {
  it("every valid message round-trips", () => {
    fc.assert(
      fc.property(frameArb(20), (v) => {
        const f = decodeFrame(v.bytes);
        expect(f).toMatchObject({ name: v.name, source: v.source, seq: v.seq, bytes: v.bytes.length });
        expect(normalise(f.body)).toEqual(normalise(v.body));
      }),
      { numRuns: 300 },
    );
  });

  it("random bytes: a typed error or a frame, never anything else", () => {
    const magicHeavy = fc.uint8Array({ maxLength: 80 }).map((b) => Buffer.concat([Buffer.from([0x4e, 0xa6, 0x10]), b]));
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 80 }), magicHeavy), (b) => {
        try {
          decodeFrame(b);
        } catch (e) {
          expect(e).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("random payloads under a valid check: a PayloadDecodeError, or a frame that re-encodes to the same bytes", () => {
    // The decoders are canonical: nothing they accept can be re-encoded differently.
    const arb = fc.record({
      type: fc.constantFrom(...MESSAGES.map((m) => m.type)),
      payload: fc.oneof(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ minLength: 20, maxLength: 600 })),
      source: fc.integer({ min: 0, max: 0xffff }),
      seq: fc.integer({ min: 0, max: 0xffffffff }),
    });
    let decoded = 0;
    fc.assert(
      fc.property(arb, ({ type, payload, source, seq }) => {
        const head = Buffer.alloc(HEADER_BYTES);
        head.writeUInt16LE(0xa64e, 0);
        head[2] = (PROTO_MAJOR << 4) | PROTO_MINOR;
        head[3] = type;
        head.writeUInt16LE(source, 4);
        head.writeUInt32LE(seq, 8);
        const frame = reseal(Buffer.concat([head, payload]), {});
        let f;
        try {
          f = decodeFrame(frame);
        } catch (e) {
          expect(e).toBeInstanceOf(PayloadDecodeError);
          return;
        }
        decoded++;
        expect(encodeFrame(f.name, f.body as never, { source: f.source, seq: f.seq }).toString("hex")).toBe(frame.toString("hex"));
      }),
      { numRuns: 1500 },
    );
    expect(decoded).toBeGreaterThan(0);
  });
});
