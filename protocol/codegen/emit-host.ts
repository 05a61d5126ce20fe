// Emits protocol/generated/host-codec.ts: straight-line DataView code per layout, with range
// checks before every write (typed-binary wraps out-of-range numbers silently) and bounds checks
// before every read (typed-binary trusts lengths). Decoders never read past `end`.
import { SCALAR_RANGE, SCALAR_SIZE, type ScalarKind } from "../schema/custom";
import { local, rowSize, type FieldModel, type LayoutModel } from "./model";

export interface HostLayout {
  model: LayoutModel;
  /** TypeScript type of the decoded value, as imported by the generated file. */
  typeRef: string;
  /** Label used in error messages (MESSAGE name or FIFO record name). */
  label: string;
}

const DV_SUFFIX: Record<ScalarKind, string> = {
  u8: "Uint8",
  i8: "Int8",
  u16: "Uint16",
  i16: "Int16",
  u32: "Uint32",
  i32: "Int32",
  f32: "Float32",
};

function le(t: ScalarKind): string {
  return SCALAR_SIZE[t] > 1 ? ", true" : "";
}

/**
 * True when `x` is a number the scalar type holds exactly. Integer checks are one bit operation and
 * a strict compare: NaN, fractions, infinities, out-of-range values and non-numbers all fail.
 */
function checkExpr(t: ScalarKind, x: string): string {
  switch (t) {
    case "u8":
      return `(${x} & 0xff) === ${x}`;
    case "u16":
      return `(${x} & 0xffff) === ${x}`;
    case "u32":
      return `${x} >>> 0 === ${x}`;
    case "i8":
      return `(${x} << 24) >> 24 === ${x}`;
    case "i16":
      return `(${x} << 16) >> 16 === ${x}`;
    case "i32":
      return `(${x} | 0) === ${x}`;
    case "f32":
      return `${x} >= -3.4028234663852886e38 && ${x} <= 3.4028234663852886e38`;
  }
}

function rangeArgs(t: ScalarKind): string {
  if (t === "f32") return "-3.4028234663852886e38, 3.4028234663852886e38";
  const [lo, hi] = SCALAR_RANGE[t];
  return `${lo}, ${hi}`;
}

function writeScalar(L: HostLayout, t: ScalarKind, x: string, field: string, ind: string): string {
  return (
    `${ind}if (!(${checkExpr(t, x)})) outOfRange(${JSON.stringify(L.label)}, ${field}, ${x}, ${rangeArgs(t)});\n` +
    `${ind}dv.set${DV_SUFFIX[t]}(o, ${x}${le(t)});\n${ind}o += ${SCALAR_SIZE[t]};\n`
  );
}

function sizeFn(L: HostLayout): string {
  const m = L.model;
  const parts: string[] = [String(m.fixedBytes)];
  let fixedSeen = 0;
  for (const f of m.fields) {
    if (fixedSeen < m.fixedBytes) {
      if (f.kind === "scalar") fixedSeen += SCALAR_SIZE[f.type];
      else if (f.kind === "fixedArray") fixedSeen += SCALAR_SIZE[f.type] * f.length;
      continue;
    }
    parts.push(variableSizeExpr(f));
  }
  return `export function size${m.name}(v: ${L.typeRef}): number {\n  return ${parts.join(" + ")};\n}\n`;
}

function variableSizeExpr(f: FieldModel): string {
  switch (f.kind) {
    case "scalar":
      return String(SCALAR_SIZE[f.type]);
    case "fixedArray":
      return String(SCALAR_SIZE[f.type] * f.length);
    case "boundedArray":
      return `${SCALAR_SIZE[f.countKind]} + v.${f.name}.length * ${SCALAR_SIZE[f.type]}`;
    case "soa":
      return `${SCALAR_SIZE[f.countKind]} + v.${f.name}.n * ${rowSize(f)}`;
    case "bytes":
      return `${SCALAR_SIZE[f.countKind]} + v.${f.name}.length`;
    case "text":
      return `${SCALAR_SIZE[f.countKind]} + TE.encode(v.${f.name}).length`;
  }
}

function encodeFn(L: HostLayout): string {
  const m = L.model;
  let s = `export function encode${m.name}(dv: DataView, o: number, v: ${L.typeRef}): number {\n`;
  if (m.fields.length) s += `  let x: number;\n`;
  for (const f of m.fields) {
    const fieldStr = JSON.stringify(f.name);
    switch (f.kind) {
      case "scalar":
        s += `  x = v.${f.name};\n` + writeScalar(L, f.type, "x", fieldStr, "  ");
        break;
      case "fixedArray":
        s += `  {\n    const a = v.${f.name};\n`;
        s += `    if (a.length !== ${f.length}) outOfRange(${JSON.stringify(L.label)}, ${fieldStr} + ".length", a.length, ${f.length}, ${f.length});\n`;
        s += `    for (let i = 0; i < ${f.length}; i++) {\n      x = a[i]!;\n`;
        s += writeScalar(L, f.type, "x", `${fieldStr} + "[" + i + "]"`, "      ");
        s += `    }\n  }\n`;
        break;
      case "boundedArray":
        s += `  {\n    const a = v.${f.name};\n    const n = a.length;\n`;
        s += `    if (n > ${f.max}) outOfRange(${JSON.stringify(L.label)}, ${JSON.stringify(f.name + ".length")}, n, 0, ${f.max});\n`;
        s += `    dv.set${DV_SUFFIX[f.countKind]}(o, n${le(f.countKind)});\n    o += ${SCALAR_SIZE[f.countKind]};\n`;
        s += `    for (let i = 0; i < n; i++) {\n      x = a[i]!;\n`;
        s += writeScalar(L, f.type, "x", `${fieldStr} + "[" + i + "]"`, "      ");
        s += `    }\n  }\n`;
        break;
      case "soa": {
        s += `  {\n    const t = v.${f.name};\n    const n = t.n;\n`;
        s += `    if (!(n >>> 0 === n && n <= ${f.max})) outOfRange(${JSON.stringify(L.label)}, ${JSON.stringify(f.name + ".n")}, n, 0, ${f.max});\n`;
        s += `    dv.set${DV_SUFFIX[f.countKind]}(o, n${le(f.countKind)});\n    o += ${SCALAR_SIZE[f.countKind]};\n`;
        for (const c of f.columns) {
          const cf = JSON.stringify(`${f.name}.${c.name}`);
          s += `    {\n      const a = t.${c.name};\n`;
          s += `      if (!(a?.length >= n)) badColumn(${JSON.stringify(L.label)}, ${JSON.stringify(f.name)}, ${JSON.stringify(c.name)}, a, n);\n`;
          s += `      for (let i = 0; i < n; i++) {\n        x = a[i]!;\n`;
          s += writeScalar(L, c.type, "x", `${cf} + "[" + i + "]"`, "        ");
          s += `      }\n    }\n`;
        }
        s += `  }\n`;
        break;
      }
      case "bytes":
      case "text": {
        const src = f.kind === "text" ? `utf8Bytes(${JSON.stringify(L.label)}, ${JSON.stringify(f.name)}, v.${f.name})` : `v.${f.name}`;
        s += `  {\n    const b = ${src};\n`;
        s += `    if (b.length > ${f.max}) outOfRange(${JSON.stringify(L.label)}, ${JSON.stringify(f.name + ".length")}, b.length, 0, ${f.max});\n`;
        s += `    dv.set${DV_SUFFIX[f.countKind]}(o, b.length${le(f.countKind)});\n    o += ${SCALAR_SIZE[f.countKind]};\n`;
        s += `    new Uint8Array(dv.buffer, dv.byteOffset + o, b.length).set(b);\n    o += b.length;\n  }\n`;
        break;
      }
    }
  }
  s += `  return o;\n}\n`;
  return s;
}

/**
 * Expression reading one scalar at `o`. f32 values must be finite (NaN and infinities cannot be
 * encoded, so a decoded frame could not be re-encoded to the same bytes): checked on read.
 */
function readExpr(L: HostLayout, t: ScalarKind, field: string): string {
  const get = `dv.get${DV_SUFFIX[t]}(o${le(t)})`;
  return t === "f32" ? `finiteF32(${JSON.stringify(L.label)}, ${JSON.stringify(field)}, ${get})` : get;
}

function need(L: HostLayout, bytes: string, field: string, ind: string): string {
  return `${ind}if (end - o < ${bytes}) truncated(${JSON.stringify(L.label)}, ${JSON.stringify(field)}, ${bytes}, end - o);\n`;
}

function decodeFn(L: HostLayout): string {
  const m = L.model;
  let s = `export function decode${m.name}(dv: DataView, o: number, end: number, minor: number): ${L.typeRef} {\n`;
  const props: string[] = [];
  let fixedLeft = m.fixedBytes;
  if (fixedLeft > 0) s += need(L, String(fixedLeft), m.fields[0]!.name, "  ");
  for (const f of m.fields) {
    const id = local("f", f.name);
    props.push(`${f.name}: ${id}`);
    const checked = fixedLeft > 0;
    switch (f.kind) {
      case "scalar": {
        const read = readExpr(L, f.type, f.name);
        if (f.since) {
          s += `  let ${id}: number;\n`;
          // A frame of an older minor was written before this field existed: its default applies
          // (and any bytes left over are trailing bytes, an error below).
          s += `  if (minor < ${f.since.minor}) ${id} = ${f.since.defaultValue};\n  else {\n`;
          s += need(L, String(SCALAR_SIZE[f.type]), f.name, "    ");
          s += `    ${id} = ${read};\n    o += ${SCALAR_SIZE[f.type]};\n  }\n`;
        } else {
          if (!checked) s += need(L, String(SCALAR_SIZE[f.type]), f.name, "  ");
          s += `  const ${id} = ${read};\n  o += ${SCALAR_SIZE[f.type]};\n`;
          fixedLeft -= SCALAR_SIZE[f.type];
        }
        break;
      }
      case "fixedArray": {
        const size = SCALAR_SIZE[f.type] * f.length;
        if (!checked) s += need(L, String(size), f.name, "  ");
        s += `  const ${id} = new Array<number>(${f.length});\n`;
        s += `  for (let i = 0; i < ${f.length}; i++) {\n    ${id}[i] = ${readExpr(L, f.type, f.name)};\n    o += ${SCALAR_SIZE[f.type]};\n  }\n`;
        fixedLeft -= size;
        break;
      }
      case "boundedArray":
      case "soa":
      case "bytes":
      case "text": {
        const cs = SCALAR_SIZE[f.countKind];
        const elem = f.kind === "soa" ? rowSize(f) : f.kind === "boundedArray" ? SCALAR_SIZE[f.type] : 1;
        const nv = local("n", f.name);
        s += need(L, String(cs), f.name, "  ");
        s += `  const ${nv} = dv.get${DV_SUFFIX[f.countKind]}(o${le(f.countKind)});\n  o += ${cs};\n`;
        s += `  if (${nv} > ${f.max}) throw new PayloadDecodeError(${JSON.stringify(L.label)}, ${JSON.stringify(f.name)}, ${nv}, "count " + ${nv} + " exceeds ${f.max}");\n`;
        s += need(L, elem === 1 ? nv : `${nv} * ${elem}`, f.name, "  ");
        if (f.kind === "boundedArray") {
          s += `  const ${id} = new Array<number>(${nv});\n`;
          s += `  for (let i = 0; i < ${nv}; i++) {\n    ${id}[i] = ${readExpr(L, f.type, f.name)};\n    o += ${SCALAR_SIZE[f.type]};\n  }\n`;
        } else if (f.kind === "soa") {
          const cols: string[] = [];
          for (const c of f.columns) {
            const cv = local("c", f.name, c.name);
            cols.push(`${c.name}: ${cv}`);
            s += `  const ${cv} = new Array<number>(${nv});\n`;
            s += `  for (let i = 0; i < ${nv}; i++) {\n    ${cv}[i] = ${readExpr(L, c.type, `${f.name}.${c.name}`)};\n    o += ${SCALAR_SIZE[c.type]};\n  }\n`;
          }
          s += `  const ${id} = { n: ${nv}, ${cols.join(", ")} };\n`;
        } else {
          const bv = local("b", f.name);
          s += `  const ${bv} = new Uint8Array(dv.buffer, dv.byteOffset + o, ${nv}).slice();\n  o += ${nv};\n`;
          if (f.kind === "text") s += `  const ${id} = utf8Text(${JSON.stringify(L.label)}, ${JSON.stringify(f.name)}, ${bv});\n`;
          else s += `  const ${id} = ${bv};\n`;
        }
        break;
      }
    }
  }
  s += `  if (o !== end && minor <= OWN_MINOR) throw new PayloadDecodeError(${JSON.stringify(L.label)}, "", end - o, (end - o) + " trailing bytes after the last field");\n`;
  s += `  return { ${props.join(", ")} };\n}\n`;
  return s;
}

export interface HostCodecOptions {
  /** Lines that import the value types the layouts' typeRef names. */
  imports: string[];
  /** Module specifier of protocol/errors.ts as seen from the generated file. */
  errorsModule: string;
  /**
   * The protocol minor version this side speaks. Frames of a higher minor may carry appended
   * fields (ignored); frames of this or a lower minor must end after the last field they know.
   */
  ownMinor: number;
}

export function emitHostCodec(layouts: HostLayout[], opt: HostCodecOptions): string {
  for (const L of layouts)
    for (const f of L.model.fields)
      if (f.kind === "scalar" && f.since && f.since.minor > opt.ownMinor)
        throw new TypeError(`${L.model.name}.${f.name}: since(${f.since.minor}) is newer than the codec's minor ${opt.ownMinor}`);
  let s =
    `// GENERATED by protocol/codegen/generate.ts from the typed-binary schemas in protocol/schema.\n` +
    `// Do not edit: change the schema and run \`npm run codegen\`. A test fails when this file is stale.\n` +
    `/* eslint-disable */\n`;
  s += opt.imports.join("\n") + "\n";
  s += `import { ColumnLengthError, FieldRangeError, FieldValueError, PayloadDecodeError } from ${JSON.stringify(opt.errorsModule)};\n\n`;
  s += `/** Protocol minor version this codec was generated for. */\nexport const OWN_MINOR = ${opt.ownMinor};\n\n`;
  // Text is strict both ways, so a decoded frame always re-encodes to the same bytes: invalid
  // UTF-8 is a decode error, a string with a lone surrogate an encode error, and a leading BOM is
  // kept as a character.
  s += `const TE = new TextEncoder();\nconst TD = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });\n`;
  s += `const LONE_SURROGATE = /[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]/;\n\n`;
  s += `function utf8Bytes(message: string, field: string, text: string): Uint8Array {\n`;
  s += `  const bad = LONE_SURROGATE.exec(text);\n`;
  s += `  if (bad) throw new FieldValueError(message, field, text, "lone surrogate at index " + bad.index + " has no UTF-8 encoding");\n`;
  s += `  return TE.encode(text);\n}\n\n`;
  s += `function utf8Text(message: string, field: string, bytes: Uint8Array): string {\n`;
  s += `  try {\n    return TD.decode(bytes);\n  } catch {\n    throw new PayloadDecodeError(message, field, bytes, "not valid UTF-8");\n  }\n}\n\n`;
  // Error paths live in small cold functions so that the hot encoders and decoders stay small
  // enough for V8 to inline and optimise.
  s += `function finiteF32(message: string, field: string, x: number): number {\n`;
  s += `  if (!(x >= -3.4028234663852886e38 && x <= 3.4028234663852886e38)) throw new PayloadDecodeError(message, field, x, "f32 " + x + " is not finite");\n`;
  s += `  return x;\n}\n\n`;
  s += `function outOfRange(message: string, field: string, value: number, min: number, max: number): never {\n`;
  s += `  throw new FieldRangeError(message, field, value, min, max);\n}\n\n`;
  s += `function badColumn(message: string, soa: string, column: string, a: unknown, n: number): never {\n`;
  s += `  const length = (a as { length?: unknown } | null | undefined)?.length;\n`;
  s += `  throw new ColumnLengthError(message, soa, column, typeof length === "number" ? length : a, n);\n}\n\n`;
  s += `function truncated(message: string, field: string, need: number, left: number): never {\n`;
  s += `  throw new PayloadDecodeError(message, field, left, "truncated: needs " + need + " more bytes, " + left + " left");\n}\n\n`;
  for (const L of layouts) {
    s += `// ---- ${L.label} ----\n`;
    s += `export const ${L.model.name.toUpperCase()}_MIN_BYTES = ${L.model.minBytes};\n`;
    s += `export const ${L.model.name.toUpperCase()}_MAX_BYTES = ${L.model.maxBytes};\n`;
    s += sizeFn(L) + "\n" + encodeFn(L) + "\n" + decodeFn(L) + "\n";
  }
  return s;
}
