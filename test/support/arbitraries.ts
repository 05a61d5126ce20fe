// fast-check arbitraries derived from the layout model, so every schema change is covered
// without touching the tests.
import fc from "fast-check";
import { SCALAR_RANGE, type ScalarKind } from "../../protocol/schema/custom";
import type { FieldModel, LayoutModel } from "../../protocol/codegen/model";

export function scalarArb(t: ScalarKind): fc.Arbitrary<number> {
  if (t === "f32") return fc.float({ noNaN: true, noDefaultInfinity: true });
  const [min, max] = SCALAR_RANGE[t];
  return fc.integer({ min, max });
}

/** Keeps generated variable fields small enough that a whole frame stays under the payload limit. */
export interface ArbOptions {
  maxElements?: number;
}

function fieldArb(f: FieldModel, opt: ArbOptions): fc.Arbitrary<unknown> {
  const cap = (max: number) => Math.min(max, opt.maxElements ?? max);
  switch (f.kind) {
    case "scalar":
      return scalarArb(f.type);
    case "fixedArray":
      return fc.array(scalarArb(f.type), { minLength: f.length, maxLength: f.length });
    case "boundedArray":
      return fc.array(scalarArb(f.type), { maxLength: cap(f.max) });
    case "soa":
      return fc.integer({ min: 0, max: cap(f.max) }).chain((n) => {
        const cols: Record<string, fc.Arbitrary<unknown>> = { n: fc.constant(n) };
        for (const c of f.columns) cols[c.name] = fc.array(scalarArb(c.type), { minLength: n, maxLength: n });
        return fc.record(cols);
      });
    case "bytes":
      return fc.uint8Array({ maxLength: cap(f.max) });
    case "text":
      return fc
        .string({ unit: "grapheme", maxLength: cap(f.max) })
        .filter((s) => new TextEncoder().encode(s).length <= f.max);
  }
}

export function valueArb(m: LayoutModel, opt: ArbOptions = {}): fc.Arbitrary<Record<string, unknown>> {
  const rec: Record<string, fc.Arbitrary<unknown>> = {};
  for (const f of m.fields) rec[f.name] = fieldArb(f, opt);
  return fc.record(rec);
}
