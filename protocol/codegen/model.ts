// Reads typed-binary schema objects into a flat layout model that the emitters turn into code.
// Anything the emitters cannot express (nested objects, strings, optionals, unions) is refused
// here with the path of the offending field, so a schema change fails loudly at generation time.
import { ObjectSchema, ArraySchema, type AnySchema } from "typed-binary";
import {
  BoundedArraySchema,
  BytesSchema,
  SinceSchema,
  SoASchema,
  TextSchema,
  scalarKindOf,
  SCALAR_SIZE,
  type CountKind,
  type ScalarKind,
} from "../schema/custom";

export type FieldModel =
  | { kind: "scalar"; name: string; type: ScalarKind; since?: { minor: number; defaultValue: number } }
  | { kind: "fixedArray"; name: string; type: ScalarKind; length: number }
  | { kind: "boundedArray"; name: string; type: ScalarKind; countKind: CountKind; max: number; view: boolean }
  | { kind: "soa"; name: string; countKind: CountKind; max: number; columns: { name: string; type: ScalarKind }[]; deviceColumnBytes: boolean }
  | { kind: "bytes"; name: string; countKind: CountKind; max: number }
  | { kind: "text"; name: string; countKind: CountKind; max: number };

export interface LayoutModel {
  /** PascalCase name used for generated identifiers (Hello, ConfigAck, FifoEvent...). */
  name: string;
  fields: FieldModel[];
  /** Bytes before the first variable-size field. */
  fixedBytes: number;
  /** Size of the smallest valid encoding (fields of minor 0, empty variable fields). */
  minBytes: number;
  /** Size of the largest valid encoding. */
  maxBytes: number;
}

export function modelOf(name: string, schema: AnySchema): LayoutModel {
  if (!(schema instanceof ObjectSchema)) throw new TypeError(`${name}: top-level schema must be object({...})`);
  const props = (schema as ObjectSchema<Record<string, AnySchema>>).properties;
  const fields: FieldModel[] = [];
  for (const [field, s] of Object.entries(props)) fields.push(fieldOf(`${name}.${field}`, field, s));
  let seenSince = false;
  for (const f of fields) {
    const isSince = f.kind === "scalar" && f.since !== undefined;
    if (seenSince && !isSince) throw new TypeError(`${name}.${f.name}: fields after a since() field must also be since()`);
    seenSince ||= isSince;
  }
  let fixedBytes = 0;
  for (const f of fields) {
    const size = fixedSize(f);
    if (size === undefined) break;
    fixedBytes += size;
  }
  let minBytes = 0;
  let maxBytes = 0;
  for (const f of fields) {
    const [lo, hi] = sizeRange(f);
    if (!(f.kind === "scalar" && f.since)) minBytes += lo;
    maxBytes += hi;
  }
  return { name, fields, fixedBytes, minBytes, maxBytes };
}

function fieldOf(path: string, name: string, s: AnySchema): FieldModel {
  const scalar = scalarKindOf(s);
  if (scalar) return { kind: "scalar", name, type: scalar };
  if (s instanceof SinceSchema) return { kind: "scalar", name, type: s.kind, since: { minor: s.minor, defaultValue: s.defaultValue } };
  if (s instanceof ArraySchema) {
    const elem = scalarKindOf((s as unknown as { elementSchema: AnySchema }).elementSchema);
    if (!elem) throw new TypeError(`${path}: arrayOf elements must be scalars`);
    return { kind: "fixedArray", name, type: elem, length: s.length };
  }
  if (s instanceof BoundedArraySchema)
    return { kind: "boundedArray", name, type: s.elementKind, countKind: s.countKind, max: s.maxCount, view: s.view };
  if (s instanceof SoASchema)
    return {
      kind: "soa",
      name,
      countKind: s.countKind,
      max: s.maxCount,
      columns: s.columns.map((c) => ({ name: c.name, type: c.kind })),
      deviceColumnBytes: s.deviceColumnBytes,
    };
  if (s instanceof BytesSchema) return { kind: "bytes", name, countKind: s.countKind, max: s.maxBytes };
  if (s instanceof TextSchema) return { kind: "text", name, countKind: s.countKind, max: s.maxBytes };
  throw new TypeError(`${path}: unsupported schema kind ${s.constructor.name}`);
}

/** Byte size when it does not depend on the value, else undefined. */
export function fixedSize(f: FieldModel): number | undefined {
  if (f.kind === "scalar") return SCALAR_SIZE[f.type];
  if (f.kind === "fixedArray") return SCALAR_SIZE[f.type] * f.length;
  return undefined;
}

export function rowSize(f: Extract<FieldModel, { kind: "soa" }>): number {
  return f.columns.reduce((a, c) => a + SCALAR_SIZE[c.type], 0);
}

/** Bytes of one element of a variable field. */
export function elementSize(f: FieldModel): number {
  switch (f.kind) {
    case "soa":
      return rowSize(f);
    case "boundedArray":
      return SCALAR_SIZE[f.type];
    case "bytes":
    case "text":
      return 1;
    default:
      return fixedSize(f)!;
  }
}

function sizeRange(f: FieldModel): [number, number] {
  const fixed = fixedSize(f);
  if (fixed !== undefined) return [fixed, fixed];
  const c = SCALAR_SIZE[(f as { countKind: CountKind }).countKind];
  const max = (f as { max: number }).max;
  return [c, c + max * elementSize(f)];
}

/** Leaf fields in wire order, as the CONFIG_NACK fieldId numbers them: scalars, arrays, soa columns. */
export function leafFieldNames(m: LayoutModel): string[] {
  const out: string[] = [];
  for (const f of m.fields) {
    if (f.kind === "soa") for (const c of f.columns) out.push(`${f.name}.${c.name}`);
    else out.push(f.name);
  }
  return out;
}

/**
 * Local variable names in generated decoders carry a prefix, so that no field name (`dv`, `o`,
 * `end`, `hitsN`...) can collide with a parameter or another field's locals.
 */
export function local(kind: "f" | "n" | "c" | "b", field: string, column?: string): string {
  return column === undefined ? `${kind}_${field}` : `${kind}_${field}$${column}`;
}
