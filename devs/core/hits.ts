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

/**
 * Hits of one event, in the wire format of EVENT.hits: one column per field, element k at k x its
 * size, little-endian (channel u8, amplitudeAdc u16, timeQ8 u16, flags u8). The EVENT encoder copies
 * each column with one blit. Preallocated for MAX_CHANNELS and reused.
 */
export class HitList {
    n = 0
    channel: Buffer = Buffer.alloc(MAX_CHANNELS)
    amplitudeAdc: Buffer = Buffer.alloc(2 * MAX_CHANNELS)
    timeQ8: Buffer = Buffer.alloc(2 * MAX_CHANNELS)
    flags: Buffer = Buffer.alloc(MAX_CHANNELS)
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
