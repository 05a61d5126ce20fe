// Emits protocol/generated/device-codec.ts for the DeviceScript firmware: Buffer getAt/setAt with
// literal little-endian formats (the VM has no DataView, typed arrays or TextEncoder).
// The output must compile under DeviceScript's bundled TypeScript 4.9 and its language subset:
// no `%`, no getters, no typed arrays, no 3-argument Math.max, at most 7 template interpolations.
import { SCALAR_RANGE, SCALAR_SIZE, type ScalarKind } from "../schema/custom";
import { leafFieldNames, rowSize, type FieldModel, type LayoutModel } from "./model";

export interface DeviceLayout {
  model: LayoutModel;
  /** Name of the generated interface (HelloMsg, FifoEventRec...). */
  typeName: string;
  label: string;
}

function check(t: ScalarKind, x: string, where: string, ind: string): string {
  if (t === "f32") return `${ind}if (!(${x} === ${x})) throw new CodecError(${JSON.stringify(where)}, ${x})\n`;
  const [lo, hi] = SCALAR_RANGE[t];
  return `${ind}if (!(${x} >= ${lo} && ${x} <= ${hi})) throw new CodecError(${JSON.stringify(where)}, ${x})\n`;
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
      for (const c of f.columns) s += `    ${c.name}: number[]\n`;
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
  if (m.fields.some((f) => f.kind === "scalar" || f.kind === "fixedArray" || f.kind === "boundedArray" || f.kind === "soa"))
    s += `    let x = 0\n`;
  for (const f of m.fields) {
    const where = `${L.label}.${f.name}`;
    switch (f.kind) {
      case "scalar":
        s += `    x = v.${f.name}\n` + check(f.type, "x", where, "    ");
        s += `    b.setAt(o, "${f.type}", x)\n    o += ${SCALAR_SIZE[f.type]}\n`;
        break;
      case "fixedArray":
        s += `    if (v.${f.name}.length !== ${f.length}) throw new CodecError(${JSON.stringify(where + ".length")}, v.${f.name}.length)\n`;
        s += `    for (let i = 0; i < ${f.length}; i++) {\n        x = v.${f.name}[i]\n` + check(f.type, "x", where, "        ");
        s += `        b.setAt(o, "${f.type}", x)\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
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
          s += `        for (let i = 0; i < n; i++) {\n            x = a[i]\n` + check(f.type, "x", where, "            ");
          s += `            b.setAt(o, "${f.type}", x)\n            o += ${SCALAR_SIZE[f.type]}\n        }\n    }\n`;
        }
        break;
      case "soa":
        s += `    {\n        const t = v.${f.name}\n        const n = t.n\n`;
        s += `        if (!(n >= 0 && n <= ${f.max})) throw new CodecError(${JSON.stringify(where + ".n")}, n)\n`;
        s += `        b.setAt(o, "${f.countKind}", n)\n        o += ${SCALAR_SIZE[f.countKind]}\n`;
        for (const c of f.columns) {
          s += `        {\n            const a = t.${c.name}\n`;
          s += `            if (a.length < n) throw new CodecError(${JSON.stringify(`${where}.${c.name}.length`)}, a.length)\n`;
          s += `            for (let i = 0; i < n; i++) {\n                x = a[i]\n` + check(c.type, "x", `${where}.${c.name}`, "                ");
          s += `                b.setAt(o, "${c.type}", x)\n                o += ${SCALAR_SIZE[c.type]}\n            }\n        }\n`;
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
  }
  s += `    return o\n}\n`;
  return s;
}

function decodeFn(L: DeviceLayout): string {
  const m = L.model;
  const endUsed = m.fields.length > 0;
  let s = `export function decode${m.name}(b: Buffer, o: number, ${endUsed ? "end" : "_end"}: number): ${L.typeName} {\n`;
  const names: string[] = [];
  let fixedLeft = m.fixedBytes;
  if (fixedLeft > 0) s += needs(String(fixedLeft), `${L.label}.${m.fields[0]!.name}`, "    ");
  for (const f of m.fields) {
    const where = `${L.label}.${f.name}`;
    names.push(f.name);
    const checked = fixedLeft > 0;
    switch (f.kind) {
      case "scalar":
        if (f.since) {
          s += `    let ${f.name} = ${f.since.defaultValue}\n    if (end - o >= ${SCALAR_SIZE[f.type]}) {\n`;
          s += `        ${f.name} = b.getAt(o, "${f.type}")\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        } else {
          if (!checked) s += needs(String(SCALAR_SIZE[f.type]), where, "    ");
          s += `    const ${f.name} = b.getAt(o, "${f.type}")\n    o += ${SCALAR_SIZE[f.type]}\n`;
          fixedLeft -= SCALAR_SIZE[f.type];
        }
        break;
      case "fixedArray":
        if (!checked) s += needs(String(SCALAR_SIZE[f.type] * f.length), where, "    ");
        s += `    const ${f.name}: number[] = []\n    for (let i = 0; i < ${f.length}; i++) {\n`;
        s += `        ${f.name}.push(b.getAt(o, "${f.type}"))\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        fixedLeft -= SCALAR_SIZE[f.type] * f.length;
        break;
      default: {
        const cs = SCALAR_SIZE[f.countKind];
        const elem = f.kind === "soa" ? rowSize(f) : f.kind === "boundedArray" ? SCALAR_SIZE[f.type] : 1;
        const nv = `${f.name}N`;
        s += needs(String(cs), where, "    ");
        s += `    const ${nv} = b.getAt(o, "${f.countKind}")\n    o += ${cs}\n`;
        s += `    if (${nv} > ${f.max}) throw new CodecError(${JSON.stringify(where + " count")}, ${nv})\n`;
        s += needs(elem === 1 ? nv : `${nv} * ${elem}`, where, "    ");
        if (f.kind === "boundedArray" && !f.view) {
          s += `    const ${f.name}: number[] = []\n    for (let i = 0; i < ${nv}; i++) {\n`;
          s += `        ${f.name}.push(b.getAt(o, "${f.type}"))\n        o += ${SCALAR_SIZE[f.type]}\n    }\n`;
        } else if (f.kind === "boundedArray" || f.kind === "bytes") {
          s += `    const ${f.name}: View = { buf: b, off: o, n: ${nv} }\n    o += ${elem === 1 ? nv : `${nv} * ${elem}`}\n`;
        } else if (f.kind === "text") {
          s += `    const ${f.name} = b.slice(o, o + ${nv}).toString("utf-8")\n    o += ${nv}\n`;
        } else if (f.kind === "soa") {
          const cols: string[] = [];
          for (const c of f.columns) {
            const cv = `${f.name}_${c.name}`;
            cols.push(`${c.name}: ${cv}`);
            s += `    const ${cv}: number[] = []\n    for (let i = 0; i < ${nv}; i++) {\n`;
            s += `        ${cv}.push(b.getAt(o, "${c.type}"))\n        o += ${SCALAR_SIZE[c.type]}\n    }\n`;
          }
          s += `    const ${f.name}: ${columnTypeName(L, f)} = { n: ${nv}, ${cols.join(", ")} }\n`;
        }
        break;
      }
    }
  }
  s += `    return { ${names.join(", ")} }\n}\n`;
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
  for (const L of layouts) {
    s += `// ---- ${L.label} ----\n`;
    s += interfaces(L) + sizeFn(L) + encodeFn(L) + decodeFn(L) + "\n";
  }
  return s;
}
