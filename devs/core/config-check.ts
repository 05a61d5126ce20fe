// Complete validation of a CONFIG before anything is applied. The first problem found is returned
// with the CONFIG_NACK fields: reason, field id (ConfigField), channel index (NO_INDEX for board
// fields) and the offending value. Fields of blocks that do not concern the role are not checked.
import { MAX_CHANNELS, MAX_FIFO_SAMPLES, MAX_WINDOW_SAMPLES } from "../../protocol/schema/limits"
import { BoardRole, ChannelFlag, ConfigFlag, NackReason, TriggerInput, TriggerType } from "../../protocol/schema/enums"
import { ConfigField } from "../../protocol/generated/config-fields"
import { u16At } from "./bytes"
import { BoardConfig } from "./config"
import { ADC_MAX } from "./pulse"

/** CONFIG_NACK.index for a field that is not per channel. */
export const NO_INDEX = 0xffff

/** Discriminator inputs of the trigger board: channel k is TriggerInput bit k (S0, S1, S2, V0, V1). */
export const TRIGGER_CHANNELS = 5

/** Shortest readout window a digitiser accepts. */
export const MIN_WINDOW_SAMPLES = 4

const KNOWN_CONFIG_FLAGS = ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES
const KNOWN_TRIGGER_TYPES = 0x0f
const COUNTER_INPUTS = TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2
const VETO_INPUTS = TriggerInput.V0 | TriggerInput.V1

/** The first problem of a configuration, as CONFIG_NACK carries it. */
export interface ConfigProblem {
    /** NackReason. */
    reason: number
    /** ConfigField. */
    fieldId: number
    index: number
    value: number
}

/** Channels a board of this role can carry (HELLO.channelCount). */
export function channelCapacity(role: number): number {
    return role === BoardRole.TRIGGER ? TRIGGER_CHANNELS : MAX_CHANNELS
}

function bad(reason: number, field: number, value: number): ConfigProblem {
    return { reason: reason, fieldId: field, index: NO_INDEX, value: value }
}

function badCh(field: number, ch: number, value: number): ConfigProblem {
    return { reason: NackReason.OUT_OF_RANGE, fieldId: field, index: ch, value: value }
}

function typeBit(t: number): number {
    return 1 << (t - 1)
}

/** The first problem of `c` for a board of `role`, or undefined when it can be applied. */
export function checkConfig(c: BoardConfig, role: number): ConfigProblem | undefined {
    return role === BoardRole.TRIGGER ? checkTriggerConfig(c) : checkDigitiserConfig(c, role)
}

/**
 * checkConfig for a digitiser board (calorimeter or veto). The firmware of a role calls its own
 * check, so an image does not carry the other role's.
 */
export function checkDigitiserConfig(c: BoardConfig, role: number): ConfigProblem | undefined {
    const r = checkCommon(c, role)
    if (r) return r
    const d = checkDigitiser(c, role)
    if (d) return d
    return checkChannels(c, role)
}

/** checkConfig for the trigger board. */
export function checkTriggerConfig(c: BoardConfig): ConfigProblem | undefined {
    const r = checkCommon(c, BoardRole.TRIGGER)
    if (r) return r
    const t = checkTrigger(c)
    if (t) return t
    return checkChannels(c, BoardRole.TRIGGER)
}

function checkCommon(c: BoardConfig, role: number): ConfigProblem | undefined {
    if (c.role !== role) return bad(NackReason.WRONG_ROLE, ConfigField.role, c.role)
    if ((c.flags & ~KNOWN_CONFIG_FLAGS) !== 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.flags, c.flags)
    const n = c.channels.n
    if (n < 1 || n > channelCapacity(role)) return bad(NackReason.CHANNEL_COUNT, ConfigField.NONE, n)
    return undefined
}

function checkDigitiser(c: BoardConfig, role: number): ConfigProblem | undefined {
    const w = c.windowSamples
    if (w < MIN_WINDOW_SAMPLES || w > MAX_WINDOW_SAMPLES) return bad(NackReason.OUT_OF_RANGE, ConfigField.windowSamples, w)
    if (c.channels.n * w > MAX_FIFO_SAMPLES) return bad(NackReason.CHANNEL_COUNT, ConfigField.windowSamples, c.channels.n * w)
    const fromPre = (c.flags & ConfigFlag.PEDESTAL_FROM_PRESAMPLES) !== 0
    if (fromPre && c.pedestalSamples < 2) return bad(NackReason.OUT_OF_RANGE, ConfigField.pedestalSamples, c.pedestalSamples)
    if (c.pedestalSamples > c.signalStartSample) return bad(NackReason.WINDOW_ORDER, ConfigField.pedestalSamples, c.pedestalSamples)
    if (c.signalStartSample >= c.signalEndSample) return bad(NackReason.WINDOW_ORDER, ConfigField.signalEndSample, c.signalEndSample)
    if (c.signalEndSample > w) return bad(NackReason.WINDOW_ORDER, ConfigField.signalEndSample, c.signalEndSample)
    if (c.pileupRiseAdc > ADC_MAX) return bad(NackReason.OUT_OF_RANGE, ConfigField.pileupRiseAdc, c.pileupRiseAdc)
    if (role === BoardRole.VETO) {
        let counters = 0
        const cc = c.channels
        for (let i = 0; i < cc.n; i++) {
            const f = cc.chanFlags[i]
            if ((f & ChannelFlag.ENABLED) !== 0 && (f & ChannelFlag.COUNTER) !== 0) counters++
        }
        if (c.coincMinCounters > counters) return bad(NackReason.OUT_OF_RANGE, ConfigField.coincMinCounters, c.coincMinCounters)
    }
    return undefined
}

function checkTrigger(c: BoardConfig): ConfigProblem | undefined {
    const en = c.triggerEnableMask
    if ((en & ~KNOWN_TRIGGER_TYPES) !== 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.triggerEnableMask, en)
    if ((c.coincMask & ~COUNTER_INPUTS) !== 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.coincMask, c.coincMask)
    const beamLike = typeBit(TriggerType.PHYSICS) | typeBit(TriggerType.BEAM)
    if ((en & beamLike) !== 0 && c.coincMask === 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.coincMask, 0)
    // Every input the coincidence or the anti-coincidence uses must be an enabled channel.
    for (let k = 0; k < TRIGGER_CHANNELS; k++) {
        const bit = 1 << k
        if (((c.coincMask | c.vetoMask) & bit) === 0) continue
        if (k < c.channels.n && (c.channels.chanFlags[k] & ChannelFlag.ENABLED) !== 0) continue
        if ((c.coincMask & bit) !== 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.coincMask, c.coincMask)
        return bad(NackReason.OUT_OF_RANGE, ConfigField.vetoMask, c.vetoMask)
    }
    if (c.coincMask !== 0 && c.coincWindowTicks < 1) return bad(NackReason.OUT_OF_RANGE, ConfigField.coincWindowTicks, c.coincWindowTicks)
    if ((c.vetoMask & ~VETO_INPUTS) !== 0) return bad(NackReason.OUT_OF_RANGE, ConfigField.vetoMask, c.vetoMask)
    if (c.vetoMask !== 0 && c.vetoWindowTicks < 1) return bad(NackReason.OUT_OF_RANGE, ConfigField.vetoWindowTicks, c.vetoWindowTicks)
    if (c.psMinSumAdc > ADC_MAX) return bad(NackReason.OUT_OF_RANGE, ConfigField.psMinSumAdc, c.psMinSumAdc)
    if (c.ecalMaxSumAdc > ADC_MAX) return bad(NackReason.OUT_OF_RANGE, ConfigField.ecalMaxSumAdc, c.ecalMaxSumAdc)
    if ((en & typeBit(TriggerType.PHYSICS)) !== 0 && c.ecalMaxSumAdc === 0)
        return bad(NackReason.OUT_OF_RANGE, ConfigField.ecalMaxSumAdc, 0)
    if ((en & typeBit(TriggerType.RANDOM)) !== 0 && c.randomPeriodTicks < 1)
        return bad(NackReason.OUT_OF_RANGE, ConfigField.randomPeriodTicks, c.randomPeriodTicks)
    if ((en & typeBit(TriggerType.CALIBRATION)) !== 0 && c.calibPeriodTicks < 1)
        return bad(NackReason.OUT_OF_RANGE, ConfigField.calibPeriodTicks, c.calibPeriodTicks)
    return undefined
}

function checkChannels(c: BoardConfig, role: number): ConfigProblem | undefined {
    const cc = c.channels
    // Trigger and veto boards read counters and vetoes; digitisers sum energies.
    let allowed = ChannelFlag.ENABLED
    if (role !== BoardRole.CALORIMETER) allowed |= ChannelFlag.COUNTER | ChannelFlag.VETO
    if (role !== BoardRole.TRIGGER) allowed |= ChannelFlag.SUM
    const maxTimeQ8 = c.windowSamples << 8
    const digitiser = role !== BoardRole.TRIGGER
    for (let i = 0; i < cc.n; i++) {
        const f = cc.chanFlags[i]
        if ((f & ~allowed) !== 0) return badCh(ConfigField.channels_chanFlags, i, f)
        const o = 2 * i
        const thr = u16At(cc.thresholdAdc, o)
        if (thr > ADC_MAX) return badCh(ConfigField.channels_thresholdAdc, i, thr)
        const ped = u16At(cc.pedestalQ4, o)
        if (ped > ADC_MAX << 4) return badCh(ConfigField.channels_pedestalQ4, i, ped)
        const vthr = u16At(cc.vetoThresholdAdc, o)
        if (vthr > ADC_MAX) return badCh(ConfigField.channels_vetoThresholdAdc, i, vthr)
        if (digitiser) {
            const t = u16At(cc.timeExpectedQ8, o)
            if (t >= maxTimeQ8) return badCh(ConfigField.channels_timeExpectedQ8, i, t)
        }
    }
    return undefined
}
