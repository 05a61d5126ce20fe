// The board configuration as the portable logic sees it: the same shape as the CONFIG payload
// decoded by the generated codecs (protocol/schema/messages.ts `Config`), so a decoded CONFIG can be
// passed in directly on both sides. Per-channel values are structure-of-arrays, index = channel.

export interface ChannelConfig {
    n: number
    thresholdAdc: number[]
    /** Configured pedestal x 16. */
    pedestalQ4: number[]
    timeExpectedQ8: number[]
    timeHalfWindowQ8: number[]
    vetoThresholdAdc: number[]
    energyEvPerAdc: number[]
    /** ChannelFlag bits. */
    chanFlags: number[]
}

export interface BoardConfig {
    configVersion: number
    role: number
    /** ConfigFlag bits. */
    flags: number
    windowSamples: number
    pedestalSamples: number
    signalStartSample: number
    signalEndSample: number
    pileupRiseAdc: number
    triggerEnableMask: number
    coincMask: number
    coincWindowTicks: number
    vetoMask: number
    vetoWindowTicks: number
    psMinSumAdc: number
    ecalMaxSumAdc: number
    prescaleBeam: number
    prescaleRandom: number
    prescaleCalib: number
    randomPeriodTicks: number
    calibPeriodTicks: number
    deadTimeTicks: number
    coincMinCounters: number
    channels: ChannelConfig
}
