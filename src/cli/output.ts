// Terminal output of the na64fe CLI: colour only on a TTY (and never with NO_COLOR), aligned
// tables, JSON, and the exit codes every command uses.
import pc from "picocolors";

export const EXIT_OK = 0;
/** A check failed or the run is not sound (damaged run file, --strict warnings). */
export const EXIT_FAILED = 1;
/** Usage error or bad input (unknown preset, invalid file, out-of-range value). */
export const EXIT_USAGE = 2;

export type Colors = ReturnType<typeof pc.createColors>;

function colourOn(stream: NodeJS.WriteStream): boolean {
  return stream.isTTY === true && !("NO_COLOR" in process.env);
}

export interface Out {
  c: Colors;
  line(s?: string): void;
  json(v: unknown): void;
  warn(s: string): void;
  error(s: string): void;
}

let pipeGuard = false;

/** `na64fe ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE. */
function guardPipes(): void {
  if (pipeGuard) return;
  pipeGuard = true;
  for (const s of [process.stdout, process.stderr])
    s.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
      throw e;
    });
}

export function terminal(): Out {
  guardPipes();
  const c = pc.createColors(colourOn(process.stdout));
  const e = pc.createColors(colourOn(process.stderr));
  return {
    c,
    line: (s = "") => void process.stdout.write(s + "\n"),
    json: (v) => void process.stdout.write(JSON.stringify(v, jsonReplacer, 2) + "\n"),
    warn: (s) => void process.stderr.write(`${e.yellow("warning:")} ${s}\n`),
    error: (s) => void process.stderr.write(`${e.red("na64fe: error:")} ${s}\n`),
  };
}

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
  for (const r of rows) r.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.replace(ANSI, "").length)));
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
  if (typeof v === "number") return fmtNumber(v, 6);
  return String(v);
}
