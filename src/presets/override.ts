// A preset with some settings replaced for one run or one test ("trigger.deadTimeNs = 0"), checked
// as a whole against the preset schema again: an override can never produce a preset the loader
// would refuse. Values are given in the preset's own units, without their source notes; the
// replaced settings get the note `src`.
import { PresetError } from "./errors";
import { presetProblems } from "./problems";
import { PresetSchema, type Preset } from "./schema";

type ValuesOf<T> = { [K in keyof T]?: T[K] extends { value: infer V; src: string } ? V : ValuesOf<T[K]> };

/** Setting values by section and key, e.g. { trigger: { deadTimeNs: 0, enabledTypes: ["beam"] } }. */
export type PresetValues = ValuesOf<Omit<Preset, "name" | "title">>;

/** Source note of overridden settings unless the caller gives one. */
export const OVERRIDE_SRC = "[I] set for this run, not from the preset file";

/** `p` with `values` replacing its settings; throws PresetError naming the first bad value. */
export function presetWith(p: Preset, values: PresetValues, src = OVERRIDE_SRC): Preset {
  const out: Record<string, unknown> = { ...p };
  for (const [section, settings] of Object.entries(values as Record<string, Record<string, unknown> | undefined>)) {
    if (settings === undefined) continue;
    const base = (p as unknown as Record<string, Record<string, unknown> | undefined>)[section];
    if (base === undefined) throw new PresetError(`(override of ${p.name})`, section, settings, "no such section in a preset");
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(settings)) if (value !== undefined) merged[key] = { value, src };
    out[section] = merged;
  }
  const r = PresetSchema.safeParse(out);
  if (!r.success) throw PresetError.of(presetProblems(r.error.issues, out, () => `(override of ${p.name})`));
  return r.data;
}
