// Emits protocol/generated/device-codec.ts for the DeviceScript firmware: Buffer getAt/setAt with
// literal little-endian formats (the VM has no DataView, typed arrays or TextEncoder).
// The output must compile under DeviceScript's bundled TypeScript 4.9 and its language subset:
// no `%`, no getters, no typed arrays, no 3-argument Math.max, at most 7 template interpolations.
//
// The codec is table-driven to keep the firmware images small: a run of scalars, an array or a
// structure-of-arrays column is one call with a format (a hex`` Buffer in the image: one byte per
// value kind), not a getAt/setAt per field. Errors name the message and the field's position in
// it ("CONFIG#22 truncated"): the strings are built when an error happens, so the image holds one
// label per message instead of one string per field (the host maps the numbers back to names).
import { SCALAR_SIZE, type ScalarKind } from "../schema/custom";
import { leafFieldNames, local, rowSize, type FieldModel, type LayoutModel } from "./model";

export interface DeviceLayout {
  model: LayoutModel;
  /** Name of the generated interface (HelloMsg, FifoEventRec...). */
  typeName: string;
  label: string;
}

/** Byte codes of the scalar kinds in formats. */
const SCALAR_CODE: Record<ScalarKind, number> = { u8: 1, u16: 2, u32: 4, i8: 5, i16: 6, i32: 7, f32: 8 };

function fmtOf(kinds: ScalarKind[]): string {
  return "hex`" + kinds.map((k) => SCALAR_CODE[k].toString(16).padStart(2, "0")).join("") + "`";
}

/** The codec's helpers, emitted once at the top of the generated file. */
const RUNTIME = `/** A run of bytes or elements inside a buffer, handed out without copying. */
export interface View {
    buf: Buffer
    off: number
    n: number
}

/**
 * Encoding or decoding failed. \`where\` names the message and the field's position in it, and
 * what went wrong unless the value was out of range ("EVENT#4", "CONFIG#22 truncated",
 * "FIFO_EVENT#4 count"); \`value\` is the offending value, or the bytes that were left.
 */
export class CodecError extends Error {
    constructor(public where: string, public value: number) {
        super(where + " = " + value)
    }
}

function fail(label: string, field: number, what: string, x: number): void {
    throw new CodecError(label + "#" + field + what, x)
}

/**
 * Write \`n\` values of \`vals\` at \`o\`; returns the offset after them. \`fmt\` holds the kind of each
 * value (1 u8, 2 u16, 4 u32, 5 i8, 6 i16, 7 i32, 8 f32) and field numbers count from \`first\`; a
 * one-byte format is the kind of every value, all of field \`first\` (an array or a column).
 * Integers must be whole and in range, floats finite (setAt would truncate or saturate silently);
 * each test is one expression: (x & 0xffff) === x holds exactly for the integers 0..65535.
 */
function putScalars(b: Buffer, o: number, fmt: Buffer, vals: number[], n: number, label: string, first: number): number {
    if (!vals || !(vals.length >= n)) fail(label, first, " length", vals ? vals.length : -1)
    const one = fmt.length === 1
    for (let i = 0; i < n; i++) {
        const x = vals[i]
        const c = one ? fmt[0] : fmt[i]
        if (c === 4) {
            if (x >>> 0 === x) {
                b.setAt(o, "u32", x)
                o += 4
                continue
            }
        } else if (c === 1) {
            if ((x & 0xff) === x) {
                b.setAt(o, "u8", x)
                o += 1
                continue
            }
        } else if (c === 2) {
            if ((x & 0xffff) === x) {
                b.setAt(o, "u16", x)
                o += 2
                continue
            }
        } else if (c === 5) {
            if ((x << 24) >> 24 === x) {
                b.setAt(o, "i8", x)
                o += 1
                continue
            }
        } else if (c === 6) {
            if ((x << 16) >> 16 === x) {
                b.setAt(o, "i16", x)
                o += 2
                continue
            }
        } else if (c === 7) {
            if ((x | 0) === x) {
                b.setAt(o, "i32", x)
                o += 4
                continue
            }
        } else if (x - x === 0) {
            b.setAt(o, "f32", x)
            o += 4
            continue
        }
        fail(label, one ? first : first + i, "", x)
    }
    return o
}

/** Read \`n\` values at \`o\` in the kinds of \`fmt\` (as putScalars). The caller checked the bytes. */
function getScalars(b: Buffer, o: number, fmt: Buffer, n: number): number[] {
    const one = fmt.length === 1
    const r: number[] = new Array(n)
    for (let i = 0; i < n; i++) {
        const c = one ? fmt[0] : fmt[i]
        if (c === 4) {
            r[i] = b.getAt(o, "u32")
            o += 4
        } else if (c === 1) {
            r[i] = b.getAt(o, "u8")
            o += 1
        } else if (c === 2) {
            r[i] = b.getAt(o, "u16")
            o += 2
        } else if (c === 5) {
            r[i] = b.getAt(o, "i8")
            o += 1
        } else if (c === 6) {
            r[i] = b.getAt(o, "i16")
            o += 2
        } else if (c === 7) {
            r[i] = b.getAt(o, "i32")
            o += 4
        } else {
            r[i] = b.getAt(o, "f32")
            o += 4
        }
    }
    return r
}

/** Throw unless \`bytes\` bytes are left between \`o\` and \`end\`. */
function need(end: number, o: number, bytes: number, label: string, field: number): void {
    if (end - o < bytes) fail(label, field, " truncated", end - o)
}

/**
 * The element count of a variable field at \`o\` (a u8 or a u16: \`cs\` bytes), checked against
 * \`max\` and against the bytes left for its elements of \`elem\` bytes.
 */
function count(b: Buffer, o: number, end: number, cs: number, max: number, elem: number, label: string, field: number): number {
    need(end, o, cs, label, field)
    const n = cs === 1 ? b.getAt(o, "u8") : b.getAt(o, "u16")
    if (n > max) fail(label, field, " count", n)
    need(end, o + cs, n * elem, label, field)
    return n
}

/** Write the element count \`n\` (at most \`max\`) as a u8 or a u16 (\`cs\` bytes). */
function putCount(b: Buffer, o: number, cs: number, n: number, max: number, label: string, field: number): number {
    if (!(n >>> 0 === n && n <= max)) fail(label, field, " count", n)
    if (cs === 1) b.setAt(o, "u8", n)
    else b.setAt(o, "u16", n)
    return o + cs
}

/** A column of values (checked by putScalars), or already its wire bytes (\`size\` each: one blit). */
function putColumn(b: Buffer, o: number, a: number[] | Buffer, n: number, fmt: Buffer, size: number, label: string, field: number): number {
    if (Array.isArray(a)) return putScalars(b, o, fmt, a as number[], n, label, field)
    if (!a || !(a.length >= n * size)) fail(label, field, " length", a ? a.length : -1)
    b.blitAt(o, a as Buffer, 0, n * size)
    return o + n * size
}

`;

function columnTypeName(L: DeviceLayout, f: FieldModel): string {
  return `${L.typeName}${f.name.charAt(0).toUpperCase()}${f.name.slice(1)}`;
}

function tsType(L: DeviceLayout, f: FieldModel): string {
  switch (f.kind) {
    case "scalar":
      return "number";
    case "fixedArray":
      return "number[]";
    case "boundedArray":
      return f.view ? "View" : "number[]";
    case "soa":
      return columnTypeName(L, f);
    case "bytes":
      return "View";
    case "text":
      return "string";
  }
}

function interfaces(L: DeviceLayout): string {
  let s = "";
  for (const f of L.model.fields)
    if (f.kind === "soa") {
      s += `export interface ${columnTypeName(L, f)} {\n    n: number\n`;
      // deviceColumnBytes: a column may also be its wire bytes (n little-endian values); decoded
      // columns are always that.
      for (const c of f.columns) s += `    ${c.name}: ${f.deviceColumnBytes ? "number[] | Buffer" : "number[]"}\n`;
      s += `}\n`;
    }
  s += `export interface ${L.typeName} {\n`;
  for (const f of L.model.fields) s += `    ${f.name}: ${tsType(L, f)}\n`;
  s += `}\n`;
  return s;
}

function sizeFn(L: DeviceLayout): string {
  const m = L.model;
  const parts: string[] = [];
  let fixed = 0;
  for (const f of m.fields) {
    switch (f.kind) {
      case "scalar":
        fixed += SCALAR_SIZE[f.type];
        break;
      case "fixedArray":
        fixed += SCALAR_SIZE[f.type] * f.length;
        break;
      case "boundedArray":
        fixed += SCALAR_SIZE[f.countKind];
        parts.push(f.view ? `v.${f.name}.n * ${SCALAR_SIZE[f.type]}` : `v.${f.name}.length * ${SCALAR_SIZE[f.type]}`);
        break;
      case "soa":
        fixed += SCALAR_SIZE[f.countKind];
        parts.push(`v.${f.name}.n * ${rowSize(f)}`);
        break;
      case "bytes":
        fixed += SCALAR_SIZE[f.countKind];
        parts.push(`v.${f.name}.n`);
        break;
      case "text":
        fixed += SCALAR_SIZE[f.countKind];
        parts.push(`Buffer.from(v.${f.name}, "utf-8").length`);
        break;
    }
  }
  const vUsed = parts.length ? "v" : "_v";
  return `export function size${m.name}(${vUsed}: ${L.typeName}): number {\n    return ${[String(fixed), ...parts].join(" + ")}\n}\n`;
}

type ScalarField = Extract<FieldModel, { kind: "scalar" }>;

/** The runs of consecutive scalar fields (since() fields excluded when `plainOnly`), by first index. */
function scalarRuns(m: LayoutModel, plainOnly: boolean): Map<number, ScalarField[]> {
  const runs = new Map<number, ScalarField[]>();
  const plain = (f: FieldModel | undefined): f is ScalarField => !!f && f.kind === "scalar" && !(plainOnly && f.since);
  m.fields.forEach((f, fi) => {
    if (!plain(f) || plain(m.fields[fi - 1])) return;
    const run: ScalarField[] = [];
    for (let k = fi; plain(m.fields[k]); k++) run.push(m.fields[k] as ScalarField);
    runs.set(fi, run);
  });
  return runs;
}

function encodeFn(L: DeviceLayout): string {
  const m = L.model;
  const lab = JSON.stringify(L.label);
  const runs = scalarRuns(m, false);
  let s = `export function encode${m.name}(b: Buffer, o: number, v: ${L.typeName}): number {\n`;
  m.fields.forEach((f, fi) => {
    switch (f.kind) {
      case "scalar": {
        const run = runs.get(fi);
        if (!run) break; // written with its run
        s += `    o = putScalars(b, o, ${fmtOf(run.map((r) => r.type))}, [${run.map((r) => `v.${r.name}`).join(", ")}], ${run.length}, ${lab}, ${fi})\n`;
        break;
      }
      case "fixedArray":
        s += `    o = putScalars(b, o, ${fmtOf([f.type])}, v.${f.name}, ${f.length}, ${lab}, ${fi})\n`;
        s += `    if (v.${f.name}.length !== ${f.length}) fail(${lab}, ${fi}, " length", v.${f.name}.length)\n`;
        break;
      case "boundedArray": {
        const cs = SCALAR_SIZE[f.countKind];
        if (f.view) {
          s += `    {\n        const a = v.${f.name}\n        o = putCount(b, o, ${cs}, a.n, ${f.max}, ${lab}, ${fi})\n`;
          s += `        b.blitAt(o, a.buf, a.off, a.n * ${SCALAR_SIZE[f.type]})\n        o += a.n * ${SCALAR_SIZE[f.type]}\n    }\n`;
        } else {
          s += `    {\n        const a = v.${f.name}\n        const n = a ? a.length : -1\n`;
          s += `        o = putCount(b, o, ${cs}, n, ${f.max}, ${lab}, ${fi})\n`;
          s += `        o = putScalars(b, o, ${fmtOf([f.type])}, a, n, ${lab}, ${fi})\n    }\n`;
        }
        break;
      }
      case "soa":
        s += `    {\n        const t = v.${f.name}\n        const n = t.n\n`;
        s += `        o = putCount(b, o, ${SCALAR_SIZE[f.countKind]}, n, ${f.max}, ${lab}, ${fi})\n`;
        for (const c of f.columns) {
          if (f.deviceColumnBytes) s += `        o = putColumn(b, o, t.${c.name}, n, ${fmtOf([c.type])}, ${SCALAR_SIZE[c.type]}, ${lab}, ${fi})\n`;
          else s += `        o = putScalars(b, o, ${fmtOf([c.type])}, t.${c.name}, n, ${lab}, ${fi})\n`;
        }
        s += `    }\n`;
        break;
      case "bytes":
        s += `    {\n        const a = v.${f.name}\n        o = putCount(b, o, ${SCALAR_SIZE[f.countKind]}, a.n, ${f.max}, ${lab}, ${fi})\n`;
        s += `        b.blitAt(o, a.buf, a.off, a.n)\n        o += a.n\n    }\n`;
        break;
      case "text":
        s += `    {\n        const t = Buffer.from(v.${f.name}, "utf-8")\n`;
        s += `        o = putCount(b, o, ${SCALAR_SIZE[f.countKind]}, t.length, ${f.max}, ${lab}, ${fi})\n`;
        s += `        b.blitAt(o, t, 0, t.length)\n        o += t.length\n    }\n`;
        break;
    }
  });
  s += `    return o\n}\n`;
  return s;
}

function decodeFn(L: DeviceLayout): string {
  const m = L.model;
  const lab = JSON.stringify(L.label);
  const runs = scalarRuns(m, true);
  const endUsed = m.fields.length > 0;
  let s = `export function decode${m.name}(b: Buffer, o: number, ${endUsed ? "end" : "_end"}: number): ${L.typeName} {\n`;
  const props: string[] = [];
  // Bytes still covered by the check of the fixed-size head.
  let covered = m.fixedBytes;
  if (covered > 0) s += `    need(end, o, ${covered}, ${lab}, 0)\n`;
  const fixedRead = (bytes: number, fi: number) => {
    if (covered < bytes) s += `    need(end, o, ${bytes}, ${lab}, ${fi})\n`;
    covered -= bytes;
  };
  m.fields.forEach((f, fi) => {
    const id = local("f", f.name);
    switch (f.kind) {
      case "scalar": {
        if (f.since) {
          props.push(`${f.name}: ${id}`);
          s += `    let ${id} = ${f.since.defaultValue}\n    if (end - o >= ${SCALAR_SIZE[f.type]}) {\n`;
          s += `        ${id} = b.getAt(o, "${f.type}")\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
          break;
        }
        const run = runs.get(fi);
        if (!run) break; // read with its run
        const bytes = run.reduce((a, r) => a + SCALAR_SIZE[r.type], 0);
        fixedRead(bytes, fi);
        s += `    const s${fi} = getScalars(b, o, ${fmtOf(run.map((r) => r.type))}, ${run.length})\n    o += ${bytes}\n`;
        run.forEach((r, k) => props.push(`${r.name}: s${fi}[${k}]`));
        break;
      }
      case "fixedArray": {
        const bytes = SCALAR_SIZE[f.type] * f.length;
        fixedRead(bytes, fi);
        props.push(`${f.name}: ${id}`);
        s += `    const ${id} = getScalars(b, o, ${fmtOf([f.type])}, ${f.length})\n    o += ${bytes}\n`;
        break;
      }
      default: {
        covered = 0;
        const cs = SCALAR_SIZE[f.countKind];
        const elem = f.kind === "soa" ? rowSize(f) : f.kind === "boundedArray" ? SCALAR_SIZE[f.type] : 1;
        const nv = local("n", f.name);
        const len = elem === 1 ? nv : `${nv} * ${elem}`;
        props.push(`${f.name}: ${id}`);
        s += `    const ${nv} = count(b, o, end, ${cs}, ${f.max}, ${elem}, ${lab}, ${fi})\n    o += ${cs}\n`;
        if (f.kind === "boundedArray" && !f.view) {
          s += `    const ${id} = getScalars(b, o, ${fmtOf([f.type])}, ${nv})\n    o += ${len}\n`;
        } else if (f.kind === "boundedArray" || f.kind === "bytes") {
          s += `    const ${id}: View = { buf: b, off: o, n: ${nv} }\n    o += ${len}\n`;
        } else if (f.kind === "text") {
          s += `    const ${id} = b.slice(o, o + ${nv}).toString("utf-8")\n    o += ${nv}\n`;
        } else if (f.kind === "soa") {
          const cols: string[] = [];
          for (const c of f.columns) {
            const cv = local("c", f.name, c.name);
            const clen = SCALAR_SIZE[c.type] === 1 ? nv : `${nv} * ${SCALAR_SIZE[c.type]}`;
            cols.push(`${c.name}: ${cv}`);
            // deviceColumnBytes: the column's wire bytes, copied in one block (slice copies in the VM).
            if (f.deviceColumnBytes) s += `    const ${cv} = b.slice(o, o + ${clen})\n    o += ${clen}\n`;
            else s += `    const ${cv} = getScalars(b, o, ${fmtOf([c.type])}, ${nv})\n    o += ${clen}\n`;
          }
          s += `    const ${id}: ${columnTypeName(L, f)} = { n: ${nv}, ${cols.join(", ")} }\n`;
        }
        break;
      }
    }
  });
  s += `    return { ${props.join(", ")} }\n}\n`;
  return s;
}

/**
 * CONFIG leaf field ids (CONFIG_NACK.fieldId) as a portable const enum: imported by the DeviceScript
 * firmware, including its portable devs/core, and by Node.
 */
export function emitConfigFields(configModel: LayoutModel): string {
  let s =
    `// GENERATED by protocol/codegen/generate.ts from protocol/schema/messages.ts (Config). Do not edit.\n` +
    `// Portable (DeviceScript + Node): no imports.\n\n`;
  s += `/** CONFIG leaf fields as numbered in CONFIG_NACK.fieldId. */\nexport const enum ConfigField {\n`;
  leafFieldNames(configModel).forEach((n, i) => (s += `    ${n.replace(".", "_")} = ${i},\n`));
  s += `    NONE = 0xffff,\n}\n`;
  return s;
}

export function emitDeviceCodec(layouts: DeviceLayout[]): string {
  let s =
    `// GENERATED by protocol/codegen/generate.ts from the typed-binary schemas in protocol/schema.\n` +
    `// Do not edit: change the schema and run \`npm run codegen\`. A test fails when this file is stale.\n` +
    `// DeviceScript codec: Buffer getAt/setAt, little-endian, table-driven (compact bytecode). Decoders\n` +
    `// never read past \`end\` and ignore trailing bytes (fields a newer minor protocol version appended).\n\n`;
  s += RUNTIME;
  for (const L of layouts) {
    s += `// ---- ${L.label} ----\n`;
    s += interfaces(L) + sizeFn(L) + encodeFn(L) + decodeFn(L) + "\n";
  }
  return s;
}
