// The versioning rule of protocol/README.md, tested on the host codec, the stream and the device
// codec in the VM:
//  - an older receiver reads a newer minor: appended payload bytes ignored, unknown types skipped;
//  - a newer receiver reads an older minor: since() fields take their defaults (a host codec for a
//    test-only layout is generated with the real emitter into a temporary directory);
//  - other major versions are rejected and skipped by their length, the stream stays in sync.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeFrame, encodeFrame } from "../../protocol/frame";
import { FrameStream } from "../../protocol/stream";
import { PayloadDecodeError, ProtocolError, UnknownTypeError, UnsupportedVersionError } from "../../protocol/errors";
import { REPO_ROOT, staleFiles } from "../../protocol/codegen/output";
import { emitHostCodec } from "../../protocol/codegen/emit-host";
import { modelOf } from "../../protocol/codegen/model";
import { since } from "../../protocol/schema/custom";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { loadGolden } from "../../protocol/golden/vectors";
import { object, u8, u16 } from "typed-binary";
import { runVmTests, vmFailure } from "../support/devs";
import { normalise, reseal } from "./frames";
import {
  SAMPLE,
  VERSIONED_MINOR,
  expectedFrom,
  fullEncoding,
  newerMinorEvent,
  samplePayloads,
  versionFiles,
  versionedHostCodec,
  type VersionedRec,
} from "./versioned-schema";

const NEWER = (PROTO_MAJOR << 4) | (PROTO_MINOR + 1);
const golden = loadGolden();
const shower = golden.find((g) => g.name === "EVENT/ecal-70GeV-shower")!;
const showerFrame = () => encodeFrame("EVENT", shower.values as never, { source: 3, seq: 99 });
const ack = (seq: number) => encodeFrame("ACK", { ackSeq: seq, windowFrames: 8 }, { source: 0, seq });

describe("an older host reads a newer minor", () => {
  it("bytes appended to a known message are ignored", () => {
    const { frame } = newerMinorEvent();
    const f = decodeFrame(frame);
    expect(f.minor).toBe(PROTO_MINOR + 1);
    expect(normalise(f.body)).toEqual(normalise(shower.values));
  });

  it("the same appended bytes in a frame of its own minor are an error", () => {
    const f = reseal(showerFrame(), { append: Uint8Array.from([1, 2, 3]) });
    expect(() => decodeFrame(f)).toThrowError(PayloadDecodeError);
    expect(() => decodeFrame(f)).toThrowError(/3 trailing bytes/);
  });

  it("a message type it does not know is skipped by its length with UnknownTypeError; the stream stays in sync", () => {
    const unknown = reseal(ack(5), { type: 0x30, version: NEWER, append: Uint8Array.from([0x4e, 0xa6, 0x10, 0x09]) });
    const s = new FrameStream();
    const items = [...s.push(Buffer.concat([ack(4), unknown, ack(6)])), ...s.end()];
    expect(items.map((i) => (i.ok ? i.frame.seq : i.error.code))).toEqual([4, "UNKNOWN_TYPE", 6]);
    const e = items[1]!;
    expect(e.ok).toBe(false);
    if (!e.ok) {
      expect(e.error).toBeInstanceOf(UnknownTypeError);
      expect(e.error).toMatchObject({ field: "envelope.type", value: 0x30, minor: PROTO_MINOR + 1, source: 0, seq: 5 });
      expect(e.skippedBytes).toBe(unknown.length);
    }
  });
});

describe("other major versions", () => {
  for (const major of [0, PROTO_MAJOR + 1, 15].filter((m) => m !== PROTO_MAJOR))
    it(`major ${major} is rejected naming both versions, skipped by its length, the stream stays in sync`, () => {
      const other = reseal(showerFrame(), { version: (major << 4) | 2 });
      let err: unknown;
      try {
        decodeFrame(other);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedVersionError);
      expect(err).toMatchObject({ field: "envelope.version", value: (major << 4) | 2, major, minor: 2 });
      expect((err as Error).message).toContain(`${major}.2`);
      expect((err as Error).message).toContain(`major ${PROTO_MAJOR}`);
      const s = new FrameStream();
      const items = [...s.push(Buffer.concat([ack(1), other, ack(2)])), ...s.end()];
      expect(items.map((i) => (i.ok ? i.frame.seq : i.error.code))).toEqual([1, "UNSUPPORTED_VERSION", 2]);
      expect(items[1]!.ok ? 0 : items[1]!.skippedBytes).toBe(other.length);
    });
});

describe("a newer host reads an older minor (since() fields, generated host codec)", () => {
  type Codec = {
    decodeVersioned(dv: DataView, o: number, end: number, minor: number): VersionedRec;
    encodeVersioned(dv: DataView, o: number, v: VersionedRec): number;
    sizeVersioned(v: VersionedRec): number;
    OWN_MINOR: number;
  };
  let dir = "";
  let C: Codec;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "na64-versioned-"));
    const file = join(dir, "versioned-codec.ts");
    writeFileSync(file, versionedHostCodec(join(REPO_ROOT, "protocol/errors.ts"), join(REPO_ROOT, "test/protocol/versioned-schema.ts")));
    C = (await import(file)) as Codec;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const decode = (p: Uint8Array, minor: number) => C.decodeVersioned(new DataView(p.buffer, p.byteOffset, p.length), 0, p.length, minor);

  it("was generated for its own minor", () => {
    expect(C.OWN_MINOR).toBe(VERSIONED_MINOR);
  });

  it("each older minor's payload decodes with the defaults of the fields it did not have", () => {
    const p = samplePayloads();
    for (const minor of [0, 1, 2]) expect(decode(p[minor]!, minor), `minor ${minor}`).toEqual(expectedFrom(minor));
  });

  it("a newer minor's appended bytes are ignored", () => {
    expect(decode(samplePayloads()[3]!, 3)).toEqual(SAMPLE);
  });

  it("an older minor's payload with bytes after its last field is an error, not a since() value", () => {
    // Before the fix these bytes were read as field c.
    const p = samplePayloads();
    const longer = Buffer.concat([p[0]!, Buffer.from([0x02, 0x01])]);
    expect(() => decode(longer, 0)).toThrowError(/2 trailing bytes/);
  });

  it("a payload that claims a minor but lacks that minor's fields is truncated", () => {
    const p = samplePayloads();
    expect(() => decode(p[0]!, 1)).toThrowError(PayloadDecodeError);
    expect(() => decode(p[1]!, 2)).toThrowError(/Versioned|VERSIONED\.d: truncated/);
  });

  it("encodes every field of its own minor, the same bytes typed-binary writes", () => {
    const buf = Buffer.alloc(C.sizeVersioned(SAMPLE));
    expect(C.encodeVersioned(new DataView(buf.buffer, buf.byteOffset, buf.length), 0, SAMPLE)).toBe(buf.length);
    expect(buf.toString("hex")).toBe(fullEncoding(SAMPLE).toString("hex"));
  });

  it("the generator refuses since() fields that are not last, or newer than the codec's minor", () => {
    expect(() => modelOf("Bad", object({ a: u8, b: since(1, u16, 0), c: u8 }))).toThrowError(/after a since\(\) field/);
    const m = modelOf("Ok", object({ a: u8, b: since(3, u16, 0) }));
    expect(() => emitHostCodec([{ model: m, label: "OK", typeRef: "unknown" }], { imports: [], errorsModule: "x", ownMinor: 2 })).toThrowError(/newer than the codec's minor 2/);
  });
});

describe("the device codec in the VM", () => {
  it("the generated VM program and codec are up to date (npx tsx test/protocol/versioned-schema.ts)", () => {
    expect(staleFiles(versionFiles())).toEqual([]);
  });

  it("gives since() fields their defaults and ignores appended bytes (test/vm/version.gen.ts)", async () => {
    const r = await runVmTests("test/vm/version.gen.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(6);
  });
});

describe("errors stay typed", () => {
  it("whatever version byte a valid-check frame carries, decodeFrame returns or throws a ProtocolError", () => {
    for (let v = 0; v < 256; v++) {
      try {
        decodeFrame(reseal(showerFrame(), { version: v }));
        expect(v >> 4).toBe(PROTO_MAJOR);
      } catch (e) {
        expect(e).toBeInstanceOf(ProtocolError);
      }
    }
  });
});
