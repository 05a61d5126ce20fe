// The streaming reader (protocol/stream.ts) on what TCP delivers: partial and concatenated frames,
// garbage, corrupt frames. It never throws, never buffers more than one frame, accounts for every
// byte (decoded or skipped), and a bad frame never costs a good frame after it.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeFrame } from "../../protocol/frame";
import { FrameStream, type StreamItem } from "../../protocol/stream";
import { ProtocolError, type ProtocolErrorCode } from "../../protocol/errors";
import { ENV_OFF } from "../../protocol/schema/envelope";
import { HEADER_BYTES, MAX_FRAME_BYTES, MAX_PAYLOAD_BYTES, PROTO_MAJOR } from "../../protocol/schema/limits";
import type { EventMsg } from "../../protocol/schema/messages";
import { frameArb, normalise, reseal, splitAt, type ValidFrame } from "./frames";

const event = (trigger: number): EventMsg => ({
  spillNumber: 1,
  triggerNumber: trigger,
  timestampTicks: trigger * 10,
  configHash: 7,
  triggerType: 1,
  eventFlags: 0,
  energySumKeV: 0,
  hits: { n: 1, channel: [trigger & 0x3f], amplitudeAdc: [trigger & 0xfff], timeQ8: [3584], flags: [4] },
});
const frame = (trigger: number, seq = trigger) => encodeFrame("EVENT", event(trigger), { source: 2, seq });

/** Everything a stream makes of `chunks`, the end of the connection included. */
function run(chunks: Uint8Array[], s = new FrameStream()): StreamItem[] {
  const out: StreamItem[] = [];
  for (const c of chunks) {
    out.push(...s.push(c));
    expect(s.pendingBytes).toBeLessThan(MAX_FRAME_BYTES);
  }
  out.push(...s.end());
  expect(s.pendingBytes).toBe(0);
  return out;
}

const oks = (items: StreamItem[]) => items.filter((i) => i.ok).map((i) => (i.ok ? i.frame : undefined)!);
const errs = (items: StreamItem[]) => items.filter((i) => !i.ok).map((i) => (i.ok ? undefined : i.error)!);
const triggers = (items: StreamItem[]) => oks(items).map((f) => (f.body as EventMsg).triggerNumber);

/** Bytes the stream consumed: decoded frames plus skipped bytes. Must equal what was pushed. */
function accounted(items: StreamItem[]): number {
  return items.reduce((a, i) => a + (i.ok ? i.frame.bytes : i.skippedBytes), 0);
}

describe("FrameStream: partial and concatenated frames", () => {
  it("a frame delivered one byte at a time comes out once, on its last byte", () => {
    const f = frame(1);
    const s = new FrameStream();
    for (let i = 0; i < f.length - 1; i++) {
      expect(s.push(f.subarray(i, i + 1))).toEqual([]);
      expect(s.pendingBytes).toBe(i + 1);
    }
    const items = s.push(f.subarray(f.length - 1));
    expect(triggers(items)).toEqual([1]);
    expect(s.pendingBytes).toBe(0);
  });

  it("many frames in one chunk, and chunks that cut frames anywhere", () => {
    const all = Buffer.concat([1, 2, 3, 4, 5].map((t) => frame(t)));
    expect(triggers(run([all]))).toEqual([1, 2, 3, 4, 5]);
    for (let cut = 1; cut < all.length; cut += 7) expect(triggers(run([all.subarray(0, cut), all.subarray(cut)]))).toEqual([1, 2, 3, 4, 5]);
  });

  it("keeps no reference to the caller's chunk (it may be reused)", () => {
    const f = frame(9);
    const chunk = Buffer.from(f.subarray(0, 20));
    const s = new FrameStream();
    s.push(chunk);
    chunk.fill(0);
    expect(triggers([...s.push(f.subarray(20)), ...s.end()])).toEqual([9]);
  });
});

describe("FrameStream: every typed error, and the stream stays in sync", () => {
  const cases: Array<[ProtocolErrorCode, string, () => Buffer]> = [
    ["BAD_MAGIC", "envelope.magic", () => Buffer.from("garbage!")],
    ["UNSUPPORTED_VERSION", "envelope.version", () => reseal(frame(50), { version: ((PROTO_MAJOR + 1) << 4) | 0 })],
    ["UNKNOWN_TYPE", "envelope.type", () => reseal(frame(50), { type: 0xee })],
    [
      "OVERSIZE_LENGTH",
      "envelope.length",
      () => {
        const f = frame(50);
        f.writeUInt16LE(MAX_PAYLOAD_BYTES + 100, ENV_OFF.length);
        return f;
      },
    ],
    [
      "CHECK_MISMATCH",
      "envelope.check",
      () => {
        const f = frame(50);
        f[f.length - 1] ^= 1;
        return f;
      },
    ],
    // Cut short in the middle of a stream, the next frame's bytes fill the claimed length: that is a
    // check mismatch (below). Only at the end of the connection is it reported as truncated.
    ["TRUNCATED_FRAME", "envelope.length", () => frame(50).subarray(0, 30)],
    ["CHECK_MISMATCH", "envelope.check", () => frame(50).subarray(0, 30)],
    ["PAYLOAD_DECODE", "EVENT.hits", () => reseal(frame(50), { cut: 2 })],
  ];
  cases.forEach(([code, field, bad], k) =>
    it(`${code} names ${field}; the frames before and after it are decoded (case ${k})`, () => {
      const atEnd = code === "TRUNCATED_FRAME";
      const items = run([Buffer.concat([frame(1), bad(), ...(atEnd ? [] : [frame(2)])])]);
      expect(triggers(items)).toEqual(atEnd ? [1] : [1, 2]);
      const e = errs(items);
      expect(e.length).toBeGreaterThanOrEqual(1);
      expect(e[0]).toBeInstanceOf(ProtocolError);
      expect(e[0]!.code).toBe(code);
      expect(e[0]!.field).toBe(field);
      expect(e[0]!.value).not.toBeUndefined();
      expect(accounted(items)).toBe(frame(1).length + bad().length + (atEnd ? 0 : frame(2).length));
    }),
  );

  it("a frame that passed its check is skipped whole by its length (no resync inside it)", () => {
    // The unknown-type frame's payload contains a complete valid frame: it must not be decoded.
    const inner = frame(77);
    const outer = encodeFrame("INJECT", { records: inner }, { source: 0, seq: 3 });
    const items = run([Buffer.concat([reseal(outer, { type: 0xee }), frame(2)])]);
    expect(triggers(items)).toEqual([2]);
    expect(errs(items).map((e) => e.code)).toEqual(["UNKNOWN_TYPE"]);
    expect(items[0]).toMatchObject({ ok: false, skippedBytes: outer.length });
  });

  it("a truncated frame at the end of the connection is reported once; the stream is then empty and fresh", () => {
    const s = new FrameStream();
    expect(s.push(frame(1).subarray(0, 25))).toEqual([]);
    const items = s.end();
    expect(errs(items).map((e) => e.code)).toEqual(["TRUNCATED_FRAME"]);
    expect(accounted(items)).toBe(25);
    expect(triggers(run([frame(5)], s))).toEqual([5]);
  });

  it("a lone first magic byte at the end is a truncated frame, not garbage", () => {
    const items = run([Buffer.concat([frame(1), Buffer.from([0x4e])])]);
    expect(triggers(items)).toEqual([1]);
    expect(errs(items).map((e) => e.code)).toEqual(["TRUNCATED_FRAME"]);
  });

  it("counts errors by code and skipped bytes in its stats", () => {
    const s = new FrameStream();
    run([Buffer.concat([Buffer.from("xx"), frame(1), reseal(frame(2), { type: 0xee }), frame(3)])], s);
    expect(s.stats.frames).toBe(2);
    expect(s.stats.errors).toEqual({ BAD_MAGIC: 1, UNKNOWN_TYPE: 1 });
    expect(s.stats.skippedBytes).toBe(2 + frame(2).length);
  });
});

describe("FrameStream: resynchronisation and bounded buffering", () => {
  it("resynchronises on the next magic after garbage that contains magic bytes and fake headers", () => {
    const fake = Buffer.from(frame(9).subarray(0, HEADER_BYTES)); // a believable header...
    fake.writeUInt16LE(40, ENV_OFF.length); // ...of a 40-byte payload that is not there
    const garbage = Buffer.concat([Buffer.from([0x4e, 0x4e, 0xa6, 0x00, 0x4e]), fake, Buffer.from([0xa6, 0x4e])]);
    expect(triggers(run([Buffer.concat([garbage, frame(1), frame(2)])]))).toEqual([1, 2]);
  });

  it("holds at most one frame: a fake maximal length waits for MAX_FRAME_BYTES, then the frames inside are recovered", () => {
    const fake = Buffer.from(frame(9).subarray(0, HEADER_BYTES));
    fake.writeUInt16LE(MAX_PAYLOAD_BYTES, ENV_OFF.length);
    const s = new FrameStream();
    const got: StreamItem[] = [...s.push(fake)];
    let t = 100;
    while (s.pendingBytes + frame(t).length < MAX_FRAME_BYTES) got.push(...s.push(frame(t++)));
    expect(got).toEqual([]); // still waiting for the fake frame's payload
    expect(s.pendingBytes).toBeLessThan(MAX_FRAME_BYTES);
    got.push(...s.push(frame(t++))); // now the fake frame is complete: check mismatch, resync
    expect(errs(got)[0]!.code).toBe("CHECK_MISMATCH");
    expect(triggers(got)).toEqual(Array.from({ length: t - 100 }, (_, i) => 100 + i));
    expect(s.pendingBytes).toBe(0);
  });

  it("an oversize length is refused at once, without waiting for its bytes", () => {
    const f = frame(1);
    f.writeUInt16LE(0xffff, ENV_OFF.length);
    const s = new FrameStream();
    const items = s.push(Buffer.concat([f, frame(2)]));
    expect(errs(items)[0]!.code).toBe("OVERSIZE_LENGTH");
    expect(triggers(items)).toEqual([2]);
    expect(s.pendingBytes).toBe(0);
  });
});

// ---- properties ----

/** Random bytes rich in magic bytes and fake envelope headers (the hard cases for a resync). */
const garbageArb = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc.constant(Uint8Array.from([0x4e, 0xa6])),
      fc.record({ type: fc.integer({ min: 0, max: 255 }), len: fc.integer({ min: 0, max: 300 }), rest: fc.uint8Array({ minLength: 10, maxLength: 10 }) }).map(({ type, len, rest }) => {
        const h = Buffer.alloc(HEADER_BYTES);
        h.writeUInt16LE(0xa64e, 0);
        h[2] = PROTO_MAJOR << 4;
        h[3] = type;
        h.set(rest.subarray(0, 2), 4);
        h.writeUInt16LE(len, 6);
        h.set(rest.subarray(2), 8);
        return new Uint8Array(h);
      }),
    ),
    { minLength: 1, maxLength: 6 },
  )
  .map((parts) => Buffer.concat(parts));

/** A valid frame made invalid: one bit flipped, or cut short. */
const corruptArb = fc.oneof(
  fc.tuple(frameArb(4), fc.nat()).map(([f, i]) => {
    const b = Buffer.from(f.bytes);
    const bit = i % (b.length * 8);
    b[bit >> 3] ^= 1 << (bit & 7);
    return b;
  }),
  fc.tuple(frameArb(4), fc.nat()).map(([f, i]) => Buffer.from(f.bytes.subarray(0, 1 + (i % (f.bytes.length - 1))))),
);

type Segment = { kind: "frame"; f: ValidFrame } | { kind: "bad"; b: Buffer };
const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  { weight: 3, arbitrary: frameArb(6).map((f) => ({ kind: "frame" as const, f })) },
  { weight: 1, arbitrary: garbageArb.map((b) => ({ kind: "bad" as const, b })) },
  { weight: 1, arbitrary: corruptArb.map((b) => ({ kind: "bad" as const, b })) },
);

const cutsArb = fc.array(fc.nat({ max: 4000 }), { maxLength: 12 });

describe("FrameStream properties", () => {
  it("random bytes in random chunks never make it throw; every byte is accounted for", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }), garbageArb), cutsArb, (data, cuts) => {
        const buf = Buffer.from(data);
        const items = run(splitAt(buf, cuts));
        for (const i of items) if (!i.ok) expect(i.error).toBeInstanceOf(ProtocolError);
        expect(accounted(items)).toBe(buf.length);
      }),
      { numRuns: 400 },
    );
  });

  it("every valid message round-trips, whatever the chunking", () => {
    fc.assert(
      fc.property(fc.array(frameArb(30), { minLength: 1, maxLength: 8 }), cutsArb, (frames, cuts) => {
        const items = run(splitAt(Buffer.concat(frames.map((f) => f.bytes)), cuts));
        expect(errs(items)).toEqual([]);
        const got = oks(items);
        expect(got.length).toBe(frames.length);
        got.forEach((g, i) => {
          expect(g).toMatchObject({ name: frames[i]!.name, source: frames[i]!.source, seq: frames[i]!.seq });
          expect(normalise(g.body)).toEqual(normalise(frames[i]!.body));
        });
      }),
      { numRuns: 200 },
    );
  });

  it("every single-bit flip of a valid frame is an error, never a frame", () => {
    fc.assert(
      fc.property(frameArb(4), (f) => {
        for (let bit = 0; bit < f.bytes.length * 8; bit++) {
          const b = Buffer.from(f.bytes);
          b[bit >> 3] ^= 1 << (bit & 7);
          const items = run([b]);
          expect(oks(items)).toEqual([]);
          expect(errs(items).length).toBeGreaterThan(0);
          expect(accounted(items)).toBe(b.length);
        }
      }),
      { numRuns: 40 },
    );
  });

  it("a valid frame after any garbage is still decoded", () => {
    fc.assert(
      fc.property(garbageArb, frameArb(10), cutsArb, (g, f, cuts) => {
        const items = run(splitAt(Buffer.concat([g, f.bytes]), cuts));
        expect(oks(items).map((x) => x.seq)).toEqual([f.seq]);
        expect(normalise(oks(items)[0]!.body)).toEqual(normalise(f.body));
      }),
      { numRuns: 300 },
    );
  });

  it("good frames mixed with garbage and corrupt frames: exactly the good ones come out, in order", () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 10 }), cutsArb, (segs, cuts) => {
        const data = Buffer.concat(segs.map((s) => (s.kind === "frame" ? s.f.bytes : s.b)));
        const items = run(splitAt(data, cuts));
        const want = segs.flatMap((s) => (s.kind === "frame" ? [s.f] : []));
        const got = oks(items);
        expect(got.map((g) => [g.name, g.seq])).toEqual(want.map((w) => [w.name, w.seq]));
        expect(accounted(items)).toBe(data.length);
      }),
      { numRuns: 300 },
    );
  });

  it("tiny chunks give the same frames and skip the same bytes as one big chunk", () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 3 }), (segs, step) => {
        const data = Buffer.concat(segs.map((s) => (s.kind === "frame" ? s.f.bytes : s.b)));
        const whole = run([data]);
        const tiny = run(Array.from({ length: Math.ceil(data.length / step) }, (_, i) => data.subarray(i * step, (i + 1) * step)));
        expect(oks(tiny).map(normalise)).toEqual(oks(whole).map(normalise));
        expect(accounted(tiny)).toBe(data.length);
      }),
      { numRuns: 100 },
    );
  });

  it("a bad input leaves no trace: the good frames pushed right after it come out as from a fresh stream", () => {
    const show = (i: StreamItem) => (i.ok ? normalise(i.frame) : i.error.code);
    fc.assert(
      fc.property(fc.oneof(garbageArb, corruptArb), fc.array(frameArb(6), { minLength: 1, maxLength: 4 }), (bad, frames) => {
        const data = Buffer.concat(frames.map((f) => f.bytes));
        // Both pushes on one stream, no end() between: the bad bytes may still be pending (a cut
        // frame, a fake header, a first magic byte) when the good frames arrive.
        const items = run([bad, data]);
        const fresh = run([data]);
        const head = items.length - fresh.length;
        expect(items.slice(head).map(show)).toEqual(fresh.map(show));
        expect(items.slice(0, head)).toAllSatisfy((i) => !i.ok);
        expect(accounted(items)).toBe(bad.length + data.length);
      }),
      { numRuns: 300 },
    );
  });
});
