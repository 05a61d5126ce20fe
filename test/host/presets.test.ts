// Beam presets: the shipped files validate; a new energy is a new file; bad files, unknown names
// and broken `extends` chains give typed errors naming file, field, value and expectation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { listPresets, loadPreset, loadPresetOrBase, PRESETS_DIR } from "../../src/presets/load";
import { PresetDirError, PresetError, UnknownPresetError } from "../../src/presets/errors";
import { summaryCuts } from "../../src/analysis/cuts";
import { convertPreset } from "../../src/config/convert";
import { derivedRows, diffDerived } from "../../src/config/derived-view";
import { loadSetup } from "../../boards/setup";
import { diffPresets, settingRows } from "../../src/presets/diff";
import { SOURCE_NOTE } from "../../src/presets/schema";

const BEAMS = ["e+100", "e+40", "e+70", "e-100"];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "na64fe-presets-"));
  cpSync(PRESETS_DIR, dir, { recursive: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Write a preset file into the scratch folder and return the name. */
function put(name: string, text: string): string {
  writeFileSync(join(dir, `${name}.yaml`), text);
  return name;
}

function fails(name: string): PresetError {
  try {
    loadPreset(name, dir);
  } catch (e) {
    expect(e).toBeInstanceOf(PresetError);
    return e as PresetError;
  }
  throw new Error(`${name} loaded`);
}

/** How the loader names a file in messages: relative to the working directory when inside it. */
const shown = (f: string) => {
  const r = relative(process.cwd(), join(dir, f));
  return r.startsWith("..") ? join(dir, f) : r;
};

describe("shipped presets", () => {
  it("are the four beams plus the shared base", () => {
    const all = listPresets();
    expect(all.filter((p) => !p.abstract).map((p) => p.name)).toEqual(BEAMS);
    expect(all.filter((p) => p.abstract).map((p) => p.name)).toEqual(["common"]);
  });

  it.each(BEAMS)("%s validates, every setting has a flagged source note, values match the beam", (name) => {
    const p = loadPreset(name);
    const rows = settingRows(p);
    expect(rows.length).toBeGreaterThanOrEqual(34);
    for (const r of rows) expect(r.src, r.path).toMatch(SOURCE_NOTE);
    const e0 = Number(name.slice(2));
    expect(p.preset.beam.energyGeV.value).toBe(e0);
    expect(p.preset.beam.particle.value).toBe(name.slice(0, 2));
    expect(p.preset.beam.spillLengthS.value).toBe(4.8);
    expect(p.preset.trigger.psMinGeV.value).toBe(0.3);
    expect(p.preset.trigger.ecalMaxFractionOfE0.value).toBe(0.8);
    expect(p.preset.srd.scalingPower.value).toBe(4);
    // Shared settings come from common.yaml, the beam from the preset's own file.
    expect(p.origin["beam.energyGeV"]).toBe(`presets/${name}.yaml`);
    expect(p.origin["trigger.psMinGeV"]).toBe("presets/common.yaml");
    expect(p.sources.map((s) => s.file)).toEqual([`presets/${name}.yaml`, "presets/common.yaml"]);
  });

  it("diff shows exactly the settings that differ", () => {
    const d = diffPresets(loadPreset("e+70"), loadPreset("e+40"));
    expect(d.map((x) => x.path)).toEqual(["beam.energyGeV", "beam.particlesPerSpill", "beam.species", "srd.moduleMinMeV"]);
    expect(d[0]).toEqual({
      path: "beam.energyGeV",
      a: { value: 70, src: expect.stringMatching(/^\[V\]/) },
      b: { value: 40, src: expect.stringMatching(/^\[V\]/) },
    });
    // e-100 restates the missing-energy cut with its own source note: same value, so no difference.
    expect(diffPresets(loadPreset("e-100"), loadPreset("e+100")).map((x) => x.path)).toEqual(["beam.particle", "beam.particlesPerSpill", "beam.species"]);
    expect(diffPresets(loadPreset("e+70"), loadPreset("e+70"))).toEqual([]);
  });

  it("diff of the derived values: what the beam energy moves (trigger ECAL maximum, SRD threshold, missing-energy cut, signal window)", () => {
    const setup = loadSetup();
    const rows = (name: string, mass?: number) => {
      const p = loadPreset(name);
      return derivedRows(convertPreset(p.name, p.preset, setup, mass === undefined ? {} : { darkPhotonMassMeV: mass }), setup);
    };
    const d = diffDerived(rows("e+70"), rows("e+40"));
    const at = (k: string) => d.find((x) => x.key === k);
    expect(at("trigger.ecalMaxGeV")).toMatchObject({ a: 56, b: 32, unit: "GeV" });
    expect(at("trigger.ecalMaxSumAdc")).toMatchObject({ a: 1120, b: 640 });
    expect(at("srd.thresholdAdc")).toMatchObject({ a: 12, b: 9 });
    expect(at("beam.pileupTwoSidedPercent")).toMatchObject({ a: 51.3, b: 29, unit: "%" });
    expect(at("analysis.missingEnergyEcalMaxGeV")).toMatchObject({ a: 35, b: 20 });
    expect(at("warnings")).toBeUndefined(); // every shipped preset converts without a warning
    expect(at("trigger.psMinGeV")).toBeUndefined(); // the same at both energies
    const m = diffDerived(rows("e+70", 17), rows("e+40", 17));
    expect(m.find((x) => x.key === "signal.ecalWindowGeV")).toMatchObject({ a: "64.72..70", b: "34.72..40" });
    expect(diffDerived(rows("e+70"), rows("e+70"))).toEqual([]);
  });
});

describe("adding a beam energy", () => {
  it("is one file: a 60 GeV preset extending e+70 loads and inherits along the chain", () => {
    put(
      "e+60",
      `title: 60 GeV positrons (test)\nextends: e+70\nbeam:\n  energyGeV: { value: 60, src: "[V] planned after LS3" }\ntrigger:\n  psMinGeV: { value: 0.25, src: "[I] test override" }\n`,
    );
    const p = loadPreset("e+60", dir);
    expect(p.preset.beam.energyGeV.value).toBe(60);
    expect(p.preset.beam.particlesPerSpill.value).toBe(4.2e6);
    expect(p.preset.trigger.psMinGeV.value).toBe(0.25);
    expect(p.origin["beam.energyGeV"]).toBe(shown("e+60.yaml"));
    expect(p.origin["beam.particlesPerSpill"]).toBe(shown("e+70.yaml"));
    expect(p.origin["readout.windowSamples"]).toBe(shown("common.yaml"));
    expect(listPresets(dir).map((x) => x.name)).toContain("e+60");
  });

  it("the missing-energy cut is a preset setting: a fraction of E0 from common.yaml, overridable per preset", () => {
    put("e+60cut", `title: t\nextends: e+70\nbeam:\n  energyGeV: { value: 60, src: "[V] x" }\nanalysis:\n  ecalSignalMaxFractionOfE0: { value: 0.3, src: "[I] tighter box" }\n`);
    expect(summaryCuts(loadPreset("e+60cut", dir).preset).ecalMaxGeV).toBeCloseTo(18, 10);
    const p70 = loadPreset("e+70");
    expect(p70.origin["analysis.ecalSignalMaxFractionOfE0"]).toBe("presets/common.yaml");
    expect(summaryCuts(p70.preset).ecalMaxGeV).toBe(35);
    expect(summaryCuts(loadPreset("e-100").preset).ecalMaxGeV).toBe(50);
  });

  it("can also be loaded by path", () => {
    const p = loadPreset(join(dir, "e+70.yaml"));
    expect(p.name).toBe("e+70");
  });
});

describe("bad preset files", () => {
  it("a value of the wrong type names file, field path, value and expectation", () => {
    put("bad-type", `title: t\nextends: e+70\nbeam:\n  energyGeV: { value: "seventy", src: "[I] x" }\n`);
    const e = fails("bad-type");
    expect(e.file).toBe(shown("bad-type.yaml"));
    expect(e.field).toBe("beam.energyGeV.value");
    expect(e.value).toBe("seventy");
    expect(e.expected).toMatch(/expected number/);
    expect(e.message).toBe(`${shown("bad-type.yaml")}: beam.energyGeV.value: ${e.expected} (got "seventy")`);
  });

  it("an out-of-range value, a missing source flag, a typo'd key, a missing setting", () => {
    const beam = (energy: string, src = "[I] x") =>
      `title: t\nextends: common\nbeam:\n  particle: { value: e+, src: "[I] x" }\n  energyGeV: { value: ${energy}, src: "${src}" }\n  spillLengthS: { value: 4.8, src: "[I] x" }\n  particlesPerSpill: { value: 1e6, src: "[I] x" }\n` +
      `  species: { value: { positron: 0.98, electron: 0, hadron: 0.02, muon: 0 }, src: "[I] x" }\n`;
    expect(fails(put("neg", beam("-5")))).toMatchObject({ field: "beam.energyGeV.value", value: -5, expected: expect.stringMatching(/>0/) });
    expect(fails(put("noflag", beam("50", "from memory")))).toMatchObject({ field: "beam.energyGeV.src", value: "from memory", expected: expect.stringMatching(/flag \[V\]/) });
    expect(fails(put("typo", beam("50") + `trigger:\n  psMinGev: { value: 0.3, src: "[I] x" }\n`))).toMatchObject({ field: "trigger.psMinGev", expected: 'unknown setting "psMinGev": did you mean "psMinGeV"?' });
    expect(fails(put("missing", `title: t\nextends: common\n`))).toMatchObject({ field: "beam.particle", value: undefined });
    expect(fails(put("badlist", beam("50") + `trigger:\n  coincidenceCounters: { value: [S0, S7], src: "[I] x" }\n`))).toMatchObject({ field: "trigger.coincidenceCounters.value.1", value: "S7" });
  });

  it("a beam without a species mix is refused, naming beam.species (no mix is borrowed from another beam)", () => {
    put("nomix", readFileSync(join(dir, "e+70.yaml"), "utf-8").replace(/^  species:.*$/m, "").replace(/energyGeV:( *)\{ value: 70/, "energyGeV:$1{ value: 60"));
    expect(fails("nomix")).toMatchObject({ field: "beam.species", value: undefined });
    put("badmix", readFileSync(join(dir, "e+70.yaml"), "utf-8").replace("hadron: 0.02", "hadron: 0.2"));
    expect(fails("badmix")).toMatchObject({ field: "beam.species.value", expected: expect.stringMatching(/add up to 1/) });
  });

  it("every problem of a file is named at once; a misspelt key is named as such, not as the setting it hides", () => {
    put("many", `title: t\nextends: e+70\nbeam:\n  energyGev: { value: 50, src: "[I] x" }\n  spillLengthS: { value: .inf, src: "[I] x" }\n  particlesPerSpill: { value: .nan, src: "[I] x" }\n`);
    const e = fails("many");
    expect(e.problems.map((p) => [p.field, p.expected])).toEqual([
      ["beam.spillLengthS.value", "expected a finite number"],
      ["beam.particlesPerSpill.value", "expected a finite number"],
      ["beam.energyGev", 'unknown setting "energyGev": did you mean "energyGeV"?'],
    ]);
    expect(e.message).toBe(
      `${shown("many.yaml")}: beam.spillLengthS.value: expected a finite number (got Infinity); beam.particlesPerSpill.value: expected a finite number (got NaN); ` +
        'beam.energyGev: unknown setting "energyGev": did you mean "energyGeV"? (got {"value":50,"src":"[I] x"})',
    );
  });

  it("a file far larger than any preset is refused before it is read", () => {
    put("huge", "title: t\n" + "# padding\n".repeat(40_000));
    expect(fails("huge")).toMatchObject({ field: "", expected: expect.stringMatching(/^a preset file is at most 256 KB; this one has \d+ bytes$/) });
  });

  it("a preset chain without the missing-energy cut is refused, naming the setting", () => {
    put("nocut-base", readFileSync(join(dir, "common.yaml"), "utf-8").replace(/^  ecalSignalMaxFractionOfE0:.*$/m, ""));
    put("nocut", readFileSync(join(dir, "e+70.yaml"), "utf-8").replace("extends: common", "extends: nocut-base"));
    expect(fails("nocut")).toMatchObject({ field: "analysis.ecalSignalMaxFractionOfE0", value: undefined });
  });

  it("cross-field rules: the pedestal and signal ranges must nest inside the window", () => {
    put("order", `title: t\nextends: e+70\nreadout:\n  signalEndSample: { value: 40, src: "[I] x" }\n`);
    expect(fails("order")).toMatchObject({ field: "readout.signalEndSample.value", value: 40, expected: "must be at most readout.windowSamples (32)" });
  });

  it("an error inherited from a base file names the base file", () => {
    put("grandchild", readFileSync(join(dir, "e+70.yaml"), "utf-8").replace("extends: common", "extends: child2"));
    put("child2", `abstract: true\nextends: common\ntiming:\n  windowSigma: { value: -1, src: "[I] x" }\n`);
    expect(fails("grandchild")).toMatchObject({ file: shown("child2.yaml"), field: "timing.windowSigma.value", value: -1 });
  });

  it("YAML syntax errors give the line and column", () => {
    const e = fails(put("syntax", `title: t\nbeam:\n  energyGeV: { value: 70, src: "[I] x"\n`));
    expect(e.field).toMatch(/^line \d+ col \d+$/);
    expect(e.expected).toMatch(/^not valid YAML/);
  });

  it("extends chains: missing base, cycles, name mismatch, abstract base used directly", () => {
    expect(fails(put("orphan", `title: t\nextends: nowhere\n`))).toMatchObject({ field: "extends", value: "nowhere", expected: expect.stringContaining("no preset file nowhere.yaml") });
    put("loop-a", `title: a\nextends: loop-b\n`);
    put("loop-b", `abstract: true\nextends: loop-a\n`);
    expect(fails("loop-a")).toMatchObject({ field: "extends", expected: expect.stringContaining("cycle loop-a -> loop-b -> loop-a") });
    expect(fails(put("misnamed", `name: e+70\ntitle: t\nextends: common\n`))).toMatchObject({ field: "name", value: "e+70" });
    expect(() => loadPreset("common", dir)).toThrow(expect.objectContaining({ field: "abstract", expected: expect.stringContaining("base for other presets") }));
  });

  it("an unknown preset lists the ones that exist", () => {
    expect(() => loadPreset("e+55")).toThrow(UnknownPresetError);
    try {
      loadPreset("e+55");
    } catch (e) {
      expect(e).toMatchObject({ field: "preset", value: "e+55", available: BEAMS });
      expect((e as Error).message).toBe('unknown preset "e+55" (available: e+100, e+40, e+70, e-100; add e+55.yaml to presets)');
    }
    expect(() => loadPreset("./no/such.yaml")).toThrow(expect.objectContaining({ expected: "no such preset file" }));
  });
});

describe("listing and viewing", () => {
  it("a broken file is listed with its error; the other files are still listed", () => {
    const d = mkdtempSync(join(tmpdir(), "na64fe-presets-list-"));
    try {
      cpSync(PRESETS_DIR, d, { recursive: true });
      writeFileSync(join(d, "e+50.yaml"), "title: [unclosed\n");
      const all = listPresets(d);
      expect(all.map((e) => e.name)).toEqual(["common", "e+100", "e+40", "e+50", "e+70", "e-100"]);
      expect(all.find((e) => e.name === "e+50")!.error).toMatch(/e\+50.yaml: line \d+ col \d+: not valid YAML/);
      expect(all.filter((e) => e.error)).toHaveLength(1);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it("a presets folder that does not exist (or is a file) is a PresetDirError, for listing and loading alike", () => {
    const missing = join(dir, "no-such-folder");
    expect(() => listPresets(missing)).toThrow(PresetDirError);
    expect(() => loadPreset("e+70", missing)).toThrow(expect.objectContaining({ field: "dir", value: expect.stringContaining("no-such-folder") }));
    expect(() => listPresets(join(dir, "e+70.yaml"))).toThrow(/is not a folder/);
  });

  it("a base file can be viewed: its own settings, not validated as a beam preset", () => {
    const base = loadPresetOrBase("common");
    expect(base).toMatchObject({ name: "common", abstract: true, file: "presets/common.yaml" });
    const rows = settingRows(base);
    expect(rows.find((r) => r.path === "analysis.ecalSignalMaxFractionOfE0")).toMatchObject({ value: 0.5, from: "presets/common.yaml" });
    expect(rows.find((r) => r.path === "beam.upstreamNuclearPerParticle")).toMatchObject({ value: 29e-9, from: "presets/common.yaml" });
    expect(rows.some((r) => r.path === "beam.energyGeV" || r.path === "beam.species")).toBe(false);
    expect("abstract" in loadPresetOrBase("e+70")).toBe(false);
  });
});
