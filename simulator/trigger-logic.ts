// The trigger FPGA of the trigger board, applied at beam rate to the particle stream with the
// values the firmware wrote into its registers:
//  - discriminators on S0, S1, S2, V0, V1: a particle fires an input when its pulse height plus
//    the true pedestal, minus CH_PEDESTAL_ADC, reaches CH_THRESHOLD_ADC (disabled channels never
//    fire; an input whose bare baseline already passes is stuck high);
//  - beam coincidence: a particle fires a TRIG_COINC_MASK input and every masked input fired
//    within TRIG_COINC_WINDOW_TICKS;
//  - veto: a TRIG_VETO_MASK input fired within +-TRIG_VETO_WINDOW_TICKS of the coincidence;
//  - analog sums: preshower and whole-ECAL energies of every particle, weighted by the sum's
//    pulse shape (digitiser option sumShape, fast by default) at the coincidence time (pile-up
//    adds up), times setup.triggerSums gains, digitised with the sum ADC's bits;
//  - PHYSICS = coincidence & !veto & PS sum >= TRIG_PS_MIN_SUM_ADC & ECAL sum <= TRIG_ECAL_MAX_SUM_ADC;
//    BEAM = coincidence, prescaled; RANDOM = generator of mean period TRIG_RANDOM_PERIOD_TICKS
//    (exponential intervals), prescaled; CALIBRATION = pulser of period TRIG_CALIB_PERIOD_TICKS,
//    prescaled. Types not in TRIG_ENABLE_MASK are not evaluated and not counted.
// Inhibits (dead time, BUSY, full FIFO) and the records are the front end's job (frontend.ts).
import { Reg } from "../protocol/generated/registers";
import { TriggerInput, TriggerType } from "../protocol/schema/enums";
import { N_COUNTERS, type DetectorLayout } from "./detector";
import type { ParticleRing } from "./particles";
import type { PulseShape } from "./pulse-shapes";
import type { RegisterFile } from "./registers";

export const TRIGGER_TYPES = 4;
const VETO_INPUTS = TriggerInput.V0 | TriggerInput.V1;

/** Bit of a trigger type in TRIG_ENABLE_MASK and the TRIGGER record's typeMask. */
export function typeBit(type: TriggerType): number {
  return 1 << (type - 1);
}

/** Highest-priority type in a mask (PHYSICS first). */
export function primaryType(mask: number): TriggerType {
  for (let t = 1; t <= TRIGGER_TYPES; t++) if (mask & (1 << (t - 1))) return t as TriggerType;
  return 0 as TriggerType;
}

export interface InputState {
  /** TriggerInput bits: counters in the coincidence, vetoes in their window, PS_MIN, ECAL_MAX. */
  pattern: number;
  vetoed: boolean;
  psSumAdc: number;
  ecalSumAdc: number;
}

/** Hardware scalers of the trigger logic for the current spill. */
export class TriggerScalers {
  beamCoincidences = 0;
  readonly raw = [0, 0, 0, 0];
  readonly accepted = [0, 0, 0, 0];
  inhibitedBusy = 0;
  inhibitedDead = 0;
  deadNs = 0;
  reset(): void {
    this.beamCoincidences = 0;
    this.raw.fill(0);
    this.accepted.fill(0);
    this.inhibitedBusy = 0;
    this.inhibitedDead = 0;
    this.deadNs = 0;
  }
}

export class TriggerLogic {
  // Decoded configuration.
  enableMask = 0;
  private coincMask = 0;
  private coincWindowNs = 0;
  private vetoMask = 0;
  vetoWindowNs = 0;
  private psMinAdc = 0;
  private ecalMaxAdc = 0;
  private readonly prescale = [0, 0, 0, 0];
  randomPeriodNs = 0;
  calibPeriodNs = 0;
  deadTimeNs = 0;
  /** Per input: minimum deposit (GeV) that fires it; Infinity = never (disabled), <= 0 = stuck high. */
  private readonly fireGeV = new Float64Array(N_COUNTERS).fill(Infinity);
  private stuckMask = 0;

  // State.
  /** Last firing time of S0, S1, S2 (the veto inputs are looked up in the particle ring). */
  private readonly lastFireNs = new Float64Array(3).fill(-Infinity);
  private readonly prescaleCount = [0, 0, 0, 0];
  readonly scalers = new TriggerScalers();

  private readonly psGain: number;
  private readonly ecalGain: number;
  private readonly sumMaxAdc: number;

  constructor(
    private readonly layout: DetectorLayout,
    private readonly sumShape: PulseShape,
    sumAdcBits: number,
  ) {
    this.psGain = layout.setup.triggerSums.psAdcPerGeV;
    this.ecalGain = layout.setup.triggerSums.ecalAdcPerGeV;
    this.sumMaxAdc = 2 ** sumAdcBits - 1;
  }

  /** Decode the trigger board's registers (after every write to it). */
  configure(regs: RegisterFile): void {
    this.enableMask = regs.get(Reg.TRIG_ENABLE_MASK);
    this.coincMask = regs.get(Reg.TRIG_COINC_MASK);
    this.coincWindowNs = regs.get(Reg.TRIG_COINC_WINDOW_TICKS) * this.layout.clockNs;
    this.vetoMask = regs.get(Reg.TRIG_VETO_MASK);
    this.vetoWindowNs = regs.get(Reg.TRIG_VETO_WINDOW_TICKS) * this.layout.clockNs;
    this.psMinAdc = regs.get(Reg.TRIG_PS_MIN_SUM_ADC);
    this.ecalMaxAdc = regs.get(Reg.TRIG_ECAL_MAX_SUM_ADC);
    this.prescale[TriggerType.BEAM - 1] = regs.get(Reg.TRIG_PRESCALE_BEAM);
    this.prescale[TriggerType.RANDOM - 1] = regs.get(Reg.TRIG_PRESCALE_RANDOM);
    this.prescale[TriggerType.CALIBRATION - 1] = regs.get(Reg.TRIG_PRESCALE_CALIB);
    this.prescale[TriggerType.PHYSICS - 1] = 1;
    this.randomPeriodNs = regs.get(Reg.TRIG_RANDOM_PERIOD_TICKS) * this.layout.clockNs;
    this.calibPeriodNs = regs.get(Reg.TRIG_CALIB_PERIOD_TICKS) * this.layout.clockNs;
    this.deadTimeNs = regs.get(Reg.TRIG_DEAD_TIME_TICKS) * this.layout.clockNs;
    this.stuckMask = 0;
    const board = regs.board;
    for (let c = 0; c < N_COUNTERS; c++) {
      this.fireGeV[c] = Infinity;
      const el = this.layout.counters[c]!;
      const k = el < 0 ? -1 : board.elements.indexOf(el);
      if (k < 0) continue;
      const ch = board.channels[k]!;
      if (!regs.channelEnabled(ch)) continue;
      const cal = this.layout.elements[el]!.cal;
      const baseline = (cal.pedestalOddAdc + cal.pedestalEvenAdc) / 2 - regs.pedestal(ch);
      const need = (regs.threshold(ch) - baseline) / cal.gainAdcPerGeV;
      this.fireGeV[c] = need;
      if (need <= 0) this.stuckMask |= 1 << c;
    }
  }

  resetSpill(): void {
    this.lastFireNs.fill(-Infinity);
    this.prescaleCount.fill(0);
    this.scalers.reset();
  }

  enabled(type: TriggerType): boolean {
    return (this.enableMask & typeBit(type)) !== 0;
  }

  /** Inputs a particle fires (stuck inputs included). */
  firedBits(ring: ParticleRing, slot: number): number {
    const cg = ring.counterGeV;
    const f = this.fireGeV;
    const o = slot * N_COUNTERS;
    let bits = this.stuckMask;
    if (cg[o]! >= f[0]!) bits |= 1;
    if (cg[o + 1]! >= f[1]!) bits |= 2;
    if (cg[o + 2]! >= f[2]!) bits |= 4;
    if (cg[o + 3]! >= f[3]!) bits |= 8;
    if (cg[o + 4]! >= f[4]!) bits |= 16;
    return bits;
  }

  /**
   * Feed a particle to the discriminators; true when it completes a beam coincidence (it fires
   * a masked, not stuck input and every masked input fired within the window). Written out
   * flat: it runs for every beam particle.
   */
  coincidence(ring: ParticleRing, slot: number): boolean {
    const t = ring.tNs[slot]!;
    const cg = ring.counterGeV;
    const f = this.fireGeV;
    const o = slot * N_COUNTERS;
    const lf = this.lastFireNs;
    let fired = this.stuckMask & 7;
    if (cg[o]! >= f[0]!) {
      fired |= 1;
      lf[0] = t;
    }
    if (cg[o + 1]! >= f[1]!) {
      fired |= 2;
      lf[1] = t;
    }
    if (cg[o + 2]! >= f[2]!) {
      fired |= 4;
      lf[2] = t;
    }
    const need = this.coincMask & ~this.stuckMask;
    if (!(fired & need)) return false;
    const since = t - this.coincWindowNs;
    if ((need & 1 && lf[0]! < since) || (need & 2 && lf[1]! < since) || (need & 4 && lf[2]! < since)) return false;
    this.scalers.beamCoincidences++;
    return true;
  }

  /** Counters that fired within the coincidence window before t (for the input pattern). */
  private recentCounters(t: number): number {
    let bits = this.stuckMask & 7;
    for (let c = 0; c < 3; c++) if (this.lastFireNs[c]! >= t - this.coincWindowNs && this.lastFireNs[c]! <= t) bits |= 1 << c;
    return bits;
  }

  /** Veto inputs (all of V0, V1, not only the masked ones) fired within +-window of t. */
  private vetoBits(ring: ParticleRing, t: number): number {
    let bits = this.stuckMask & VETO_INPUTS;
    const w = this.vetoWindowNs;
    for (let s = ring.firstAtOrAfter(t - w); s < ring.head; s++) {
      const slot = ring.slot(s);
      if (ring.tNs[slot]! > t + w) break;
      bits |= this.firedBits(ring, slot) & VETO_INPUTS;
    }
    return bits;
  }

  /** Analog sums (ADC) at time t: every particle's deposit weighted by the pulse shape. */
  private sums(ring: ParticleRing, t: number, out: InputState): void {
    let ps = 0;
    let ecal = 0;
    const shape = this.sumShape;
    for (let s = ring.firstAtOrAfter(t - shape.tailNs); s < ring.head; s++) {
      const slot = ring.slot(s);
      const dt = t - ring.tNs[slot]!;
      if (dt < -shape.riseNs) break;
      const w = shape.value(dt);
      ps += ring.psGeV[slot]! * w;
      ecal += ring.ecalGeV[slot]! * w;
    }
    out.psSumAdc = Math.min(this.sumMaxAdc, Math.floor(ps * this.psGain));
    out.ecalSumAdc = Math.min(this.sumMaxAdc, Math.floor(ecal * this.ecalGain));
  }

  /** Full input state at time t: sums, veto, pattern. */
  inputState(ring: ParticleRing, t: number, out: InputState): InputState {
    this.sums(ring, t, out);
    const v = this.vetoBits(ring, t);
    out.vetoed = (v & this.vetoMask) !== 0;
    out.pattern = this.recentCounters(t) | v;
    if (out.psSumAdc >= this.psMinAdc) out.pattern |= TriggerInput.PS_MIN;
    if (out.ecalSumAdc <= this.ecalMaxAdc) out.pattern |= TriggerInput.ECAL_MAX;
    return out;
  }

  /**
   * The PHYSICS condition for a coincidence particle. Quick rejection first: the sums only add
   * positive pulses, so a particle whose own ECAL energy is over the maximum cannot pass.
   */
  physics(ring: ParticleRing, slot: number, out: InputState): boolean {
    const ownEcal = Math.min(this.sumMaxAdc, Math.floor(ring.ecalGeV[slot]! * this.ecalGain));
    if (ownEcal > this.ecalMaxAdc) return false;
    this.inputState(ring, ring.tNs[slot]!, out);
    return !out.vetoed && out.psSumAdc >= this.psMinAdc && out.ecalSumAdc <= this.ecalMaxAdc;
  }

  /** Count a raw trigger of `type` and apply its prescale; true when it is to be accepted. */
  prescaled(type: TriggerType): boolean {
    const i = type - 1;
    this.scalers.raw[i]!++;
    const n = this.prescale[i]!;
    if (n === 0) return false;
    if (++this.prescaleCount[i]! >= n) {
      this.prescaleCount[i] = 0;
      return true;
    }
    return false;
  }
}
