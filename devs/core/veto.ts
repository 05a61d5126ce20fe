// Veto / counter board (beam counters S0-S2, upstream veto V0/V1, SRD, VETO): per channel the
// leading-edge time and amplitude, the in-time window t_E +- k sigma (configured in Q8), the veto
// decision (an in-time VETO channel at or above its vetoThresholdAdc, the configured fraction of a
// MIP) and the counter coincidence (COUNTER channels in time at or above threshold).
import { ChannelFlag, EventFlag, HitFlag } from "../../protocol/schema/enums"
import { BoardConfig } from "./config"
import { HitList, SampleBlock, enabledChannel, inTime, keepsHit } from "./hits"
import { Pulse, PulseWindow, findPeak, hasSecondPulse, leadingEdgeQ8, measurePedestal } from "./pulse"

/** One event being processed: its hits and the results accumulated over its channel slices. */
export class VetoEvent {
    hits = new HitList()
    /** Scratch for the channel being measured. */
    pulse = new Pulse()
    /** EventFlag bits. */
    eventFlags = 0
    /** COUNTER channels in time and at or above threshold. */
    countersInTime = 0
    /** VETO channels that vetoed this event. */
    vetoChannels = 0
    strayChannels = 0

    reset(): void {
        this.hits.n = 0
        this.eventFlags = 0
        this.countersInTime = 0
        this.vetoChannels = 0
        this.strayChannels = 0
    }
}

/** Process record channels [from, to) of `rec` into `ev` (call ev.reset() before the first slice). */
export function vetoChannels(c: BoardConfig, w: PulseWindow, rec: SampleBlock, from: number, to: number, ev: VetoEvent): void {
    const cc = c.channels
    const channels = rec.channels
    const samples = rec.buf
    const hits = ev.hits
    const p = ev.pulse
    const stride = w.windowSamples * 2
    for (let i = from; i < to; i++) {
        const ch = enabledChannel(c, channels[i])
        if (ch < 0) {
            ev.strayChannels++
            continue
        }
        const off = rec.off + i * stride
        measurePedestal(samples, off, w, cc.pedestalQ4[ch], cc.thresholdAdc[ch], p)
        findPeak(samples, off, w, p)
        const amp = p.amplitudeAdc
        if (!keepsHit(c, ch, amp)) continue
        const t = leadingEdgeQ8(samples, off, p)
        const cf = cc.chanFlags[ch]
        let f = 0
        if (p.saturated) f |= HitFlag.SATURATED
        if (p.pedMeasured) f |= HitFlag.PEDESTAL_MEASURED
        if (inTime(t, cc.timeExpectedQ8[ch], cc.timeHalfWindowQ8[ch])) {
            f |= HitFlag.IN_TIME
            if ((cf & ChannelFlag.VETO) !== 0 && amp >= cc.vetoThresholdAdc[ch]) {
                f |= HitFlag.VETO
                ev.vetoChannels++
                ev.eventFlags |= EventFlag.VETOED
            }
            if ((cf & ChannelFlag.COUNTER) !== 0 && amp >= cc.thresholdAdc[ch]) ev.countersInTime++
        }
        if (hasSecondPulse(samples, off, w, p)) {
            f |= HitFlag.PILEUP
            ev.eventFlags |= EventFlag.PILEUP
        }
        hits.add(ch, amp, t, f)
    }
}

/** After all slices: set EventFlag.COINCIDENCE when enough counters were in time. */
export function finishVetoEvent(c: BoardConfig, ev: VetoEvent): number {
    if (c.coincMinCounters > 0 && ev.countersInTime >= c.coincMinCounters) ev.eventFlags |= EventFlag.COINCIDENCE
    return ev.eventFlags
}
