// Flat views of presets: one row per setting (for `presets show`) and the settings where two
// presets differ (for `presets diff`).
import type { LoadedBase, LoadedPreset } from "./load";

export interface SettingRow {
  /** Dotted path: "trigger.psMinGeV". */
  path: string;
  value: unknown;
  src: string;
  /** File that gave the value (the preset's own file or one it extends). */
  from: string;
}

export interface SettingDiff {
  path: string;
  a?: { value: unknown; src: string };
  b?: { value: unknown; src: string };
}

function walk(node: unknown, path: string, out: Array<{ path: string; value: unknown; src: string }>): void {
  if (typeof node !== "object" || node === null || Array.isArray(node)) return;
  const rec = node as Record<string, unknown>;
  if ("value" in rec && "src" in rec) {
    out.push({ path, value: rec.value, src: String(rec.src) });
    return;
  }
  for (const [k, v] of Object.entries(rec)) walk(v, path ? `${path}.${k}` : k, out);
}

/** Every setting of a loaded preset (or base file), in file order. */
export function settingRows(p: LoadedPreset | LoadedBase): SettingRow[] {
  const rows: Array<{ path: string; value: unknown; src: string }> = [];
  walk(p.preset, "", rows);
  return rows.map((r) => ({ ...r, from: p.origin[r.path] ?? p.file }));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Settings whose values differ between a and b (a setting present on one side only included). */
export function diffPresets(a: LoadedPreset, b: LoadedPreset): SettingDiff[] {
  const ra = new Map(settingRows(a).map((r) => [r.path, r]));
  const rb = new Map(settingRows(b).map((r) => [r.path, r]));
  const paths = [...ra.keys(), ...[...rb.keys()].filter((k) => !ra.has(k))];
  const out: SettingDiff[] = [];
  for (const path of paths) {
    const x = ra.get(path), y = rb.get(path);
    if (x && y && same(x.value, y.value)) continue;
    out.push({
      path,
      ...(x ? { a: { value: x.value, src: x.src } } : {}),
      ...(y ? { b: { value: y.value, src: y.src } } : {}),
    });
  }
  return out;
}
