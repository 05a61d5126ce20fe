// Reads beam presets from YAML files: one file per preset in presets/ (NAME.yaml), optionally
// `extends: OTHER` (settings of OTHER.yaml, overridden leaf by leaf) and `abstract: true` (a base
// that is not a beam preset itself). A new beam energy is a new file; no code changes.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import YAML from "yaml";
import { PresetDirError, PresetError, UnknownPresetError } from "./errors";
import { PRESET_NAME, PresetSchema, type Preset } from "./schema";
import { presetProblems } from "./problems";

/** The presets folder of this repository. */
export const PRESETS_DIR = fileURLToPath(new URL("../../presets", import.meta.url));

const EXT = ".yaml";

export interface LoadedPreset {
  name: string;
  /** The preset's own file, as shown in messages. */
  file: string;
  preset: Preset;
  /** For every setting ("trigger.psMinGeV"), the file that gave its value. */
  origin: Record<string, string>;
  /** Files read, the preset's own first, then what it extends, with their text (run-file snapshot). */
  sources: Array<{ file: string; text: string }>;
}

export interface PresetEntry {
  name: string;
  file: string;
  title: string;
  abstract: boolean;
  extends?: string;
  /** The file could not be read as a preset file (its PresetError message). */
  error?: string;
}

/** A base file (abstract: true) with what it extends merged in, for viewing: not validated as a whole. */
export interface LoadedBase {
  name: string;
  file: string;
  title: string;
  abstract: true;
  /** The merged settings tree, as in the files. */
  preset: Record<string, unknown>;
  origin: Record<string, string>;
}

type Raw = Record<string, unknown>;

function isMap(x: unknown): x is Raw {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** A setting leaf: a map with a `value` key. */
function isLeaf(x: unknown): boolean {
  return isMap(x) && "value" in x;
}

function shown(path: string): string {
  const r = relative(process.cwd(), path);
  return r && !r.startsWith("..") ? r : path;
}

interface RawFile {
  name: string;
  file: string;
  text: string;
  body: Raw;
  abstract: boolean;
  extends?: string;
  title?: string;
}

/** Larger than this is not a preset (the shipped ones are about 4 KB): refused before it is read. */
export const MAX_PRESET_BYTES = 256 * 1024;

function readRaw(path: string, expectName: string | undefined): RawFile {
  const file = shown(path);
  let text: string;
  try {
    const bytes = statSync(path).size;
    if (bytes > MAX_PRESET_BYTES) throw new PresetError(file, "", bytes, `a preset file is at most ${MAX_PRESET_BYTES / 1024} KB; this one has ${bytes} bytes`);
    text = readFileSync(path, "utf-8");
  } catch (e) {
    if (e instanceof PresetError) throw e;
    throw new PresetError(file, "", undefined, `cannot read: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = YAML.parse(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    const err = e as Error & { linePos?: Array<{ line: number; col: number }> };
    const at = err.linePos?.[0];
    const first = err.message.split("\n")[0]!;
    throw new PresetError(file, at ? `line ${at.line} col ${at.col}` : "", undefined, `not valid YAML: ${first}`);
  }
  if (!isMap(doc)) throw new PresetError(file, "", doc, "expected a YAML mapping of settings");
  const stem = basename(path, extname(path));
  const name = doc.name ?? stem;
  if (typeof name !== "string" || !PRESET_NAME.test(name))
    throw new PresetError(file, "name", name, "expected a preset name of letters, digits and + - _ .");
  if (name !== stem) throw new PresetError(file, "name", name, `expected the file name without ${EXT} ("${stem}")`);
  if (expectName !== undefined && name !== expectName) throw new PresetError(file, "name", name, `expected "${expectName}"`);
  const abstract = doc.abstract ?? false;
  if (typeof abstract !== "boolean") throw new PresetError(file, "abstract", abstract, "expected true or false");
  const ext = doc.extends;
  if (ext !== undefined && (typeof ext !== "string" || !PRESET_NAME.test(ext)))
    throw new PresetError(file, "extends", ext, "expected the name of another preset file");
  const title = doc.title;
  if (title !== undefined && typeof title !== "string") throw new PresetError(file, "title", title, "expected text");
  const body: Raw = {};
  for (const [k, v] of Object.entries(doc)) if (k !== "name" && k !== "abstract" && k !== "extends" && k !== "title") body[k] = v;
  return { name, file, text, body, abstract, extends: ext as string | undefined, title: title as string | undefined };
}

/** Merge `over` onto `base`: maps merge key by key, a setting leaf or any other value replaces. */
function merge(base: Raw, over: Raw, file: string, origin: Record<string, string>, path: string): Raw {
  const out: Raw = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const p = path ? `${path}.${k}` : k;
    const b = out[k];
    if (isMap(v) && !isLeaf(v) && isMap(b) && !isLeaf(b)) out[k] = merge(b, v, file, origin, p);
    else {
      out[k] = v;
      markOrigin(v, file, origin, p);
    }
  }
  return out;
}

function markOrigin(v: unknown, file: string, origin: Record<string, string>, path: string): void {
  for (const key of Object.keys(origin)) if (key === path || key.startsWith(path + ".")) delete origin[key];
  if (isMap(v) && !isLeaf(v)) for (const [k, x] of Object.entries(v)) markOrigin(x, file, origin, `${path}.${k}`);
  else origin[path] = file;
}


/** The file that gave the setting at `path` (or its nearest enclosing setting), else `fallback`. */
function fileOf(origin: Record<string, string>, path: readonly string[], fallback: string): string {
  for (let n = path.length; n > 0; n--) {
    const f = origin[path.slice(0, n).join(".")];
    if (f) return f;
  }
  return fallback;
}

/** Preset names (concrete and abstract) in `dir`, sorted. Throws PresetDirError when `dir` is not a folder. */
export function presetNames(dir = PRESETS_DIR): string[] {
  if (!existsSync(dir)) throw new PresetDirError(shown(dir), "does not exist");
  if (!statSync(dir).isDirectory()) throw new PresetDirError(shown(dir), "is not a folder");
  return readdirSync(dir)
    .filter((f) => f.endsWith(EXT))
    .map((f) => f.slice(0, -EXT.length))
    .sort();
}

/** Where a preset argument points: a file path ("./x.yaml", "dir/e+60.yaml") or a name in `dir`. */
function locate(nameOrPath: string, dir: string): string {
  if (nameOrPath.endsWith(EXT) || nameOrPath.includes("/")) {
    const p = resolve(nameOrPath);
    if (!existsSync(p)) throw new PresetError(shown(p), "", undefined, "no such preset file");
    return p;
  }
  const p = join(dir, nameOrPath + EXT);
  if (!PRESET_NAME.test(nameOrPath) || !existsSync(p)) {
    // A broken file is listed too: it is still a name the user may have meant.
    const concrete = listPresets(dir).filter((e) => !e.abstract).map((e) => e.name);
    throw new UnknownPresetError(nameOrPath, concrete, shown(dir));
  }
  return p;
}

/**
 * Load one beam preset by name (a file NAME.yaml in `dir`) or by path, resolve `extends`, and
 * validate the result. Throws PresetError / UnknownPresetError; never returns a partial preset.
 */
export function loadPreset(nameOrPath: string, dir = PRESETS_DIR): LoadedPreset {
  const path = locate(nameOrPath, dir);
  const own = readRaw(path, undefined);
  if (own.abstract) throw new PresetError(own.file, "abstract", true, "this file is a base for other presets, not a beam preset");
  const { chain, merged, origin } = resolveChain(path, own);
  const candidate = { name: own.name, title: own.title, ...merged };
  if (own.title === undefined) throw new PresetError(own.file, "title", undefined, "expected a one-line title");
  const r = PresetSchema.safeParse(candidate);
  if (!r.success) throw PresetError.of(presetProblems(r.error.issues, candidate, (path) => fileOf(origin, path, own.file)));
  return { name: own.name, file: own.file, preset: r.data, origin, sources: chain.map((c) => ({ file: c.file, text: c.text })) };
}

/** A beam preset (validated, as loadPreset) or a base file's merged settings (for `presets show`). */
export function loadPresetOrBase(nameOrPath: string, dir = PRESETS_DIR): LoadedPreset | LoadedBase {
  const path = locate(nameOrPath, dir);
  const own = readRaw(path, undefined);
  if (!own.abstract) return loadPreset(nameOrPath, dir);
  const { merged, origin } = resolveChain(path, own);
  return { name: own.name, file: own.file, title: own.title ?? "", abstract: true, preset: merged, origin };
}

/** The `extends` chain of a file (own file first) and its settings merged leaf by leaf. */
function resolveChain(path: string, own: RawFile): { chain: RawFile[]; merged: Raw; origin: Record<string, string> } {
  const chain: RawFile[] = [own];
  for (let f = own; f.extends !== undefined; ) {
    const basePath = join(dirname(path), f.extends + EXT);
    if (chain.some((c) => c.name === f.extends))
      throw new PresetError(f.file, "extends", f.extends, `a preset cannot extend itself (cycle ${[...chain.map((c) => c.name), f.extends].join(" -> ")})`);
    if (!existsSync(basePath)) throw new PresetError(f.file, "extends", f.extends, `no preset file ${f.extends}${EXT} next to this one`);
    f = readRaw(basePath, f.extends);
    chain.push(f);
  }
  const origin: Record<string, string> = {};
  let merged: Raw = {};
  for (const f of [...chain].reverse()) merged = merge(merged, f.body, f.file, origin, "");
  return { chain, merged, origin };
}

/**
 * Every preset file in `dir` with its title; abstract bases included and marked. A file that cannot
 * be read as a preset file is listed with its error; only a missing folder throws (PresetDirError).
 */
export function listPresets(dir = PRESETS_DIR): PresetEntry[] {
  return presetNames(dir).map((n) => {
    const path = join(dir, n + EXT);
    try {
      const f = readRaw(path, n);
      return { name: f.name, file: f.file, title: f.title ?? "", abstract: f.abstract, ...(f.extends ? { extends: f.extends } : {}) };
    } catch (e) {
      if (!(e instanceof PresetError)) throw e;
      return { name: n, file: shown(path), title: "", abstract: false, error: e.message };
    }
  });
}
