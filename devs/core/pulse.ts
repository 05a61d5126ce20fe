// Pulse features of one channel's readout window: pedestal, peak amplitude, sub-sample time,
// saturation and pile-up. Samples are 12-bit values in little-endian u16, as in the FIFO EVENT
// record (channel-major: the window of one channel is contiguous).
//
// Fixed point: pedestals and pedestal-subtracted sample values are in Q4 (ADC counts x 16), times
// in Q8 (samples x 256 from the start of the window). All arithmetic stays in int32.
import { ByteArray } from "./bytes"

/** Largest 12-bit ADC value; a sample at this value is saturated. */
export const ADC_MAX = 4095

/** Where to look in a readout window (derived once from the configuration). */
export interface PulseWindow {
    windowSamples: number
    /** Pre-samples used for the pedestal (the first `pedestalSamples` of the window). */
    pedestalSamples: number
    /** Signal region [signalStartSample, signalEndSample): peak search and pile-up check. */
    signalStartSample: number
    signalEndSample: number
    /** Rise above the valley after (or before) the main peak that marks a second pulse; 0 = off. */
    pileupRiseAdc: number
    /** Measure pedestals from the pre-samples (odd and even samples separately). */
    pedestalFromPresamples: boolean
}

/** Result of measuring one channel; reused between channels to avoid allocation. */
export class Pulse {
    /** Pedestals of even and odd samples, Q4. */
    pedEvenQ4 = 0
    pedOddQ4 = 0
    /** True when the pedestal came from the pre-samples, false when the configured one was used. */
    pedMeasured = false
    /** Sample index of the largest pedestal-subtracted value in the signal region. */
    peakSample = 0
    /** That value, Q4 (can be negative when the window holds only noise below the pedestal). */
    peakQ4 = 0
    /** Peak amplitude in ADC counts, rounded, never negative. */
    amplitudeAdc = 0
    /** A sample of the signal region reached ADC_MAX. */
    saturated = false
}

/** Raw sample s. */
function rawAt(b: ByteArray, off: number, s: number): number {
    const o = off + s * 2
    return b[o] | (b[o + 1] << 8)
}

/** Pedestal-subtracted sample s (Q4). */
export function sampleQ4(b: ByteArray, off: number, s: number, p: Pulse): number {
    const o = off + s * 2
    return ((b[o] | (b[o + 1] << 8)) << 4) - ((s & 1) === 0 ? p.pedEvenQ4 : p.pedOddQ4)
}

/** Rounded mean x 16 of `count` samples summing to `sum` (both >= 0, count > 0). */
function meanQ4(sum: number, count: number): number {
    return Math.floor((sum * 32 + count) / (2 * count))
}

/**
 * Pedestals of one channel. With `pedestalFromPresamples` (and at least two pre-samples) they are
 * the means of the even and of the odd pre-samples (two interleaved ADCs). When a configured
 * pedestal is given (`configuredQ4` > 0) and the pre-samples are not flat (the samples of one
 * parity spread by `toleranceAdc` or more: the tail of an earlier particle or a pulse in the
 * pre-trigger region), the configured pedestal is used instead.
 */
export function measurePedestal(b: ByteArray, off: number, w: PulseWindow, configuredQ4: number, toleranceAdc: number, p: Pulse): void {
    const n = w.pedestalSamples
    if (w.pedestalFromPresamples && n >= 2) {
        let sumE = 0
        let sumO = 0
        let minE = 0xffff
        let maxE = 0
        let minO = 0xffff
        let maxO = 0
        const end = off + n * 2
        for (let o = off; o < end; o += 4) {
            const v = b[o] | (b[o + 1] << 8)
            sumE += v
            if (v < minE) minE = v
            if (v > maxE) maxE = v
        }
        for (let o = off + 2; o < end; o += 4) {
            const v = b[o] | (b[o + 1] << 8)
            sumO += v
            if (v < minO) minO = v
            if (v > maxO) maxO = v
        }
        if (configuredQ4 > 0 && toleranceAdc > 0 && (maxE - minE >= toleranceAdc || maxO - minO >= toleranceAdc)) {
            p.pedEvenQ4 = configuredQ4
            p.pedOddQ4 = configuredQ4
            p.pedMeasured = false
            return
        }
        const nO = n >> 1
        p.pedEvenQ4 = meanQ4(sumE, n - nO)
        p.pedOddQ4 = meanQ4(sumO, nO)
        p.pedMeasured = true
        return
    }
    p.pedEvenQ4 = configuredQ4
    p.pedOddQ4 = configuredQ4
    p.pedMeasured = false
}

/**
 * Peak of the signal region: the largest pedestal-subtracted sample (the earliest one on a tie),
 * its amplitude in ADC counts and the saturation flag. Needs the pedestals in `p`.
 * Even and odd samples are scanned separately, each against its own pedestal.
 */
export function findPeak(b: ByteArray, off: number, w: PulseWindow, p: Pulse): void {
    const s0 = w.signalStartSample
    const s1 = w.signalEndSample
    // First sample of each parity in [s0, s1), and the raw maximum of each parity.
    let maxA = -1
    let o = off + s0 * 2
    let idxA = o
    const end = off + s1 * 2
    for (; o < end; o += 4) {
        const v = b[o] | (b[o + 1] << 8)
        if (v > maxA) {
            maxA = v
            idxA = o
        }
    }
    let maxB = -1
    o = off + s0 * 2 + 2
    let idxB = o
    for (; o < end; o += 4) {
        const v = b[o] | (b[o + 1] << 8)
        if (v > maxB) {
            maxB = v
            idxB = o
        }
    }
    const sA = (idxA - off) >> 1
    const pedA = (s0 & 1) === 0 ? p.pedEvenQ4 : p.pedOddQ4
    const qA = (maxA << 4) - pedA
    if (maxB < 0) {
        p.peakSample = sA
        p.peakQ4 = qA
    } else {
        const sB = (idxB - off) >> 1
        const pedB = (s0 & 1) === 0 ? p.pedOddQ4 : p.pedEvenQ4
        const qB = (maxB << 4) - pedB
        if (qB > qA || (qB === qA && sB < sA)) {
            p.peakSample = sB
            p.peakQ4 = qB
        } else {
            p.peakSample = sA
            p.peakQ4 = qA
        }
    }
    p.amplitudeAdc = p.peakQ4 > 0 ? (p.peakQ4 + 8) >> 4 : 0
    p.saturated = maxA >= ADC_MAX || maxB >= ADC_MAX
}

/** Rounded a / b for b > 0 and any sign of a (half away from zero). */
function divRound(a: number, b: number): number {
    return a >= 0 ? Math.floor((2 * a + b) / (2 * b)) : -Math.floor((-2 * a + b) / (2 * b))
}

/**
 * Sub-sample peak time (Q8) by a parabola through the peak sample and its two neighbours. A
 * saturated (flat) top gives the middle of the saturated run; a peak on the window edge gives the
 * sample itself.
 */
export function peakTimeQ8(b: ByteArray, off: number, w: PulseWindow, p: Pulse): number {
    const s = p.peakSample
    if (p.saturated && rawAt(b, off, s) >= ADC_MAX) {
        let first = s
        while (first > 0 && rawAt(b, off, first - 1) >= ADC_MAX) first--
        let last = s
        while (last + 1 < w.windowSamples && rawAt(b, off, last + 1) >= ADC_MAX) last++
        return (first + last) << 7
    }
    if (s < 1 || s + 1 >= w.windowSamples) return s << 8
    const ym = sampleQ4(b, off, s - 1, p)
    const y0 = p.peakQ4
    const yp = sampleQ4(b, off, s + 1, p)
    const curv = ym - 2 * y0 + yp
    if (curv >= 0) return s << 8
    let d = divRound((yp - ym) * 128, -curv)
    if (d > 128) d = 128
    else if (d < -128) d = -128
    return (s << 8) + d
}

/**
 * Leading-edge time (Q8): where the rising edge before the peak crosses half of the peak value,
 * linearly interpolated between the two samples around the crossing (a digital constant-fraction
 * discriminator, free of amplitude walk). 0 when the edge starts before the window; the peak sample
 * when there is no pulse above the pedestal.
 */
export function leadingEdgeQ8(b: ByteArray, off: number, p: Pulse): number {
    if (p.peakQ4 <= 0) return p.peakSample << 8
    const halfQ4 = p.peakQ4 >> 1
    let s = p.peakSample
    let hi = p.peakQ4
    while (s > 0) {
        const lo = sampleQ4(b, off, s - 1, p)
        if (lo <= halfQ4) {
            // Crossing between s-1 (lo <= half) and s (hi > half).
            return ((s - 1) << 8) + Math.floor(((halfQ4 - lo) * 256 + ((hi - lo) >> 1)) / (hi - lo))
        }
        hi = lo
        s--
    }
    return 0
}

/**
 * True when the signal region holds a second pulse: going away from the main peak (forward and
 * backward), some sample rises `pileupRiseAdc` or more above the lowest value seen since the peak.
 */
export function hasSecondPulse(b: ByteArray, off: number, w: PulseWindow, p: Pulse): boolean {
    const riseQ4 = w.pileupRiseAdc << 4
    if (riseQ4 <= 0 || p.peakQ4 < riseQ4) return false
    let m = p.peakQ4
    for (let s = p.peakSample + 1; s < w.signalEndSample; s++) {
        const v = sampleQ4(b, off, s, p)
        if (v < m) m = v
        else if (v - m >= riseQ4) return true
    }
    m = p.peakQ4
    for (let s = p.peakSample - 1; s >= w.signalStartSample; s--) {
        const v = sampleQ4(b, off, s, p)
        if (v < m) m = v
        else if (v - m >= riseQ4) return true
    }
    return false
}
