// Per-spill bookkeeping of a board: firmware counters and per-channel hit counts, merged with the
// hardware scalers of the FIFO SPILL_END record into the SCALERS message.
import { BoardRole } from "../../protocol/schema/enums"

/** The FIFO SPILL_END record fields used here (same shape as the generated FifoSpillEndRec). */
export interface SpillEndRecord {
    spillNumber: number
    spillTicks: number
    deadTicks: number
    busyTicks: number
    beamCoincidences: number
    rawTriggers: number[]
    acceptedTriggers: number[]
    inhibitedBusy: number
    inhibitedDead: number
    recordsWritten: number
    fifoMaxDepth: number
    /** Hits per channel number the front end reported this spill. */
    channelHits: number[]
}

/** The SCALERS message (same shape as the generated ScalersMsg). */
export interface ScalersMessage {
    runNumber: number
    spillNumber: number
    spillTicks: number
    deadTicks: number
    beamCoincidences: number
    rawTriggers: number[]
    acceptedTriggers: number[]
    inhibitedBusy: number
    inhibitedDead: number
    fifoRecords: number
    fifoMaxDepth: number
    eventsSent: number
    hitsSent: number
    framesResent: number
    busyTicks: number
    channels: { n: number; channel: number[]; hits: number[] }
}

/** Firmware counters of the current spill. */
export class SpillCounters {
    eventsSent = 0
    hitsSent = 0
    framesResent = 0
    /** Events with EventFlag.COINCIDENCE (veto board) . */
    coincidences = 0
    /** Events with EventFlag.VETOED (veto board). */
    vetoed = 0
    /** Trigger numbers missing between consecutive FIFO records (trigger board). */
    triggerGaps = 0
    /** Triggers read per TriggerType (index type-1) (trigger board). */
    triggersByType: number[] = [0, 0, 0, 0]

    reset(): void {
        this.eventsSent = 0
        this.hitsSent = 0
        this.framesResent = 0
        this.coincidences = 0
        this.vetoed = 0
        this.triggerGaps = 0
        for (let i = 0; i < 4; i++) this.triggersByType[i] = 0
    }

    /** Count one TRIGGER record of `type` (TriggerType 1..4). */
    countTrigger(type: number): void {
        this.eventsSent++
        if (type >= 1 && type <= 4) this.triggersByType[type - 1]++
    }
}

/**
 * SCALERS for the spill a SPILL_END record closes: the hardware scalers, the firmware counters and
 * the hit count of each of the first `channelCount` channels (the front end counts the hits of its
 * FEATURES records: SPILL_END.channelHits). On the veto board the beam
 * coincidences are the events the firmware found in coincidence (the digitiser's hardware counter
 * is zero); the other roles report the hardware count.
 */
export function fillScalers(out: ScalersMessage, rec: SpillEndRecord, k: SpillCounters, role: number, runNumber: number, channelCount: number): void {
    out.runNumber = runNumber
    out.spillNumber = rec.spillNumber
    out.spillTicks = rec.spillTicks
    out.deadTicks = rec.deadTicks
    out.beamCoincidences = role === BoardRole.VETO ? k.coincidences : rec.beamCoincidences
    for (let i = 0; i < 4; i++) {
        out.rawTriggers[i] = rec.rawTriggers[i]
        out.acceptedTriggers[i] = rec.acceptedTriggers[i]
    }
    out.inhibitedBusy = rec.inhibitedBusy
    out.inhibitedDead = rec.inhibitedDead
    out.fifoRecords = rec.recordsWritten
    out.fifoMaxDepth = rec.fifoMaxDepth
    out.eventsSent = k.eventsSent
    out.hitsSent = k.hitsSent
    out.framesResent = k.framesResent
    out.busyTicks = rec.busyTicks
    const ch = out.channels
    ch.n = channelCount
    for (let i = 0; i < channelCount; i++) {
        const hits = i < rec.channelHits.length ? rec.channelHits[i] : 0
        if (i < ch.channel.length) {
            ch.channel[i] = i
            ch.hits[i] = hits
        } else {
            ch.channel.push(i)
            ch.hits.push(hits)
        }
    }
}

/** Dead-time fraction of a spill in parts per million (0 for an empty spill). */
export function deadTimePpm(deadTicks: number, spillTicks: number): number {
    if (spillTicks <= 0) return 0
    const ppm = Math.floor((deadTicks * 1000000) / spillTicks + 0.5)
    return ppm > 1000000 ? 1000000 : ppm
}
