// One Parquet file written row group by row group with hyparquet-writer: a table is a list of
// columns, each with a type, a meaning and how to get its value from one row's context. The same
// column list gives the file's schema, its key-value metadata (each column's meaning) and the
// column tables of src/export/README.md.
//
// The file is written as NAME.partial and renamed when complete, so a failed export leaves no
// file that looks whole.
import { renameSync, rmSync } from "node:fs";
import { ParquetWriter, fileWriter } from "hyparquet-writer";

/** Column types, each mapped to one Parquet physical type and annotation (see SCHEMA below). */
export type ColumnType = "bool" | "u8" | "u16" | "u32" | "i8" | "i16" | "i32" | "i64" | "f64" | "string" | "i16[]";

export interface Column<Ctx> {
  name: string;
  type: ColumnType;
  /** What the value means, with its unit when the name's suffix does not say it all. */
  doc: string;
  value: (c: Ctx) => unknown;
}

type SchemaElement = ConstructorParameters<typeof ParquetWriter>[0]["schema"][number];

/** Parquet's physical type and annotation of each column type (pandas/pyarrow dtype in the README). */
export const PARQUET_TYPE: Record<ColumnType, { physical: string; annotation?: string; arrow: string }> = {
  bool: { physical: "BOOLEAN", arrow: "bool" },
  u8: { physical: "INT32", annotation: "UINT_8", arrow: "uint8" },
  u16: { physical: "INT32", annotation: "UINT_16", arrow: "uint16" },
  u32: { physical: "INT32", annotation: "UINT_32", arrow: "uint32" },
  i8: { physical: "INT32", annotation: "INT_8", arrow: "int8" },
  i16: { physical: "INT32", annotation: "INT_16", arrow: "int16" },
  i32: { physical: "INT32", arrow: "int32" },
  i64: { physical: "INT64", arrow: "int64" },
  f64: { physical: "DOUBLE", arrow: "float64" },
  string: { physical: "BYTE_ARRAY", annotation: "UTF8", arrow: "string" },
  "i16[]": { physical: "LIST of INT32", annotation: "INT_16", arrow: "list<int16>" },
};

function schemaOf(c: Column<never>): SchemaElement[] {
  const t = PARQUET_TYPE[c.type];
  if (c.type === "i16[]")
    return [
      { name: c.name, repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      { name: "element", type: "INT32", converted_type: "INT_16", repetition_type: "REQUIRED" },
    ];
  return [{ name: c.name, type: t.physical as SchemaElement["type"], repetition_type: "REQUIRED", ...(t.annotation ? { converted_type: t.annotation as SchemaElement["converted_type"] } : {}) }];
}

/** Rows per row group: large enough for fast scans, small enough to bound the memory of an export. */
export const ROW_GROUP_ROWS = 65_536;

export class ParquetTable<Ctx> {
  rows = 0;
  private readonly writer: ParquetWriter;
  private readonly buffers: unknown[][];
  private readonly partial: string;
  private done = false;

  constructor(
    readonly path: string,
    readonly columns: ReadonlyArray<Column<Ctx>>,
    metadata: Record<string, string>,
  ) {
    const seen = new Set<string>();
    for (const c of columns) {
      if (seen.has(c.name)) throw new Error(`${path}: column ${c.name} defined twice`);
      seen.add(c.name);
    }
    this.partial = `${path}.partial`;
    const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }, ...columns.flatMap((c) => schemaOf(c as Column<never>))];
    const docs = Object.fromEntries(columns.map((c) => [c.name, c.doc]));
    this.writer = new ParquetWriter({
      writer: fileWriter(this.partial),
      schema,
      kvMetadata: [...Object.entries(metadata).map(([key, value]) => ({ key, value })), { key: "na64.columns", value: JSON.stringify(docs) }],
      createdBy: "na64fe export (hyparquet-writer)",
    });
    this.buffers = columns.map(() => []);
  }

  add(ctx: Ctx): void {
    for (let i = 0; i < this.columns.length; i++) this.buffers[i]!.push(this.columns[i]!.value(ctx));
    this.rows++;
    if (this.buffers[0]!.length >= ROW_GROUP_ROWS) this.flush();
  }

  private flush(): void {
    const n = this.buffers[0]!.length;
    if (!n) return;
    this.writer.write({ columnData: this.columns.map((c, i) => ({ name: c.name, data: this.buffers[i] as never })), rowGroupSize: n });
    for (const b of this.buffers) b.length = 0;
  }

  /** Write the last row group and the footer; the file gets its final name. */
  close(): void {
    this.flush();
    this.writer.finish();
    renameSync(this.partial, this.path);
    this.done = true;
  }

  /** Remove what was written (an export that failed). */
  discard(): void {
    if (this.done) return;
    rmSync(this.partial, { force: true });
  }
}
