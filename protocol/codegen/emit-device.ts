// Emits protocol/generated/device-codec.ts for the DeviceScript firmware: Buffer getAt/setAt with
// literal little-endian formats (the VM has no DataView, typed arrays or TextEncoder).
// The output must compile under DeviceScript's bundled TypeScript 4.9 and its language subset:
// no `%`, no getters, no typed arrays, no 3-argument Math.max, at most 7 template interpolations.
import { SCALAR_RANGE, SCALAR_SIZE, type ScalarKind } from "../schema/custom";
import { leafFieldNames, local, rowSize, type FieldModel, type LayoutModel } from "./model";

export interface DeviceLayout {
  model: LayoutModel;
  /** Name of the generated interface (HelloMsg, FifoEventRec...). */
  typeName: string;
  label: string;
}

/** Byte codes of the scalar kinds in putScalars formats. */
const SCALAR_CODE: Record<ScalarKind, number> = { u8: 1, u16: 2, u32: 4, i8: 5, i16: 6, i32: 7, f32: 8 };

/**
 * putScalars: writes a run of scalars described by a format, range-checking each one. The format
 * is a hex\`\` Buffer in the image (indexing it costs one operation; a string's charCodeAt is a
 * call), the common kinds are tested first and the checks are nested ifs (the VM evaluates &&
 * through temporaries): about twice as fast as a string format, as compact.
 */
const PUT_SCALARS = `/**
 * Write \`vals\` at \`o\` as the scalar kinds in \`fmt\` (1 u8, 2 u16, 4 u32, 5 i8, 6 i16, 7 i32, 8 f32),
 * range-checked (setAt would saturate silently); field numbers start at \`first\` within \`label\`.
 */
function putScalars(b: Buffer, o: number, fmt: Buffer, vals: number[], label: string, first: number): number {
    const n = fmt.length
    for (let i = 0; i < n; i++) {
        const x = vals[i]
        const c = fmt[i]
        if (c === 4) {
            if (x >= 0) if (x <= 4294967295) {
                b.setAt(o, "u32", x)
                o += 4
                continue
            }
        } else if (c === 1) {
            if (x >= 0) if (x <= 255) {
                b.setAt(o, "u8", x)
                o += 1
                continue
            }
        } else if (c === 2) {
            if (x >= 0) if (x <= 65535) {
                b.setAt(o, "u16", x)
                o += 2
                continue
            }
        } else if (c === 5) {
            if (x >= -128) if (x <= 127) {
                b.setAt(o, "i8", x)
                o += 1
                continue
            }
        } else if (c === 6) {
            if (x >= -32768) if (x <= 32767) {
                b.setAt(o, "i16", x)
                o += 2
                continue
            }
        } else if (c === 7) {
            if (x >= -2147483648) if (x <= 2147483647) {
                b.setAt(o, "i32", x)
                o += 4
                continue
            }
        } else if (x === x) {
            b.setAt(o, "f32", x)
            o += 4
            continue
        }
        throw new CodecError(label + "#" + (first + i), x)
    }
    return o
}

`;

/** Inline test that `x` fits scalar type `t`. */
function rangeTest(t: ScalarKind, x: string): string {
  if (t === "f32") return `${x} === ${x}`;
  const [lo, hi] = SCALAR_RANGE[t];
  return `${x} >= ${lo} && ${x} <= ${hi}`;
}

/**
 * `x` range-checked for scalar type `t`, as one call per field (compact bytecode). The error names
 * the message and the field's position in it ("HELLO#3" = its fourth field); the label string is
 * shared by all fields of a message, which keeps the firmware image small.
 */
function checked(t: ScalarKind, x: string, label: string, field: number): string {
  if (t === "f32") return `num(${x}, ${JSON.stringify(label)}, ${field})`;
  const [lo, hi] = SCALAR_RANGE[t];
  return `inRange(${x}, ${lo}, ${hi}, ${JSON.stringify(label)}, ${field})`;
}

function needs(bytes: string, where: string, ind: string): string {
  return `${ind}if (end - o < ${bytes}) throw new CodecError(${JSON.stringify(where + " truncated")}, end - o)\n`;
}

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
      // deviceColumnBytes: a column may also be its wire bytes (n little-endian values).
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

function encodeFn(L: DeviceLayout): string {
  const m = L.model;
  let s = `export function encode${m.name}(b: Buffer, o: number, v: ${L.typeName}): number {\n`;
  if (m.fields.some((f) => f.kind === "boundedArray" && f.view)) s += `    let x = 0\n`;
  m.fields.forEach((f, fi) => {
    const where = `${L.label}.${f.name}`;
    switch (f.kind) {
      case "scalar": {
        // A run of scalars is one table-driven call: about 4 bytecode bytes per field instead of 30.
        if (fi > 0 && m.fields[fi - 1]!.kind === "scalar") break;
        let end = fi;
        while (end < m.fields.length && m.fields[end]!.kind === "scalar") end++;
        const run = m.fields.slice(fi, end) as Extract<FieldModel, { kind: "scalar" }>[];
        const fmt = run.map((r) => SCALAR_CODE[r.type].toString(16).padStart(2, "0")).join("");
        s += `    o = putScalars(b, o, hex\`${fmt}\`, [${run.map((r) => `v.${r.name}`).join(", ")}], ${JSON.stringify(L.label)}, ${fi})\n`;
        break;
      }
      case "fixedArray":
        s += `    if (v.${f.name}.length !== ${f.length}) throw new CodecError(${JSON.stringify(where + ".length")}, v.${f.name}.length)\n`;
        s += `    for (let i = 0; i < ${f.length}; i++) {\n`;
        s += `        b.setAt(o, "${f.type}", ${checked(f.type, `v.${f.name}[i]`, L.label, fi)})\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        break;
      case "boundedArray":
        if (f.view) {
          s += `    x = v.${f.name}.n\n    if (!(x >= 0 && x <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".n")}, x)\n`;
          s += `    b.setAt(o, "${f.countKind}", x)\n    o += ${SCALAR_SIZE[f.countKind]}\n`;
          s += `    b.blitAt(o, v.${f.name}.buf, v.${f.name}.off, x * ${SCALAR_SIZE[f.type]})\n    o += x * ${SCALAR_SIZE[f.type]}\n`;
        } else {
          s += `    {\n        const a = v.${f.name}\n        const n = a.length\n`;
          s += `        if (!(n <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".length")}, n)\n`;
          s += `        b.setAt(o, "${f.countKind}", n)\n        o += ${SCALAR_SIZE[f.countKind]}\n`;
          s += `        for (let i = 0; i < n; i++) {\n`;
          s += `            b.setAt(o, "${f.type}", ${checked(f.type, "a[i]", L.label, fi)})\n            o += ${SCALAR_SIZE[f.type]}\n        }\n    }\n`;
        }
        break;
      case "soa":
        // A column shorter than n fails inRange (undefined is out of range).
        s += `    {\n        const t = v.${f.name}\n        const n = t.n\n`;
        s += `        if (!(n >= 0 && n <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".n")}, n)\n`;
        s += `        b.setAt(o, "${f.countKind}", n)\n        o += ${SCALAR_SIZE[f.countKind]}\n`;
        for (const c of f.columns) {
          s += `        {\n            const a = t.${c.name}\n`;
          let ind = "            ";
          if (f.deviceColumnBytes) {
            // Wire bytes: one blit (the values are in range by construction); a short column fails.
            const len = SCALAR_SIZE[c.type] === 1 ? "n" : `n * ${SCALAR_SIZE[c.type]}`;
            s += `            if (!Array.isArray(a)) {\n`;
            s += `                if (!(a.length >= ${len})) fail(${JSON.stringify(L.label)}, ${fi}, a.length)\n`;
            s += `                b.blitAt(o, a, 0, ${len})\n                o += ${len}\n            } else {\n`;
            ind += "    ";
          }
          // Columns are the hot loops (EVENT hits): the range check is inline, the throw out of line.
          s += `${ind}for (let i = 0; i < n; i++) {\n${ind}    const x = a[i]\n`;
          s += `${ind}    if (!(${rangeTest(c.type, "x")})) fail(${JSON.stringify(L.label)}, ${fi}, x)\n`;
          s += `${ind}    b.setAt(o, "${c.type}", x)\n${ind}    o += ${SCALAR_SIZE[c.type]}\n${ind}}\n`;
          if (f.deviceColumnBytes) s += `            }\n`;
          s += `        }\n`;
        }
        s += `    }\n`;
        break;
      case "bytes":
        s += `    if (!(v.${f.name}.n <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".n")}, v.${f.name}.n)\n`;
        s += `    b.setAt(o, "${f.countKind}", v.${f.name}.n)\n    o += ${SCALAR_SIZE[f.countKind]}\n`;
        s += `    b.blitAt(o, v.${f.name}.buf, v.${f.name}.off, v.${f.name}.n)\n    o += v.${f.name}.n\n`;
        break;
      case "text":
        s += `    {\n        const t = Buffer.from(v.${f.name}, "utf-8")\n`;
        s += `        if (!(t.length <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".length")}, t.length)\n`;
        s += `        b.setAt(o, "${f.countKind}", t.length)\n        o += ${SCALAR_SIZE[f.countKind]}\n`;
        s += `        b.blitAt(o, t, 0, t.length)\n        o += t.length\n    }\n`;
        break;
    }
  });
  s += `    return o\n}\n`;
  return s;
}

function decodeFn(L: DeviceLayout): string {
  const m = L.model;
  const endUsed = m.fields.length > 0;
  let s = `export function decode${m.name}(b: Buffer, o: number, ${endUsed ? "end" : "_end"}: number): ${L.typeName} {\n`;
  const props: string[] = [];
  let fixedLeft = m.fixedBytes;
  if (fixedLeft > 0) s += needs(String(fixedLeft), `${L.label}.${m.fields[0]!.name}`, "    ");
  for (const f of m.fields) {
    const where = `${L.label}.${f.name}`;
    const id = local("f", f.name);
    props.push(`${f.name}: ${id}`);
    const checked = fixedLeft > 0;
    switch (f.kind) {
      case "scalar":
        if (f.since) {
          s += `    let ${id} = ${f.since.defaultValue}\n    if (end - o >= ${SCALAR_SIZE[f.type]}) {\n`;
          s += `        ${id} = b.getAt(o, "${f.type}")\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        } else {
          if (!checked) s += needs(String(SCALAR_SIZE[f.type]), where, "    ");
          s += `    const ${id} = b.getAt(o, "${f.type}")\n    o += ${SCALAR_SIZE[f.type]}\n`;
          fixedLeft -= SCALAR_SIZE[f.type];
        }
        break;
      case "fixedArray":
        if (!checked) s += needs(String(SCALAR_SIZE[f.type] * f.length), where, "    ");
        // Arrays are allocated at their final length: push() grows them with slack, and the VM
        // heap is 64 KB (8 bytes per element).
        s += `    const ${id}: number[] = new Array(${f.length})\n    for (let i = 0; i < ${f.length}; i++) {\n`;
        s += `        ${id}[i] = b.getAt(o, "${f.type}")\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        fixedLeft -= SCALAR_SIZE[f.type] * f.length;
        break;
      default: {
        const cs = SCALAR_SIZE[f.countKind];
        const elem = f.kind === "soa" ? rowSize(f) : f.kind === "boundedArray" ? SCALAR_SIZE[f.type] : 1;
        const nv = local("n", f.name);
        s += needs(String(cs), where, "    ");
        s += `    const ${nv} = b.getAt(o, "${f.countKind}")\n    o += ${cs}\n`;
        s += `    if (${nv} > ${f.max}) throw new CodecError(${JSON.stringify(where + " count")}, ${nv})\n`;
        s += needs(elem === 1 ? nv : `${nv} * ${elem}`, where, "    ");
        if (f.kind === "boundedArray" && !f.view) {
          s += `    const ${id}: number[] = new Array(${nv})\n    for (let i = 0; i < ${nv}; i++) {\n`;
          s += `        ${id}[i] = b.getAt(o, "${f.type}")\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        } else if (f.kind === "boundedArray" || f.kind === "bytes") {
          s += `    const ${id}: View = { buf: b, off: o, n: ${nv} }\n    o += ${elem === 1 ? nv : `${nv} * ${elem}`}\n`;
        } else if (f.kind === "text") {
          s += `    const ${id} = b.slice(o, o + ${nv}).toString("utf-8")\n    o += ${nv}\n`;
        } else if (f.kind === "soa") {
          const cols: string[] = [];
          for (const c of f.columns) {
            const cv = local("c", f.name, c.name);
            cols.push(`${c.name}: ${cv}`);
            s += `    const ${cv}: number[] = new Array(${nv})\n    for (let i = 0; i < ${nv}; i++) {\n`;
            s += `        ${cv}[i] = b.getAt(o, "${c.type}")\n        o += ${SCALAR_SIZE[c.type]}\n    }\n`;
          }
          s += `    const ${id}: ${columnTypeName(L, f)} = { n: ${nv}, ${cols.join(", ")} }\n`;
        }
        break;
      }
    }
  }
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
    `// DeviceScript codec: Buffer getAt/setAt, little-endian. Decoders never read past \`end\` and ignore\n` +
    `// trailing bytes (fields a newer minor protocol version appended).\n\n`;
  s += `/** A run of bytes or elements inside a buffer, handed out without copying. */\n`;
  s += `export interface View {\n    buf: Buffer\n    off: number\n    n: number\n}\n\n`;
  s += `/** Encoding or decoding failed: \`where\` names the field, \`value\` is what it held. */\n`;
  s += `export class CodecError extends Error {\n    constructor(public where: string, public value: number) {\n        super(where + " = " + value)\n    }\n}\n\n`;
  s += PUT_SCALARS;
  s += `/** \`x\` when lo <= x <= hi (setAt would saturate silently), else CodecError naming field #\`field\` of \`label\`. */\n`;
  s += `function inRange(x: number, lo: number, hi: number, label: string, field: number): number {\n    if (!(x >= lo && x <= hi)) throw new CodecError(label + "#" + field, x)\n    return x\n}\n\n`;
  s += `/** Throw the CodecError for field #\`field\` of \`label\` holding \`x\`. */\n`;
  s += `function fail(label: string, field: number, x: number): void {\n    throw new CodecError(label + "#" + field, x)\n}\n\n`;
  s += `/** \`x\` unless it is NaN. */\n`;
  s += `function num(x: number, label: string, field: number): number {\n    if (!(x === x)) throw new CodecError(label + "#" + field, x)\n    return x\n}\n\n`;
  for (const L of layouts) {
    s += `// ---- ${L.label} ----\n`;
    s += interfaces(L) + sizeFn(L) + encodeFn(L) + decodeFn(L) + "\n";
  }
  return s;
}
