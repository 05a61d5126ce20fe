// The generated host codec must produce exactly typed-binary's bytes (typed-binary is the single
// source of the layouts), reject out-of-range values with a typed error, and never read past the
// end of its input.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { BufferReader, BufferWriter, type AnySchema } from "typed-binary";
import * as C from "../../protocol/generated/host-codec";
import { allLayouts } from "../../protocol/codegen/layouts";
import { ColumnLengthError, FieldRangeError, PayloadDecodeError } from "../../protocol/errors";
import { ENV_OFF, Envelope } from "../../protocol/schema/envelope";
import { MESSAGES } from "../../protocol/schema/messages";
import { FIFO_RECORDS } from "../../protocol/schema/fifo";
import { MsgType, FifoKind } from "../../protocol/schema/enums";
import { PROTO_MINOR, MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits";
import { valueArb } from "../support/arbitraries";

type Fn = (...a: unknown[]) => unknown;
const gen = C as unknown as Record<string, Fn>;

function viaTypedBinary(schema: AnySchema, value: unknown): Uint8Array {
  const size = schema.measure(value as never).size;
  const buf = new ArrayBuffer(size);
  schema.write(new BufferWriter(buf, { endianness: "little" }), value as never);
  return new Uint8Array(buf);
}

function viaGenerated(name: string, value: unknown): Uint8Array {
  const size = gen[`size${name}`]!(value) as number;
  const buf = new ArrayBuffer(size);
  const end = gen[`encode${name}`]!(new DataView(buf), 0, value) as number;
  expect(end).toBe(size);
  return new Uint8Array(buf);
}

function decodeGenerated(name: string, bytes: Uint8Array): unknown {
  return gen[`decode${name}`]!(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length, PROTO_MINOR);
}

function normalise(v: unknown): unknown {
  // typed-binary returns bytes as Uint8Array and arrays as number[], as the generated codec does.
  return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Array.from(x) : x)));
}

describe("generated host codec vs typed-binary", () => {
  for (const L of allLayouts()) {
    it(`${L.label}: same bytes and same values for random valid input`, () => {
      fc.assert(
        fc.property(valueArb(L.model, { maxElements: 300 }), (value) => {
          const ref = viaTypedBinary(L.schema, value);
          const ours = viaGenerated(L.model.name, value);
          expect(Buffer.from(ours).toString("hex")).toBe(Buffer.from(ref).toString("hex"));
          const back = decodeGenerated(L.model.name, ours);
          expect(normalise(back)).toEqual(normalise(L.schema.read(new BufferReader(ref.buffer as ArrayBuffer, { endianness: "little" }))));
          expect(normalise(back)).toEqual(normalise(value));
        }),
        { numRuns: 60 },
      );
    });

    it(`${L.label}: every truncation is a PayloadDecodeError, never a raw RangeError`, () => {
      fc.assert(
        fc.property(valueArb(L.model, { maxElements: 20 }), (value) => {
          const bytes = viaGenerated(L.model.name, value);
          for (let cut = 0; cut < bytes.length; cut++) {
            const short = bytes.slice(0, cut);
            let err: unknown;
            try {
              decodeGenerated(L.model.name, short);
            } catch (e) {
              err = e;
            }
            // A shorter prefix can only decode when the tail was an empty variable field whose
            // count byte is missing: that is a truncation too, so every cut must fail.
            expect(err).toBeInstanceOf(PayloadDecodeError);
          }
        }),
        { numRuns: 15 },
      );
    });
  }

  it("every maximal message fits one frame payload", () => {
    for (const L of allLayouts()) expect(L.model.maxBytes, L.label).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });
});

describe("range checks before encoding", () => {
  it("names the field and the value", () => {
    const hits = { n: 1, channel: [300], amplitudeAdc: [10], timeQ8: [0], flags: [0] };
    const event = { spillNumber: 1, triggerNumber: 1, timestampTicks: 0, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits };
    let err: FieldRangeError | undefined;
    try {
      viaGenerated("Event", event);
    } catch (e) {
      err = e as FieldRangeError;
    }
    expect(err).toBeInstanceOf(FieldRangeError);
    expect(err!.field).toBe("EVENT.hits.channel[0]");
    expect(err!.value).toBe(300);
    expect(err!.message).toContain("0..255");
  });

  it.each([
    ["negative", -1],
    ["fractional", 1.5],
    ["too large", 2 ** 32],
    ["NaN", Number.NaN],
  ])("rejects a %s u32", (_what, bad) => {
    const v = { ackSeq: bad, windowFrames: 1 };
    expect(() => viaGenerated("Ack", v)).toThrowError(FieldRangeError);
  });

  it("rejects a count above the schema bound", () => {
    const n = 73;
    const hits = { n, channel: new Array(n).fill(0), amplitudeAdc: new Array(n).fill(0), timeQ8: new Array(n).fill(0), flags: new Array(n).fill(0) };
    const event = { spillNumber: 1, triggerNumber: 1, timestampTicks: 0, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits };
    expect(() => viaGenerated("Event", event)).toThrowError(/EVENT.hits.n = 73 is outside 0..72/);
  });

  const withHits = (hits: Record<string, unknown>) => ({ spillNumber: 1, triggerNumber: 1, timestampTicks: 0, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits });
  const errorOf = (f: () => unknown): unknown => {
    try {
      f();
    } catch (e) {
      return e;
    }
    return undefined;
  };

  it("rejects a soa column shorter than n, naming the column, its length and n", () => {
    const err = errorOf(() => viaGenerated("Event", withHits({ n: 2, channel: [1, 2], amplitudeAdc: [1, 2], timeQ8: [7], flags: [0, 0] })));
    expect(err).toBeInstanceOf(ColumnLengthError);
    expect(err).toMatchObject({ code: "COLUMN_LENGTH", field: "EVENT.hits.timeQ8", value: 1, count: 2 });
    expect((err as Error).message).toBe("EVENT.hits.timeQ8 has 1 values, fewer than hits.n = 2");
  });

  it("rejects a missing soa column with a typed error, not a TypeError", () => {
    const err = errorOf(() => viaGenerated("Event", withHits({ n: 3, channel: [1, 2, 3], timeQ8: [1, 2, 3], flags: [0, 0, 0] })));
    expect(err).toBeInstanceOf(ColumnLengthError);
    expect(err).toMatchObject({ code: "COLUMN_LENGTH", field: "EVENT.hits.amplitudeAdc", value: undefined, count: 3 });
    expect((err as Error).message).toBe("EVENT.hits.amplitudeAdc is missing with hits.n = 3");
  });

  it("accepts a soa column longer than n and writes its first n values", () => {
    const bytes = viaGenerated("Event", withHits({ n: 1, channel: [9, 8], amplitudeAdc: [300], timeQ8: [400, 1], flags: [4] }));
    expect(decodeGenerated("Event", bytes)).toMatchObject({ hits: { n: 1, channel: [9], amplitudeAdc: [300], timeQ8: [400], flags: [4] } });
  });
});

describe("decoder bounds", () => {
  it("refuses a count above the bound before reading the elements", () => {
    const bytes = viaGenerated("Event", {
      spillNumber: 1, triggerNumber: 1, timestampTicks: 0, configHash: 0, triggerType: 1, eventFlags: 0, energySumKeV: 0,
      hits: { n: 0, channel: [], amplitudeAdc: [], timeQ8: [], flags: [] },
    });
    bytes[bytes.length - 1] = 200; // hit count above 72
    expect(() => decodeGenerated("Event", bytes)).toThrowError(/EVENT.hits: count 200 exceeds 72/);
    expect(() => decodeGenerated("Event", bytes)).toThrowError(expect.objectContaining({ field: "EVENT.hits", value: 200 }));
  });

  it("refuses trailing bytes from the same minor version", () => {
    const bytes = viaGenerated("Ack", { ackSeq: 5, windowFrames: 2 });
    const longer = new Uint8Array(bytes.length + 3);
    longer.set(bytes);
    expect(() => decodeGenerated("Ack", longer)).toThrowError(/3 trailing bytes/);
  });
});

describe("schema bookkeeping", () => {
  it("envelope offsets match the schema", () => {
    for (const [k, off] of Object.entries(ENV_OFF))
      expect(Envelope.seekProperty(0 as never, k as never)?.bufferOffset, k).toBe(off);
  });

  it("message type numbers match enums.ts", () => {
    const fromEnum: Record<string, number> = {
      HELLO: MsgType.HELLO, CONFIG: MsgType.CONFIG, CONFIG_ACK: MsgType.CONFIG_ACK, CONFIG_NACK: MsgType.CONFIG_NACK,
      CONFIG_READ: MsgType.CONFIG_READ, RUN_CONTROL: MsgType.RUN_CONTROL, INJECT: MsgType.INJECT, FE_WRITE: MsgType.FE_WRITE,
      EVENT: MsgType.EVENT, TRIGGER: MsgType.TRIGGER, SCALERS: MsgType.SCALERS, STATUS: MsgType.STATUS, LOG: MsgType.LOG,
      RESEND: MsgType.RESEND, ACK: MsgType.ACK, AUTH_CHALLENGE: MsgType.AUTH_CHALLENGE, AUTH_PROOF: MsgType.AUTH_PROOF, AUTH_TAG: MsgType.AUTH_TAG, READOUT: MsgType.READOUT,
    };
    expect(Object.keys(fromEnum).length).toBe(MESSAGES.length);
    for (const m of MESSAGES) expect(fromEnum[m.name], m.name).toBe(m.type);
    expect(new Set(MESSAGES.map((m) => m.type)).size).toBe(MESSAGES.length);
  });

  it("FIFO record kinds match enums.ts", () => {
    const fromEnum: Record<string, number> = {
      SPILL_BEGIN: FifoKind.SPILL_BEGIN, EVENT: FifoKind.EVENT, TRIGGER: FifoKind.TRIGGER, SPILL_END: FifoKind.SPILL_END, FEATURES: FifoKind.FEATURES,
    };
    for (const r of FIFO_RECORDS) expect(fromEnum[r.name], r.name).toBe(r.kind);
  });
});

describe("register map", () => {
  it("has no overlapping addresses and per-channel blocks cover every channel", async () => {
    const { REGISTERS, PER_CHANNEL, registerAt } = await import("../../protocol/schema/registers");
    const { MAX_CHANNELS } = await import("../../protocol/schema/limits");
    expect(PER_CHANNEL).toBe(MAX_CHANNELS);
    const seen = new Map<number, string>();
    for (const r of REGISTERS)
      for (let a = r.addr; a < r.addr + r.count; a++) {
        expect(seen.get(a), `${r.name} overlaps at 0x${a.toString(16)}`).toBeUndefined();
        seen.set(a, r.name);
      }
    expect(registerAt(0x0180 + 5)).toMatchObject({ reg: { name: "CH_PEDESTAL_ADC" }, channel: 5 });
    expect(registerAt(0xfff0)).toBeUndefined();
  });
});
