// Beam preset (physics units) + readout setup (calibration) -> one CONFIG message per board, in
// ADC counts, 12.86 ns clock ticks and samples x 256. Everything is computed and range-checked
// before anything is returned: a conversion either yields every board's configuration or throws a
// typed error naming the board, channel, field and value. Physics values that end up below a
// channel's noise are reported as structured warnings.
import { ChannelFlag, ConfigFlag, TriggerInput, TriggerType } from "../../protocol/schema/enums";
import type { ConfigMsg } from "../../protocol/schema/messages";
import { ADC_FULL_SCALE } from "../../protocol/schema/limits";
import { ROLE_CODE, type BoardInfo, type ChannelInfo, type Role, type Setup } from "../../boards/setup";
import type { Preset, TriggerTypeName } from "../presets/schema";
import { ConfigError, ConfigRangeError } from "./errors";
import { configPayloadHash, encodeConfigPayload } from "../../protocol/config-hash";
import { signalWindow, type SignalWindow } from "./darkphoton";
import { missingEnergyEcalMaxGeV } from "../analysis/cuts";
import { frontEndRegisters, type RegisterList } from "./registers";


const U16 = 0xffff;
const U32 = 0xffffffff;


const TRIGGER_TYPE: Record<TriggerTypeName, number> = {
  physics: TriggerType.PHYSICS,
  beam: TriggerType.BEAM,
  random: TriggerType.RANDOM,
  calibration: TriggerType.CALIBRATION,
};

const INPUT_BIT: Record<string, number> = {
  S0: TriggerInput.S0,
  S1: TriggerInput.S1,
  S2: TriggerInput.S2,
  V0: TriggerInput.V0,
  V1: TriggerInput.V1,
};

export type WarningCode = "THRESHOLD_BELOW_NOISE" | "SUM_THRESHOLD_BELOW_NOISE" | "TIME_WINDOW_OUTSIDE_SIGNAL_RANGE";

/** Something that converts fine but will not work as the physicist means it. */
export interface ConfigWarning {
  code: WarningCode;
  board: string;
  boardId: number;
  channel?: number;
  element?: string;
  field: string;
  value: number;
  /** The value it should reach (noise floor, signal range edge), same unit. */
  limit: number;
  unit: string;
  message: string;
}

export interface BoardConfig {
  boardId: number;
  name: string;
  role: Role;
  config: ConfigMsg;
  /** The encoded CONFIG payload (what is sent, and what the hash is taken over). */
  payload: Uint8Array;
  hash: number;
  /** The front-end register writes this configuration stands for (what the board writes). */
  registers: RegisterList;
}

/** Physics quantities the conversion derived from the preset, for reports. */
export interface DerivedValues {
  beamEnergyGeV: number;
  /** (E0 / reference)^power applied to the SRD cut. */
  srdScale: number;
  srdModuleMinMeV: number;
  /** The trigger's ECAL maximum (trigger.ecalMaxFractionOfE0 x E0). */
  ecalMaxGeV: number;
  psMinGeV: number;
  /** The analysis' missing-energy cut: physics events with less ECAL energy are candidates. */
  missingEnergyEcalMaxGeV: number;
  meanBeamRateMHz: number;
  readoutWindowNs: number;
  /** Chance of another beam particle in the readout window after the trigger (Poisson, flat spill). */
  pileupProbability: number;
  /**
   * Chance of any other beam particle within one readout window before or after the trigger: what
   * the digitisers see, since a pulse that started up to a window earlier still reaches into it.
   */
  pileupProbabilityTwoSided: number;
}

export interface Conversion {
  preset: string;
  configVersion: number;
  clockNs: number;
  boards: BoardConfig[];
  warnings: ConfigWarning[];
  derived: DerivedValues;
  /** Expected ECAL window for the chosen dark-photon mass, when one was given. */
  signal?: SignalWindow;
}

export interface ConvertOptions {
  /** CONFIG.configVersion; default 1. */
  configVersion?: number;
  /** Dark-photon mass for the signal window; overrides the preset's analysis.darkPhotonMassMeV. */
  darkPhotonMassMeV?: number;
}

type ChannelRow = {
  thresholdAdc: number;
  pedestalQ4: number;
  timeExpectedQ8: number;
  timeHalfWindowQ8: number;
  vetoThresholdAdc: number;
  energyEvPerAdc: number;
  chanFlags: number;
};

const EMPTY_ROW: ChannelRow = {
  thresholdAdc: 0,
  pedestalQ4: 0,
  timeExpectedQ8: 0,
  timeHalfWindowQ8: 0,
  vetoThresholdAdc: 0,
  energyEvPerAdc: 0,
  chanFlags: 0,
};

/** Per-board conversion context: rounding with range checks that name board and channel. */
class BoardCtx {
  constructor(
    readonly board: BoardInfo,
    readonly p: Preset,
    readonly setup: Setup,
    readonly warnings: ConfigWarning[],
  ) {}

  int(field: string, exact: number, min: number, max: number, unit: string, from: string, c?: ChannelInfo): number {
    const v = Math.round(exact);
    if (!Number.isFinite(exact) || v < min || v > max)
      throw new ConfigRangeError(this.board.name, this.board.id, c?.ch, c?.element, field, Number.isFinite(exact) ? v : exact, min, max, unit, from);
    return v;
  }

  warn(w: Omit<ConfigWarning, "board" | "boardId">): void {
    this.warnings.push({ board: this.board.name, boardId: this.board.id, ...w });
  }

  ticks(field: string, ns: number, min: number, max: number, from: string): number {
    return this.int(field, ns / this.setup.clockNs, min, max, "ticks", from);
  }
}

/** Mean pedestal: the comparator subtracts one value for odd and even samples. */
function meanPedestal(c: ChannelInfo): number {
  return (c.cal.pedestalOddAdc + c.cal.pedestalEvenAdc) / 2;
}

/**
 * Lowest useful threshold above the mean pedestal: `sigma` x noise, plus half the odd/even
 * pedestal difference (samples of the higher-pedestal ADC sit that much above the mean).
 */
export function noiseFloorAdc(c: ChannelInfo, sigma: number): number {
  return sigma * c.cal.noiseAdc + Math.abs(c.cal.pedestalOddAdc - c.cal.pedestalEvenAdc) / 2;
}

function mipAdc(c: ChannelInfo): number {
  return c.cal.mipGeV * c.cal.gainAdcPerGeV;
}

/** SRD per-module cut at this beam energy: synchrotron energy scales as E0^power at fixed bend. */
function srdScale(p: Preset): number {
  return Math.pow(p.beam.energyGeV.value / p.srd.referenceEnergyGeV.value, p.srd.scalingPower.value);
}

/** A discriminator/suppression threshold from physics: range-checked, warned when under the noise. */
function physicsThreshold(ctx: BoardCtx, c: ChannelInfo, field: string, adc: number, from: string): number {
  const ped = meanPedestal(c);
  const v = ctx.int(field, adc, 1, Math.floor(ADC_FULL_SCALE - ped), "ADC counts above pedestal", from, c);
  const sigma = ctx.p.readout.zsThresholdSigma.value;
  const floor = noiseFloorAdc(c, sigma);
  if (v < floor)
    ctx.warn({
      code: "THRESHOLD_BELOW_NOISE",
      channel: c.ch,
      element: c.element,
      field,
      value: v,
      limit: round2(floor),
      unit: "ADC counts",
      message:
        `${c.element}: ${field} ${v} ADC (${from}) is below the ${sigma} sigma noise floor ${round2(floor)} ADC ` +
        `(noise ${c.cal.noiseAdc} ADC): this channel will fire on noise and cannot tell signal from it`,
    });
  return v;
}

function zsThreshold(ctx: BoardCtx, c: ChannelInfo): number {
  const sigma = ctx.p.readout.zsThresholdSigma.value;
  return ctx.int(
    "channels.thresholdAdc",
    noiseFloorAdc(c, sigma),
    1,
    Math.floor(ADC_FULL_SCALE - meanPedestal(c)),
    "ADC counts above pedestal",
    `readout.zsThresholdSigma ${sigma} x noise ${c.cal.noiseAdc} ADC + half the odd/even pedestal difference`,
    c,
  );
}

function commonChannel(ctx: BoardCtx, c: ChannelInfo): Pick<ChannelRow, "pedestalQ4" | "energyEvPerAdc"> {
  return {
    pedestalQ4: ctx.int("channels.pedestalQ4", meanPedestal(c) * 16, 0, U16, "ADC counts x 16", `pedestals odd ${c.cal.pedestalOddAdc}, even ${c.cal.pedestalEvenAdc} ADC`, c),
    energyEvPerAdc: ctx.int("channels.energyEvPerAdc", 1e9 / c.cal.gainAdcPerGeV, 1, U32, "eV per ADC count", `gain ${c.cal.gainAdcPerGeV} ADC/GeV`, c),
  };
}

/**
 * Expected hit time and in-time half window, in samples x 256 from the window start. Calorimeter
 * boards time a pulse by its peak, the veto board by its half-height leading edge, which comes
 * tLeadingEdgeToPeakNs earlier.
 */
function timing(ctx: BoardCtx, c: ChannelInfo): Pick<ChannelRow, "timeExpectedQ8" | "timeHalfWindowQ8"> {
  const r = ctx.p.readout;
  const clock = ctx.setup.clockNs;
  const n = ctx.p.timing.windowSigma.value;
  const win = r.windowSamples.value;
  const leading = ctx.board.role === "veto";
  const tNs = leading ? c.cal.tExpectedNs - c.cal.tLeadingEdgeToPeakNs : c.cal.tExpectedNs;
  const what = leading ? `leading edge ${c.cal.tExpectedNs} - ${c.cal.tLeadingEdgeToPeakNs} ns` : `expected time ${c.cal.tExpectedNs} ns`;
  const expected = ctx.int("channels.timeExpectedQ8", (tNs / clock) * 256, 0, Math.min(U16, win * 256 - 1), "samples x 256", `${what} inside the ${win}-sample window`, c);
  const half = ctx.int("channels.timeHalfWindowQ8", ((n * c.cal.tSigmaNs) / clock) * 256, 1, U16, "samples x 256", `timing.windowSigma ${n} x ${c.cal.tSigmaNs} ns`, c);
  const lo = r.signalStartSample.value * 256, hi = r.signalEndSample.value * 256;
  if (expected - half < lo || expected + half > hi) {
    const edge = expected - half < lo ? lo : hi;
    ctx.warn({
      code: "TIME_WINDOW_OUTSIDE_SIGNAL_RANGE",
      channel: c.ch,
      element: c.element,
      field: "channels.timeHalfWindowQ8",
      value: half,
      limit: Math.abs(edge - expected),
      unit: "samples x 256",
      message: `${c.element}: in-time window ${round2((expected - half) / 256)}..${round2((expected + half) / 256)} samples reaches outside the signal range ${r.signalStartSample.value}..${r.signalEndSample.value}`,
    });
  }
  return { timeExpectedQ8: expected, timeHalfWindowQ8: half };
}

function triggerChannel(ctx: BoardCtx, c: ChannelInfo): ChannelRow {
  const t = ctx.p.trigger;
  const base = { ...EMPTY_ROW, ...commonChannel(ctx, c) };
  if (c.det === "S0" || c.det === "S1" || c.det === "S2") {
    const f = t.counterThresholdMip.value;
    const thr = physicsThreshold(ctx, c, "channels.thresholdAdc", f * mipAdc(c), `trigger.counterThresholdMip ${f} x MIP ${round2(mipAdc(c))} ADC`);
    const counter = (t.coincidenceCounters.value as string[]).includes(c.det);
    return { ...base, thresholdAdc: thr, chanFlags: ChannelFlag.ENABLED | (counter ? ChannelFlag.COUNTER : 0) };
  }
  if (c.det === "V0" || c.det === "V1") {
    const f = t.vetoThresholdMip.value;
    const thr = physicsThreshold(ctx, c, "channels.thresholdAdc", f * mipAdc(c), `trigger.vetoThresholdMip ${f} x MIP ${round2(mipAdc(c))} ADC`);
    const veto = (t.vetoInputs.value as string[]).includes(c.det);
    return { ...base, thresholdAdc: thr, vetoThresholdAdc: thr, chanFlags: ChannelFlag.ENABLED | (veto ? ChannelFlag.VETO : 0) };
  }
  throw new ConfigError(ctx.board.name, ctx.board.id, c.ch, c.element, "det", c.det, "a trigger board reads only the beam counters S0-S2 and the upstream veto V0/V1");
}

function digitiserChannel(ctx: BoardCtx, c: ChannelInfo): ChannelRow {
  const p = ctx.p;
  const row: ChannelRow = { ...EMPTY_ROW, ...commonChannel(ctx, c), ...timing(ctx, c), chanFlags: ChannelFlag.ENABLED };
  switch (c.det) {
    case "ECAL":
    case "HCAL":
      return { ...row, thresholdAdc: zsThreshold(ctx, c), chanFlags: row.chanFlags | ChannelFlag.SUM };
    case "S0":
    case "S1":
    case "S2": {
      const counter = (p.trigger.coincidenceCounters.value as string[]).includes(c.det);
      return { ...row, thresholdAdc: zsThreshold(ctx, c), chanFlags: row.chanFlags | (counter ? ChannelFlag.COUNTER : 0) };
    }
    case "V0":
    case "V1": {
      const f = p.trigger.vetoThresholdMip.value;
      const veto = physicsThreshold(ctx, c, "channels.vetoThresholdAdc", f * mipAdc(c), `trigger.vetoThresholdMip ${f} x MIP ${round2(mipAdc(c))} ADC`);
      const on = (p.trigger.vetoInputs.value as string[]).includes(c.det);
      return { ...row, thresholdAdc: zsThreshold(ctx, c), vetoThresholdAdc: veto, chanFlags: row.chanFlags | (on ? ChannelFlag.VETO : 0) };
    }
    case "VETO": {
      const f = p.veto.thresholdMip.value;
      const veto = physicsThreshold(ctx, c, "channels.vetoThresholdAdc", f * mipAdc(c), `veto.thresholdMip ${f} x MIP ${round2(mipAdc(c))} ADC`);
      return { ...row, thresholdAdc: zsThreshold(ctx, c), vetoThresholdAdc: veto, chanFlags: row.chanFlags | ChannelFlag.VETO };
    }
    case "SRD": {
      const mev = p.srd.moduleMinMeV.value * srdScale(p);
      const from = `srd.moduleMinMeV ${p.srd.moduleMinMeV.value} MeV x (${p.beam.energyGeV.value}/${p.srd.referenceEnergyGeV.value} GeV)^${p.srd.scalingPower.value} = ${round4(mev)} MeV`;
      return { ...row, thresholdAdc: physicsThreshold(ctx, c, "channels.thresholdAdc", (mev / 1000) * c.cal.gainAdcPerGeV, from) };
    }
  }
}

/** The channel block: index = channel number; channels the map does not list stay disabled (all zero). */
function channelBlock(ctx: BoardCtx, rowOf: (c: ChannelInfo) => ChannelRow): ConfigMsg["channels"] {
  const n = ctx.board.channels.reduce((m, c) => Math.max(m, c.ch + 1), 0);
  const rows: ChannelRow[] = Array.from({ length: n }, () => EMPTY_ROW);
  for (const c of ctx.board.channels) rows[c.ch] = rowOf(c);
  const col = <K extends keyof ChannelRow>(k: K) => rows.map((r) => r[k]);
  return {
    n,
    thresholdAdc: col("thresholdAdc"),
    pedestalQ4: col("pedestalQ4"),
    timeExpectedQ8: col("timeExpectedQ8"),
    timeHalfWindowQ8: col("timeHalfWindowQ8"),
    vetoThresholdAdc: col("vetoThresholdAdc"),
    energyEvPerAdc: col("energyEvPerAdc"),
    chanFlags: col("chanFlags"),
  };
}

type BoardFields = Omit<ConfigMsg, "configVersion" | "role" | "channels">;

const ZERO_BOARD: BoardFields = {
  flags: 0,
  windowSamples: 0,
  pedestalSamples: 0,
  signalStartSample: 0,
  signalEndSample: 0,
  pileupRiseAdc: 0,
  triggerEnableMask: 0,
  coincMask: 0,
  coincWindowTicks: 0,
  vetoMask: 0,
  vetoWindowTicks: 0,
  psMinSumAdc: 0,
  ecalMaxSumAdc: 0,
  prescaleBeam: 0,
  prescaleRandom: 0,
  prescaleCalib: 0,
  randomPeriodTicks: 0,
  calibPeriodTicks: 0,
  deadTimeTicks: 0,
  coincMinCounters: 0,
};

/** Noise of an analog sum, in GeV: the cells' noises added in quadrature. */
function sumNoiseGeV(setup: Setup, section: number | undefined): number {
  let s2 = 0;
  for (const b of setup.boards)
    for (const c of b.channels)
      if (c.det === "ECAL" && (section === undefined || c.cell[0] === section)) s2 += (c.cal.noiseAdc / c.cal.gainAdcPerGeV) ** 2;
  return Math.sqrt(s2);
}

function triggerBoard(ctx: BoardCtx): BoardFields {
  const t = ctx.p.trigger;
  const e0 = ctx.p.beam.energyGeV.value;
  const sums = ctx.setup.triggerSums;
  const wired = new Set(ctx.board.channels.map((c) => c.det as string));
  for (const name of [...t.coincidenceCounters.value, ...t.vetoInputs.value])
    if (!wired.has(name)) throw new ConfigError(ctx.board.name, ctx.board.id, undefined, undefined, name.startsWith("S") ? "coincMask" : "vetoMask", name, `trigger input ${name} is not connected to this board (channel-map.json)`);
  const mask = (names: readonly string[]) => names.reduce((m, n) => m | INPUT_BIT[n]!, 0);
  const psMinSumAdc = ctx.int("psMinSumAdc", t.psMinGeV.value * sums.psAdcPerGeV, 0, ADC_FULL_SCALE, "ADC counts", `trigger.psMinGeV ${t.psMinGeV.value} GeV x ${sums.psAdcPerGeV} ADC/GeV`);
  const ecalMaxGeV = t.ecalMaxFractionOfE0.value * e0;
  const ecalMaxSumAdc = ctx.int("ecalMaxSumAdc", ecalMaxGeV * sums.ecalAdcPerGeV, 1, ADC_FULL_SCALE, "ADC counts", `trigger.ecalMaxFractionOfE0 ${t.ecalMaxFractionOfE0.value} x ${e0} GeV x ${sums.ecalAdcPerGeV} ADC/GeV`);
  const sigma = ctx.p.readout.zsThresholdSigma.value;
  const psNoiseAdc = sumNoiseGeV(ctx.setup, 0) * sums.psAdcPerGeV;
  if (t.enabledTypes.value.includes("physics") && psMinSumAdc < sigma * psNoiseAdc)
    ctx.warn({
      code: "SUM_THRESHOLD_BELOW_NOISE",
      field: "psMinSumAdc",
      value: psMinSumAdc,
      limit: round2(sigma * psNoiseAdc),
      unit: "ADC counts",
      message: `psMinSumAdc ${psMinSumAdc} is below ${sigma} sigma of the preshower sum noise (${round2(psNoiseAdc)} ADC): the physics trigger fires on noise`,
    });
  const periodTicks = (field: string, ms: number, from: string) => ctx.ticks(field, ms * 1e6, 1, U32, `${from} ${ms} ms`);
  return {
    ...ZERO_BOARD,
    triggerEnableMask: t.enabledTypes.value.reduce((m, n) => m | (1 << (TRIGGER_TYPE[n] - 1)), 0),
    coincMask: mask(t.coincidenceCounters.value),
    coincWindowTicks: ctx.ticks("coincWindowTicks", t.coincidenceWindowNs.value, 1, U16, `trigger.coincidenceWindowNs ${t.coincidenceWindowNs.value} ns`),
    vetoMask: mask(t.vetoInputs.value),
    vetoWindowTicks: ctx.ticks("vetoWindowTicks", t.vetoWindowNs.value, 1, U16, `trigger.vetoWindowNs ${t.vetoWindowNs.value} ns`),
    psMinSumAdc,
    ecalMaxSumAdc,
    prescaleBeam: t.prescaleBeam.value,
    prescaleRandom: t.prescaleRandom.value,
    prescaleCalib: t.prescaleCalibration.value,
    randomPeriodTicks: periodTicks("randomPeriodTicks", t.randomPeriodMs.value, "trigger.randomPeriodMs"),
    calibPeriodTicks: periodTicks("calibPeriodTicks", t.calibrationPeriodMs.value, "trigger.calibrationPeriodMs"),
    deadTimeTicks: ctx.ticks("deadTimeTicks", t.deadTimeNs.value, 0, U32, `trigger.deadTimeNs ${t.deadTimeNs.value} ns`),
  };
}

function digitiserBoard(ctx: BoardCtx, channels: ConfigMsg["channels"]): BoardFields {
  const r = ctx.p.readout;
  const maxNoise = ctx.board.channels.reduce((m, c) => Math.max(m, c.cal.noiseAdc), 0);
  const counters = channels.chanFlags.filter((f) => (f & ChannelFlag.COUNTER) !== 0).length;
  return {
    ...ZERO_BOARD,
    flags: (r.zeroSuppression.value ? ConfigFlag.ZERO_SUPPRESSION : 0) | (r.pedestalFromPresamples.value ? ConfigFlag.PEDESTAL_FROM_PRESAMPLES : 0),
    windowSamples: r.windowSamples.value,
    pedestalSamples: r.pedestalSamples.value,
    signalStartSample: r.signalStartSample.value,
    signalEndSample: r.signalEndSample.value,
    pileupRiseAdc: ctx.int("pileupRiseAdc", r.pileupRiseSigma.value * maxNoise, 1, ADC_FULL_SCALE, "ADC counts", `readout.pileupRiseSigma ${r.pileupRiseSigma.value} x largest noise ${maxNoise} ADC`),
    coincMinCounters: counters,
  };
}

function convertBoard(board: BoardInfo, p: Preset, setup: Setup, configVersion: number, warnings: ConfigWarning[]): BoardConfig {
  const ctx = new BoardCtx(board, p, setup, warnings);
  const trigger = board.role === "trigger";
  const channels = channelBlock(ctx, (c) => (trigger ? triggerChannel(ctx, c) : digitiserChannel(ctx, c)));
  const fields = trigger ? triggerBoard(ctx) : digitiserBoard(ctx, channels);
  const config: ConfigMsg = { configVersion, role: ROLE_CODE[board.role], ...fields, channels };
  const payload = encodeConfigPayload(config);
  return { boardId: board.id, name: board.name, role: board.role, config, payload, hash: configPayloadHash(payload), registers: frontEndRegisters(config) };
}

function derive(p: Preset, setup: Setup): DerivedValues {
  const e0 = p.beam.energyGeV.value;
  const scale = srdScale(p);
  const rateHz = p.beam.particlesPerSpill.value / p.beam.spillLengthS.value;
  const windowNs = p.readout.windowSamples.value * setup.clockNs;
  return {
    beamEnergyGeV: e0,
    srdScale: scale,
    srdModuleMinMeV: p.srd.moduleMinMeV.value * scale,
    ecalMaxGeV: p.trigger.ecalMaxFractionOfE0.value * e0,
    psMinGeV: p.trigger.psMinGeV.value,
    missingEnergyEcalMaxGeV: missingEnergyEcalMaxGeV(p),
    meanBeamRateMHz: rateHz / 1e6,
    readoutWindowNs: windowNs,
    pileupProbability: 1 - Math.exp(-rateHz * windowNs * 1e-9),
    pileupProbabilityTwoSided: 1 - Math.exp(-rateHz * 2 * windowNs * 1e-9),
  };
}

/**
 * Convert a validated preset to one CONFIG per board of `setup`. Throws ConfigError /
 * ConfigRangeError / DarkPhotonMassError before returning anything.
 */
export function convertPreset(name: string, p: Preset, setup: Setup, opts: ConvertOptions = {}): Conversion {
  const configVersion = opts.configVersion ?? 1;
  if (!Number.isInteger(configVersion) || configVersion < 0 || configVersion > U32)
    throw new ConfigError("(all)", 0, undefined, undefined, "configVersion", configVersion, `expected an integer 0..${U32}`);
  const mass = opts.darkPhotonMassMeV ?? p.analysis.darkPhotonMassMeV?.value;
  const signal = mass === undefined ? undefined : signalWindow(p.beam.energyGeV.value, mass, p.analysis.signalWindowHalfWidthGeV.value);
  const warnings: ConfigWarning[] = [];
  const boards = setup.boards.map((b) => convertBoard(b, p, setup, configVersion, warnings));
  return { preset: name, configVersion, clockNs: setup.clockNs, boards, warnings, derived: derive(p, setup), ...(signal ? { signal } : {}) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}
