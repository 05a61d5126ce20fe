// The simulated beams of the presets and their overrides: the documented defaults, the primary
// lepton taking the rest of the species mix, and a typed error naming the field for every kind of
// bad input.
import { describe, expect, it } from "vitest";
import { maxDarkPhotonMassMeV, resonanceEnergyGeV, withBeamOverrides, type BeamSpec } from "../../simulator/beam";
import { loadBeam, presetBeam } from "../../src/config/beam";
import { loadPreset } from "../../src/presets/load";
import { UnknownPresetError } from "../../src/presets/errors";
import { BeamConfigError, DarkPhotonMassError } from "../../simulator/errors";
import { FrontEndSimulator } from "../../simulator/frontend";
import { SETUP, thrown } from "./support";

describe("beam presets", () => {
  it("has the four NA64 beams with the published 70 GeV e+ intensity and spill length", () => {
    for (const name of ["e+100", "e+40", "e+70", "e-100"]) expect(loadBeam(name).preset).toBe(name);
    const b = loadBeam("e+70");
    expect(b.energyGeV).toBe(70);
    expect(b.intensityPerSpill).toBe(4.2e6);
    expect(b.spillNs).toBe(4.8e9);
    expect(b.upstreamPerPot).toBe(29e-9);
    expect(loadBeam("e-100").species.electron).toBeGreaterThan(0.9);
    expect(loadBeam("e-100").species.positron).toBe(0);
  });

  it("applies overrides; the primary lepton takes what the other species leave", () => {
    const b = loadBeam("e+70", { energyGeV: 60, intensityPerSpill: 1e6, species: { hadron: 0.1, muon: 0.05 } });
    expect(b.energyGeV).toBe(60);
    expect(b.intensityPerSpill).toBe(1e6);
    expect(b.species.hadron).toBe(0.1);
    expect(b.species.positron).toBeCloseTo(0.85, 12);
    expect(loadBeam("e+70")).toEqual(presetBeam(loadPreset("e+70").preset));
    expect(withBeamOverrides(loadBeam("e+70"))).toEqual(loadBeam("e+70"));
  });

  it("computes the resonance energy and the mass reach of the facts sheet", () => {
    expect(resonanceEnergyGeV(200)).toBeCloseTo(39.14, 2);
    expect(resonanceEnergyGeV(100)).toBeCloseTo(9.78, 2);
    expect(maxDarkPhotonMassMeV(70)).toBeCloseTo(267.5, 1);
    expect(maxDarkPhotonMassMeV(100)).toBeCloseTo(319.7, 1);
  });
});

describe("beam input errors", () => {
  it("unknown preset names the preset field", () => {
    const e = thrown(() => loadBeam("e+85"));
    expect(e).toBeInstanceOf(UnknownPresetError);
    expect((e as UnknownPresetError).field).toBe("preset");
    expect((e as UnknownPresetError).value).toBe("e+85");
    expect((e as Error).message).toContain("e+70");
  });

  it("negative intensity names beam.intensityPerSpill", () => {
    const e = thrown(() => loadBeam("e+70", { intensityPerSpill: -5 }));
    expect(e).toBeInstanceOf(BeamConfigError);
    expect((e as BeamConfigError).field).toBe("beam.intensityPerSpill");
    expect((e as BeamConfigError).value).toBe(-5);
  });

  it("species fractions that cannot add up to 1 name beam.species", () => {
    const e = thrown(() => loadBeam("e+70", { species: { positron: 0.5, electron: 0.1, hadron: 0.1, muon: 0.1 } }));
    expect(e).toBeInstanceOf(BeamConfigError);
    expect((e as BeamConfigError).field).toBe("beam.species");
    const e2 = thrown(() => loadBeam("e+70", { species: { hadron: 0.8, muon: 0.3 } }));
    expect((e2 as BeamConfigError).field).toBe("beam.species");
  });

  it("unknown override keys and wrong types name their path", () => {
    expect((thrown(() => loadBeam("e+70", { energyGev: 70 } as never)) as BeamConfigError).field).toBe("beam.energyGev");
    expect((thrown(() => loadBeam("e+70", { species: { proton: 0.1 } } as never)) as BeamConfigError).field).toBe("beam.species.proton");
    expect((thrown(() => loadBeam("e+70", { momentumSpread: "1%" } as never)) as BeamConfigError).field).toBe("beam.momentumSpread");
  });

  it("a dark-photon mass beyond sqrt(2 m_e E0) is a DarkPhotonMassError naming the mass", () => {
    const e = thrown(() => loadBeam("e+70", { darkPhoton: { massMeV: 268, probabilityPerPositron: 1e-3 } }));
    expect(e).toBeInstanceOf(DarkPhotonMassError);
    expect((e as DarkPhotonMassError).field).toBe("beam.darkPhoton.massMeV");
    expect((e as DarkPhotonMassError).value).toBe(268);
    expect((e as DarkPhotonMassError).maxMassMeV).toBeCloseTo(267.5, 1);
    expect(() => loadBeam("e+70", { darkPhoton: { massMeV: 267, probabilityPerPositron: 1e-3 } })).not.toThrow();
    // At 40 GeV the reach is 202 MeV.
    expect(thrown(() => loadBeam("e+40", { darkPhoton: { massMeV: 210, probabilityPerPositron: 1 } }))).toBeInstanceOf(DarkPhotonMassError);
    // Below 2 m_e there is no resonance.
    const low = thrown(() => loadBeam("e+70", { darkPhoton: { massMeV: 0.9, probabilityPerPositron: 1e-3 } }));
    expect(low).toBeInstanceOf(DarkPhotonMassError);
    expect((low as DarkPhotonMassError).minMassMeV).toBeCloseTo(1.022, 3);
  });

  it("dark-photon injection on a beam without positrons is refused", () => {
    const e = thrown(() => loadBeam("e-100", { darkPhoton: { massMeV: 100, probabilityPerPositron: 1e-3 } }));
    expect(e).toBeInstanceOf(BeamConfigError);
    expect((e as BeamConfigError).field).toBe("beam.darkPhoton");
  });
});

describe("the simulator validates the beam it is given (not only withBeamOverrides)", () => {
  const e70 = loadBeam("e+70");
  const construct = (beam: BeamSpec) => () => new FrontEndSimulator(SETUP, beam);
  const refused = (beam: BeamSpec) => thrown(construct(beam)) as BeamConfigError | DarkPhotonMassError;

  it("accepts a preset and keeps a checked copy of it", () => {
    const sim = construct(e70)();
    expect(sim.beam).toEqual(e70);
  });

  it("a negative intensity is a BeamConfigError naming beam.intensityPerSpill and -5", () => {
    const e = refused({ ...e70, intensityPerSpill: -5 });
    expect(e).toBeInstanceOf(BeamConfigError);
    expect(e.field).toBe("beam.intensityPerSpill");
    expect(e.value).toBe(-5);
  });

  it("a dark-photon mass beyond the beam's reach is a DarkPhotonMassError naming the mass", () => {
    const e = refused({ ...e70, darkPhoton: { massMeV: 300, probabilityPerPositron: 1e-3 } });
    expect(e).toBeInstanceOf(DarkPhotonMassError);
    expect(e.field).toBe("beam.darkPhoton.massMeV");
    expect(e.value).toBe(300);
    expect((e as DarkPhotonMassError).maxMassMeV).toBeCloseTo(maxDarkPhotonMassMeV(70), 9);
  });

  it("a species mix adding up to more than 1 is a BeamConfigError naming beam.species and the mix", () => {
    const species = { ...e70.species, hadron: 0.5 };
    const e = refused({ ...e70, species });
    expect(e).toBeInstanceOf(BeamConfigError);
    expect(e.field).toBe("beam.species");
    expect(e.value).toEqual(species);
    expect(e.message).toContain("1.48");
  });

  it("a fraction out of range, a non-finite number and an unknown key name their path", () => {
    const negative = refused({ ...e70, species: { ...e70.species, muon: -0.01 } });
    expect([negative.field, negative.value]).toEqual(["beam.species.muon", -0.01]);
    const nan = refused({ ...e70, energyGeV: NaN });
    expect([nan.field, nan.value]).toEqual(["beam.energyGeV", NaN]);
    const extra = refused({ ...e70, intensity: 1 } as BeamSpec);
    expect([extra.field, extra.value]).toEqual(["beam.intensity", 1]);
  });

  it("dark photons on a beam without positrons are refused", () => {
    const e = refused({ ...loadBeam("e-100"), darkPhoton: { massMeV: 100, probabilityPerPositron: 1e-3 } });
    expect(e).toBeInstanceOf(BeamConfigError);
    expect(e.field).toBe("beam.darkPhoton");
  });
});
