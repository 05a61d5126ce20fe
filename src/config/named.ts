// A preset by name, with some settings changed, converted for a setup: the one path from
// presets/NAME.yaml to every board's CONFIG and front-end registers for callers that start from a
// name (the simulator's tests, `na64fe dump`, the benchmarks). The bench and `record` load the
// preset themselves (they also record its files) and call convertPreset directly.
import { loadSetup, type Setup } from "../../boards/setup";
import { loadPreset } from "../presets/load";
import { presetWith, type PresetValues } from "../presets/override";
import { convertPreset, type Conversion, type ConvertOptions } from "./convert";

export function convertNamedPreset(name: string, values: PresetValues = {}, setup: Setup = loadSetup(), opts: ConvertOptions = {}): Conversion {
  const p = loadPreset(name).preset;
  return convertPreset(p.name, presetWith(p, values), setup, opts);
}
