// The tables of protocol/README.md, generated from the same sources as the codecs: the envelope,
// every message (MESSAGES) and FIFO record (FIFO_RECORDS) with byte offsets, the register map
// (REGISTERS), every enum of schema/enums.ts with its values and meanings, and the CONFIG field
// ids. Meanings are the doc comments next to the schema fields and enum members; nothing here
// lists messages, records or enums by hand, so a new one appears in the README by itself.
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { AnySchema } from "typed-binary";
import * as EnvelopeModule from "../schema/envelope";
import * as FifoModule from "../schema/fifo";
import * as MessagesModule from "../schema/messages";
import { FIFO_RECORDS, FIFO_HEADER_BYTES } from "../schema/fifo";
import { MESSAGES } from "../schema/messages";
import { REGISTERS } from "../schema/registers";
import { FRAME_MAGIC, HEADER_BYTES, MAX_FRAME_BYTES, MAX_PAYLOAD_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../schema/limits";
import { SCALAR_SIZE } from "../schema/custom";
import { configModel } from "./layouts";
import { leafFieldNames, modelOf, type FieldModel, type LayoutModel } from "./model";
import { anchor, code, table, valueText } from "./markdown";
import { enumsIn, schemaDocsIn, SourceShapeError, type EnumSource, type SchemaSource } from "./ts-source";
import { REPO_ROOT } from "./output";

const SCHEMA_DIR = "protocol/schema";

/** Unit of a field from the suffix of its name (the naming rule of schema/messages.ts and of the host's JSON). */
const UNIT_SUFFIXES: ReadonlyArray<[RegExp, string]> = [
  [/EvPerAdc$/, "eV per ADC count"],
  [/KeV$/, "keV"],
  [/Adc$/, "ADC counts"],
  [/Q8$/, "samples x 256"],
  [/Q4$/, "ADC counts x 16"],
  [/Ticks$/, "clock ticks (12.86 ns)"],
  [/Ms$/, "ms"],
  [/Ns$/, "ns"],
  [/AdcPerGeV$/, "ADC counts per GeV"],
  [/GeV$/, "GeV"],
  [/MeV$/, "MeV"],
  [/Samples?$/, "samples"],
  [/Frames$/, "frames"],
  [/Bytes$/, "bytes"],
];

export function unitOf(fieldName: string): string {
  for (const [re, unit] of UNIT_SUFFIXES) if (re.test(fieldName)) return unit;
  return "";
}

/** A byte offset: a constant plus multiples of counts (`27 + 3*n_hits`). */
export class Offset {
  constructor(
    readonly c = 0,
    readonly terms: ReadonlyArray<[string, number]> = [],
  ) {}
  plus(k: number, sym?: string): Offset {
    if (!sym) return new Offset(this.c + k, this.terms);
    const t = this.terms.map(([s, n]): [string, number] => [s, s === sym ? n + k : n]);
    if (!t.some(([s]) => s === sym)) t.push([sym, k]);
    return new Offset(this.c, t);
  }
  /** The offset for these counts (`{ n_hits: 36 }`). */
  at(counts: Readonly<Record<string, number>>): number {
    return this.terms.reduce((a, [s, n]) => {
      const k = counts[s];
      if (k === undefined) throw new RangeError(`offset ${this}: no value for ${s}`);
      return a + n * k;
    }, this.c);
  }
  get fixed(): boolean {
    return this.terms.length === 0;
  }
  toString(): string {
    const parts = [String(this.c), ...this.terms.filter(([, n]) => n).map(([s, n]) => (n === 1 ? s : `${n}*${s}`))];
    return parts.length > 1 && this.c === 0 ? parts.slice(1).join(" + ") : parts.join(" + ");
  }
}

interface Sources {
  enums: EnumSource[];
  /** Field docs by schema object. */
  schemaDocs: Map<AnySchema, SchemaSource>;
  /** Enum name (and the CONFIG field ids) -> anchor in the README. */
  links: Map<string, string>;
}

/** Field docs of every `object({...})` a module exports, keyed by the schema object itself. */
function docsByObject(file: string, mod: Record<string, unknown>, into: Map<AnySchema, SchemaSource>): void {
  for (const [name, src] of schemaDocsIn(join(REPO_ROOT, file))) {
    const schema = mod[name];
    if (schema === undefined) throw new SourceShapeError(file, name, undefined, "a schema object that the module does not export");
    into.set(schema as AnySchema, src);
  }
}

function schemaDocs(schema: AnySchema, label: string): SchemaSource {
  const d = sources().schemaDocs.get(schema);
  if (!d) throw new SourceShapeError(SCHEMA_DIR, label, undefined, "its schema is not an exported `const X = object({...})` of schema/envelope.ts, messages.ts or fifo.ts");
  return d;
}

/** Every enum member must say what it means: the README's enum tables are made of these comments. */
export function requireMemberDocs(file: string, enums: readonly EnumSource[]): void {
  for (const e of enums)
    for (const m of e.members)
      if (!m.doc) throw new SourceShapeError(file, `${e.name}.${m.name}`, m.value, "no doc comment: say what the value means (the README's enum table is generated from it)");
}

let cached: Sources | undefined;
function sources(): Sources {
  if (cached) return cached;
  const enums = enumsIn(join(REPO_ROOT, SCHEMA_DIR, "enums.ts"));
  requireMemberDocs(`${SCHEMA_DIR}/enums.ts`, enums);
  const schemaDocs = new Map<AnySchema, SchemaSource>();
  docsByObject(`${SCHEMA_DIR}/envelope.ts`, EnvelopeModule, schemaDocs);
  docsByObject(`${SCHEMA_DIR}/messages.ts`, MessagesModule, schemaDocs);
  docsByObject(`${SCHEMA_DIR}/fifo.ts`, FifoModule, schemaDocs);
  const links = new Map<string, string>(enums.map((e) => [e.name, anchor(e.name)]));
  links.set("ConfigField", anchor(CONFIG_FIELDS_HEADING));
  cached = { enums, schemaDocs, links };
  return cached;
}

const CONFIG_FIELDS_HEADING = "Config field ids";

/** Enum names in a doc comment, as links. */
function linked(doc: string): string {
  let out = doc;
  for (const [name, a] of sources().links) out = out.replace(new RegExp(`\\b${name}\\b(?!\\])`, "g"), `[${name}](#${a})`);
  return out;
}

/**
 * The enums whose values a field holds, by its doc comment: every enum it names other than as
 * `Enum.MEMBER` (which only refers to one value: "HitFlag.IN_TIME").
 */
function enumsNamed(doc: string): string[] {
  return sources().enums.filter((e) => new RegExp(`\\b${e.name}\\b(?!\\.\\w)`).test(doc)).map((e) => e.name);
}

export interface LayoutRow {
  index: number;
  offset: Offset;
  field: string;
  type: string;
  unit: string;
  doc: string;
}

/** Rows of one layout, every byte accounted for, and the offset where the payload ends. */
export function layoutRows(m: LayoutModel, docs: SchemaSource = { doc: "", fields: new Map() }): { rows: LayoutRow[]; end: Offset } {
  const rows: LayoutRow[] = [];
  let at = new Offset();
  const docOf = (path: string) => docs.fields.get(path) ?? "";
  m.fields.forEach((f: FieldModel, index) => {
    const doc = docOf(f.name);
    switch (f.kind) {
      case "scalar": {
        const since = f.since ? ` (since ${PROTO_MAJOR}.${f.since.minor}; older frames end before it: ${f.since.defaultValue})` : "";
        rows.push({ index, offset: at, field: f.name, type: f.type + since, unit: unitOf(f.name), doc });
        at = at.plus(SCALAR_SIZE[f.type]);
        break;
      }
      case "fixedArray":
        rows.push({ index, offset: at, field: f.name, type: `${f.type}[${f.length}]`, unit: unitOf(f.name), doc });
        at = at.plus(SCALAR_SIZE[f.type] * f.length);
        break;
      case "boundedArray":
      case "bytes":
      case "text": {
        const n = `n_${f.name}`;
        const elem = f.kind === "boundedArray" ? f.type : f.kind === "text" ? "UTF-8 byte" : "u8";
        const what = f.kind === "boundedArray" ? "elements" : "bytes";
        rows.push({ index, offset: at, field: n, type: f.countKind, unit: "", doc: `${what} in \`${f.name}\`, 0..${f.max}` });
        at = at.plus(SCALAR_SIZE[f.countKind]);
        rows.push({ index, offset: at, field: f.name, type: `${elem}[${n}]`, unit: f.kind === "boundedArray" ? unitOf(f.name) : "", doc });
        at = at.plus(f.kind === "boundedArray" ? SCALAR_SIZE[f.type] : 1, n);
        break;
      }
      case "soa": {
        const n = `n_${f.name}`;
        rows.push({ index, offset: at, field: n, type: f.countKind, unit: "", doc: `rows of \`${f.name}\`, 0..${f.max}; one count for every column.${doc ? ` ${doc}` : ""}` });
        at = at.plus(SCALAR_SIZE[f.countKind]);
        for (const c of f.columns) {
          rows.push({ index, offset: at, field: `${f.name}.${c.name}`, type: `${c.type}[${n}]`, unit: unitOf(c.name), doc: docOf(`${f.name}.${c.name}`) });
          at = at.plus(SCALAR_SIZE[c.type], n);
        }
        break;
      }
    }
  });
  return { rows, end: at };
}

function layoutTable(m: LayoutModel, docs: SchemaSource): { text: string; end: Offset } {
  const { rows, end } = layoutRows(m, docs);
  if (!rows.length) return { text: "Empty payload (0 bytes).", end };
  const text = table(
    ["#", "offset", "field", "type", "unit", "meaning"],
    rows.map((r) => [r.index, code(r.offset.toString()), code(r.field), code(r.type), r.unit, linked(r.doc)]),
  );
  return { text, end };
}

function sizeLine(what: string, m: LayoutModel, end: Offset): string {
  if (end.fixed) return `${what}: ${end.c} bytes.`;
  return `${what}: ${code(end.toString())} bytes, ${m.minBytes}..${m.maxBytes}.`;
}

/** Every field path of every layout with the enums its doc names ("EVENT.hits.flags" -> HitFlag). */
function enumUses(): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  const add = (where: string, doc: string) => {
    for (const e of enumsNamed(doc)) uses.set(e, [...(uses.get(e) ?? []), where]);
  };
  const addSchema = (label: string, schema: AnySchema) => {
    for (const [path, doc] of schemaDocs(schema, label).fields) add(`${label}.${path}`, doc);
  };
  addSchema("envelope", EnvelopeModule.Envelope);
  for (const msg of MESSAGES) addSchema(msg.name, msg.schema);
  addSchema("FIFO header", FifoModule.FifoHeader);
  for (const r of FIFO_RECORDS) addSchema(`FIFO ${r.name}`, r.schema);
  for (const r of REGISTERS) add(`register ${r.name}`, r.doc);
  for (const e of sources().enums) for (const m of e.members) add(`${e.name}.${m.name}`, m.doc);
  for (const [e, l] of uses) uses.set(e, l.filter((where) => !where.startsWith(`${e}.`)));
  return uses;
}

export function envelopeRegion(): string {
  const m = modelOf("Envelope", EnvelopeModule.Envelope);
  const { text, end } = layoutTable(m, schemaDocs(EnvelopeModule.Envelope, "envelope"));
  if (!end.fixed || end.c !== HEADER_BYTES) throw new SourceShapeError(`${SCHEMA_DIR}/envelope.ts`, "Envelope", end.toString(), `the envelope must be ${HEADER_BYTES} fixed bytes`);
  const magic = FRAME_MAGIC.toString(16).toUpperCase();
  const version = ((PROTO_MAJOR << 4) | PROTO_MINOR).toString(16).padStart(2, "0");
  return [
    text,
    "",
    `Now: magic ${code(`0x${magic}`)} (bytes ${code(`${magic.slice(2)} ${magic.slice(0, 2)}`)}), version ${code(`0x${version}`)} (${PROTO_MAJOR}.${PROTO_MINOR}), ` +
      `length at most ${MAX_PAYLOAD_BYTES} (a frame is at most ${MAX_FRAME_BYTES} bytes). The payload follows at byte ${HEADER_BYTES}.`,
  ].join("\n");
}

export function messagesRegion(): string {
  const msgType = sources().enums.find((e) => e.name === "MsgType");
  if (!msgType) throw new SourceShapeError(`${SCHEMA_DIR}/enums.ts`, "MsgType", undefined, "no MsgType enum");
  const purpose = (name: string, type: number) => {
    const mem = msgType.members.find((x) => x.name === name);
    if (!mem || mem.value !== type) throw new SourceShapeError(`${SCHEMA_DIR}/messages.ts`, `MESSAGES ${name}`, type, `MsgType has ${mem ? `${name} = ${mem.value}` : `no ${name}`}`);
    return mem.doc;
  };
  for (const mem of msgType.members)
    if (!MESSAGES.some((x) => x.name === mem.name)) throw new SourceShapeError(`${SCHEMA_DIR}/enums.ts`, `MsgType.${mem.name}`, mem.value, "no entry in MESSAGES (schema/messages.ts)");
  const hex = (t: number) => `0x${t.toString(16).padStart(2, "0").toUpperCase()}`;
  const heading = (msg: (typeof MESSAGES)[number]) => `${hex(msg.type)} ${msg.name} (${msg.dir})`;
  const parts: string[] = [];
  parts.push(
    table(
      ["type", "name", "dir", "payload bytes", "purpose"],
      MESSAGES.map((msg) => {
        const m = modelOf(msg.name, msg.schema);
        return [code(hex(msg.type)), `[${msg.name}](#${anchor(heading(msg))})`, msg.dir, m.minBytes === m.maxBytes ? m.minBytes : `${m.minBytes}..${m.maxBytes}`, linked(purpose(msg.name, msg.type))];
      }),
    ),
  );
  for (const msg of MESSAGES) {
    const m = modelOf(msg.name, msg.schema);
    const docs = schemaDocs(msg.schema, msg.name);
    const { text, end } = layoutTable(m, docs);
    parts.push(`### ${heading(msg)}`, [linked(purpose(msg.name, msg.type)), docs.doc && docs.doc !== purpose(msg.name, msg.type) ? linked(docs.doc) : "", sizeLine("Payload", m, end)].filter(Boolean).join(" "), text);
  }
  return parts.join("\n\n");
}

export function fifoRegion(): string {
  const kinds = sources().enums.find((e) => e.name === "FifoKind");
  if (!kinds) throw new SourceShapeError(`${SCHEMA_DIR}/enums.ts`, "FifoKind", undefined, "no FifoKind enum");
  for (const k of kinds.members)
    if (!FIFO_RECORDS.some((r) => r.name === k.name && r.kind === k.value)) throw new SourceShapeError(`${SCHEMA_DIR}/enums.ts`, `FifoKind.${k.name}`, k.value, "no entry of that name and kind in FIFO_RECORDS (schema/fifo.ts)");
  const header = modelOf("FifoHeader", FifoModule.FifoHeader);
  const h = layoutTable(header, schemaDocs(FifoModule.FifoHeader, "FIFO header"));
  if (!h.end.fixed || h.end.c !== FIFO_HEADER_BYTES) throw new SourceShapeError(`${SCHEMA_DIR}/fifo.ts`, "FifoHeader", h.end.toString(), `the header must be ${FIFO_HEADER_BYTES} fixed bytes`);
  const parts = [`Header, ${FIFO_HEADER_BYTES} bytes, in front of every record:`, h.text];
  for (const r of FIFO_RECORDS) {
    const m = modelOf(r.name, r.schema);
    const docs = schemaDocs(r.schema, `FIFO ${r.name}`);
    const { text, end } = layoutTable(m, docs);
    const kindDoc = kinds.members.find((k) => k.name === r.name)?.doc ?? "";
    parts.push(
      `### FIFO kind ${r.kind}: ${r.name}`,
      [linked(docs.doc || kindDoc), sizeLine("Body (offsets from the end of the header)", m, end)].filter(Boolean).join(" "),
      text,
    );
  }
  return parts.join("\n\n");
}

export function registersRegion(): string {
  const hex = (a: number) => `0x${a.toString(16).padStart(4, "0")}`;
  return table(
    ["address", "name", "registers", "access", "boards", "unit", "meaning"],
    REGISTERS.map((r) => [code(r.count > 1 ? `${hex(r.addr)}..${hex(r.addr + r.count - 1)}` : hex(r.addr)), code(r.name), r.count > 1 ? `${r.count} (base + index)` : 1, r.access, r.roles, r.unit, linked(r.doc)]),
  );
}

export function enumsRegion(): string {
  const uses = enumUses();
  const parts: string[] = [];
  for (const e of sources().enums) {
    const used = uses.get(e.name) ?? [];
    parts.push(`### ${e.name}`, [linked(e.doc), used.length ? `Used in: ${used.map((u) => code(u)).join(", ")}.` : ""].filter(Boolean).join(" "));
    parts.push(table(["value", "name", "meaning"], e.members.map((x) => [valueText(x.text, x.value), code(x.name), linked(x.doc)])));
  }
  return parts.join("\n\n");
}

export function configFieldsRegion(): string {
  const names = leafFieldNames(configModel());
  return [
    `### ${CONFIG_FIELDS_HEADING}`,
    "CONFIG_NACK.fieldId names the offending CONFIG field by its leaf index in wire order (a structure-of-arrays column is one leaf); " +
      "the firmware has them as the `ConfigField` enum (`protocol/generated/config-fields.ts`). 0xffff (`NONE`): no particular field.",
    table(
      ["id", "field"],
      names.map((n, i) => [i, code(n)]),
    ),
  ].join("\n\n");
}

/** Bytes of a layout made of scalars only, from its field values (the worked example). */
function encodeScalars(m: LayoutModel, values: Record<string, number>): Uint8Array {
  const out = new Uint8Array(m.maxBytes);
  const dv = new DataView(out.buffer);
  let o = 0;
  for (const f of m.fields) {
    if (f.kind !== "scalar") throw new SourceShapeError(SCHEMA_DIR, `${m.name}.${f.name}`, f.kind, "the worked example takes scalar fields only");
    const v = values[f.name];
    if (v === undefined) throw new SourceShapeError(SCHEMA_DIR, `${m.name}.${f.name}`, undefined, "no value for the worked example");
    const set: Record<string, (o: number, v: number) => void> = {
      u8: (o, v) => dv.setUint8(o, v),
      i8: (o, v) => dv.setInt8(o, v),
      u16: (o, v) => dv.setUint16(o, v, true),
      i16: (o, v) => dv.setInt16(o, v, true),
      u32: (o, v) => dv.setUint32(o, v, true),
      i32: (o, v) => dv.setInt32(o, v, true),
      f32: (o, v) => dv.setFloat32(o, v, true),
    };
    set[f.type]!(o, v);
    o += SCALAR_SIZE[f.type];
  }
  return out;
}

const hexBytes = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(" ");

/** A whole frame worked through: an ACK from the host, its check computed step by step. */
export function checkExampleRegion(): string {
  const ack = MESSAGES.find((m) => m.name === "ACK")!;
  const payload = encodeScalars(modelOf("Ack", ack.schema), { ackSeq: 41, windowFrames: 32 });
  const env = modelOf("Envelope", EnvelopeModule.Envelope);
  const header = encodeScalars(env, { magic: FRAME_MAGIC, version: (PROTO_MAJOR << 4) | PROTO_MINOR, type: ack.type, source: 0, length: payload.length, seq: 0, check: 0 });
  const frame = new Uint8Array(header.length + payload.length);
  frame.set(header, 0);
  frame.set(payload, header.length);
  const digest = createHash("sha256").update(frame).digest();
  const checkAt = EnvelopeModule.ENV_OFF.check;
  const sent = frame.slice();
  sent.set(digest.subarray(0, 4), checkAt);
  const check = digest.readUInt32LE(0);
  return [
    `Worked example: the host's ACK with \`ackSeq\` 41 and \`windowFrames\` 32 (unsequenced: seq 0, source 0), ${frame.length} bytes.`,
    "",
    "```",
    `frame, check zeroed  ${hexBytes(frame)}`,
    `SHA-256 of it        ${digest.toString("hex")}`,
    `frame as sent        ${hexBytes(sent)}`,
    `check as a u32       0x${check.toString(16).padStart(8, "0")}`,
    "```",
  ].join("\n");
}

/** The generated regions of protocol/README.md, by name. */
export function protocolReadmeRegions(): Record<string, string> {
  return {
    envelope: envelopeRegion(),
    "check-example": checkExampleRegion(),
    messages: messagesRegion(),
    fifo: fifoRegion(),
    registers: registersRegion(),
    enums: enumsRegion(),
    "config-fields": configFieldsRegion(),
  };
}
