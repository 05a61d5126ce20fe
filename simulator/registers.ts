// The register file of one board's front end (ADC + FPGA), keyed by the addresses of the
// protocol's register map (protocol/schema/registers.ts). The firmware writes it; in a bench run
// its writes arrive as FE_WRITE frames and the bench applies them here. A batch of writes is
// checked completely before anything is applied: a bad address, a read-only register, a register
// of the other role or an out-of-range value throws RegisterError and leaves the file unchanged.
//
// Power-on values: CTRL 0 (not running), WINDOW_SAMPLES = the digitiser option (32), every
// channel the board has enabled, everything else 0 (trigger types disabled).
import { REGISTERS, registerAt, type RegisterDef } from "../protocol/schema/registers";
import { Reg } from "../protocol/generated/registers";
import { CtrlBit, FexBit, HitFlag, TriggerInput } from "../protocol/schema/enums";
import { MAX_FIFO_SAMPLES, MAX_WINDOW_SAMPLES } from "../protocol/schema/limits";
import type { BoardLayout } from "./detector";
import { RegisterError } from "./errors";

export const REGISTER_SPACE = Math.max(...REGISTERS.map((r) => r.addr + r.count));

const CTRL_BITS = CtrlBit.RUN_ENABLE | CtrlBit.BUSY | CtrlBit.ZERO_SUPPRESSION;
const COINC_INPUTS = TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2;
const VETO_INPUTS = TriggerInput.V0 | TriggerInput.V1;
/** TRIG_ENABLE_MASK and WAVE_TYPE_MASK bits: PHYSICS, BEAM, RANDOM, CALIBRATION. */
const TRIGGER_TYPES = 0x0f;
const FEX_BITS = FexBit.FEATURES | FexBit.PEDESTAL_FROM_PRESAMPLES | FexBit.LEADING_EDGE;
const HIT_FLAGS = HitFlag.SATURATED | HitFlag.PILEUP | HitFlag.IN_TIME | HitFlag.VETO | HitFlag.PEDESTAL_MEASURED;
/** Windows are u16 in the configuration message; the hardware takes the same range. */
const MAX_WINDOW_TICKS = 0xffff;
/** Dead time up to about 0.2 s. */
const MAX_DEAD_TICKS = 1 << 24;

export class RegisterFile {
  private values: Uint32Array;
  readonly isTrigger: boolean;
  /** Incremented by every applied batch (lets readers cache values derived from the registers). */
  version = 0;

  constructor(
    readonly board: BoardLayout,
    private readonly maxAdc: number,
    windowSamples: number,
  ) {
    this.isTrigger = board.role === "trigger";
    this.values = new Uint32Array(REGISTER_SPACE);
    if (!this.isTrigger) this.values[Reg.WINDOW_SAMPLES] = windowSamples;
    for (const ch of board.channels) this.values[Reg.CH_ENABLE_MASK + (ch >>> 5)]! |= 1 << (ch & 31);
  }

  get(addr: number): number {
    return this.values[addr]!;
  }

  /** Apply a batch of writes atomically (all or nothing). */
  write(addrs: ArrayLike<number>, values: ArrayLike<number>): void {
    if (addrs.length !== values.length)
      throw new RegisterError(this.board.id, 0, "(batch)", values.length, `${addrs.length} addresses but ${values.length} values`);
    const next = this.values.slice();
    for (let i = 0; i < addrs.length; i++) {
      const addr = addrs[i]!;
      const value = values[i]!;
      const at = Number.isInteger(addr) ? registerAt(addr) : undefined;
      if (!at) throw new RegisterError(this.board.id, Number(addr) || 0, "?", value, `no register at address ${addr}`);
      const name = at.reg.count > 1 ? `${at.reg.name}[${at.channel}]` : at.reg.name;
      const fail = (detail: string) => new RegisterError(this.board.id, addr, name, value, detail);
      if (at.reg.access === "ro") throw fail("read-only register");
      if (at.reg.roles === "trigger" && !this.isTrigger) throw fail(`trigger-logic register written on a ${this.board.role} board`);
      if (at.reg.roles === "digitiser" && this.isTrigger) throw fail("digitiser register written on the trigger board");
      if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw fail("not a u32");
      const err = this.check(at.reg, value);
      if (err) throw fail(err);
      next[addr] = value;
    }
    if (!this.isTrigger) {
      const window = next[Reg.WINDOW_SAMPLES]!;
      const pre = next[Reg.PRETRIGGER_SAMPLES]!;
      if (pre >= window)
        throw new RegisterError(this.board.id, Reg.PRETRIGGER_SAMPLES, "PRETRIGGER_SAMPLES", pre, `must be below WINDOW_SAMPLES (${window})`);
      if (window * this.board.channels.length > MAX_FIFO_SAMPLES)
        throw new RegisterError(this.board.id, Reg.WINDOW_SAMPLES, "WINDOW_SAMPLES", window, `${this.board.channels.length} channels x ${window} samples exceed the FIFO record limit ${MAX_FIFO_SAMPLES}`);
      if ((next[Reg.FEX_CTRL]! & FexBit.FEATURES) !== 0) {
        // The feature extraction's regions must lie in the window, in order.
        const pre = next[Reg.FEX_PEDESTAL_SAMPLES]!;
        const start = next[Reg.FEX_SIGNAL_START_SAMPLE]!;
        const end = next[Reg.FEX_SIGNAL_END_SAMPLE]!;
        const fail = (addr: number, name: string, v: number, detail: string) => new RegisterError(this.board.id, addr, name, v, detail);
        if (pre > start) throw fail(Reg.FEX_PEDESTAL_SAMPLES, "FEX_PEDESTAL_SAMPLES", pre, `must be at most FEX_SIGNAL_START_SAMPLE (${start})`);
        if (start >= end) throw fail(Reg.FEX_SIGNAL_END_SAMPLE, "FEX_SIGNAL_END_SAMPLE", end, `must be above FEX_SIGNAL_START_SAMPLE (${start})`);
        if (end > window) throw fail(Reg.FEX_SIGNAL_END_SAMPLE, "FEX_SIGNAL_END_SAMPLE", end, `must be at most WINDOW_SAMPLES (${window})`);
      }
    }
    this.values = next;
    this.version++;
  }

  /** Range check of one value; `reg.addr` is the block base for per-channel registers. */
  private check(reg: RegisterDef, v: number): string | null {
    switch (reg.addr) {
      case Reg.CTRL:
        return v & ~CTRL_BITS ? `unknown CTRL bits 0x${(v & ~CTRL_BITS).toString(16)}` : null;
      case Reg.WINDOW_SAMPLES:
        return v < 1 || v > MAX_WINDOW_SAMPLES ? `must be 1..${MAX_WINDOW_SAMPLES}` : null;
      case Reg.PRETRIGGER_SAMPLES:
        return v >= MAX_WINDOW_SAMPLES ? `must be below ${MAX_WINDOW_SAMPLES}` : null;
      case Reg.CH_THRESHOLD_ADC:
      case Reg.CH_PEDESTAL_ADC:
        return v > this.maxAdc ? `must be 0..${this.maxAdc} (ADC range)` : null;
      case Reg.TRIG_ENABLE_MASK:
      case Reg.WAVE_TYPE_MASK:
        return v & ~TRIGGER_TYPES ? "bits beyond the four trigger types" : null;
      case Reg.FEX_CTRL:
        return v & ~FEX_BITS ? `unknown FEX_CTRL bits 0x${(v & ~FEX_BITS).toString(16)}` : null;
      case Reg.FEX_PEDESTAL_SAMPLES:
      case Reg.FEX_SIGNAL_START_SAMPLE:
      case Reg.FEX_SIGNAL_END_SAMPLE:
        return v > MAX_WINDOW_SAMPLES ? `must be 0..${MAX_WINDOW_SAMPLES}` : null;
      case Reg.FEX_PILEUP_RISE_ADC:
      case Reg.CH_VETO_THRESHOLD_ADC:
        return v > this.maxAdc ? `must be 0..${this.maxAdc} (ADC range)` : null;
      case Reg.CH_PEDESTAL_Q4:
        return v > this.maxAdc * 16 ? `must be 0..${this.maxAdc * 16} (ADC range x 16)` : null;
      case Reg.CH_TIME_EXPECTED_Q8:
      case Reg.CH_TIME_HALF_WINDOW_Q8:
        return v > 0xffff ? "must be 0..65535 (samples x 256)" : null;
      case Reg.WAVE_HIT_FLAG_MASK:
        return v & ~HIT_FLAGS ? "bits beyond the hit flags" : null;
      case Reg.TRIG_COINC_MASK:
        return v & ~COINC_INPUTS ? "only S0, S1, S2 take part in the coincidence" : null;
      case Reg.TRIG_VETO_MASK:
        return v & ~VETO_INPUTS ? "only V0, V1 can veto" : null;
      case Reg.TRIG_COINC_WINDOW_TICKS:
      case Reg.TRIG_VETO_WINDOW_TICKS:
        return v > MAX_WINDOW_TICKS ? `must be 0..${MAX_WINDOW_TICKS} ticks` : null;
      case Reg.TRIG_PS_MIN_SUM_ADC:
      case Reg.TRIG_ECAL_MAX_SUM_ADC:
        return v > 0xffff ? "must be 0..65535 (u16 in the TRIGGER record)" : null;
      case Reg.TRIG_DEAD_TIME_TICKS:
        return v > MAX_DEAD_TICKS ? `must be 0..${MAX_DEAD_TICKS} ticks` : null;
      default:
        // Channel masks, prescales, periods, WAVE_EVERY_N and CH_ENERGY_EV_PER_ADC take any u32.
        return null;
    }
  }

  /** Is board channel `ch` enabled in CH_ENABLE_MASK? */
  channelEnabled(ch: number): boolean {
    return ((this.values[Reg.CH_ENABLE_MASK + (ch >>> 5)]! >>> (ch & 31)) & 1) === 1;
  }

  threshold(ch: number): number {
    return this.values[Reg.CH_THRESHOLD_ADC + ch]!;
  }

  pedestal(ch: number): number {
    return this.values[Reg.CH_PEDESTAL_ADC + ch]!;
  }

  ctrl(bit: number): boolean {
    return (this.values[Reg.CTRL]! & bit) !== 0;
  }
}
