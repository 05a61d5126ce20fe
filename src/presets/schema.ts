// The schema of a beam preset file (presets/*.yaml), in physics units. Every setting is a leaf
// { value, src }: the value, and a short note on where it comes from that starts with a confidence
// flag ([V] verified, [R] recalled from a paper, [I] engineering inference, [B] quoted by the CERN
// EP newsletter, [C] COMPASS heritage). Units are in the key names.
import { z } from "zod";
import { MAX_WINDOW_SAMPLES } from "../../protocol/schema/limits";

/** A source note: one or more flags, then text. */
export const SOURCE_NOTE = /^(\[[VRIBC]\])+\s+\S/;

export const FLAG_HELP = 'a source note starting with a flag [V], [R], [I], [B] or [C], e.g. "[I] engineering default"';

/** One preset setting: its value and where the value comes from. */
export function setting<T extends z.ZodType>(value: T) {
  return z.strictObject({ value, src: z.string().regex(SOURCE_NOTE, FLAG_HELP) });
}

export const PARTICLES = ["e-", "e+"] as const;
export const TRIGGER_TYPES = ["physics", "beam", "random", "calibration"] as const;
export const COUNTERS = ["S0", "S1", "S2"] as const;
export const VETO_INPUTS = ["V0", "V1"] as const;

export type TriggerTypeName = (typeof TRIGGER_TYPES)[number];
export type CounterName = (typeof COUNTERS)[number];
export type VetoInputName = (typeof VETO_INPUTS)[number];

const positive = z.number().positive();
const prescale = z.number().int().min(0).max(0xffffffff);
function uniqueList<T extends string>(values: readonly [T, ...T[]], min: number) {
  return z
    .array(z.enum(values))
    .min(min)
    .refine((a) => new Set(a).size === a.length, "each entry at most once");
}

const fraction = z.number().min(0).max(1);

/** Fractions of the beam particles by species; they must add up to 1. */
const SpeciesMix = z
  .strictObject({ positron: fraction, electron: fraction, hadron: fraction, muon: fraction })
  .refine((m) => Math.abs(m.positron + m.electron + m.hadron + m.muon - 1) <= 1e-9, "the fractions must add up to 1");

const Beam = z.strictObject({
  particle: setting(z.enum(PARTICLES)),
  energyGeV: setting(positive.max(400)),
  spillLengthS: setting(positive.max(60)),
  particlesPerSpill: setting(positive.max(1e10)),
  /** Fractions of positrons, electrons, hadrons and muons in the beam. */
  species: setting(SpeciesMix),
  /** Gaussian sigma of the momentum as a fraction of E0. */
  momentumSpread: setting(z.number().min(0).max(0.2)),
  /** Off-axis halo particles crossing the upstream veto, per beam particle (an extra rate). */
  haloPerParticle: setting(z.number().min(0).max(10)),
  /** Electro/photo-nuclear interactions upstream of the ECAL per beam lepton on target. */
  upstreamNuclearPerParticle: setting(fraction),
});

const Readout = z.strictObject({
  windowSamples: setting(z.number().int().min(4).max(MAX_WINDOW_SAMPLES)),
  pedestalSamples: setting(z.number().int().min(1).max(MAX_WINDOW_SAMPLES)),
  pedestalFromPresamples: setting(z.boolean()),
  signalStartSample: setting(z.number().int().min(0).max(MAX_WINDOW_SAMPLES)),
  signalEndSample: setting(z.number().int().min(1).max(MAX_WINDOW_SAMPLES)),
  zeroSuppression: setting(z.boolean()),
  zsThresholdSigma: setting(positive.max(100)),
  pileupRiseSigma: setting(positive.max(1000)),
});

const Timing = z.strictObject({
  /** Hits count as in time within expected time +- windowSigma x the channel's time spread. */
  windowSigma: setting(positive.max(50)),
});

const Trigger = z.strictObject({
  enabledTypes: setting(uniqueList(TRIGGER_TYPES, 1)),
  coincidenceCounters: setting(uniqueList(COUNTERS, 1)),
  coincidenceWindowNs: setting(positive),
  counterThresholdMip: setting(positive.max(100)),
  vetoInputs: setting(uniqueList(VETO_INPUTS, 0)),
  vetoWindowNs: setting(positive),
  vetoThresholdMip: setting(positive.max(100)),
  psMinGeV: setting(z.number().min(0)),
  ecalMaxFractionOfE0: setting(positive.max(2)),
  prescaleBeam: setting(prescale),
  prescaleRandom: setting(prescale),
  prescaleCalibration: setting(prescale),
  randomPeriodMs: setting(positive),
  calibrationPeriodMs: setting(positive),
  deadTimeNs: setting(z.number().min(0)),
});

const Veto = z.strictObject({
  /** Downstream VETO counters: in-time amplitude above this fraction of a MIP vetoes the event. */
  thresholdMip: setting(positive.max(100)),
});

const Srd = z.strictObject({
  /** Per-module lower energy cut at referenceEnergyGeV; scaled by (E0 / reference)^scalingPower. */
  moduleMinMeV: setting(positive),
  referenceEnergyGeV: setting(positive),
  scalingPower: setting(z.number().min(0).max(10)),
});

const Analysis = z.strictObject({
  hcalVetoMaxGeV: setting(z.number().min(0)),
  /** Missing-energy candidates: ECAL below this fraction of the beam energy. */
  ecalSignalMaxFractionOfE0: setting(z.number().min(0).max(2)),
  signalWindowHalfWidthGeV: setting(positive),
  darkPhotonMassMeV: setting(positive).optional(),
});

/** A complete, concrete beam preset (after `extends` is resolved). */
export const PresetSchema = z
  .strictObject({
    name: z.string(),
    title: z.string().min(1),
    beam: Beam,
    readout: Readout,
    timing: Timing,
    trigger: Trigger,
    veto: Veto,
    srd: Srd,
    analysis: Analysis,
  })
  .superRefine((p, ctx) => {
    // The readout window is [pedestal samples][signal range ...][rest]; the ranges must nest.
    const r = p.readout;
    const rule = (ok: boolean, field: string, value: number, message: string) => {
      if (!ok) ctx.addIssue({ code: "custom", path: ["readout", field, "value"], input: value, message });
    };
    const ped = r.pedestalSamples.value, start = r.signalStartSample.value, end = r.signalEndSample.value, win = r.windowSamples.value;
    rule(ped <= start, "pedestalSamples", ped, `must be at most readout.signalStartSample (${start})`);
    rule(start < end, "signalStartSample", start, `must be below readout.signalEndSample (${end})`);
    rule(end <= win, "signalEndSample", end, `must be at most readout.windowSamples (${win})`);
  });

export type Preset = z.infer<typeof PresetSchema>;

/** The fields a preset file may carry besides the settings. */
export const FILE_KEYS = ["name", "title", "extends", "abstract"] as const;

/** Name rule for presets (and their file stems): "e+70", "e-100", "common". */
export const PRESET_NAME = /^[a-z0-9][a-z0-9+\-_.]*$/i;
