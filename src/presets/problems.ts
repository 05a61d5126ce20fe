// Every problem of a preset at once, in words an operator can act on: zod's issues turned into
// { file, field, value, expected }, with a misspelt key named as such (and the setting it was
// probably meant to be), instead of "energyGeV missing" next to "energyGev not allowed".
import type { z } from "zod";

export interface PresetProblem {
  /** The file that gave the setting (or the preset's own file). */
  file: string;
  /** Dotted path ("beam.energyGeV.value"). */
  field: string;
  value: unknown;
  expected: string;
}

/** Edit distance, case-insensitive (for "did you mean"). */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = root;
  for (const p of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[p] : undefined;
  return v;
}

/**
 * The problems of `input` as `issues` describe them. `fileOf` names the file a path comes from.
 * An unknown key close to a missing one ("energyGev" for "energyGeV") is one problem: the typo.
 */
export function presetProblems(issues: readonly z.core.$ZodIssue[], input: unknown, fileOf: (path: string[]) => string): PresetProblem[] {
  const missing = new Map<string, z.core.$ZodIssue>();
  for (const i of issues) if (i.code === "invalid_type" && valueAt(input, i.path) === undefined) missing.set(i.path.map(String).join("."), i);
  const explained = new Set<string>();
  const out: PresetProblem[] = [];
  for (const i of issues) {
    const path = i.path.map(String);
    if (i.code === "unrecognized_keys") {
      for (const key of i.keys) {
        const here = [...path, key];
        const parent = path.join(".");
        // The settings it may have meant: those missing here, and the known ones present here.
        const present = Object.keys((valueAt(input, path) as Record<string, unknown> | undefined) ?? {}).filter((k) => !i.keys.includes(k));
        const candidates = [...[...missing.keys()].filter((m) => m.startsWith(parent ? parent + "." : "") && m.split(".").length === here.length), ...present.map((k) => [...path, k].join("."))];
        const near = candidates
          .map((m) => ({ m, d: distance(m.split(".").at(-1)!, key) }))
          .filter((x) => x.d <= 2)
          .sort((a, b) => a.d - b.d)[0];
        if (near) explained.add(near.m);
        out.push({
          file: fileOf(here),
          field: here.join("."),
          value: valueAt(input, here),
          expected: near ? `unknown setting "${key}": did you mean "${near.m.split(".").at(-1)}"?` : `unknown setting "${key}"`,
        });
      }
      continue;
    }
    if (explained.has(path.join(".")) && missing.has(path.join("."))) continue;
    const value = valueAt(input, i.path);
    const expected = typeof value === "number" && !Number.isFinite(value) ? "expected a finite number" : value === undefined && i.code === "invalid_type" ? "missing" : i.message;
    out.push({ file: fileOf(path), field: path.join("."), value, expected });
  }
  // Unknown keys explain missing ones met before them too.
  return out.filter((p) => !(explained.has(p.field) && p.expected === "missing"));
}
