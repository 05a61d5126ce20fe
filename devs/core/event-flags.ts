// The board's decisions on an event of the feature readout: the front end counts the in-time veto
// hits at or above their veto threshold and the in-time counter hits at or above their threshold
// (FIFO FEATURES record); the firmware decides the veto and the counter coincidence from them,
// exactly as devs/core/digitiser.ts finishEvent does from the samples.
import { BoardRole, EventFlag } from "../../protocol/schema/enums"

/**
 * EVENT flags of a FEATURES record: the front end's flags (PILEUP, WAVEFORM), VETOED when a veto
 * hit is in time, COINCIDENCE on a veto board when at least coincMinCounters (> 0) counters are.
 */
export function eventFlagsOf(role: number, feFlags: number, vetoHits: number, counterHits: number, coincMinCounters: number): number {
    let f = feFlags
    if (vetoHits > 0) f |= EventFlag.VETOED
    if (role === BoardRole.VETO && coincMinCounters > 0 && counterHits >= coincMinCounters) f |= EventFlag.COINCIDENCE
    return f
}
