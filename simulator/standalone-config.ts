// Register settings for running the simulator on its own (dump command, benchmark, tests), when no
// firmware is there to program the front ends. Physics-unit settings are turned into register
// values with the calibration of the setup. In a bench run the firmware writes the registers
// instead (from the CONFIG the host pushed); this is not used there.
//
// The defaults follow the shared settings of the host's beam presets (presets/common.yaml, where
// each value carries its source and flag): counters fire at half a MIP; coincidence S0 & S1 & S2
// within 2 ticks (25 ns); veto V0 | V1 within +-4 ticks (50 ns); PS sum >= 0.3 GeV; ECAL sum <=
// 0.8 E0; beam trigger 1 in 1000; random trigger every 10 ms on average; LED pulser at 1 Hz;
// dead time 1 us; zero suppression at 3 noise sigmas; 32-sample windows, no pretrigger samples.
import type { Setup } from "../boards/setup";
import { Reg } from "../protocol/generated/registers";
import { CtrlBit, TriggerInput, TriggerType } from "../protocol/schema/enums";
import type { BeamSpec } from "./beam";
import { SimOptionError } from "./errors";
import { typeBit } from "./trigger-logic";

export interface StandaloneSettings {
  zeroSuppression: boolean;
  /** Zero-suppression threshold in units of each channel's noise sigma (at least 1 ADC count). */
  zsThresholdSigma: number;
  windowSamples: number;
  pretriggerSamples: number;
  counterThresholdMip: number;
  coincWindowTicks: number;
  vetoWindowTicks: number;
  psMinGeV: number;
  /** ECAL maximum as a fraction of the beam energy. */
  ecalMaxFraction: number;
  triggerTypes: TriggerType[];
  prescaleBeam: number;
  prescaleRandom: number;
  prescaleCalib: number;
  randomPeriodNs: number;
  calibPeriodNs: number;
  deadTimeNs: number;
}

export const STANDALONE_DEFAULTS: StandaloneSettings = {
  zeroSuppression: true,
  zsThresholdSigma: 3,
  windowSamples: 32,
  pretriggerSamples: 0,
  counterThresholdMip: 0.5,
  coincWindowTicks: 2,
  vetoWindowTicks: 4,
  psMinGeV: 0.3,
  ecalMaxFraction: 0.8,
  triggerTypes: [TriggerType.PHYSICS, TriggerType.BEAM, TriggerType.RANDOM, TriggerType.CALIBRATION],
  prescaleBeam: 1000,
  prescaleRandom: 1,
  prescaleCalib: 1,
  randomPeriodNs: 10e6,
  calibPeriodNs: 1e9,
  deadTimeNs: 1000,
};

export interface RegisterWrites {
  boardId: number;
  addrs: number[];
  values: number[];
}

/** Register writes that configure and start every board of the setup (CTRL.RUN_ENABLE last). */
export function standaloneRegisters(setup: Setup, beam: BeamSpec, overrides: Partial<StandaloneSettings> = {}): RegisterWrites[] {
  const s = { ...STANDALONE_DEFAULTS, ...overrides };
  const out: RegisterWrites[] = [];
  const u32 = (field: keyof StandaloneSettings, v: number) => {
    const r = Math.round(v);
    if (!(r >= 0 && r <= 0xffffffff)) throw new SimOptionError(`standalone.${field}`, v, "gives a register value outside u32");
    return r;
  };
  const clock = setup.clockNs;
  for (const b of setup.boards) {
    const w: RegisterWrites = { boardId: b.id, addrs: [], values: [] };
    const set = (addr: number, value: number) => {
      w.addrs.push(addr);
      w.values.push(value);
    };
    const mask = [0, 0, 0];
    for (const c of b.channels) mask[c.ch >>> 5]! |= 1 << (c.ch & 31);
    mask.forEach((m, i) => set(Reg.CH_ENABLE_MASK + i, m >>> 0));
    for (const c of b.channels) {
      const ped = (c.cal.pedestalOddAdc + c.cal.pedestalEvenAdc) / 2;
      set(Reg.CH_PEDESTAL_ADC + c.ch, Math.round(ped));
      const thr =
        b.role === "trigger"
          ? s.counterThresholdMip * c.cal.mipGeV * c.cal.gainAdcPerGeV
          : Math.max(1, Math.ceil(s.zsThresholdSigma * c.cal.noiseAdc + Math.abs(c.cal.pedestalOddAdc - c.cal.pedestalEvenAdc) / 2));
      set(Reg.CH_THRESHOLD_ADC + c.ch, Math.min(4095, Math.round(thr)));
    }
    if (b.role === "trigger") {
      set(Reg.TRIG_ENABLE_MASK, s.triggerTypes.reduce((m, t) => m | typeBit(t), 0));
      set(Reg.TRIG_COINC_MASK, TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2);
      set(Reg.TRIG_COINC_WINDOW_TICKS, u32("coincWindowTicks", s.coincWindowTicks));
      set(Reg.TRIG_VETO_MASK, TriggerInput.V0 | TriggerInput.V1);
      set(Reg.TRIG_VETO_WINDOW_TICKS, u32("vetoWindowTicks", s.vetoWindowTicks));
      set(Reg.TRIG_PS_MIN_SUM_ADC, u32("psMinGeV", s.psMinGeV * setup.triggerSums.psAdcPerGeV));
      set(Reg.TRIG_ECAL_MAX_SUM_ADC, u32("ecalMaxFraction", s.ecalMaxFraction * beam.energyGeV * setup.triggerSums.ecalAdcPerGeV));
      set(Reg.TRIG_PRESCALE_BEAM, u32("prescaleBeam", s.prescaleBeam));
      set(Reg.TRIG_PRESCALE_RANDOM, u32("prescaleRandom", s.prescaleRandom));
      set(Reg.TRIG_PRESCALE_CALIB, u32("prescaleCalib", s.prescaleCalib));
      set(Reg.TRIG_RANDOM_PERIOD_TICKS, u32("randomPeriodNs", s.randomPeriodNs / clock));
      set(Reg.TRIG_CALIB_PERIOD_TICKS, u32("calibPeriodNs", s.calibPeriodNs / clock));
      set(Reg.TRIG_DEAD_TIME_TICKS, u32("deadTimeNs", s.deadTimeNs / clock));
      set(Reg.CTRL, CtrlBit.RUN_ENABLE);
    } else {
      set(Reg.WINDOW_SAMPLES, u32("windowSamples", s.windowSamples));
      set(Reg.PRETRIGGER_SAMPLES, u32("pretriggerSamples", s.pretriggerSamples));
      set(Reg.CTRL, CtrlBit.RUN_ENABLE | (s.zeroSuppression ? CtrlBit.ZERO_SUPPRESSION : 0));
    }
    out.push(w);
  }
  return out;
}
