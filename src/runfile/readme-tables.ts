// The tables of src/runfile/README.md, generated from the code that reads and writes run files:
// the binary layouts of layout.ts, the record kinds of format.ts and the JSON shapes of the HEADER,
// SNAPSHOT and TRAILER records (the interfaces of snapshot.ts and what they use, read from their
// source). `npm run codegen` writes them; a test fails when the README is stale.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../../protocol/codegen/output";
import { code, spliceRegions, table, valueText } from "../../protocol/codegen/markdown";
import { enumsIn, jsonFieldsOf } from "../../protocol/codegen/ts-source";
import { requireMemberDocs, unitOf } from "../../protocol/codegen/emit-docs";
import { FRAME_OFFSET_BYTES, PREFIX_AFTER_MAGIC, RECORD_HEADER, RUN_MAGIC, SPILL_INDEX_BOARD, SPILL_INDEX_HEAD, type Layout } from "./layout";
import { EPILOGUE_SPILL, FORMAT_MAJOR, FORMAT_MINOR, PREFIX_BYTES, RECORD_HEADER_BYTES, RECORD_TRAILER_BYTES } from "./format";

export const RUNFILE_README = "src/runfile/README.md";
const HERE = "src/runfile";

function layoutTable(l: Layout<string>, base = 0, extra: Array<[number, string, string, string]> = []): string {
  const rows: Array<[number, string, string, string]> = [...extra];
  for (const f of l.fields) rows.push([base + l.offset[f.name]!, f.name, f.type, f.doc]);
  return table(
    ["offset", "field", "type", "meaning"],
    rows.map(([o, n, t, d]) => [code(o), code(n), code(t), d]),
  );
}

function prefixRegion(): string {
  const hex = [...RUN_MAGIC].map((b) => b.toString(16).padStart(2, "0").toUpperCase()).join(" ");
  return [
    layoutTable(PREFIX_AFTER_MAGIC, RUN_MAGIC.length, [[0, "magic", `u8[${RUN_MAGIC.length}]`, `ASCII "NA64RUN" and a zero byte: ${hex}.`]]),
    "",
    `${PREFIX_BYTES} bytes. Now: format ${FORMAT_MAJOR}.${FORMAT_MINOR}. The first record starts at byte ${PREFIX_BYTES}.`,
  ].join("\n");
}

function recordRegion(): string {
  return [
    layoutTable(RECORD_HEADER),
    "",
    `The header is ${RECORD_HEADER_BYTES} bytes; the body follows at record byte ${RECORD_HEADER_BYTES} (\`bodyBytes\` bytes), then the record's CRC-32 as a \`u32\` ` +
      `(${RECORD_TRAILER_BYTES} bytes) at record byte \`${RECORD_HEADER_BYTES} + bodyBytes\`. A record is \`${RECORD_HEADER_BYTES + RECORD_TRAILER_BYTES} + bodyBytes\` bytes; the next record follows it directly.`,
  ].join("\n");
}

function kindsRegion(): string {
  const file = `${HERE}/format.ts`;
  const kinds = enumsIn(join(REPO_ROOT, file)).find((e) => e.name === "RecordKind");
  if (!kinds) throw new Error(`${file}: no RecordKind enum`);
  requireMemberDocs(file, [kinds]);
  return table(
    ["kind", "name", "body"],
    kinds.members.map((m) => [valueText(m.text, m.value), code(m.name), m.doc]),
  );
}

function spillIndexRegion(): string {
  const epilogue = `0x${EPILOGUE_SPILL.toString(16).toUpperCase()}`;
  return [
    `Fixed part, ${SPILL_INDEX_HEAD.bytes} bytes (offsets in the body):`,
    "",
    layoutTable(SPILL_INDEX_HEAD),
    "",
    `Then \`boardCount\` entries of ${SPILL_INDEX_BOARD.bytes} bytes, entry i at body offset \`${SPILL_INDEX_HEAD.bytes} + ${SPILL_INDEX_BOARD.bytes}*i\`:`,
    "",
    layoutTable(SPILL_INDEX_BOARD),
    "",
    `Then \`frameCount\` frame offsets, \`u32\` (${FRAME_OFFSET_BYTES} bytes) each, at body offset \`${SPILL_INDEX_HEAD.bytes} + ${SPILL_INDEX_BOARD.bytes}*boardCount\`: ` +
      "the file offset of each FRAME record of the segment minus `segmentStart`, in file order. " +
      `The body is exactly \`${SPILL_INDEX_HEAD.bytes} + ${SPILL_INDEX_BOARD.bytes}*boardCount + ${FRAME_OFFSET_BYTES}*frameCount\` bytes. ` +
      `The end-of-run index has spill number ${code(epilogue)} (${EPILOGUE_SPILL}).`,
  ].join("\n");
}

/** Types of snapshot.ts not expanded here, with where they are documented. */
const STOP: Record<string, string> = {
  Preset: "object: the preset's settings as resolved, the keys of its YAML with `{ value, src }` leaves (presets/README.md, src/presets/schema.ts)",
  HelloMsg: "object: the HELLO payload's fields by name, numbers (protocol/README.md, HELLO)",
};

function jsonRegion(name: string): string {
  const rows = jsonFieldsOf(join(REPO_ROOT, HERE, "snapshot.ts"), name, { stop: STOP });
  return table(
    ["field", "type", "unit", "meaning"],
    rows.map((r) => [code(r.path), `${r.type}${r.optional ? " (may be absent)" : ""}`, unitOf(r.path), r.doc]),
  );
}

export function runfileReadmeRegions(): Record<string, string> {
  return {
    prefix: prefixRegion(),
    record: recordRegion(),
    "record-kinds": kindsRegion(),
    "spill-index": spillIndexRegion(),
    "json-header": jsonRegion("RunHeader"),
    "json-snapshot": jsonRegion("RunSnapshot"),
    "json-trailer": jsonRegion("RunTrailer"),
  };
}

/** src/runfile/README.md with its generated tables as the code has them now. */
export function runfileReadme(): Record<string, string> {
  return { [RUNFILE_README]: spliceRegions(RUNFILE_README, readFileSync(join(REPO_ROOT, RUNFILE_README), "utf-8"), runfileReadmeRegions()) };
}

