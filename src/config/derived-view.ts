// The values a preset's conversion derives (cuts in GeV and the register values they become,
// beam rate, pile-up, the dark-photon window), as flat rows: what `na64fe presets diff` compares
// besides the settings themselves, since one changed setting (the beam energy) moves many of them.
import type { Setup } from "../../boards/setup";
import type { Conversion } from "./convert";

export interface DerivedRow {
  /** Stable key: "trigger.ecalMaxSumAdc". */
  key: string;
  label: string;
  /** A number, or a range "lo..hi" over several channels. */
  value: number | string;
  unit: string;
}

export interface DerivedDiff {
  key: string;
  label: string;
  unit: string;
  a?: number | string;
  b?: number | string;
}

const round = (x: number, digits = 4) => Number(x.toPrecision(digits));

function range(xs: number[]): number | string {
  const lo = Math.min(...xs), hi = Math.max(...xs);
  return lo === hi ? lo : `${lo}..${hi}`;
}

/** The derived values of a conversion, in a fixed order. */
export function derivedRows(conv: Conversion, setup: Setup): DerivedRow[] {
  const d = conv.derived;
  const trig = conv.boards.find((b) => b.role === "trigger")?.config;
  const srdAdc: number[] = [];
  for (const b of setup.boards) {
    const cfg = conv.boards.find((x) => x.boardId === b.id)?.config;
    for (const c of b.channels) if (c.det === "SRD" && cfg) srdAdc.push(cfg.channels.thresholdAdc[c.ch]!);
  }
  const rows: DerivedRow[] = [
    { key: "trigger.ecalMaxGeV", label: "trigger ECAL maximum", value: round(d.ecalMaxGeV), unit: "GeV" },
    ...(trig ? [{ key: "trigger.ecalMaxSumAdc", label: "trigger ECAL maximum (register)", value: trig.ecalMaxSumAdc, unit: "ADC" }] : []),
    { key: "trigger.psMinGeV", label: "trigger PS minimum", value: round(d.psMinGeV), unit: "GeV" },
    ...(trig ? [{ key: "trigger.psMinSumAdc", label: "trigger PS minimum (register)", value: trig.psMinSumAdc, unit: "ADC" }] : []),
    { key: "srd.moduleMinMeV", label: "SRD cut per module", value: round(d.srdModuleMinMeV), unit: "MeV" },
    { key: "srd.scale", label: "SRD cut scale (E0 / reference)^power", value: round(d.srdScale), unit: "" },
    ...(srdAdc.length ? [{ key: "srd.thresholdAdc", label: "SRD thresholds (register)", value: range(srdAdc), unit: "ADC" }] : []),
    { key: "analysis.missingEnergyEcalMaxGeV", label: "missing-energy cut: ECAL below", value: round(d.missingEnergyEcalMaxGeV), unit: "GeV" },
    { key: "beam.meanRateMHz", label: "mean beam rate in the spill", value: round(d.meanBeamRateMHz), unit: "MHz" },
    { key: "beam.pileupPercent", label: `another particle in the ${round(d.readoutWindowNs)} ns after the trigger`, value: round(d.pileupProbability * 100, 3), unit: "%" },
    {
      key: "beam.pileupTwoSidedPercent",
      label: `pile-up the digitisers see: another particle within +-${round(d.readoutWindowNs)} ns of the trigger`,
      value: round(d.pileupProbabilityTwoSided * 100, 3),
      unit: "%",
    },
  ];
  const s = conv.signal;
  if (s)
    rows.push(
      { key: "signal.massMeV", label: "dark-photon mass", value: s.massMeV, unit: "MeV" },
      { key: "signal.resonanceEnergyGeV", label: "resonance energy E_R", value: round(s.resonanceEnergyGeV), unit: "GeV" },
      { key: "signal.ecalWindowGeV", label: "expected ECAL window", value: `${round(s.ecalLowGeV)}..${round(s.ecalHighGeV)}`, unit: "GeV" },
    );
  const codes = [...new Set(conv.warnings.map((w) => w.code))].join(", ");
  rows.push({ key: "warnings", label: "conversion warnings", value: conv.warnings.length ? `${conv.warnings.length} (${codes})` : 0, unit: "" });
  return rows;
}

/** Rows whose values differ (a row present on one side only included). */
export function diffDerived(a: readonly DerivedRow[], b: readonly DerivedRow[]): DerivedDiff[] {
  const rb = new Map(b.map((r) => [r.key, r]));
  const out: DerivedDiff[] = [];
  for (const x of a) {
    const y = rb.get(x.key);
    rb.delete(x.key);
    if (y && y.value === x.value) continue;
    out.push({ key: x.key, label: x.label, unit: x.unit, a: x.value, ...(y ? { b: y.value } : {}) });
  }
  for (const y of rb.values()) out.push({ key: y.key, label: y.label, unit: y.unit, b: y.value });
  return out;
}
