// Hits of one event as structure-of-arrays (the EVENT message layout), the samples of a FIFO
// EVENT record, and the readout window taken from the configuration.
import { MAX_CHANNELS } from "../../protocol/schema/limits"
import { ConfigFlag } from "../../protocol/schema/enums"
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
