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
  { name: "CH_THRESHOLD_ADC", addr: 0x0100, count: PER_CHANNEL, access: "rw", roles: "all", unit: "ADC counts", doc: "zero-suppression (digitiser) or discriminator (trigger) threshold above pedestal" },
  { name: "CH_PEDESTAL_ADC", addr: 0x0180, count: PER_CHANNEL, access: "rw", roles: "all", unit: "ADC counts", doc: "pedestal the threshold comparator subtracts" },
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
