// Markdown pieces of the generated documentation: tables, anchors, and the generated regions of a
// hand-written README. A region is everything between
//   <!-- generated: NAME (npm run codegen) -->   and   <!-- end generated: NAME -->
// on lines of their own; the generator rewrites what is between them and nothing else.

/** A README lacks a generated region the generator fills, or has one it does not know. */
export class DocRegionError extends Error {
  constructor(
    readonly file: string,
    /** The region's name. */
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`${file}: generated region "${field}": ${detail}`);
    this.name = "DocRegionError";
  }
}

/** A table cell: one line, pipes escaped. */
export function cell(s: string | number): string {
  return String(s).replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
}

export function table(head: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const line = (r: ReadonlyArray<string | number>) => `| ${r.map(cell).join(" | ")} |`;
  return [line(head), `|${head.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

/** The anchor GitHub gives a heading. */
export function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

export function code(s: string | number): string {
  return "`" + String(s) + "`";
}

/** `0x10 (16)` for a value written in hex, `4` otherwise. */
export function valueText(text: string, value: number): string {
  return /^0x/i.test(text) ? `${code(text)} (${value})` : code(text);
}

const BEGIN = /^<!-- generated: ([\w-]+) \(npm run codegen\) -->$/;
const END = /^<!-- end generated: ([\w-]+) -->$/;

export function regionBegin(name: string): string {
  return `<!-- generated: ${name} (npm run codegen) -->`;
}

/**
 * `text` with the body of every generated region replaced by `regions[name]`. Every region in
 * `regions` must be present exactly once, and every region present must be in `regions`.
 */
export function spliceRegions(file: string, text: string, regions: Readonly<Record<string, string>>): string {
  const lines = text.split("\n");
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < lines.length; i++) {
    const m = BEGIN.exec(lines[i]!);
    if (!m) {
      if (END.test(lines[i]!)) throw new DocRegionError(file, END.exec(lines[i]!)![1]!, i + 1, "end marker without a begin marker");
      out.push(lines[i]!);
      continue;
    }
    const name = m[1]!;
    if (!(name in regions)) throw new DocRegionError(file, name, i + 1, `the generator has no region of this name (it has: ${Object.keys(regions).join(", ")})`);
    if (seen.has(name)) throw new DocRegionError(file, name, i + 1, "region appears twice");
    seen.add(name);
    let j = i + 1;
    while (j < lines.length && !END.test(lines[j]!)) {
      if (BEGIN.test(lines[j]!)) throw new DocRegionError(file, name, j + 1, "a region starts inside another");
      j++;
    }
    if (j === lines.length || END.exec(lines[j]!)![1] !== name) throw new DocRegionError(file, name, i + 1, `no "<!-- end generated: ${name} -->" after line ${i + 1}`);
    out.push(lines[i]!, regions[name]!.trimEnd(), lines[j]!);
    i = j;
  }
  const missing = Object.keys(regions).filter((r) => !seen.has(r));
  if (missing.length) throw new DocRegionError(file, missing[0]!, undefined, `missing: add "${regionBegin(missing[0]!)}" and "<!-- end generated: ${missing[0]} -->" where it belongs`);
  return out.join("\n");
}
