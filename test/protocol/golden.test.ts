// Golden vectors (protocol/golden/): up to date with the generator, covering every message and
// FIFO record kind at its edges, agreeing with the host codec and typed-binary, and - inside the
// DeviceScript VM - decoded and re-encoded byte for byte by the device codec, whose own encoding
// of the literal values the host codec decodes back to the same values.
import { beforeAll, describe, expect, it } from "vitest";
import { BufferWriter } from "typed-binary";
import { goldenFiles, goldenVmProgramsOnDisk } from "../../protocol/golden/generate";
import { loadGolden, layoutByLabel, type GoldenVector } from "../../protocol/golden/vectors";
import { staleFiles } from "../../protocol/codegen/output";
import { decodeFrame } from "../../protocol/frame";
import { decodeFifoRecords } from "../../protocol/fifo-records";
import { MESSAGES } from "../../protocol/schema/messages";
import { FIFO_RECORDS, FIFO_HEADER_BYTES } from "../../protocol/schema/fifo";
import { HEADER_BYTES } from "../../protocol/schema/limits";
import { SCALAR_RANGE } from "../../protocol/schema/custom";
import { F32_MAX } from "../../protocol/golden/edge";
import { runVmTests, vmFailure, type VmTestSummary } from "../support/devs";

const vectors = loadGolden();

function normalise(v: unknown): unknown {
  return JSON.parse(JSON.stringify(v, (_k, x) => (x instanceof Uint8Array ? Buffer.from(x).toString("hex") : x)));
}

/** Decode bytes with the host codec: envelope + body for messages, the one record for FIFO. */
function hostDecode(g: GoldenVector, bytes: Buffer): { values: unknown; source?: number; seq?: number; type: number } {
  if (g.kind === "message") {
    const f = decodeFrame(bytes);
    expect(f.bytes).toBe(bytes.length);
    return { values: f.body, source: f.source, seq: f.seq, type: f.type };
  }
  const recs = decodeFifoRecords(bytes);
  expect(recs.length).toBe(1);
  return { values: recs[0]!.body, type: recs[0]!.kind };
}

function typedBinaryBytes(g: GoldenVector): string {
  const schema = layoutByLabel(g.layout).schema;
  const size = schema.measure(g.values as never).size;
  const buf = new ArrayBuffer(size);
  schema.write(new BufferWriter(buf, { endianness: "little" }), g.values as never);
  return Buffer.from(buf).toString("hex");
}

describe("golden vectors", () => {
  it("the checked-in files are what the generator produces now", () => {
    const files = goldenFiles();
    expect(staleFiles(files), "run `npm run golden`").toEqual([]);
    expect(goldenVmProgramsOnDisk()).toEqual(Object.keys(files).filter((p) => p.startsWith("test/vm/")).sort());
  });

  it("cover every message type and every FIFO record kind", () => {
    for (const m of MESSAGES) expect(vectors.filter((g) => g.kind === "message" && g.type === m.type).length, m.name).toBeGreaterThanOrEqual(3);
    for (const r of FIFO_RECORDS) expect(vectors.filter((g) => g.kind === "fifo" && g.type === r.kind).length, r.name).toBeGreaterThanOrEqual(3);
  });

  it("reach the edges of every field: both ends of every scalar, empty and full variable fields", () => {
    for (const g0 of new Set(vectors.map((g) => g.layout))) {
      const L = layoutByLabel(g0);
      const mine = vectors.filter((g) => g.layout === g0);
      const seen = (pick: (v: Record<string, unknown>) => unknown[], want: unknown) => mine.some((g) => pick(g.values).includes(want));
      for (const f of L.model.fields) {
        const at = `${g0}.${f.name}`;
        if (f.kind === "scalar" || f.kind === "fixedArray" || f.kind === "boundedArray" || f.kind === "soa") {
          const cols = f.kind === "soa" ? f.columns : [{ name: "", type: f.type }];
          for (const c of cols) {
            const pick = (v: Record<string, unknown>): unknown[] => {
              const x = v[f.name] as Record<string, unknown> | number[] | number;
              if (f.kind === "soa") return (x as Record<string, number[]>)[c.name]!;
              return Array.isArray(x) ? x : [x];
            };
            const [lo, hi] = c.type === "f32" ? [-F32_MAX, F32_MAX] : SCALAR_RANGE[c.type];
            expect(seen(pick, lo), `${at}${c.name} at ${lo}`).toBe(true);
            expect(seen(pick, hi), `${at}${c.name} at ${hi}`).toBe(true);
            if (c.type === "f32") expect(seen(pick, 0), `${at} at 0`).toBe(true);
          }
        }
        if (f.kind !== "scalar" && f.kind !== "fixedArray") {
          const lengths = mine.map((g) => {
            const x = g.values[f.name];
            if (f.kind === "soa") return (x as { n: number }).n;
            if (f.kind === "text") return new TextEncoder().encode(x as string).length;
            return (x as ArrayLike<number>).length;
          });
          expect(lengths, `${at} empty`).toContain(0);
          expect(lengths, `${at} full`).toContain(f.max);
        }
        if (f.kind === "text") {
          const full = mine.map((g) => g.values[f.name] as string).find((t) => new TextEncoder().encode(t).length === f.max)!;
          expect(new TextEncoder().encode(full).length, `${at} multi-byte`).toBeGreaterThan(full.length);
          expect([...full].some((ch) => new TextEncoder().encode(ch).length === 4), `${at} 4-byte characters`).toBe(true);
        }
      }
    }
  });

  it("include EVENTs with zero and 72 hits and the hand-written realistic ones", () => {
    const hits = vectors.filter((g) => g.layout === "EVENT").map((g) => (g.values.hits as { n: number }).n);
    expect(hits).toContain(0);
    expect(hits).toContain(72);
    for (const name of ["EVENT/ecal-70GeV-shower", "CONFIG/ecal-main-36ch", "CONFIG/trigger-70GeV", "INJECT/ecal-spill-records"])
      expect(vectors.map((g) => g.name)).toContain(name);
  });

  it("the realistic INJECT carries whole FIFO records the host reads back", () => {
    const inj = vectors.find((g) => g.name === "INJECT/ecal-spill-records")!;
    const recs = decodeFifoRecords(inj.values.records as Uint8Array);
    expect(recs.map((r) => r.name)).toEqual(["SPILL_BEGIN", "EVENT", "SPILL_END"]);
    const window = vectors.find((g) => g.name === "FIFO_EVENT/ecal-70GeV-window")!;
    expect(normalise(recs[1]!.body)).toEqual(normalise(window.values));
  });

  for (const g of vectors)
    it(`${g.name}: host bytes <-> values, typed-binary agrees`, () => {
      const bytes = Buffer.from(g.hex, "hex");
      const d = hostDecode(g, bytes);
      expect(normalise(d.values)).toEqual(normalise(g.values));
      expect(d.type).toBe(g.type);
      if (g.kind === "message") {
        expect(d.source).toBe(g.source);
        expect(d.seq).toBe(g.seq);
      }
      const body = bytes.subarray(g.kind === "message" ? HEADER_BYTES : FIFO_HEADER_BYTES).toString("hex");
      expect(typedBinaryBytes(g)).toBe(body);
    });
});

describe("golden vectors in the DeviceScript VM", () => {
  const programs = goldenVmProgramsOnDisk();
  let runs: VmTestSummary[] = [];
  const printed = new Map<string, string[]>();

  beforeAll(async () => {
    runs = await Promise.all(programs.map((p) => runVmTests(p)));
    for (const r of runs)
      for (const line of r.logLines) {
        const m = /^GOLDEN (\S+) (\d+) (\d+) ([0-9a-f]*)$/.exec(line);
        if (!m) continue;
        const parts = printed.get(m[1]!) ?? new Array<string>(Number(m[3]));
        parts[Number(m[2])] = m[4]!;
        printed.set(m[1]!, parts);
      }
  });

  it("every program passes: host bytes decoded and re-encoded identically, literal values encoded to the golden bytes", () => {
    expect(programs.length).toBeGreaterThan(0);
    runs.forEach((r, i) => expect(vmFailure(r), programs[i]).toBeUndefined());
    expect(runs.reduce((a, r) => a + r.tests, 0)).toBe(vectors.length);
  });

  it("the host decodes what the VM encoded back to the same values (the reverse direction)", () => {
    for (const g of vectors) {
      const parts = printed.get(g.name);
      expect(parts, `${g.name} not printed by the VM`).toBeDefined();
      expect(parts!, `${g.name}: missing lines`).toAllSatisfy((p) => typeof p === "string");
      const bytes = Buffer.from(parts!.join(""), "hex");
      const d = hostDecode(g, bytes);
      expect(normalise(d.values), g.name).toEqual(normalise(g.values));
      expect(bytes.toString("hex"), g.name).toBe(g.hex);
    }
  });
});
