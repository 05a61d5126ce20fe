// Text formatting shared by the CLI and the reports: aligned tables, numbers, plurals, colour
// functions (picocolors' shape) and the JSON replacer for byte arrays.
import type pc from "picocolors";

export type Colors = ReturnType<typeof pc.createColors>;

/** Byte arrays as hex strings in JSON output. */
export function jsonReplacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString("hex");
  if (typeof v === "object" && v !== null && (v as { type?: string }).type === "Buffer" && Array.isArray((v as { data?: unknown }).data))
    return Buffer.from((v as { data: number[] }).data).toString("hex");
  return v;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

/** Rows of cells as left-aligned columns (colour codes do not count towards widths). */
export function table(rows: string[][], gap = 2): string[] {
  const widths: number[] = [];
  for (const r of rows)
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.replace(ANSI, "").length);
    });
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell + " ".repeat(widths[i]! - cell.replace(ANSI, "").length + gap)))
      .join("")
      .trimEnd(),
  );
}

/** "1 spill", "3 spills". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

export function fmtNumber(x: number, digits = 4): string {
  if (Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(digits)));
}

export function fmtValue(v: unknown): string {
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "object" && v !== null) return Object.entries(v).map(([k, x]) => `${k} ${fmtValue(x)}`).join(", ");
  if (typeof v === "number") return fmtNumber(v, 6);
  return String(v);
}
