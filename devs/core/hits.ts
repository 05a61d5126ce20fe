// Hits of one event as structure-of-arrays (the EVENT message layout), the readout window taken
// from the configuration, and the checks every digitiser applies per channel.
import { MAX_CHANNELS } from "../../protocol/schema/limits"
import { ChannelFlag, ConfigFlag } from "../../protocol/schema/enums"
import { ByteArray } from "./bytes"
import { BoardConfig } from "./config"
import { PulseWindow } from "./pulse"

/**
 * The channels and samples of one FIFO EVENT record: `channels[i]` is the channel number of record
 * channel i; its window of samples (little-endian u16) starts at `off + i * windowSamples * 2` in `buf`.
 */
export interface SampleBlock {
    channels: ByteArray
    buf: ByteArray
    off: number
}

/** Hits of one event; same shape as EVENT.hits. Preallocated for MAX_CHANNELS and reused. */
export class HitList {
    n = 0
    channel: number[] = []
    amplitudeAdc: number[] = []
    timeQ8: number[] = []
    flags: number[] = []

    constructor() {
        for (let i = 0; i < MAX_CHANNELS; i++) {
            this.channel.push(0)
            this.amplitudeAdc.push(0)
            this.timeQ8.push(0)
            this.flags.push(0)
        }
    }

    add(channel: number, amplitudeAdc: number, timeQ8: number, flags: number): void {
        const i = this.n
        this.channel[i] = channel
        this.amplitudeAdc[i] = amplitudeAdc
        this.timeQ8[i] = timeQ8
        this.flags[i] = flags
        this.n = i + 1
    }
}

/** The readout window of a digitiser configuration. */
export function pulseWindowOf(c: BoardConfig): PulseWindow {
    return {
        windowSamples: c.windowSamples,
        pedestalSamples: c.pedestalSamples,
        signalStartSample: c.signalStartSample,
        signalEndSample: c.signalEndSample,
        pileupRiseAdc: c.pileupRiseAdc,
        pedestalFromPresamples: (c.flags & ConfigFlag.PEDESTAL_FROM_PRESAMPLES) !== 0,
    }
}

/** In time: |timeQ8 - expectedQ8| <= halfWindowQ8. A zero half-window means no window is configured. */
export function inTime(timeQ8: number, expectedQ8: number, halfWindowQ8: number): boolean {
    if (halfWindowQ8 <= 0) return false
    const d = timeQ8 - expectedQ8
    return d <= halfWindowQ8 && -d <= halfWindowQ8
}

/**
 * Index of the configured channel a FIFO channel number refers to, or -1 when the channel is not
 * configured or not enabled (the front end should not have sent it).
 */
export function enabledChannel(c: BoardConfig, ch: number): number {
    if (ch >= c.channels.n) return -1
    return (c.channels.chanFlags[ch] & ChannelFlag.ENABLED) !== 0 ? ch : -1
}

/** Zero suppression in the firmware: with ConfigFlag.ZERO_SUPPRESSION only amplitudes >= threshold are hits. */
export function keepsHit(c: BoardConfig, ch: number, amplitudeAdc: number): boolean {
    return (c.flags & ConfigFlag.ZERO_SUPPRESSION) === 0 || amplitudeAdc >= c.channels.thresholdAdc[ch]
}
