// protocol/README.md's generated tables: every message, FIFO record and enum is there, the byte
// offsets they state read every golden vector's values back, the enum values they state are the
// ones the code compiles to, and the worked check example is the frame the host codec seals.
// (That the checked-in README is up to date is test/protocol/generated.test.ts.)
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as Enums from "../../protocol/schema/enums";
import { MESSAGES } from "../../protocol/schema/messages";
import { FIFO_RECORDS } from "../../protocol/schema/fifo";
import { HEADER_BYTES } from "../../protocol/schema/limits";
import { encodeFrame } from "../../protocol/frame";
import { loadGolden, layoutByLabel } from "../../protocol/golden/vectors";
import { REPO_ROOT } from "../../protocol/codegen/output";
import { enumsIn, SourceShapeError } from "../../protocol/codegen/ts-source";
import { checkExampleRegion, layoutRows, protocolReadmeRegions, requireMemberDocs } from "../../protocol/codegen/emit-docs";
import { DocRegionError, spliceRegions } from "../../protocol/codegen/markdown";

const regions = protocolReadmeRegions();

describe("protocol/README.md tables", () => {
  it("have a section for every message, FIFO record and enum", () => {
    expect(MESSAGES.length).toBeGreaterThan(0);
    for (const m of MESSAGES) expect(regions.messages).toContain(`### 0x${m.type.toString(16).padStart(2, "0").toUpperCase()} ${m.name} (${m.dir})`);
    expect(FIFO_RECORDS.length).toBeGreaterThan(0);
    for (const r of FIFO_RECORDS) expect(regions.fifo).toContain(`### FIFO kind ${r.kind}: ${r.name}`);
    const runtime = Object.keys(Enums);
    expect(runtime.length).toBeGreaterThan(0);
    for (const e of runtime) expect(regions.enums).toContain(`### ${e}\n`);
  });

  it("state the enum values the code compiles to, every member with its meaning", () => {
    const src = enumsIn(join(REPO_ROOT, "protocol/schema/enums.ts"));
    expect(src.map((e) => e.name).sort()).toEqual(Object.keys(Enums).sort());
    for (const e of src) {
      const compiled = (Enums as unknown as Record<string, Record<string, number | string>>)[e.name]!;
      const numeric = Object.fromEntries(Object.entries(compiled).filter(([, v]) => typeof v === "number"));
      expect(Object.fromEntries(e.members.map((m) => [m.name, m.value])), e.name).toEqual(numeric);
      for (const m of e.members) expect(regions.enums, `${e.name}.${m.name}`).toContain(`| \`${m.name}\` | ${m.doc.replace(/\|/g, "\\|").slice(0, 20)}`);
    }
    expect(regions.enums).toContain("| `0x10` (16) | `PEDESTAL_MEASURED` |");
  });

  it("give offsets that read every golden vector's fields back", () => {
    const vectors = loadGolden();
    let checked = 0;
    for (const g of vectors) {
      const model = layoutByLabel(g.layout).model;
      const bytes = Buffer.from(g.hex, "hex");
      const base = g.kind === "message" ? HEADER_BYTES : 4;
      const counts: Record<string, number> = {};
      const read = (type: string, o: number): number => {
        const at = base + o;
        const r: Record<string, () => number> = {
          u8: () => bytes.readUInt8(at),
          i8: () => bytes.readInt8(at),
          u16: () => bytes.readUInt16LE(at),
          i16: () => bytes.readInt16LE(at),
          u32: () => bytes.readUInt32LE(at),
          i32: () => bytes.readInt32LE(at),
          f32: () => bytes.readFloatLE(at),
        };
        return r[type]!();
      };
      const { rows, end } = layoutRows(model);
      for (const row of rows) {
        const type = row.type.split(/[[ ]/)[0]!;
        const o = row.offset.at(counts);
        const [field, column] = row.field.split(".");
        if (row.field.startsWith("n_")) {
          counts[row.field] = read(type, o);
          const v = g.values[row.field.slice(2)] as { n?: number; length?: number } | string;
          const n = typeof v === "string" ? new TextEncoder().encode(v).length : (v.n ?? v.length);
          expect(counts[row.field], `${g.name} ${row.field}`).toBe(n);
        } else if (column || /^[iuf]\d+\[/.test(row.type)) {
          // A structure-of-arrays column, a counted or a fixed array: values back to back.
          const v = g.values[field!];
          const col = column ? (v as Record<string, number[]>)[column]! : Array.from(v as ArrayLike<number>);
          const size = { u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4 }[type]!;
          for (let i = 0; i < col.length; i++) expect(read(type, o + i * size), `${g.name} ${row.field}[${i}]`).toBe(col[i]);
        } else if (/^[iuf]\d+$/.test(row.type.split(" ")[0]!)) {
          expect(read(type, o), `${g.name} ${row.field}`).toBe(g.values[row.field]);
        }
        checked++;
      }
      expect(end.at(counts), g.name).toBe(bytes.length - base);
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("work the frame check through on the bytes the host codec seals", () => {
    const sent = encodeFrame("ACK", { ackSeq: 41, windowFrames: 32 }, { source: 0, seq: 0 });
    const example = checkExampleRegion();
    const line = example.split("\n").find((l) => l.startsWith("frame as sent"))!;
    expect(line.replace("frame as sent", "").trim()).toBe([...sent].map((b) => b.toString(16).padStart(2, "0")).join(" "));
    expect(example).toContain(`0x${sent.readUInt32LE(12).toString(16).padStart(8, "0")}`);
  });

  it("are in the README between their markers", () => {
    const readme = readFileSync(join(REPO_ROOT, "protocol/README.md"), "utf-8");
    expect(Object.keys(regions).length).toBeGreaterThan(0);
    for (const [name, body] of Object.entries(regions)) expect(readme, name).toContain(`<!-- generated: ${name} (npm run codegen) -->\n${body.trimEnd()}\n<!-- end generated: ${name} -->`);
  });
});

describe("the documentation generator refuses", () => {
  it("an enum member without a doc comment, naming it", () => {
    const enums = enumsIn("x.ts", "export const enum A {\n  /** One. */\n  ONE = 1,\n  TWO = 2,\n}\n");
    expect(() => requireMemberDocs("x.ts", enums)).toThrow(SourceShapeError);
    expect(() => requireMemberDocs("x.ts", enums)).toThrow(/x\.ts: A\.TWO: no doc comment.*\(got 2\)/);
  });

  it("an enum member without a value or with one it cannot evaluate", () => {
    expect(() => enumsIn("x.ts", "export const enum A {\n  /** One. */\n  ONE,\n}\n")).toThrow(/A\.ONE: every member needs an explicit value/);
    expect(() => enumsIn("x.ts", "export const enum A {\n  /** One. */\n  ONE = f(),\n}\n")).toThrow(/A\.ONE: an enum value must be a number/);
    expect(enumsIn("x.ts", "export const enum A {\n  /** Bit. */\n  B = 1 << 4 | 0x1,\n}\n")[0]!.members[0]!.value).toBe(17);
  });

  it("a README without a region it fills, with one it does not know, or without an end marker", () => {
    const doc = "# t\n<!-- generated: a (npm run codegen) -->\nold\n<!-- end generated: a -->\ntail\n";
    expect(spliceRegions("t.md", doc, { a: "new" })).toBe("# t\n<!-- generated: a (npm run codegen) -->\nnew\n<!-- end generated: a -->\ntail\n");
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as DocRegionError;
      }
      throw new Error("did not throw");
    };
    const missing = err(() => spliceRegions("t.md", doc, { a: "x", b: "y" }));
    expect(missing).toBeInstanceOf(DocRegionError);
    expect(missing.field).toBe("b");
    expect(missing.message).toMatch(/t\.md: generated region "b": missing/);
    expect(err(() => spliceRegions("t.md", doc, {})).message).toMatch(/region "a": the generator has no region of this name/);
    expect(err(() => spliceRegions("t.md", "<!-- generated: a (npm run codegen) -->\nx\n", { a: "" })).message).toMatch(/no "<!-- end generated: a -->"/);
  });
});
