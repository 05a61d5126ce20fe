// Preset -> CONFIG conversion checked against numbers worked out by hand on a small setup, the
// SRD E0^4 scaling and its noise warning, range errors naming board/channel/field/value, the
// config hash, and the dark-photon kinematics.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { buildSetup, loadSetup, type Setup } from "../../boards/setup";
import { loadPreset } from "../../src/presets/load";
import type { Preset } from "../../src/presets/schema";
import { convertPreset, type Conversion } from "../../src/config/convert";
import { configPayloadHash, decodeConfigPayload } from "../../protocol/config-hash";
import { ConfigError, ConfigRangeError, DarkPhotonMassError } from "../../src/config/errors";
import { maxDarkPhotonMassMeV as maxMassMeV, resonanceEnergyGeV, signalWindow } from "../../src/config/darkphoton";

const cal = (gain: number, noise: number, mip: number, sigma: number) => ({ gainAdcPerGeV: gain, pedestalAdc: 200, noiseAdc: noise, mipGeV: mip, tExpectedNs: 180, tSigmaNs: sigma, tLeadingEdgeToPeakNs: 20 });

/** A small setup whose numbers are easy to follow by hand (clock 12.86 ns). */
function smallSetup(edit: (map: any, cal: any) => void = () => {}): Setup {
  const map = {
    clockNs: 12.86,
    boards: [
      { id: 1, name: "trig", role: "trigger", devsBoard: "t", channels: ["S0", "S1", "S2", "V0", "V1"].map((det, ch) => ({ ch, det })) },
      { id: 2, name: "calo", role: "calorimeter", devsBoard: "c", channels: [{ ch: 0, det: "ECAL", cell: [0, 0, 0] }, { ch: 2, det: "ECAL", cell: [1, 0, 0] }] },
      { id: 3, name: "veto", role: "veto", devsBoard: "v", channels: [{ ch: 0, det: "SRD", cell: [0] }, { ch: 1, det: "VETO", cell: [0] }, { ch: 2, det: "V0" }, { ch: 3, det: "S0" }] },
    ],
  };
  const c = {
    period: "test",
    triggerSums: { psAdcPerGeV: 100, ecalAdcPerGeV: 20 },
    defaults: {
      S0: cal(300000, 1.5, 0.001, 2),
      S1: cal(300000, 1.5, 0.001, 2),
      S2: cal(300000, 1.5, 0.001, 2),
      V0: cal(150000, 2, 0.002, 3),
      V1: cal(150000, 2, 0.002, 3),
      SRD: cal(50000, 2, 0.0005, 4),
      "ECAL:0": cal(200, 1.5, 0.02, 5),
      "ECAL:1": cal(40, 1.5, 0.25, 5),
      VETO: cal(30000, 1.5, 0.01, 4),
      HCAL: cal(40, 1.5, 0.05, 6),
    },
    channels: {
      "ECAL:0:0:0": { pedestalOddAdc: 210, pedestalEvenAdc: 204, noiseAdc: 2 },
      S0: { gainScale: 0.9 },
    },
  };
  edit(map, c);
  return buildSetup(map, c);
}

function preset(name: string, edit: (p: Preset) => void = () => {}): Preset {
  const p = structuredClone(loadPreset(name).preset);
  edit(p);
  return p;
}

const board = (c: Conversion, name: string) => c.boards.find((b) => b.name === name)!;
const channel = (c: Conversion, name: string, ch: number) => {
  const x = board(c, name).config.channels;
  return {
    thresholdAdc: x.thresholdAdc[ch],
    pedestalQ4: x.pedestalQ4[ch],
    timeExpectedQ8: x.timeExpectedQ8[ch],
    timeHalfWindowQ8: x.timeHalfWindowQ8[ch],
    vetoThresholdAdc: x.vetoThresholdAdc[ch],
    energyEvPerAdc: x.energyEvPerAdc[ch],
    chanFlags: x.chanFlags[ch],
  };
};

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("did not throw");
}

describe("conversion to CONFIG, by hand on a small setup (e+70)", () => {
  const conv = convertPreset("e+70", preset("e+70"), smallSetup());

  it("trigger board: sums, windows, periods, masks", () => {
    expect(board(conv, "trig").config).toMatchObject({
      configVersion: 1,
      role: 1,
      flags: 0,
      windowSamples: 0,
      triggerEnableMask: 0b1111, // physics, beam, random, calibration
      coincMask: 0x07, // S0 | S1 | S2
      coincWindowTicks: 2, // 25 ns / 12.86 ns = 1.94
      vetoMask: 0x18, // V0 | V1
      vetoWindowTicks: 4, // 50 / 12.86 = 3.89
      psMinSumAdc: 30, // 0.3 GeV x 100 ADC/GeV
      ecalMaxSumAdc: 1120, // 0.8 x 70 GeV x 20 ADC/GeV
      prescaleBeam: 1000,
      prescaleRandom: 1,
      prescaleCalib: 1,
      randomPeriodTicks: 777605, // 10 ms / 12.86 ns = 777604.98
      calibPeriodTicks: 77760498, // 1 s / 12.86 ns = 77760497.7
      deadTimeTicks: 78, // 1000 / 12.86 = 77.76
      coincMinCounters: 0,
    });
  });

  it("trigger board channels: discriminator thresholds from MIP fractions", () => {
    // S0: gain 300000 x 0.9 = 270000 ADC/GeV; MIP 0.001 GeV = 270 ADC; x 0.5 = 135.
    expect(channel(conv, "trig", 0)).toEqual({ thresholdAdc: 135, pedestalQ4: 3200, timeExpectedQ8: 0, timeHalfWindowQ8: 0, vetoThresholdAdc: 0, energyEvPerAdc: 3704, chanFlags: 0x01 | 0x02 });
    expect(channel(conv, "trig", 1).thresholdAdc).toBe(150); // 300000 x 0.001 x 0.5
    // V0: 150000 x 0.002 = 300 ADC per MIP, x 0.5 = 150, also the veto threshold.
    expect(channel(conv, "trig", 3)).toMatchObject({ thresholdAdc: 150, vetoThresholdAdc: 150, chanFlags: 0x01 | 0x04 });
  });

  it("calorimeter board: ZS from noise and odd/even pedestals, timing in samples x 256, gaps disabled", () => {
    const c = board(conv, "calo").config;
    expect(c).toMatchObject({ role: 2, flags: 0x3, windowSamples: 32, pedestalSamples: 4, signalStartSample: 5, signalEndSample: 25, pileupRiseAdc: 20, psMinSumAdc: 0, coincMinCounters: 0 });
    expect(c.channels.n).toBe(3);
    // ECAL:0:0:0: 3 x 2 ADC + |210 - 204| / 2 = 9; pedestal (210 + 204) / 2 = 207 -> 3312 (x16);
    // 180 ns / 12.86 ns x 256 = 3583.2; 3 x 5 ns / 12.86 ns x 256 = 298.6; 1e9 eV / 200.
    expect(channel(conv, "calo", 0)).toEqual({ thresholdAdc: 9, pedestalQ4: 3312, timeExpectedQ8: 3583, timeHalfWindowQ8: 299, vetoThresholdAdc: 0, energyEvPerAdc: 5_000_000, chanFlags: 0x01 | 0x08 });
    expect(channel(conv, "calo", 1)).toEqual({ thresholdAdc: 0, pedestalQ4: 0, timeExpectedQ8: 0, timeHalfWindowQ8: 0, vetoThresholdAdc: 0, energyEvPerAdc: 0, chanFlags: 0 });
    expect(channel(conv, "calo", 2)).toMatchObject({ thresholdAdc: 5, energyEvPerAdc: 25_000_000 }); // 4.5 rounds up
  });

  it("veto board: SRD cut scaled by (E0/100)^4, veto thresholds, counters for the coincidence", () => {
    expect(board(conv, "veto").config).toMatchObject({ role: 3, coincMinCounters: 1, pileupRiseAdc: 20 });
    // 1 MeV x 0.7^4 = 0.2401 MeV x 50 ADC/MeV = 12.0
    expect(channel(conv, "veto", 0)).toMatchObject({ thresholdAdc: 12, vetoThresholdAdc: 0, chanFlags: 0x01, timeHalfWindowQ8: 239 });
    expect(channel(conv, "veto", 1)).toMatchObject({ thresholdAdc: 5, vetoThresholdAdc: 150, chanFlags: 0x01 | 0x04 }); // 0.5 x 30000 x 0.01
    expect(channel(conv, "veto", 2)).toMatchObject({ thresholdAdc: 6, vetoThresholdAdc: 150, chanFlags: 0x01 | 0x04 });
    expect(channel(conv, "veto", 3)).toMatchObject({ thresholdAdc: 5, chanFlags: 0x01 | 0x02 });
    // The veto board times the half-height leading edge: (180 - 20) ns / 12.86 ns x 256 = 3184.9;
    // calorimeters the peak (180 ns -> 3583, above).
    expect(channel(conv, "veto", 1).timeExpectedQ8).toBe(3185);
    expect(conv.warnings).toEqual([]);
    expect(conv.derived).toMatchObject({ beamEnergyGeV: 70, ecalMaxGeV: 56, meanBeamRateMHz: 0.875 });
    expect(conv.derived.srdScale).toBeCloseTo(0.2401, 10);
    expect(conv.derived.pileupProbability).toBeCloseTo(1 - Math.exp(-0.875e6 * 32 * 12.86e-9), 12);
  });

  it("the same preset through the repository's calibration gives the trigger thresholds of calibration.json", () => {
    const real = convertPreset("e+70", preset("e+70"), loadSetup());
    // S0 gainScale 0.9442: 300000 x 0.9442 x 0.001 x 0.5 = 141.63; S1 1.1179 -> 167.685.
    expect(board(real, "trig").config.channels.thresholdAdc.slice(0, 2)).toEqual([142, 168]);
    expect(real.boards.map((b) => b.name)).toEqual(["trig", "ecal-ps", "ecal-main", "hcal", "veto"]);
  });
});

describe("SRD scaling and warnings", () => {
  it.each([
    [100, 50, 0],
    [70, 12, 0],
    [40, 1, 1],
  ])("at %i GeV the SRD threshold is %i ADC, %i warning(s)", (e0, adc, nWarn) => {
    const c = convertPreset("x", preset("e+70", (p) => void (p.beam.energyGeV.value = e0)), smallSetup());
    expect(channel(c, "veto", 0).thresholdAdc).toBe(adc);
    expect(c.warnings).toHaveLength(nWarn);
    if (nWarn)
      expect(c.warnings[0]).toMatchObject({ code: "THRESHOLD_BELOW_NOISE", board: "veto", boardId: 3, channel: 0, element: "SRD:0", field: "channels.thresholdAdc", value: 1, limit: 6, unit: "ADC counts" });
  });

  it("e+40 with the common SRD cut warns for all four SRD modules and nothing else; every shipped preset passes its own strict check", () => {
    const c = convertPreset("e+40", preset("e+40", (p) => void (p.srd.moduleMinMeV.value = 1)), loadSetup());
    expect(c.warnings.map((w) => w.element)).toEqual(["SRD:0", "SRD:1", "SRD:2", "SRD:3"]);
    for (const n of ["e-100", "e+100", "e+70", "e+40"]) expect(convertPreset(n, preset(n), loadSetup()).warnings).toEqual([]);
  });

  it("warns when the PS trigger sum threshold is under the sum's noise", () => {
    const c = convertPreset("x", preset("e+70", (p) => void (p.trigger.psMinGeV.value = 0.01)), smallSetup());
    // PS noise: one cell, 2 ADC / 200 ADC/GeV = 0.01 GeV = 1 ADC of the sum; 3 sigma = 3 > 1.
    expect(c.warnings).toEqual([expect.objectContaining({ code: "SUM_THRESHOLD_BELOW_NOISE", board: "trig", field: "psMinSumAdc", value: 1, limit: 3 })]);
  });

  it("warns when the in-time window reaches outside the signal range", () => {
    const s = smallSetup((_m, c) => void (c.defaults["ECAL:1"].tSigmaNs = 50));
    const c = convertPreset("x", preset("e+70"), s);
    expect(c.warnings).toEqual([expect.objectContaining({ code: "TIME_WINDOW_OUTSIDE_SIGNAL_RANGE", board: "calo", channel: 2, element: "ECAL:1:0:0" })]);
  });
});

describe("range errors name board, channel, field and value", () => {
  it("an ECAL trigger sum beyond the 12-bit range", () => {
    const s = smallSetup((_m, c) => void (c.triggerSums.ecalAdcPerGeV = 100));
    const e = thrown(() => convertPreset("e+70", preset("e+70"), s));
    expect(e).toBeInstanceOf(ConfigRangeError);
    expect(e).toMatchObject({ board: "trig", boardId: 1, channel: undefined, field: "ecalMaxSumAdc", value: 5600, min: 1, max: 4095, unit: "ADC counts" });
    expect((e as Error).message).toBe("board trig (id 1): ecalMaxSumAdc = 5600: outside 1..4095 ADC counts (from trigger.ecalMaxFractionOfE0 0.8 x 70 GeV x 100 ADC/GeV)");
  });

  it("a per-channel threshold above the ADC range", () => {
    const e = thrown(() => convertPreset("x", preset("e+70", (p) => void (p.trigger.counterThresholdMip.value = 100)), smallSetup()));
    expect(e).toMatchObject({ board: "trig", channel: 0, element: "S0", field: "channels.thresholdAdc", value: 27000, min: 1, max: 3895 });
    expect((e as Error).message).toMatch(/^board trig \(id 1\) channel 0 \(S0\): channels.thresholdAdc = 27000: outside 1..3895/);
  });

  it("an expected pulse time outside the readout window", () => {
    const s = smallSetup((_m, c) => void (c.channels["ECAL:1:0:0"] = { tExpectedNs: 500 }));
    expect(thrown(() => convertPreset("x", preset("e+70"), s))).toMatchObject({ board: "calo", channel: 2, element: "ECAL:1:0:0", field: "channels.timeExpectedQ8", value: 9953, max: 8191 });
  });

  it("a coincidence counter not wired to the trigger board", () => {
    const s = smallSetup((m) => void (m.boards[0].channels = m.boards[0].channels.filter((c: { det: string }) => c.det !== "S2")));
    const e = thrown(() => convertPreset("x", preset("e+70"), s));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e).toMatchObject({ board: "trig", field: "coincMask", value: "S2" });
  });

  it("a bad configVersion", () => {
    expect(thrown(() => convertPreset("x", preset("e+70"), smallSetup(), { configVersion: -1 }))).toMatchObject({ field: "configVersion", value: -1 });
  });
});

describe("config hash", () => {
  it("is the first 4 bytes (u32 LE) of SHA-256 over the encoded CONFIG payload", () => {
    const c = convertPreset("e+70", preset("e+70"), loadSetup());
    for (const b of c.boards) {
      const d = createHash("sha256").update(b.payload).digest();
      expect(b.hash).toBe(d.readUInt32LE(0));
      expect(configPayloadHash(b.payload)).toBe(b.hash);
      expect(decodeConfigPayload(b.payload)).toEqual(b.config);
    }
    expect(new Set(c.boards.map((b) => b.hash)).size).toBe(5);
  });

  it("changes with any setting and with configVersion, and not otherwise", () => {
    const base = convertPreset("e+70", preset("e+70"), loadSetup());
    const again = convertPreset("e+70", preset("e+70"), loadSetup());
    expect(again.boards.map((b) => b.hash)).toEqual(base.boards.map((b) => b.hash));
    const v2 = convertPreset("e+70", preset("e+70"), loadSetup(), { configVersion: 2 });
    expect(v2.boards).toAllSatisfy((b, i) => b.hash !== base.boards[i]!.hash);
    const zs = convertPreset("e+70", preset("e+70", (p) => void (p.readout.zsThresholdSigma.value = 4)), loadSetup());
    expect(zs.boards.map((b, i) => b.hash === base.boards[i]!.hash)).toEqual([true, false, false, false, false]);
  });
});

describe("dark photon", () => {
  it("E_R = m^2 / (2 m_e) - m_e matches the table of the facts sheet", () => {
    const table: Array<[number, number]> = [[50, 2.45], [100, 9.78], [150, 22.0], [200, 39.1], [250, 61.2], [300, 88.1]];
    for (const [m, er] of table) expect(resonanceEnergyGeV(m)).toBeCloseTo(er, 1);
    expect(resonanceEnergyGeV(100)).toBeCloseTo(0.01 / (2 * 0.51099895e-3) - 0.51099895e-3, 12);
  });

  it("the mass reach sqrt(2 m_e E0) and the expected ECAL window", () => {
    for (const [e0, m] of [[100, 319.7], [70, 267.5], [60, 247.6], [40, 202.2]]) expect(maxMassMeV(e0!)).toBeCloseTo(m!, 1);
    const w = signalWindow(70, 150, 5);
    expect(w.ecalCentreGeV).toBeCloseTo(70 - resonanceEnergyGeV(150), 12);
    expect(w.ecalLowGeV).toBeCloseTo(w.ecalCentreGeV - 5, 12);
    expect(w.ecalHighGeV).toBeCloseTo(w.ecalCentreGeV + 5, 12);
    expect(signalWindow(100, 318, 5).ecalLowGeV).toBe(0); // E_R 98.9 GeV: window clipped at 0
  });

  it("a mass beyond the reach (or below 2 m_e) is a typed error, also through the conversion", () => {
    expect(() => signalWindow(40, 203, 5)).toThrow(DarkPhotonMassError);
    expect(thrown(() => signalWindow(40, 203, 5))).toMatchObject({ field: "darkPhotonMassMeV", value: 203, energyGeV: 40 });
    expect(() => signalWindow(40, 0.5, 5)).toThrow(DarkPhotonMassError);
    expect(() => convertPreset("e+40", preset("e+40"), loadSetup(), { darkPhotonMassMeV: 250 })).toThrow(/darkPhotonMassMeV = 250/);
    expect(convertPreset("e+40", preset("e+40"), loadSetup(), { darkPhotonMassMeV: 150 }).signal).toMatchObject({ massMeV: 150 });
    const fromPreset = preset("e+70", (p) => void (p.analysis.darkPhotonMassMeV = { value: 100, src: "[I] test" }));
    expect(convertPreset("x", fromPreset, loadSetup()).signal?.massMeV).toBe(100);
  });
});
