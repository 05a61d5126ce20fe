// The board configuration as the portable logic sees it: the same shape as the CONFIG payload
// decoded by the generated device codec (protocol/schema/messages.ts `Config`), so a decoded CONFIG
// can be passed in directly. Per-channel values are structure-of-arrays, index = channel, each
// column in wire format: the VM stores every array element as an 8-byte value, a byte column
// holds 1 to 4 bytes per value (72 channels: 1.1 KB instead of 4 KB).
import { ByteArray, setU16At } from "./bytes"

/**
 * Per-channel columns in wire format: n little-endian values per column, channel ch at
 * ch x the value's size. Read them with u16At (u16 columns, offset 2 * ch), u32At (4 * ch) or a
 * plain index (u8 columns).
 */
export interface ChannelConfig {
    n: number
    /** u16. */
    thresholdAdc: ByteArray
    /** u16: configured pedestal x 16. */
    pedestalQ4: ByteArray
    /** u16. */
    timeExpectedQ8: ByteArray
    /** u16. */
    timeHalfWindowQ8: ByteArray
    /** u16. */
    vetoThresholdAdc: ByteArray
    /** u32. */
    energyEvPerAdc: ByteArray
    /** u8: ChannelFlag bits. */
    chanFlags: ByteArray
}

/** Per-channel values as numbers, one array element per channel (the host's CONFIG.channels). */
export interface ChannelValues {
    n: number
    thresholdAdc: number[]
    pedestalQ4: number[]
    timeExpectedQ8: number[]
    timeHalfWindowQ8: number[]
    vetoThresholdAdc: number[]
    energyEvPerAdc: number[]
    chanFlags: number[]
}

/**
 * A board configuration. The portable logic takes BoardConfig (byte columns);
 * BoardConfig<ChannelValues> is a configuration as the host writes it (golden configurations),
 * turned into a BoardConfig by boardConfigOf.
 */
export interface BoardConfig<C = ChannelConfig> {
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
    channels: C
}

/** A per-channel value that its wire format cannot hold (or a column shorter than n). */
export class ChannelValueError extends Error {
    constructor(public field: string, public index: number, public value: number) {
        super("channels." + field + "[" + index + "] = " + value)
    }
}

/** The first `n` values of `vals` as a column of `size`-byte little-endian unsigned values. */
function byteColumn(field: string, vals: number[], n: number, size: number): Buffer {
    const b = Buffer.alloc(n * size)
    for (let i = 0; i < n; i++) {
        const x = vals[i]
        // Whole and in range: (x & 0xffff) === x holds exactly for the integers 0..65535.
        const ok = size === 4 ? x >>> 0 === x : size === 2 ? (x & 0xffff) === x : (x & 0xff) === x
        if (!ok) throw new ChannelValueError(field, i, x)
        if (size === 1) b[i] = x
        else if (size === 2) setU16At(b, 2 * i, x)
        else {
            setU16At(b, 4 * i, x & 0xffff)
            setU16At(b, 4 * i + 2, x >>> 16)
        }
    }
    return b
}

/**
 * A copy of `c` with its channel values in wire format, as the firmware's CONFIG decoder gives
 * them. Throws ChannelValueError for a value out of range.
 */
export function boardConfigOf(c: BoardConfig<ChannelValues>): BoardConfig {
    const v = c.channels
    const n = v.n
    const channels: ChannelConfig = {
        n: n,
        thresholdAdc: byteColumn("thresholdAdc", v.thresholdAdc, n, 2),
        pedestalQ4: byteColumn("pedestalQ4", v.pedestalQ4, n, 2),
        timeExpectedQ8: byteColumn("timeExpectedQ8", v.timeExpectedQ8, n, 2),
        timeHalfWindowQ8: byteColumn("timeHalfWindowQ8", v.timeHalfWindowQ8, n, 2),
        vetoThresholdAdc: byteColumn("vetoThresholdAdc", v.vetoThresholdAdc, n, 2),
        energyEvPerAdc: byteColumn("energyEvPerAdc", v.energyEvPerAdc, n, 4),
        chanFlags: byteColumn("chanFlags", v.chanFlags, n, 1),
    }
    return { ...c, channels: channels }
}
