// Event processing of the digitiser boards: calorimeter (ECAL preshower, ECAL main, HCAL) and
// veto/counter (S0-S2, V0/V1, SRD, VETO). Per channel: pedestal, peak amplitude, zero suppression,
// time, saturation and pile-up flags; then per role:
// - calorimeter: time = sub-sample peak time; energy sum of the channels flagged SUM;
// - veto: time = leading edge (half height); the in-time window t_E +- k sigma (configured in Q8),
//   the veto decision (an in-time VETO channel at or above its vetoThresholdAdc, the configured
//   fraction of a MIP) and the counter coincidence (COUNTER channels in time at or above threshold).
// One call handles record channels [from, to) so the firmware can yield between slices of a large
// event.
//
// This is the firmware's hot path, and the DeviceScript VM interprets every operation (about 12 ns
// each; a function call costs as much as some 60 of them, a loop turn about 10). So the whole
// measurement of a channel is written out in the channel loop, the signal region is read once
// (peak, pile-up and, only when the peak is near the top of the range, saturation in one pass),
// loops walk byte offsets, and the only calls left are the byte reads u16At / u32At (of the samples
// and of the configuration's per-channel columns, which are wire bytes too), which the firmware's
// generated copy of this module (devs/ds-core/, scripts/specialise-core.ts) turns into the VM's
// Buffer.getAt.
import { BoardRole, ChannelFlag, ConfigFlag, EventFlag, HitFlag } from "../../protocol/schema/enums"
import { setU16At, u16At, u32At } from "./bytes"
import { BoardConfig } from "./config"
import { HitList, SampleBlock } from "./hits"
import { ADC_MAX, Pulse, PulseWindow } from "./pulse"

/** One event being processed: its hits and the results accumulated over its channel slices. */
export class DigitiserEvent {
    hits = new HitList()
    /** Details of the last channel measured (tests, diagnostics). */
    pulse = new Pulse()
    /** Energy of the SUM channels among the hits, in eV (a double: may exceed int32). */
    energyEv = 0
    /** EventFlag bits. */
    eventFlags = 0
    /** COUNTER channels in time and at or above threshold (veto board). */
    countersInTime = 0
    /** VETO channels that vetoed this event (veto board). */
    vetoChannels = 0
    /** Record channels that are not configured or not enabled (skipped). */
    strayChannels = 0

    reset(): void {
        this.hits.n = 0
        this.energyEv = 0
        this.eventFlags = 0
        this.countersInTime = 0
        this.vetoChannels = 0
        this.strayChannels = 0
    }
}

/**
 * Process record channels [from, to) of `rec` into `ev` (call ev.reset() before the first slice).
 *
 * Per channel (its window of samples at byte offset `off`):
 *
 * Pedestals: with pedestalFromPresamples (and at least two pre-samples) the means of the even and
 * of the odd pre-samples (two interleaved ADCs). When a configured pedestal is given (> 0) and the
 * pre-samples are not flat (the samples of one parity spread by the channel threshold or more: the
 * tail of an earlier particle or a pulse in the pre-trigger region), the configured pedestal is
 * used instead; also when pre-samples are off.
 *
 * One pass over the signal region [signalStartSample, signalEndSample) of pedestal-subtracted
 * samples x (Q4):
 * - peak: the largest x, the earliest one on a tie; amplitude in ADC counts, rounded, never
 *   negative (zero suppression: below the channel threshold it is no hit);
 * - pile-up (pileupRiseAdc > 0, for a peak at least that high): a second pulse, i.e. some sample
 *   lies pileupRiseAdc or more below both an earlier and a later sample of the region. The pass
 *   keeps the running maximum m and the lowest value v since m was set: a rise of the threshold
 *   above v, or a new maximum after a fall of the threshold below the previous one, is a second
 *   pulse;
 * - saturation: a sample of the region at ADC_MAX or above.
 *
 * Time (Q8, from the window start):
 * - calorimeter, peak time: a parabola through the peak sample and its two neighbours; a saturated
 *   (flat) top gives the middle of the saturated run; a peak on the window edge the sample itself;
 * - veto, leading edge: where the rising edge before the peak crosses half of the peak value,
 *   linearly interpolated between the two samples around the crossing (a digital constant-fraction
 *   discriminator, free of amplitude walk); 0 when the edge starts before the window, the peak
 *   sample when there is no pulse above the pedestal.
 */
export function processChannels(c: BoardConfig, w: PulseWindow, rec: SampleBlock, from: number, to: number, ev: DigitiserEvent): void {
    const cc = c.channels
    const nConf = cc.n
    const flags = cc.chanFlags
    const thresholds = cc.thresholdAdc
    const pedestals = cc.pedestalQ4
    const expected = cc.timeExpectedQ8
    const halfWindows = cc.timeHalfWindowQ8
    const vetoThresholds = cc.vetoThresholdAdc
    const evPerAdc = cc.energyEvPerAdc
    const channels = rec.channels
    const b = rec.buf
    const hits = ev.hits
    const hChannel = hits.channel
    const hAmplitude = hits.amplitudeAdc
    const hTime = hits.timeQ8
    const hFlags = hits.flags
    const zs = (c.flags & ConfigFlag.ZERO_SUPPRESSION) !== 0
    const veto = c.role === BoardRole.VETO
    // Channels that add to the energy sum: SUM channels of a calorimeter board.
    const sumMask = veto ? 0 : ChannelFlag.SUM
    const windowSamples = w.windowSamples
    const stride = windowSamples * 2
    const nPre = w.pedestalSamples
    const fromPre = w.pedestalFromPresamples && nPre >= 2
    const s0 = w.signalStartSample
    const startOff = s0 * 2
    const endOff = w.signalEndSample * 2
    const rise = w.pileupRiseAdc << 4
    // Smallest peak that can carry the pile-up flag (none when the check is off).
    const pileMin = rise > 0 ? rise : 0x7fffffff
    const s0Even = (s0 & 1) === 0
    let k = hits.n
    // Added to the event once, after the loop.
    let energyEv = 0
    let eventFlags = 0
    let off = rec.off + from * stride
    let pe = 0
    let po = 0
    let o = 0
    let x = 0
    // Peak value and its byte offset, and the offset of the window; at < 0 until a channel was measured.
    let m = 0
    let at = -1
    let mOff = 0
    // (Conditions are nested ifs rather than && chains: the VM evaluates those through temporaries.)
    for (let i = from; i < to; i += 1) {
        const ch = channels[i]
        const cf = ch < nConf ? flags[ch] : 0
        if ((cf & ChannelFlag.ENABLED) === 0) {
            ev.strayChannels++
            off += stride
            continue
        }
        // Byte offset of the channel in the u16 columns of the configuration.
        const c2 = ch << 1
        const thr = u16At(thresholds, c2)
        const cfgQ4 = u16At(pedestals, c2)

        // ---- pedestals
        pe = cfgQ4
        po = cfgQ4
        let measured = false
        if (fromPre) {
            // Flat unless one parity spreads by the threshold or more; that counts only when there
            // is a configured pedestal to fall back to.
            let flat = true
            let me = 0
            let mo = 0
            if (nPre === 4) {
                // The usual case (COMPASS: 4 pre-samples), unrolled; read as two u32 words.
                const w0 = u32At(b, off)
                const w1 = u32At(b, off + 4)
                const e0 = w0 & 0xffff
                const o0 = w0 >>> 16
                const dE = e0 - (w1 & 0xffff)
                const dO = o0 - (w1 >>> 16)
                if (cfgQ4 > 0) {
                    if (thr > 0) {
                        // |d| >= thr as d * d >= thr * thr.
                        const t2 = thr * thr
                        if (dE * dE >= t2) flat = false
                        else if (dO * dO >= t2) flat = false
                    }
                }
                // Means x 16 of (e0, e1) and (o0, o1).
                me = (2 * e0 - dE) << 3
                mo = (2 * o0 - dO) << 3
            } else {
                let sumE = 0
                let sumO = 0
                let minE = 0xffff
                let maxE = 0
                let minO = 0xffff
                let maxO = 0
                const pend = off + nPre * 2
                for (o = off; o < pend; o += 4) {
                    x = u16At(b, o)
                    sumE += x
                    if (x < minE) minE = x
                    if (x > maxE) maxE = x
                }
                for (o = off + 2; o < pend; o += 4) {
                    x = u16At(b, o)
                    sumO += x
                    if (x < minO) minO = x
                    if (x > maxO) maxO = x
                }
                if (cfgQ4 > 0 && thr > 0) flat = maxE - minE < thr && maxO - minO < thr
                // Rounded means x 16.
                const nO = nPre >> 1
                const nE = nPre - nO
                me = Math.floor((sumE * 32 + nE) / (2 * nE))
                mo = Math.floor((sumO * 32 + nO) / (2 * nO))
            }
            if (flat) {
                pe = me
                po = mo
                measured = true
            }
        }

        // ---- peak and pile-up, one pass
        // Pedestals of samples s0, s0 + 2, ... (pa) and s0 + 1, s0 + 3, ... (pb). The pass works on
        // x + pa, which spares the subtraction for half of the samples: (raw << 4) for those of
        // pedestal pa, (raw << 4) - dq for the others.
        let pa = po
        let pb = pe
        if (s0Even) {
            pa = pe
            pb = po
        }
        const dq = pb - pa
        const end = off + endOff
        o = off + startOff
        m = u16At(b, o) << 4
        at = o
        mOff = off
        let v = m
        let pile = false
        // Per sample x: a new low since the maximum (the usual case on a falling tail, so tested
        // first: v <= m), a new maximum, or a rise above the low. With rise = 0 every window is
        // flagged; the flag is then ignored. Four samples per turn, read as two u32 words (two
        // reads instead of four): o and o + 4 (low halves) have pedestal pb.
        const end4 = end - 6
        for (o += 2; o < end4; o += 8) {
            let w = u32At(b, o)
            x = ((w & 0xffff) << 4) - dq
            if (x < v) v = x
            else if (x > m) {
                if (m - v >= rise) pile = true
                m = x
                v = x
                at = o
            } else if (x - v >= rise) pile = true
            x = (w >>> 16) << 4
            if (x < v) v = x
            else if (x > m) {
                if (m - v >= rise) pile = true
                m = x
                v = x
                at = o + 2
            } else if (x - v >= rise) pile = true
            w = u32At(b, o + 4)
            x = ((w & 0xffff) << 4) - dq
            if (x < v) v = x
            else if (x > m) {
                if (m - v >= rise) pile = true
                m = x
                v = x
                at = o + 4
            } else if (x - v >= rise) pile = true
            x = (w >>> 16) << 4
            if (x < v) v = x
            else if (x > m) {
                if (m - v >= rise) pile = true
                m = x
                v = x
                at = o + 6
            } else if (x - v >= rise) pile = true
        }
        // The last 0..3 samples, offsets alternating from dq.
        let dc = dq
        let dd = 0
        for (; o < end; o += 2) {
            x = (u16At(b, o) << 4) - dc
            if (x < v) v = x
            else if (x > m) {
                if (m - v >= rise) pile = true
                m = x
                v = x
                at = o
            } else if (x - v >= rise) pile = true
            const t = dc
            dc = dd
            dd = t
        }
        m -= pa
        let amp = 0
        if (m > 0) amp = (m + 8) >> 4
        if (zs) {
            if (amp < thr) {
                off += stride
                continue
            }
        }
        const s = (at - off) >> 1
        // A sample at ADC_MAX lies at least (ADC_MAX << 4) - (larger pedestal) above its pedestal:
        // below that nothing saturated, and the samples need not be read again.
        let sat = false
        if (m >= (ADC_MAX << 4) - (dq > 0 ? pb : pa)) {
            for (o = off + startOff; o < end; o += 2) if (u16At(b, o) >= ADC_MAX) sat = true
        }

        // ---- time
        let t = s << 8
        if (veto) {
            if (m > 0) {
                const half = m >> 1
                let hi = m
                t = 0
                // Samples before the peak, walking back; sample (o - off) / 2 is odd when bit 1 of o - off is set.
                for (o = at - 2; o >= off; o -= 2) {
                    const lo = (u16At(b, o) << 4) - (((o - off) & 2) === 0 ? pe : po)
                    if (lo <= half) {
                        // Crossing between this sample (lo <= half) and the next one (hi > half).
                        t = (((o - off) >> 1) << 8) + Math.floor(((half - lo) * 256 + ((hi - lo) >> 1)) / (hi - lo))
                        break
                    }
                    hi = lo
                }
            }
        } else if (sat && u16At(b, at) >= ADC_MAX) {
            let first = at
            while (first > off && u16At(b, first - 2) >= ADC_MAX) first -= 2
            let last = at
            const wend = off + stride
            while (last + 2 < wend && u16At(b, last + 2) >= ADC_MAX) last += 2
            t = (first + last - 2 * off) << 6
        } else if (s >= 1 && s + 1 < windowSamples) {
            // Neighbours have the other parity.
            const ped = (s & 1) === 0 ? po : pe
            const ym = (u16At(b, at - 2) << 4) - ped
            const yp = (u16At(b, at + 2) << 4) - ped
            const curv = ym - 2 * m + yp
            if (curv < 0) {
                // Offset (yp - ym) / (2 * -curv) samples, x 256, rounded half away from zero, at most half a sample.
                const a = (yp - ym) * 128
                const cv = -curv
                // (| 0 truncates: a floor for these positive quotients, which stay below 2^31.)
                let d = a >= 0 ? ((2 * a + cv) / (2 * cv)) | 0 : -(((-2 * a + cv) / (2 * cv)) | 0)
                if (d > 128) d = 128
                else if (d < -128) d = -128
                t += d
            }
        }

        // ---- hit
        let f = 0
        if (measured) f = HitFlag.PEDESTAL_MEASURED
        if (sat) f |= HitFlag.SATURATED
        const half = u16At(halfWindows, c2)
        if (half > 0) {
            const dt = t - u16At(expected, c2)
            if (dt <= half && -dt <= half) {
                f |= HitFlag.IN_TIME
                if (veto) {
                    if ((cf & ChannelFlag.VETO) !== 0 && amp >= u16At(vetoThresholds, c2)) {
                        f |= HitFlag.VETO
                        ev.vetoChannels++
                        eventFlags |= EventFlag.VETOED
                    }
                    if ((cf & ChannelFlag.COUNTER) !== 0 && amp >= thr) ev.countersInTime++
                }
            }
        }
        if (pile) {
            if (m >= pileMin) {
                f |= HitFlag.PILEUP
                eventFlags |= EventFlag.PILEUP
            }
        }
        hChannel[k] = ch
        setU16At(hAmplitude, 2 * k, amp)
        setU16At(hTime, 2 * k, t)
        hFlags[k] = f
        k += 1
        if ((cf & sumMask) !== 0) energyEv += amp * u32At(evPerAdc, ch << 2)
        off += stride
    }
    hits.n = k
    ev.energyEv += energyEv
    ev.eventFlags |= eventFlags
    if (at >= 0) {
        const p = ev.pulse
        p.pedEvenQ4 = pe
        p.pedOddQ4 = po
        p.peakSample = (at - mOff) >> 1
        p.peakQ4 = m
    }
}

/** After all slices: the event flags, with EventFlag.COINCIDENCE when enough counters were in time. */
export function finishEvent(c: BoardConfig, ev: DigitiserEvent): number {
    if (c.role === BoardRole.VETO && c.coincMinCounters > 0 && ev.countersInTime >= c.coincMinCounters) ev.eventFlags |= EventFlag.COINCIDENCE
    return ev.eventFlags
}

/** EVENT.energySumKeV: eV -> keV, rounded, saturating at the u32 maximum. */
export function energySumKeV(energyEv: number): number {
    const kev = Math.floor(energyEv / 1000 + 0.5)
    return kev > 0xffffffff ? 0xffffffff : kev
}
