// Schema kinds that the protocol needs and typed-binary does not have, written as typed-binary
// schemas so that typed-binary stays the single source of every layout:
//  - boundedArrayOf: a counted array with a hard upper bound (typed-binary's dynamicArrayOf writes
//    an unbounded u32 length and trusts it on read);
//  - soa: structure-of-arrays with one explicit count (zero is an ordinary value);
//  - bytes: a length-prefixed opaque byte string with a bound;
//  - text: a length-prefixed UTF-8 string with a bound (typed-binary's string is NUL-terminated).
// Scalars are typed-binary's own singletons (u8, i16, u32, f32, ...).
import {
  Schema,
  Measurer,
  MaxValue,
  ValidationError,
  u8,
  i8,
  u16,
  i16,
  u32,
  i32,
  f32,
  type AnySchema,
  type IMeasurer,
  type ISerialInput,
  type ISerialOutput,
  type Parsed,
} from "typed-binary";

export type ScalarKind = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "f32";
export type CountKind = "u8" | "u16";

const SCALARS: ReadonlyArray<[AnySchema, ScalarKind]> = [
  [u8, "u8"],
  [i8, "i8"],
  [u16, "u16"],
  [i16, "i16"],
  [u32, "u32"],
  [i32, "i32"],
  [f32, "f32"],
];

export const SCALAR_SIZE: Record<ScalarKind, number> = {
  u8: 1,
  i8: 1,
  u16: 2,
  i16: 2,
  u32: 4,
  i32: 4,
  f32: 4,
};

/** Inclusive integer range of each integer kind; f32 has none (any finite value). */
export const SCALAR_RANGE: Record<Exclude<ScalarKind, "f32">, [number, number]> = {
  u8: [0, 0xff],
  i8: [-0x80, 0x7f],
  u16: [0, 0xffff],
  i16: [-0x8000, 0x7fff],
  u32: [0, 0xffffffff],
  i32: [-0x80000000, 0x7fffffff],
};

/** Which protocol scalar a typed-binary schema is, or undefined for anything else. */
export function scalarKindOf(schema: AnySchema): ScalarKind | undefined {
  for (const [s, k] of SCALARS) if (s === schema) return k;
  return undefined;
}

function requireScalar(schema: AnySchema, where: string): ScalarKind {
  const k = scalarKindOf(schema);
  if (!k) throw new TypeError(`${where}: only u8/i8/u16/i16/u32/i32/f32 elements are allowed`);
  return k;
}

function readCount(input: ISerialInput, kind: CountKind): number {
  return kind === "u8" ? input.readUint8() : input.readUint16();
}

function writeCount(output: ISerialOutput, kind: CountKind, n: number): void {
  if (kind === "u8") output.writeUint8(n);
  else output.writeUint16(n);
}

function checkCount(n: number, max: number, what: string): void {
  if (!Number.isInteger(n) || n < 0 || n > max)
    throw new ValidationError(`${what}: count ${n} outside 0..${max}`);
}

/** A counted array of scalars: [count][e0][e1]... with count <= maxCount. */
export class BoundedArraySchema extends Schema<number[]> {
  readonly elementKind: ScalarKind;
  constructor(
    readonly element: AnySchema,
    readonly countKind: CountKind,
    readonly maxCount: number,
    /** The device codec hands out a view into the frame instead of copying (bulk sample blocks). */
    readonly view: boolean,
  ) {
    super();
    this.elementKind = requireScalar(element, "boundedArrayOf");
  }
  write(output: ISerialOutput, values: number[]): void {
    checkCount(values.length, this.maxCount, "boundedArrayOf");
    writeCount(output, this.countKind, values.length);
    for (const v of values) (this.element as Schema<number>).write(output, v);
  }
  read(input: ISerialInput): number[] {
    const n = readCount(input, this.countKind);
    checkCount(n, this.maxCount, "boundedArrayOf");
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = (this.element as Schema<number>).read(input);
    return out;
  }
  measure(values: number[] | typeof MaxValue, measurer: IMeasurer = new Measurer()): IMeasurer {
    const n = values === MaxValue ? this.maxCount : values.length;
    return measurer.add(SCALAR_SIZE[this.countKind] + n * SCALAR_SIZE[this.elementKind]);
  }
}

export function boundedArrayOf(
  element: AnySchema,
  countKind: CountKind,
  maxCount: number,
  options: { view?: boolean } = {},
) {
  return new BoundedArraySchema(element, countKind, maxCount, options.view ?? false);
}

/** Value of a structure-of-arrays field: an explicit count and one array per column. */
export type SoAValue<K extends string> = { n: number } & { [P in K]: number[] };

/**
 * Structure of arrays: [n][col0 x n][col1 x n]... Every column has the same count n, written once.
 * Columns are written in declaration order, each as a packed little-endian run.
 */
export class SoASchema<K extends string> extends Schema<SoAValue<K>> {
  readonly columns: ReadonlyArray<{ name: K; kind: ScalarKind; schema: AnySchema }>;
  readonly rowSize: number;
  constructor(
    columns: Record<K, AnySchema>,
    readonly countKind: CountKind,
    readonly maxCount: number,
    /**
     * The device codec keeps columns in wire format: its encoder also takes a column as its wire
     * bytes (a Buffer: n little-endian values), copied in one blit, and its decoder returns every
     * column as such a Buffer (a copy of the column's bytes). A firmware that builds or reads its
     * rows in wire format skips the per-value loop, and holds 1 to 4 bytes per value instead of
     * the VM's 8 per array element. The host codec is unaffected (number[] columns).
     */
    readonly deviceColumnBytes: boolean = false,
  ) {
    super();
    this.columns = (Object.keys(columns) as K[]).map((name) => ({
      name,
      kind: requireScalar(columns[name], `soa column ${name}`),
      schema: columns[name],
    }));
    this.rowSize = this.columns.reduce((a, c) => a + SCALAR_SIZE[c.kind], 0);
  }
  write(output: ISerialOutput, parsed: Parsed<SoAValue<K>>): void {
    const value = parsed as unknown as SoAValue<K>;
    checkCount(value.n, this.maxCount, "soa");
    writeCount(output, this.countKind, value.n);
    for (const c of this.columns) {
      const col = value[c.name];
      if (col.length < value.n) throw new ValidationError(`soa column ${c.name}: ${col.length} values for n=${value.n}`);
      for (let i = 0; i < value.n; i++) (c.schema as Schema<number>).write(output, col[i]!);
    }
  }
  read(input: ISerialInput): Parsed<SoAValue<K>> {
    const n = readCount(input, this.countKind);
    checkCount(n, this.maxCount, "soa");
    const out = { n } as SoAValue<K>;
    for (const c of this.columns) {
      const col = new Array<number>(n);
      for (let i = 0; i < n; i++) col[i] = (c.schema as Schema<number>).read(input);
      (out as Record<string, unknown>)[c.name] = col;
    }
    return out as unknown as Parsed<SoAValue<K>>;
  }
  measure(value: Parsed<SoAValue<K>> | typeof MaxValue, measurer: IMeasurer = new Measurer()): IMeasurer {
    const n = value === MaxValue ? this.maxCount : (value as unknown as SoAValue<K>).n;
    return measurer.add(SCALAR_SIZE[this.countKind] + n * this.rowSize);
  }
}

export function soa<K extends string>(
  columns: Record<K, AnySchema>,
  countKind: CountKind,
  maxCount: number,
  options: { deviceColumnBytes?: boolean } = {},
) {
  return new SoASchema<K>(columns, countKind, maxCount, options.deviceColumnBytes ?? false);
}

/** An opaque byte string: [u16 length][bytes], length <= maxBytes. */
export class BytesSchema extends Schema<Uint8Array> {
  readonly countKind: CountKind = "u16";
  constructor(readonly maxBytes: number) {
    super();
  }
  write(output: ISerialOutput, value: Uint8Array): void {
    checkCount(value.length, this.maxBytes, "bytes");
    output.writeUint16(value.length);
    output.writeSlice(value);
  }
  read(input: ISerialInput): Uint8Array {
    const n = input.readUint16();
    checkCount(n, this.maxBytes, "bytes");
    const out = new Uint8Array(n);
    input.readSlice(out, 0, n);
    return out;
  }
  measure(value: Uint8Array | typeof MaxValue, measurer: IMeasurer = new Measurer()): IMeasurer {
    return measurer.add(2 + (value === MaxValue ? this.maxBytes : value.length));
  }
}

export function bytes(maxBytes: number) {
  return new BytesSchema(maxBytes);
}

/** UTF-8 text: [u8 byte length][bytes], at most maxBytes (<= 255) bytes. */
export class TextSchema extends Schema<string> {
  readonly countKind: CountKind = "u8";
  constructor(readonly maxBytes: number) {
    super();
    if (maxBytes > 255) throw new TypeError("text: maxBytes must fit a u8 length");
  }
  write(output: ISerialOutput, value: string): void {
    const b = new TextEncoder().encode(value);
    checkCount(b.length, this.maxBytes, "text");
    output.writeUint8(b.length);
    output.writeSlice(b);
  }
  read(input: ISerialInput): string {
    const n = input.readUint8();
    checkCount(n, this.maxBytes, "text");
    const b = new Uint8Array(n);
    input.readSlice(b, 0, n);
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(b);
  }
  measure(value: string | typeof MaxValue, measurer: IMeasurer = new Measurer()): IMeasurer {
    return measurer.add(1 + (value === MaxValue ? this.maxBytes : new TextEncoder().encode(value).length));
  }
}

export function text(maxBytes: number) {
  return new TextSchema(maxBytes);
}

/**
 * A scalar appended to a payload in a later minor protocol version. Frames of an older minor end
 * before it; decoders then use `defaultValue`. Only allowed after every other field.
 */
export class SinceSchema extends Schema<number> {
  readonly kind: ScalarKind;
  constructor(
    readonly minor: number,
    readonly inner: AnySchema,
    readonly defaultValue: number,
  ) {
    super();
    this.kind = requireScalar(inner, "since");
  }
  write(output: ISerialOutput, value: number): void {
    (this.inner as Schema<number>).write(output, value);
  }
  read(input: ISerialInput): number {
    return (this.inner as Schema<number>).read(input);
  }
  measure(_: number | typeof MaxValue, measurer: IMeasurer = new Measurer()): IMeasurer {
    return measurer.add(SCALAR_SIZE[this.kind]);
  }
}

export function since(minor: number, inner: AnySchema, defaultValue: number) {
  return new SinceSchema(minor, inner, defaultValue);
}
