// Board configurations used by the golden vectors and the firmware tests (portable). Values follow
// what the host's preset conversion produces for the bench setup (boards/channel-map.json):
// 32-sample windows, pedestal from 4 pre-samples, signal samples 5..24, ECAL main gain 40 ADC/GeV.
// They are written as the host sends them, one number per channel value (BoardConfig<ChannelValues>,
// the host's ConfigMsg); boardConfigOf gives the firmware's form (byte columns).
import { BoardRole, ChannelFlag, ConfigFlag, TriggerInput, TriggerType } from "../../../protocol/schema/enums"
import { BoardConfig, ChannelValues } from "../../../devs/core/config"

/** A configuration as the host writes it. */
export type HostConfig = BoardConfig<ChannelValues>

export interface ChannelSpec {
    thresholdAdc: number
    pedestalQ4: number
    timeExpectedQ8: number
    timeHalfWindowQ8: number
    vetoThresholdAdc: number
    energyEvPerAdc: number
    chanFlags: number
}

export function channelBlock(specs: ChannelSpec[]): ChannelValues {
    const c: ChannelValues = { n: specs.length, thresholdAdc: [], pedestalQ4: [], timeExpectedQ8: [], timeHalfWindowQ8: [], vetoThresholdAdc: [], energyEvPerAdc: [], chanFlags: [] }
    specs.forEach(s => {
        c.thresholdAdc.push(s.thresholdAdc)
        c.pedestalQ4.push(s.pedestalQ4)
        c.timeExpectedQ8.push(s.timeExpectedQ8)
        c.timeHalfWindowQ8.push(s.timeHalfWindowQ8)
        c.vetoThresholdAdc.push(s.vetoThresholdAdc)
        c.energyEvPerAdc.push(s.energyEvPerAdc)
        c.chanFlags.push(s.chanFlags)
    })
    return c
}

function board(role: number, flags: number, channels: ChannelValues): HostConfig {
    return {
        configVersion: 7,
        role: role,
        flags: flags,
        windowSamples: 32,
        pedestalSamples: 4,
        signalStartSample: 5,
        signalEndSample: 25,
        pileupRiseAdc: 20,
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
        channels: channels,
    }
}

function calo(thresholdAdc: number, chanFlags: number): ChannelSpec {
    return { thresholdAdc: thresholdAdc, pedestalQ4: 3216, timeExpectedQ8: 3620, timeHalfWindowQ8: 300, vetoThresholdAdc: 0, energyEvPerAdc: 25000000, chanFlags: chanFlags }
}

/** Calorimeter board, `n` channels (ECAL main cells); channel 3 disabled, channel 6 not summed. */
export function caloConfig(n: number): HostConfig {
    const specs: ChannelSpec[] = []
    for (let i = 0; i < n; i++) {
        let f = ChannelFlag.ENABLED | ChannelFlag.SUM
        if (i === 3) f = 0
        if (i === 6) f = ChannelFlag.ENABLED
        specs.push(calo(8, f))
    }
    return board(BoardRole.CALORIMETER, ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES, channelBlock(specs))
}

/** Calorimeter board with every one of `n` channels enabled and summed (benchmarks, big events). */
export function caloConfigAll(n: number, windowSamples: number): HostConfig {
    const specs: ChannelSpec[] = []
    for (let i = 0; i < n; i++) specs.push(calo(8, ChannelFlag.ENABLED | ChannelFlag.SUM))
    const c = board(BoardRole.CALORIMETER, ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES, channelBlock(specs))
    c.windowSamples = windowSamples
    c.signalEndSample = windowSamples - 4
    return c
}

function vetoCh(thresholdAdc: number, timeExpectedQ8: number, vetoThresholdAdc: number, chanFlags: number): ChannelSpec {
    return { thresholdAdc: thresholdAdc, pedestalQ4: 3216, timeExpectedQ8: timeExpectedQ8, timeHalfWindowQ8: 256, vetoThresholdAdc: vetoThresholdAdc, energyEvPerAdc: 3333, chanFlags: chanFlags }
}

/** Veto board: S0, S1, S2 (counters), V0, V1 (veto), SRD x2, VETO x3; 3 counters for a coincidence. */
export function vetoConfig(): HostConfig {
    const E = ChannelFlag.ENABLED
    const specs: ChannelSpec[] = [
        vetoCh(6, 2970, 0, E | ChannelFlag.COUNTER),
        vetoCh(6, 2970, 0, E | ChannelFlag.COUNTER),
        vetoCh(6, 2970, 0, E | ChannelFlag.COUNTER),
        vetoCh(6, 2970, 150, E | ChannelFlag.VETO),
        vetoCh(6, 2970, 150, E | ChannelFlag.VETO),
        vetoCh(8, 2970, 0, E),
        vetoCh(8, 2970, 0, E),
        vetoCh(6, 2970, 150, E | ChannelFlag.VETO),
        vetoCh(6, 2970, 150, E | ChannelFlag.VETO),
        vetoCh(6, 2970, 150, E | ChannelFlag.VETO),
    ]
    const c = board(BoardRole.VETO, ConfigFlag.ZERO_SUPPRESSION | ConfigFlag.PEDESTAL_FROM_PRESAMPLES, channelBlock(specs))
    c.coincMinCounters = 3
    return c
}

/** Trigger board: discriminators S0, S1, S2 (coincidence), V0, V1 (anti-coincidence). */
export function triggerConfig(): HostConfig {
    const E = ChannelFlag.ENABLED
    const specs: ChannelSpec[] = []
    for (let i = 0; i < 3; i++) specs.push({ thresholdAdc: 150, pedestalQ4: 3200, timeExpectedQ8: 0, timeHalfWindowQ8: 0, vetoThresholdAdc: 0, energyEvPerAdc: 3333, chanFlags: E | ChannelFlag.COUNTER })
    for (let i = 0; i < 2; i++) specs.push({ thresholdAdc: 150, pedestalQ4: 3200, timeExpectedQ8: 0, timeHalfWindowQ8: 0, vetoThresholdAdc: 150, energyEvPerAdc: 6667, chanFlags: E | ChannelFlag.VETO })
    const c = board(BoardRole.TRIGGER, 0, channelBlock(specs))
    c.windowSamples = 0
    c.pedestalSamples = 0
    c.signalStartSample = 0
    c.signalEndSample = 0
    c.pileupRiseAdc = 0
    c.triggerEnableMask = (1 << (TriggerType.PHYSICS - 1)) | (1 << (TriggerType.BEAM - 1)) | (1 << (TriggerType.RANDOM - 1)) | (1 << (TriggerType.CALIBRATION - 1))
    c.coincMask = TriggerInput.S0 | TriggerInput.S1 | TriggerInput.S2
    c.coincWindowTicks = 2
    c.vetoMask = TriggerInput.V0 | TriggerInput.V1
    c.vetoWindowTicks = 4
    c.psMinSumAdc = 30
    c.ecalMaxSumAdc = 1120
    c.prescaleBeam = 1000
    c.prescaleRandom = 1
    c.prescaleCalib = 1
    c.randomPeriodTicks = 777605
    c.calibPeriodTicks = 77760498
    c.deadTimeTicks = 78
    return c
}
