// Event processing of the digitiser boards: calorimeter (ECAL preshower, ECAL main, HCAL) and
// veto/counter (S0-S2, V0/V1, SRD, VETO). Per channel: pedestal, peak amplitude, zero suppression,
// time, saturation and pile-up flags; then per role:
// - calorimeter: time = sub-sample peak time; energy sum of the channels flagged SUM;
// - veto: time = leading edge (half height); the in-time window t_E +- k sigma (configured in Q8),
//   the veto decision (an in-time VETO channel at or above its vetoThresholdAdc, the configured
//   fraction of a MIP) and the counter coincidence (COUNTER channels in time at or above threshold).
// One call handles record channels [from, to) so the firmware can yield between slices of a large
// event. The per-channel checks are written out in the loop: it is the firmware's hot path.
import { BoardRole, ChannelFlag, ConfigFlag, EventFlag, HitFlag } from "../../protocol/schema/enums"
import { BoardConfig } from "./config"
import { HitList, SampleBlock } from "./hits"
import { Pulse, PulseWindow, findPeak, hasSecondPulse, leadingEdgeQ8, measurePedestal, peakTimeQ8 } from "./pulse"

/** One event being processed: its hits and the results accumulated over its channel slices. */
export class DigitiserEvent {
    hits = new HitList()
    /** Scratch for the channel being measured. */
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

/** Process record channels [from, to) of `rec` into `ev` (call ev.reset() before the first slice). */
export function processChannels(c: BoardConfig, w: PulseWindow, rec: SampleBlock, from: number, to: number, ev: DigitiserEvent): void {
    const cc = c.channels
    const nConf = cc.n
    const flags = cc.chanFlags
    const thresholds = cc.thresholdAdc
    const channels = rec.channels
    const samples = rec.buf
    const hits = ev.hits
    const p = ev.pulse
    const zs = (c.flags & ConfigFlag.ZERO_SUPPRESSION) !== 0
    const veto = c.role === BoardRole.VETO
    const stride = w.windowSamples * 2
    let off = rec.off + from * stride
    for (let i = from; i < to; i++, off += stride) {
        const ch = channels[i]
        if (ch >= nConf || (flags[ch] & ChannelFlag.ENABLED) === 0) {
            ev.strayChannels++
            continue
        }
        const thr = thresholds[ch]
        measurePedestal(samples, off, w, cc.pedestalQ4[ch], thr, p)
        findPeak(samples, off, w, p)
        const amp = p.amplitudeAdc
        if (zs && amp < thr) continue
        const t = veto ? leadingEdgeQ8(samples, off, p) : peakTimeQ8(samples, off, w, p)
        let f = 0
        if (p.saturated) f |= HitFlag.SATURATED
        if (p.pedMeasured) f |= HitFlag.PEDESTAL_MEASURED
        const half = cc.timeHalfWindowQ8[ch]
        const dt = t - cc.timeExpectedQ8[ch]
        if (half > 0 && dt <= half && -dt <= half) {
            f |= HitFlag.IN_TIME
            if (veto) {
                const cf = flags[ch]
                if ((cf & ChannelFlag.VETO) !== 0 && amp >= cc.vetoThresholdAdc[ch]) {
                    f |= HitFlag.VETO
                    ev.vetoChannels++
                    ev.eventFlags |= EventFlag.VETOED
                }
                if ((cf & ChannelFlag.COUNTER) !== 0 && amp >= thr) ev.countersInTime++
            }
        }
        if (hasSecondPulse(samples, off, w, p)) {
            f |= HitFlag.PILEUP
            ev.eventFlags |= EventFlag.PILEUP
        }
        const k = hits.n
        hits.channel[k] = ch
        hits.amplitudeAdc[k] = amp
        hits.timeQ8[k] = t
        hits.flags[k] = f
        hits.n = k + 1
        if (!veto && (flags[ch] & ChannelFlag.SUM) !== 0) ev.energyEv += amp * cc.energyEvPerAdc[ch]
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
