// Golden vectors of configuration validation (devs/core/config-check.ts) and of the register
// writes a configuration turns into (devs/core/config-regs.ts). Every rejected vector names the
// NACK the firmware must send: reason, field id, channel index (0xffff = not per channel), value.
import { BoardRole, ChannelFlag, ConfigFlag, NackReason, TriggerType } from "../../../protocol/schema/enums"
import { ConfigField } from "../../../protocol/generated/config-fields"
import { Reg } from "../../../protocol/generated/registers"
import { BoardConfig, ChannelValueError, ChannelValues, boardConfigOf } from "../../../devs/core/config"
import { ConfigProblem, checkConfig, NO_INDEX } from "../../../devs/core/config-check"
import { RegWrites, configRegisters, ctrlValue } from "../../../devs/core/config-regs"
import { HostConfig, caloConfig, caloConfigAll, triggerConfig, vetoConfig } from "./configs"

export interface CheckOutcome {
    ok: boolean
    reason: number
    fieldId: number
    index: number
    value: number
}

export interface CheckVector {
    name: string
    /** Role of the board that validates. */
    role: number
    /** Builds the configuration as the host sends it (on demand: the VM heap holds few of them at a time). */
    config: () => HostConfig
    expect: CheckOutcome
}

function ok(): CheckOutcome {
    return { ok: true, reason: 0, fieldId: 0, index: 0, value: 0 }
}

function nack(reason: number, fieldId: number, index: number, value: number): CheckOutcome {
    return { ok: false, reason: reason, fieldId: fieldId, index: index, value: value }
}

function edit(c: HostConfig, f: (c: HostConfig) => void): HostConfig {
    f(c)
    return c
}

const R = NackReason.OUT_OF_RANGE
const CAL = BoardRole.CALORIMETER
const VETO = BoardRole.VETO
const TRIG = BoardRole.TRIGGER
const bit = (t: number) => 1 << (t - 1)

export const CHECK_VECTORS: CheckVector[] = [
    { name: "calorimeter configuration is valid", role: CAL, config: () => caloConfig(36), expect: ok() },
    { name: "72-channel calorimeter with 48-sample windows fits the FIFO limit", role: CAL, config: () => caloConfigAll(72, 48), expect: ok() },
    { name: "veto configuration is valid", role: VETO, config: () => vetoConfig(), expect: ok() },
    { name: "trigger configuration is valid", role: TRIG, config: () => triggerConfig(), expect: ok() },
    { name: "a calorimeter configuration sent to a veto board", role: VETO, config: () => caloConfig(8), expect: nack(NackReason.WRONG_ROLE, ConfigField.role, NO_INDEX, CAL) },
    { name: "unknown CONFIG flag bit", role: CAL, config: () => edit(caloConfig(8), c => (c.flags = c.flags | 0x80)), expect: nack(R, ConfigField.flags, NO_INDEX, 0x83) },
    { name: "no channels", role: CAL, config: () => caloConfigAll(0, 32), expect: nack(NackReason.CHANNEL_COUNT, ConfigField.NONE, NO_INDEX, 0) },
    { name: "73 channels", role: CAL, config: () => caloConfigAll(73, 32), expect: nack(NackReason.CHANNEL_COUNT, ConfigField.NONE, NO_INDEX, 73) },
    {
        name: "a trigger board has 5 discriminator channels",
        role: TRIG,
        config: () => edit(triggerConfig(), c => {
            const cc = c.channels
            cc.n = 6
            cc.thresholdAdc.push(0)
            cc.pedestalQ4.push(0)
            cc.timeExpectedQ8.push(0)
            cc.timeHalfWindowQ8.push(0)
            cc.vetoThresholdAdc.push(0)
            cc.energyEvPerAdc.push(0)
            cc.chanFlags.push(0)
        }),
        expect: nack(NackReason.CHANNEL_COUNT, ConfigField.NONE, NO_INDEX, 6),
    },
    { name: "window longer than 64 samples", role: CAL, config: () => edit(caloConfig(8), c => (c.windowSamples = 70)), expect: nack(R, ConfigField.windowSamples, NO_INDEX, 70) },
    { name: "window shorter than 4 samples", role: CAL, config: () => edit(caloConfig(8), c => (c.windowSamples = 3)), expect: nack(R, ConfigField.windowSamples, NO_INDEX, 3) },
    {
        name: "channels x window above the FIFO record limit (72 x 64 > 3456)",
        role: CAL,
        config: () => caloConfigAll(72, 64),
        expect: nack(NackReason.CHANNEL_COUNT, ConfigField.windowSamples, NO_INDEX, 4608),
    },
    {
        name: "pedestal from pre-samples needs two of them (odd and even)",
        role: CAL,
        config: () => edit(caloConfig(8), c => (c.pedestalSamples = 1)),
        expect: nack(R, ConfigField.pedestalSamples, NO_INDEX, 1),
    },
    {
        name: "configured pedestal only: no pre-samples is fine",
        role: CAL,
        config: () => edit(caloConfig(8), c => {
            c.pedestalSamples = 0
            c.flags = ConfigFlag.ZERO_SUPPRESSION
        }),
        expect: ok(),
    },
    { name: "pre-samples reach into the signal region", role: CAL, config: () => edit(caloConfig(8), c => (c.pedestalSamples = 6)), expect: nack(NackReason.WINDOW_ORDER, ConfigField.pedestalSamples, NO_INDEX, 6) },
    { name: "signal region ends before it starts", role: CAL, config: () => edit(caloConfig(8), c => (c.signalEndSample = 5)), expect: nack(NackReason.WINDOW_ORDER, ConfigField.signalEndSample, NO_INDEX, 5) },
    { name: "signal region ends after the window", role: CAL, config: () => edit(caloConfig(8), c => (c.signalEndSample = 33)), expect: nack(NackReason.WINDOW_ORDER, ConfigField.signalEndSample, NO_INDEX, 33) },
    { name: "pile-up rise above the ADC range", role: CAL, config: () => edit(caloConfig(8), c => (c.pileupRiseAdc = 5000)), expect: nack(R, ConfigField.pileupRiseAdc, NO_INDEX, 5000) },
    {
        name: "channel 5 threshold above the ADC range",
        role: CAL,
        config: () => edit(caloConfig(8), c => (c.channels.thresholdAdc[5] = 4096)),
        expect: nack(R, ConfigField.channels_thresholdAdc, 5, 4096),
    },
    {
        name: "channel 2 pedestal above the ADC range",
        role: CAL,
        config: () => edit(caloConfig(8), c => (c.channels.pedestalQ4[2] = 65521)),
        expect: nack(R, ConfigField.channels_pedestalQ4, 2, 65521),
    },
    {
        name: "channel 7 expected time outside the window",
        role: CAL,
        config: () => edit(caloConfig(8), c => (c.channels.timeExpectedQ8[7] = 8192)),
        expect: nack(R, ConfigField.channels_timeExpectedQ8, 7, 8192),
    },
    {
        name: "a calorimeter channel flagged as a counter",
        role: CAL,
        config: () => edit(caloConfig(8), c => (c.channels.chanFlags[1] = ChannelFlag.ENABLED | ChannelFlag.COUNTER)),
        expect: nack(R, ConfigField.channels_chanFlags, 1, 3),
    },
    {
        name: "veto threshold above the ADC range",
        role: VETO,
        config: () => edit(vetoConfig(), c => (c.channels.vetoThresholdAdc[4] = 5000)),
        expect: nack(R, ConfigField.channels_vetoThresholdAdc, 4, 5000),
    },
    {
        name: "coincidence needs more counters than the board has",
        role: VETO,
        config: () => edit(vetoConfig(), c => (c.coincMinCounters = 4)),
        expect: nack(R, ConfigField.coincMinCounters, NO_INDEX, 4),
    },
    {
        name: "a trigger input flagged for the energy sum",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.channels.chanFlags[0] = c.channels.chanFlags[0] | ChannelFlag.SUM)),
        expect: nack(R, ConfigField.channels_chanFlags, 0, 11),
    },
    {
        name: "unknown trigger type enabled",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.triggerEnableMask = 0x1f)),
        expect: nack(R, ConfigField.triggerEnableMask, NO_INDEX, 0x1f),
    },
    {
        name: "beam trigger enabled without a counter coincidence",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.coincMask = 0)),
        expect: nack(R, ConfigField.coincMask, NO_INDEX, 0),
    },
    {
        name: "a veto input in the coincidence mask",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.coincMask = 0x0f)),
        expect: nack(R, ConfigField.coincMask, NO_INDEX, 0x0f),
    },
    {
        name: "coincidence on a disabled counter",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.channels.chanFlags[2] = 0)),
        expect: nack(R, ConfigField.coincMask, NO_INDEX, 7),
    },
    {
        name: "anti-coincidence on a disabled veto input",
        role: TRIG,
        config: () => edit(triggerConfig(), c => (c.channels.chanFlags[4] = 0)),
        expect: nack(R, ConfigField.vetoMask, NO_INDEX, 0x18),
    },
    { name: "zero coincidence window", role: TRIG, config: () => edit(triggerConfig(), c => (c.coincWindowTicks = 0)), expect: nack(R, ConfigField.coincWindowTicks, NO_INDEX, 0) },
    { name: "a counter input in the veto mask", role: TRIG, config: () => edit(triggerConfig(), c => (c.vetoMask = 0x19)), expect: nack(R, ConfigField.vetoMask, NO_INDEX, 0x19) },
    { name: "zero anti-coincidence window", role: TRIG, config: () => edit(triggerConfig(), c => (c.vetoWindowTicks = 0)), expect: nack(R, ConfigField.vetoWindowTicks, NO_INDEX, 0) },
    { name: "preshower sum minimum above 12 bits", role: TRIG, config: () => edit(triggerConfig(), c => (c.psMinSumAdc = 4096)), expect: nack(R, ConfigField.psMinSumAdc, NO_INDEX, 4096) },
    { name: "ECAL sum maximum above 12 bits", role: TRIG, config: () => edit(triggerConfig(), c => (c.ecalMaxSumAdc = 5000)), expect: nack(R, ConfigField.ecalMaxSumAdc, NO_INDEX, 5000) },
    { name: "physics trigger with a zero ECAL maximum", role: TRIG, config: () => edit(triggerConfig(), c => (c.ecalMaxSumAdc = 0)), expect: nack(R, ConfigField.ecalMaxSumAdc, NO_INDEX, 0) },
    {
        name: "physics trigger off: a zero ECAL maximum is fine",
        role: TRIG,
        config: () => edit(triggerConfig(), c => {
            c.ecalMaxSumAdc = 0
            c.triggerEnableMask = c.triggerEnableMask & ~bit(TriggerType.PHYSICS)
        }),
        expect: ok(),
    },
    { name: "random trigger with no period", role: TRIG, config: () => edit(triggerConfig(), c => (c.randomPeriodTicks = 0)), expect: nack(R, ConfigField.randomPeriodTicks, NO_INDEX, 0) },
    { name: "calibration trigger with no period", role: TRIG, config: () => edit(triggerConfig(), c => (c.calibPeriodTicks = 0)), expect: nack(R, ConfigField.calibPeriodTicks, NO_INDEX, 0) },
]

/** checkConfig as a function value: the portable one (devs/core) or the firmware's specialised copy (devs/ds-core). */
export type CheckConfig = (c: BoardConfig, role: number) => ConfigProblem | undefined

export function runCheckVector(v: CheckVector, check: CheckConfig = checkConfig): CheckOutcome {
    const p = check(boardConfigOf(v.config()), v.role)
    if (!p) return ok()
    return nack(p.reason, p.fieldId, p.index, p.value)
}

export interface RegsVector {
    name: string
    config: () => HostConfig
    expect: { n: number; addr: number[]; value: number[] }
}

export const REGS_VECTORS: RegsVector[] = [
    {
        // Window, feature extraction (peak time, pedestals from pre-samples; channel 6 is not summed),
        // per-channel feature registers, enable mask, thresholds and comparator pedestals.
        name: "calorimeter, 8 channels, channel 3 disabled",
        config: () => caloConfig(8),
        expect: digitiserRegs({ n: 8, w: 32, fex: [3, 4, 5, 25, 20], sum: [0xb7, 0, 0], counter: [0, 0, 0], veto: [0, 0, 0], ch: [3216, 3620, 300, 0, 25000000], enable: [0xf7, 0, 0], thr: 8, ped: 201 }),
    },
    {
        name: "veto board: leading edge, counter and veto masks, no energy sum",
        config: () => vetoConfig(),
        expect: vetoRegs(),
    },
    {
        name: "trigger board: discriminators and every TRIG_ register",
        config: () => triggerConfig(),
        expect: {
            n: 26,
            addr: [4, 5, 6, 0x100, 0x180, 0x101, 0x181, 0x102, 0x182, 0x103, 0x183, 0x104, 0x184, 0x200, 0x201, 0x202, 0x203, 0x204, 0x205, 0x206, 0x207, 0x208, 0x209, 0x20a, 0x20b, 0x20c],
            value: [0x1f, 0, 0, 150, 200, 150, 200, 150, 200, 150, 200, 150, 200, 15, 7, 2, 0x18, 4, 30, 1120, 1000, 1, 1, 777605, 77760498, 78],
        },
    },
    {
        name: "72 channels: all three enable words, channel 31 and 63 set the top bit",
        config: () => caloConfigAll(72, 48),
        expect: digitiserRegs({ n: 72, w: 48, fex: [3, 4, 5, 44, 20], sum: [0xffffffff, 0xffffffff, 0xff], counter: [0, 0, 0], veto: [0, 0, 0], ch: [3216, 3620, 300, 0, 25000000], enable: [0xffffffff, 0xffffffff, 0xff], thr: 8, ped: 201 }),
    },
]

/** What a digitiser of `n` channels that all have the same values writes (digitiserRegs). */
interface DigitiserRegsSpec {
    n: number
    /** Window samples (no pre-trigger). */
    w: number
    /** FEX_CTRL and the four FEX region values. */
    fex: number[]
    /** SUM, COUNTER, VETO and enable mask words. */
    sum: number[]
    counter: number[]
    veto: number[]
    enable: number[]
    /** Per channel: pedestal Q4, expected time, half window, veto threshold, eV per ADC. */
    ch: number[]
    /** Per channel threshold and comparator pedestal. */
    thr: number
    ped: number
}

/**
 * The register list of a digitiser: window, feature extraction, channel masks, per-channel feature
 * registers, enable mask, then per channel threshold and comparator pedestal.
 */
function digitiserRegs(spec: DigitiserRegsSpec): { n: number; addr: number[]; value: number[] } {
    const n = spec.n
    const w = spec.w
    const fex = spec.fex
    const sum = spec.sum
    const counter = spec.counter
    const veto = spec.veto
    const ch = spec.ch
    const enable = spec.enable
    const thr = spec.thr
    const ped = spec.ped
    const addr: number[] = [Reg.WINDOW_SAMPLES, Reg.PRETRIGGER_SAMPLES, Reg.FEX_CTRL, Reg.FEX_PEDESTAL_SAMPLES, Reg.FEX_SIGNAL_START_SAMPLE, Reg.FEX_SIGNAL_END_SAMPLE, Reg.FEX_PILEUP_RISE_ADC]
    const value: number[] = [w, 0]
    fex.forEach(x => value.push(x))
    for (let k = 0; k < 3; k++) {
        addr.push(Reg.CH_SUM_MASK + k)
        value.push(sum[k])
    }
    for (let k = 0; k < 3; k++) {
        addr.push(Reg.CH_COUNTER_MASK + k)
        value.push(counter[k])
    }
    for (let k = 0; k < 3; k++) {
        addr.push(Reg.CH_VETO_MASK + k)
        value.push(veto[k])
    }
    for (let c = 0; c < n; c++) {
        addr.push(Reg.CH_PEDESTAL_Q4 + c)
        addr.push(Reg.CH_TIME_EXPECTED_Q8 + c)
        addr.push(Reg.CH_TIME_HALF_WINDOW_Q8 + c)
        addr.push(Reg.CH_VETO_THRESHOLD_ADC + c)
        addr.push(Reg.CH_ENERGY_EV_PER_ADC + c)
        ch.forEach(x => value.push(x))
    }
    for (let k = 0; k < 3; k++) {
        addr.push(Reg.CH_ENABLE_MASK + k)
        value.push(enable[k])
    }
    for (let c = 0; c < n; c++) {
        addr.push(Reg.CH_THRESHOLD_ADC + c)
        addr.push(Reg.CH_PEDESTAL_ADC + c)
        value.push(thr)
        value.push(ped)
    }
    return { n: addr.length, addr: addr, value: value }
}

/** The veto board of vetoConfig(): S0-S2 counters, V0 V1 and VETO x3 vetoes, leading-edge times. */
function vetoRegs(): { n: number; addr: number[]; value: number[] } {
    const r = digitiserRegs({ n: 10, w: 32, fex: [7, 4, 5, 25, 20], sum: [0, 0, 0], counter: [0x7, 0, 0], veto: [0x398, 0, 0], ch: [3216, 2970, 256, 0, 3333], enable: [0x3ff, 0, 0], thr: 6, ped: 201 })
    // Per-channel differences: veto thresholds of V0, V1 and VETO x3, thresholds of the SRD channels.
    for (let i = 0; i < r.n; i++) {
        const a = r.addr[i]
        const c3 = a - Reg.CH_VETO_THRESHOLD_ADC
        if (c3 === 3 || c3 === 4 || (c3 >= 7 && c3 <= 9)) r.value[i] = 150
        const ct = a - Reg.CH_THRESHOLD_ADC
        if (ct === 5 || ct === 6) r.value[i] = 8
    }
    return r
}

/** configRegisters as a function value: the portable one (devs/core) or the firmware's specialised copy (devs/ds-core). */
export type ConfigRegisters = (c: BoardConfig, out: RegWrites) => void

export function runRegsVector(v: RegsVector, regs: ConfigRegisters = configRegisters): { n: number; addr: number[]; value: number[] } {
    const w = new RegWrites()
    regs(boardConfigOf(v.config()), w)
    return { n: w.n, addr: w.addr.slice(0, w.n), value: w.value.slice(0, w.n) }
}

/**
 * boardConfigOf of two channels holding extreme values of each column: [n, role, windowSamples],
 * then each column's bytes in hex (little-endian; u16 columns 4 bytes, energyEvPerAdc 8, chanFlags 2).
 */
export function runChannelColumns(): any[] {
    const c = caloConfig(2)
    const v = c.channels
    v.thresholdAdc = [0x1234, 0xffff]
    v.pedestalQ4 = [1, 0x8000]
    v.timeExpectedQ8 = [0xabcd, 0]
    v.timeHalfWindowQ8 = [256, 255]
    v.vetoThresholdAdc = [0, 0xffff]
    v.energyEvPerAdc = [0xffffffff, 0x80000001]
    v.chanFlags = [0, 0xff]
    const b = boardConfigOf(c)
    const cc = b.channels
    const hex = (col: any) => (col as Buffer).toString("hex")
    return [
        cc.n,
        b.role,
        b.windowSamples,
        hex(cc.thresholdAdc),
        hex(cc.pedestalQ4),
        hex(cc.timeExpectedQ8),
        hex(cc.timeHalfWindowQ8),
        hex(cc.vetoThresholdAdc),
        hex(cc.energyEvPerAdc),
        hex(cc.chanFlags),
    ]
}

export const CHANNEL_COLUMNS_EXPECT: any[] = [2, CAL, 32, "3412ffff", "01000080", "cdab0000", "0001ff00", "0000ffff", "ffffffff01000080", "00ff"]

/** A channel value boardConfigOf must refuse: the ChannelValueError it throws. */
export interface ChannelValueVector {
    name: string
    edit: (v: ChannelValues) => void
    expect: { field: string; index: number; value: number }
}

export const CHANNEL_VALUE_VECTORS: ChannelValueVector[] = [
    { name: "threshold above the u16 range", edit: v => (v.thresholdAdc[1] = 65536), expect: { field: "thresholdAdc", index: 1, value: 65536 } },
    { name: "fractional pedestal", edit: v => (v.pedestalQ4[0] = 1.5), expect: { field: "pedestalQ4", index: 0, value: 1.5 } },
    { name: "negative energy scale", edit: v => (v.energyEvPerAdc[0] = -1), expect: { field: "energyEvPerAdc", index: 0, value: -1 } },
    { name: "energy scale above the u32 range", edit: v => (v.energyEvPerAdc[1] = 4294967296), expect: { field: "energyEvPerAdc", index: 1, value: 4294967296 } },
    { name: "channel flags above the u8 range", edit: v => (v.chanFlags[1] = 256), expect: { field: "chanFlags", index: 1, value: 256 } },
]

/** The error of boardConfigOf for a 2-channel configuration edited by `v` (field "" if none). */
export function runChannelValueVector(v: ChannelValueVector): { field: string; index: number; value: number } {
    const c = caloConfig(2)
    v.edit(c.channels)
    try {
        boardConfigOf(c)
    } catch (e) {
        if (e instanceof ChannelValueError) return { field: e.field, index: e.index, value: e.value }
        throw e
    }
    return { field: "", index: -1, value: 0 }
}

/** CTRL values: [running, busy, zero suppression, expected]. */
export const CTRL_VECTORS: number[][] = [
    [0, 0, 0, 0],
    [1, 0, 0, 1],
    [0, 1, 0, 2],
    [1, 1, 1, 7],
    [0, 0, 1, 4],
]

export function runCtrlVector(v: number[]): number {
    return ctrlValue(v[0] === 1, v[1] === 1, v[2] === 1)
}
