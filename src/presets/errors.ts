// Typed errors of the preset loader: each names the file, the field path inside it, the value
// found there and what was expected, in one line an operator can act on.

import type { PresetProblem } from "./problems";

export class PresetError extends Error {
  /** Every problem found, this one first (a file with several mistakes names them all). */
  readonly problems: PresetProblem[];
  constructor(
    /** Preset file (relative to the presets folder, or as given). */
    readonly file: string,
    /** Dotted path inside the file ("trigger.psMinGeV.value"); empty for the whole file. */
    readonly field: string,
    /** What the file held there (undefined when the field is missing). */
    readonly value: unknown,
    /** What was expected. */
    readonly expected: string,
    more: readonly PresetProblem[] = [],
  ) {
    const first = { file, field, value, expected };
    const text = (p: PresetProblem, withFile: boolean) => `${withFile ? `${p.file}: ` : ""}${p.field || "(file)"}: ${p.expected}${p.value === undefined ? "" : ` (got ${show(p.value)})`}`;
    super([text(first, true), ...more.map((p) => text(p, p.file !== file))].join("; "));
    this.problems = [first, ...more];
    this.name = "PresetError";
  }

  /** The error of a list of problems (at least one). */
  static of(problems: readonly PresetProblem[]): PresetError {
    const [p, ...more] = problems;
    return new PresetError(p!.file, p!.field, p!.value, p!.expected, more);
  }
}

/** A preset name that matches no file in the presets folder. */
export class UnknownPresetError extends Error {
  readonly field = "preset";
  constructor(
    readonly value: string,
    readonly available: readonly string[],
    readonly dir: string,
  ) {
    super(`unknown preset "${value}" (available: ${available.join(", ") || "none"}; add ${value}.yaml to ${dir})`);
    this.name = "UnknownPresetError";
  }
}

/** The presets folder itself is missing or not a folder. */
export class PresetDirError extends Error {
  readonly field = "dir";
  constructor(
    readonly value: string,
    detail: string,
  ) {
    super(`presets folder ${value}: ${detail}`);
    this.name = "PresetDirError";
  }
}

function show(v: unknown): string {
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? s.slice(0, 77) + "..." : s;
}
