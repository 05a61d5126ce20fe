// Front-end register map (ADC + FPGA of a readout board): the one address table used by the
// firmware (which writes the registers), the simulator's hardware model (which applies them) and
// host tools (which name them). Generated into protocol/generated/registers.ts as a portable
// const enum. Addresses are u16, values u32.

export type RegisterAccess = "rw" | "ro";
export type RegisterRoles = "all" | "trigger" | "digitiser";

export interface RegisterDef {
  readonly name: string;
  readonly addr: number;
  /** 1 for a single register; MAX_CHANNELS for a per-channel block (addr + channel). */
  readonly count: number;
  readonly access: RegisterAccess;
  readonly roles: RegisterRoles;
  readonly unit: string;
  readonly doc: string;
}

export const PER_CHANNEL = 72; // = MAX_CHANNELS (limits.ts); a test checks they agree

export const REGISTERS: readonly RegisterDef[] = [
  { name: "CTRL", addr: 0x0000, count: 1, access: "rw", roles: "all", unit: "bits", doc: "CtrlBit bits" },
  { name: "WINDOW_SAMPLES", addr: 0x0001, count: 1, access: "rw", roles: "digitiser", unit: "samples", doc: "samples per readout window" },
  { name: "PRETRIGGER_SAMPLES", addr: 0x0002, count: 1, access: "rw", roles: "digitiser", unit: "samples", doc: "samples recorded before the trigger time" },
  { name: "CH_ENABLE_MASK", addr: 0x0004, count: 3, access: "rw", roles: "all", unit: "mask", doc: "channel enable: word w holds channels 32w..32w+31" },
  { name: "FIFO_DEPTH", addr: 0x0010, count: 1, access: "ro", roles: "all", unit: "records", doc: "FIFO capacity" },
  { name: "FIFO_COUNT", addr: 0x0011, count: 1, access: "ro", roles: "all", unit: "records", doc: "records waiting in the FIFO" },
  { name: "FIFO_BYTES", addr: 0x0012, count: 1, access: "ro", roles: "all", unit: "bytes", doc: "bytes of the next record (0 when empty)" },
  { name: "FIFO_DATA", addr: 0x0013, count: 1, access: "ro", roles: "all", unit: "bytes", doc: "FIFO read port, non-incrementing" },
  { name: "FIFO_BURST_BYTES", addr: 0x0014, count: 1, access: "ro", roles: "all", unit: "bytes", doc: "bytes of the whole records at the FIFO head that fit one read of MAX_SPI_READ_BYTES (0 when empty)" },
  { name: "FEX_CTRL", addr: 0x0020, count: 1, access: "rw", roles: "digitiser", unit: "bits", doc: "FexBit: FEATURES (FEATURES records, waveforms on demand), PEDESTAL_FROM_PRESAMPLES, LEADING_EDGE (time = half-height leading edge, else sub-sample peak time)" },
  { name: "FEX_PEDESTAL_SAMPLES", addr: 0x0021, count: 1, access: "rw", roles: "digitiser", unit: "samples", doc: "pre-samples of the measured pedestal (the first of the window)" },
  { name: "FEX_SIGNAL_START_SAMPLE", addr: 0x0022, count: 1, access: "rw", roles: "digitiser", unit: "samples", doc: "first sample of the peak search and pile-up check" },
  { name: "FEX_SIGNAL_END_SAMPLE", addr: 0x0023, count: 1, access: "rw", roles: "digitiser", unit: "samples", doc: "end (exclusive) of the peak search and pile-up check" },
  { name: "FEX_PILEUP_RISE_ADC", addr: 0x0024, count: 1, access: "rw", roles: "digitiser", unit: "ADC counts", doc: "rise after a fall that marks a second pulse (0 = no pile-up flag)" },
  { name: "WAVE_EVERY_N", addr: 0x0025, count: 1, access: "rw", roles: "digitiser", unit: "triggers", doc: "waveforms of every trigger whose number is a multiple of n (0 = none)" },
  { name: "WAVE_TYPE_MASK", addr: 0x0026, count: 1, access: "rw", roles: "digitiser", unit: "mask", doc: "waveforms of every trigger of these types, bit (1 << (TriggerType-1))" },
  { name: "WAVE_HIT_FLAG_MASK", addr: 0x0027, count: 1, access: "rw", roles: "digitiser", unit: "mask", doc: "waveforms of every event with a hit carrying one of these HitFlag bits (SATURATED, PILEUP)" },
  { name: "CH_SUM_MASK", addr: 0x0028, count: 3, access: "rw", roles: "digitiser", unit: "mask", doc: "channels in the energy sum: word w holds channels 32w..32w+31" },
  { name: "CH_COUNTER_MASK", addr: 0x002c, count: 3, access: "rw", roles: "digitiser", unit: "mask", doc: "beam counters counted in time for the coincidence: word w holds channels 32w..32w+31" },
  { name: "CH_VETO_MASK", addr: 0x0030, count: 3, access: "rw", roles: "digitiser", unit: "mask", doc: "veto channels (in time at or above CH_VETO_THRESHOLD_ADC: a VETO hit): word w holds channels 32w..32w+31" },
  { name: "CH_THRESHOLD_ADC", addr: 0x0100, count: PER_CHANNEL, access: "rw", roles: "all", unit: "ADC counts", doc: "zero-suppression (digitiser) or discriminator (trigger) threshold above pedestal" },
  { name: "CH_PEDESTAL_ADC", addr: 0x0180, count: PER_CHANNEL, access: "rw", roles: "all", unit: "ADC counts", doc: "pedestal the threshold comparator subtracts" },
  { name: "CH_PEDESTAL_Q4", addr: 0x0280, count: PER_CHANNEL, access: "rw", roles: "digitiser", unit: "ADC counts x 16", doc: "configured pedestal of the feature extraction (used when not measured from pre-samples)" },
  { name: "CH_TIME_EXPECTED_Q8", addr: 0x0300, count: PER_CHANNEL, access: "rw", roles: "digitiser", unit: "samples x 256", doc: "expected hit time from the window start (in-time flag)" },
  { name: "CH_TIME_HALF_WINDOW_Q8", addr: 0x0380, count: PER_CHANNEL, access: "rw", roles: "digitiser", unit: "samples x 256", doc: "in-time window half-width around the expected time (0 = no in-time flag)" },
  { name: "CH_VETO_THRESHOLD_ADC", addr: 0x0400, count: PER_CHANNEL, access: "rw", roles: "digitiser", unit: "ADC counts", doc: "amplitude at or above which an in-time veto channel vetoes" },
  { name: "CH_ENERGY_EV_PER_ADC", addr: 0x0480, count: PER_CHANNEL, access: "rw", roles: "digitiser", unit: "eV per ADC count", doc: "calibration of the energy sum (CH_SUM_MASK channels)" },
  { name: "TRIG_ENABLE_MASK", addr: 0x0200, count: 1, access: "rw", roles: "trigger", unit: "mask", doc: "enabled trigger types, bit (1 << (TriggerType-1))" },
  { name: "TRIG_COINC_MASK", addr: 0x0201, count: 1, access: "rw", roles: "trigger", unit: "mask", doc: "counter inputs required for a beam coincidence (TriggerInput S0..S2)" },
  { name: "TRIG_COINC_WINDOW_TICKS", addr: 0x0202, count: 1, access: "rw", roles: "trigger", unit: "ticks", doc: "coincidence window" },
  { name: "TRIG_VETO_MASK", addr: 0x0203, count: 1, access: "rw", roles: "trigger", unit: "mask", doc: "veto inputs in anti-coincidence (TriggerInput V0, V1)" },
  { name: "TRIG_VETO_WINDOW_TICKS", addr: 0x0204, count: 1, access: "rw", roles: "trigger", unit: "ticks", doc: "anti-coincidence window around the beam coincidence" },
  { name: "TRIG_PS_MIN_SUM_ADC", addr: 0x0205, count: 1, access: "rw", roles: "trigger", unit: "ADC counts", doc: "preshower analog-sum minimum" },
  { name: "TRIG_ECAL_MAX_SUM_ADC", addr: 0x0206, count: 1, access: "rw", roles: "trigger", unit: "ADC counts", doc: "ECAL analog-sum maximum" },
  { name: "TRIG_PRESCALE_BEAM", addr: 0x0207, count: 1, access: "rw", roles: "trigger", unit: "1/n", doc: "accept one beam trigger in n (0 = none)" },
  { name: "TRIG_PRESCALE_RANDOM", addr: 0x0208, count: 1, access: "rw", roles: "trigger", unit: "1/n", doc: "accept one random trigger in n (0 = none)" },
  { name: "TRIG_PRESCALE_CALIB", addr: 0x0209, count: 1, access: "rw", roles: "trigger", unit: "1/n", doc: "accept one calibration trigger in n (0 = none)" },
  { name: "TRIG_RANDOM_PERIOD_TICKS", addr: 0x020a, count: 1, access: "rw", roles: "trigger", unit: "ticks", doc: "mean period of the random trigger generator" },
  { name: "TRIG_CALIB_PERIOD_TICKS", addr: 0x020b, count: 1, access: "rw", roles: "trigger", unit: "ticks", doc: "period of the calibration (LED) pulser" },
  { name: "TRIG_DEAD_TIME_TICKS", addr: 0x020c, count: 1, access: "rw", roles: "trigger", unit: "ticks", doc: "fixed dead time after each accepted trigger" },
];

/** The register (and channel, for per-channel blocks) at an address, or undefined. */
export function registerAt(addr: number): { reg: RegisterDef; channel: number } | undefined {
  for (const reg of REGISTERS) if (addr >= reg.addr && addr < reg.addr + reg.count) return { reg, channel: addr - reg.addr };
  return undefined;
}
