// Pulse features of one channel's readout window: pedestal, peak amplitude, sub-sample time,
// saturation and pile-up. Samples are 12-bit values in little-endian u16, as in the FIFO EVENT
// record (channel-major: the window of one channel is contiguous).
//
// Fixed point: pedestals and pedestal-subtracted sample values are in Q4 (ADC counts x 16), times
// in Q8 (samples x 256 from the start of the window). All arithmetic stays in int32.
//
// This is the firmware's hot path: the DeviceScript VM interprets every operation, so each sample
// is read once per pass with inline index arithmetic, loops walk byte offsets, and helper calls
// are kept out of the per-sample loops.
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
    /** Rise above the lowest value since the main peak (or before it) that marks a second pulse; 0 = off. */
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
    /** Sample index of the largest pedestal-subtracted value in the signal region (earliest on a tie). */
    peakSample = 0
    /** That value, Q4 (can be negative when the window holds only noise below the pedestal). */
    peakQ4 = 0
    /** Peak amplitude in ADC counts, rounded, never negative. */
    amplitudeAdc = 0
    /** A sample of the signal region reached ADC_MAX. */
    saturated = false
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
    if (!w.pedestalFromPresamples || n < 2) {
        p.pedEvenQ4 = configuredQ4
        p.pedOddQ4 = configuredQ4
        p.pedMeasured = false
        return
    }
    let spreadE = 0
    let spreadO = 0
    let pe = 0
    let po = 0
    if (n === 4) {
        // The usual case (COMPASS: 4 pre-samples), unrolled.
        const e0 = b[off] | (b[off + 1] << 8)
        const o0 = b[off + 2] | (b[off + 3] << 8)
        const e1 = b[off + 4] | (b[off + 5] << 8)
        const o1 = b[off + 6] | (b[off + 7] << 8)
        spreadE = e0 > e1 ? e0 - e1 : e1 - e0
        spreadO = o0 > o1 ? o0 - o1 : o1 - o0
        pe = (e0 + e1) << 3
        po = (o0 + o1) << 3
    } else {
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
        spreadE = maxE - minE
        spreadO = maxO - minO
        const nO = n >> 1
        pe = meanQ4(sumE, n - nO)
        po = meanQ4(sumO, nO)
    }
    if (configuredQ4 > 0 && toleranceAdc > 0 && (spreadE >= toleranceAdc || spreadO >= toleranceAdc)) {
        p.pedEvenQ4 = configuredQ4
        p.pedOddQ4 = configuredQ4
        p.pedMeasured = false
        return
    }
    p.pedEvenQ4 = pe
    p.pedOddQ4 = po
    p.pedMeasured = true
}

/**
 * Peak of the signal region: the largest pedestal-subtracted sample (the earliest one on a tie),
 * its amplitude in ADC counts and the saturation flag. Needs the pedestals in `p`. The raw maximum
 * of each parity is found in one pass over sample pairs, then compared with its own pedestal.
 */
export function findPeak(b: ByteArray, off: number, w: PulseWindow, p: Pulse): void {
    const s0 = w.signalStartSample
    const end = off + w.signalEndSample * 2
    let o = off + s0 * 2
    // A: samples s0, s0 + 2, ...; B: samples s0 + 1, s0 + 3, ...
    let maxA = -1
    let atA = o
    let maxB = -1
    let atB = o + 2
    for (; o + 2 < end; o += 4) {
        const a = b[o] | (b[o + 1] << 8)
        if (a > maxA) {
            maxA = a
            atA = o
        }
        const c = b[o + 2] | (b[o + 3] << 8)
        if (c > maxB) {
            maxB = c
            atB = o + 2
        }
    }
    if (o < end) {
        const a = b[o] | (b[o + 1] << 8)
        if (a > maxA) {
            maxA = a
            atA = o
        }
    }
    const evenA = (s0 & 1) === 0
    const qA = (maxA << 4) - (evenA ? p.pedEvenQ4 : p.pedOddQ4)
    if (maxB < 0) {
        p.peakSample = (atA - off) >> 1
        p.peakQ4 = qA
    } else {
        const qB = (maxB << 4) - (evenA ? p.pedOddQ4 : p.pedEvenQ4)
        if (qB > qA || (qB === qA && atB < atA)) {
            p.peakSample = (atB - off) >> 1
            p.peakQ4 = qB
        } else {
            p.peakSample = (atA - off) >> 1
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
    const o = off + s * 2
    if (p.saturated && (b[o] | (b[o + 1] << 8)) >= ADC_MAX) {
        let first = o
        while (first > off && (b[first - 2] | (b[first - 1] << 8)) >= ADC_MAX) first -= 2
        let last = o
        const end = off + w.windowSamples * 2
        while (last + 2 < end && (b[last + 2] | (b[last + 3] << 8)) >= ADC_MAX) last += 2
        return (first + last - 2 * off) << 6
    }
    if (s < 1 || s + 1 >= w.windowSamples) return s << 8
    // Neighbours have the other parity.
    const ped = (s & 1) === 0 ? p.pedOddQ4 : p.pedEvenQ4
    const ym = ((b[o - 2] | (b[o - 1] << 8)) << 4) - ped
    const yp = ((b[o + 2] | (b[o + 3] << 8)) << 4) - ped
    const curv = ym - 2 * p.peakQ4 + yp
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
 * True when the signal region holds a second pulse: some sample rises `pileupRiseAdc` or more
 * above the lowest value between it and the main peak (after the peak, or before it towards the
 * start). Computed in one pass: the running maximum m and the lowest value v since m was set; a
 * rise of the threshold above v, or a new maximum after a fall of the threshold below the previous
 * one, is a second pulse. Only pulses at least as high as the threshold are checked.
 */
export function hasSecondPulse(b: ByteArray, off: number, w: PulseWindow, p: Pulse): boolean {
    const rise = w.pileupRiseAdc << 4
    if (rise <= 0 || p.peakQ4 < rise) return false
    const s0 = w.signalStartSample
    const end = off + w.signalEndSample * 2
    let o = off + s0 * 2
    // Pedestals of the two samples of each pair.
    const pa = (s0 & 1) === 0 ? p.pedEvenQ4 : p.pedOddQ4
    const pb = (s0 & 1) === 0 ? p.pedOddQ4 : p.pedEvenQ4
    let m = ((b[o] | (b[o + 1] << 8)) << 4) - pa
    let v = m
    let x = 0
    o += 2
    for (;;) {
        // Odd position of the pair (pedestal pb), then the even one (pa).
        if (o >= end) break
        x = ((b[o] | (b[o + 1] << 8)) << 4) - pb
        if (x > m) {
            if (m - v >= rise) return true
            m = x
            v = x
        } else if (x < v) v = x
        else if (x - v >= rise) return true
        o += 2
        if (o >= end) break
        x = ((b[o] | (b[o + 1] << 8)) << 4) - pa
        if (x > m) {
            if (m - v >= rise) return true
            m = x
            v = x
        } else if (x < v) v = x
        else if (x - v >= rise) return true
        o += 2
    }
    return false
}
