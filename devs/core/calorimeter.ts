// Calorimeter board (ECAL preshower, ECAL main, HCAL): per channel pedestal, peak amplitude,
// sub-sample peak time, saturation and pile-up flags, zero suppression, and the energy sum of the
// channels flagged SUM. One call handles channels [from, to) of a FIFO EVENT record so the firmware
// can yield between slices of a large event.
import { ChannelFlag, EventFlag, HitFlag } from "../../protocol/schema/enums"
import { BoardConfig } from "./config"
import { HitList, SampleBlock, enabledChannel, inTime, keepsHit } from "./hits"
import { Pulse, PulseWindow, findPeak, hasSecondPulse, measurePedestal, peakTimeQ8 } from "./pulse"

/** One event being processed: its hits and the results accumulated over its channel slices. */
export class CaloEvent {
    hits = new HitList()
    /** Scratch for the channel being measured. */
    pulse = new Pulse()
    /** Energy of the SUM channels among the hits, in eV (a double: may exceed int32). */
    energyEv = 0
    /** EventFlag bits. */
    eventFlags = 0
    /** Record channels that are not configured or not enabled (skipped). */
    strayChannels = 0

    reset(): void {
        this.hits.n = 0
        this.energyEv = 0
        this.eventFlags = 0
        this.strayChannels = 0
    }
}

/** Process record channels [from, to) of `rec` into `ev` (call ev.reset() before the first slice). */
export function caloChannels(c: BoardConfig, w: PulseWindow, rec: SampleBlock, from: number, to: number, ev: CaloEvent): void {
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
        const t = peakTimeQ8(samples, off, w, p)
        let f = 0
        if (p.saturated) f |= HitFlag.SATURATED
        if (p.pedMeasured) f |= HitFlag.PEDESTAL_MEASURED
        if (inTime(t, cc.timeExpectedQ8[ch], cc.timeHalfWindowQ8[ch])) f |= HitFlag.IN_TIME
        if (hasSecondPulse(samples, off, w, p)) {
            f |= HitFlag.PILEUP
            ev.eventFlags |= EventFlag.PILEUP
        }
        hits.add(ch, amp, t, f)
        if ((cc.chanFlags[ch] & ChannelFlag.SUM) !== 0) ev.energyEv += amp * cc.energyEvPerAdc[ch]
    }
}

/** EVENT.energySumKeV: eV -> keV, rounded, saturating at the u32 maximum. */
export function energySumKeV(energyEv: number): number {
    const kev = Math.floor(energyEv / 1000 + 0.5)
    return kev > 0xffffffff ? 0xffffffff : kev
}
