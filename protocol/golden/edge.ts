// Edge-case values for every layout, derived from the layout model alone, so a field added to a
// schema is covered by the golden vectors without touching this file.
//
// Variants (each a complete, valid value):
//   min      every scalar at the bottom of its range, every variable field empty (zero hits)
//   min-full every scalar and element at the bottom of its range, every variable field at its
//            maximum count (bytes 0x00, text of maximal length)
//   zero     every scalar 0 (only when it differs from min: signed or f32 fields)
//   max      every scalar at the top of its range, every variable field at its maximum count
//            with maximal elements (bytes 0xff, text of maximal length in multi-byte UTF-8)
//   pattern  seeded pseudo-random values, a few elements per variable field (distinct values
//            per field, so a swapped field or column shows up)
//   full     like pattern, with every variable field at its maximum count
//   f32-tiny like pattern, with every f32 field at the smallest subnormal (f32 layouts only)
import { SCALAR_RANGE, type ScalarKind } from "../schema/custom";
import type { FieldModel, LayoutModel } from "../codegen/model";

export const F32_MAX = 3.4028234663852886e38;
export const F32_MIN_SUBNORMAL = 1.401298464324817e-45;

export type Variant = "min" | "min-full" | "zero" | "max" | "pattern" | "full" | "f32-tiny";

/** Deterministic xorshift32 seeded by FNV-1a of a name: the same name gives the same values. */
export function rngFor(name: string): () => number {
  let s = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) s = Math.imul(s ^ name.charCodeAt(i), 0x01000193) >>> 0;
  if (s === 0) s = 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** A uniformly random value of the scalar type (f32: an exactly representable value). */
function randomScalar(t: ScalarKind, next: () => number): number {
  if (t === "f32") return Math.fround(((next() / 2 ** 32) * 2 - 1) * 1e6);
  const [lo, hi] = SCALAR_RANGE[t];
  const span = hi - lo + 1;
  return lo + Math.floor((next() / 2 ** 32) * span);
}

function rangeOf(t: ScalarKind): [number, number] {
  return t === "f32" ? [-F32_MAX, F32_MAX] : SCALAR_RANGE[t];
}

/** Characters of 1, 2, 3 and 4 UTF-8 bytes, cycled to fill text fields. */
const TEXT_CHARS = ["N", "A", "6", "4", " ", "µ", "→", "€", "😀", "é", "ß", "∑", "𝔼"];

/** A string of exactly `bytes` UTF-8 bytes mixing 1- to 4-byte characters. */
export function multiByteText(bytes: number, offset = 0): string {
  const enc = new TextEncoder();
  let s = "";
  let used = 0;
  for (let i = offset; used < bytes; i++) {
    const c = TEXT_CHARS[i % TEXT_CHARS.length]!;
    const n = enc.encode(c).length;
    if (used + n > bytes) {
      s += "x".repeat(bytes - used);
      break;
    }
    s += c;
    used += n;
  }
  return s;
}

function scalarFor(t: ScalarKind, v: Variant, next: () => number): number {
  switch (v) {
    case "min":
    case "min-full":
      return rangeOf(t)[0];
    case "zero":
      return 0;
    case "max":
      return rangeOf(t)[1];
    case "f32-tiny":
      return t === "f32" ? F32_MIN_SUBNORMAL : randomScalar(t, next);
    default:
      return randomScalar(t, next);
  }
}

function countFor(max: number, v: Variant, next: () => number): number {
  switch (v) {
    case "min":
    case "zero":
      return 0;
    case "max":
    case "min-full":
    case "full":
      return max;
    default:
      return 1 + (next() % Math.min(max, 5));
  }
}

function fieldValue(f: FieldModel, v: Variant, next: () => number): unknown {
  const elems = (t: ScalarKind, n: number) => Array.from({ length: n }, () => scalarFor(t, v, next));
  switch (f.kind) {
    case "scalar":
      return scalarFor(f.type, v, next);
    case "fixedArray":
      return elems(f.type, f.length);
    case "boundedArray":
      return elems(f.type, countFor(f.max, v, next));
    case "soa": {
      const n = countFor(f.max, v, next);
      const out: Record<string, unknown> = { n };
      for (const c of f.columns) out[c.name] = elems(c.type, n);
      return out;
    }
    case "bytes": {
      const n = countFor(f.max, v, next);
      const b = new Uint8Array(n);
      for (let i = 0; i < n; i++) b[i] = v === "max" ? 0xff : v === "min-full" ? 0 : next() & 0xff;
      return b;
    }
    case "text": {
      if (v === "min" || v === "zero") return "";
      if (v === "max" || v === "full" || v === "min-full") return multiByteText(f.max, v === "max" ? 0 : v === "full" ? 5 : 9);
      return multiByteText(Math.min(f.max, 3 + (next() % 20)), next() % TEXT_CHARS.length);
    }
  }
}

/** Which variants carry information for this layout (no duplicates of another variant). */
export function variantsFor(m: LayoutModel): Variant[] {
  const out: Variant[] = ["min"];
  const variable = m.fields.some((f) => f.kind === "soa" || f.kind === "boundedArray" || f.kind === "bytes" || f.kind === "text");
  if (variable) out.push("min-full");
  const scalarTypes = m.fields.flatMap((f) =>
    f.kind === "soa" ? f.columns.map((c) => c.type) : f.kind === "scalar" || f.kind === "fixedArray" || f.kind === "boundedArray" ? [f.type] : [],
  );
  if (scalarTypes.some((t) => rangeOf(t)[0] !== 0)) out.push("zero");
  out.push("max", "pattern");
  if (variable) out.push("full");
  if (scalarTypes.includes("f32")) out.push("f32-tiny");
  return out;
}

/** The value of one variant; `seed` names the vector so that its pseudo-random values are stable. */
export function edgeValue(m: LayoutModel, v: Variant, seed: string): Record<string, unknown> {
  const next = rngFor(seed);
  const out: Record<string, unknown> = {};
  for (const f of m.fields) out[f.name] = fieldValue(f, v, next);
  return out;
}

/** Envelope source and seq for a variant: 0 and the maxima at the edges, seeded otherwise. */
export function edgeEnvelope(v: Variant, seed: string): { source: number; seq: number } {
  if (v === "min" || v === "zero") return { source: 0, seq: 0 };
  if (v === "max") return { source: 0xffff, seq: 0xffffffff };
  const next = rngFor(`${seed}/envelope`);
  return { source: next() & 0xffff, seq: next() };
}
