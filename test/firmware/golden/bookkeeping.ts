// Golden vectors of the firmware's bookkeeping: resend ring, run state machine, trigger numbering,
// per-spill scalers and dead time, link policy (backoff, windows) and board identity.
import { BoardRole, BoardState, EventFlag, RunAction } from "../../../protocol/schema/enums"
import { SeqRing } from "../../../devs/core/seq-ring"
import { RunState } from "../../../devs/core/run-control"
import { TriggerSequence } from "../../../devs/core/trigger-sequence"
import { ScalersMessage, SpillCounters, deadTimePpm, fillScalers } from "../../../devs/core/scalers"
import { linkLimitsFor, nextBackoffMs, rxWindow, upWindowOpen } from "../../../devs/core/link-policy"
import { boardConfigOf } from "../../../devs/core/config"
import { caloConfig, caloConfigAll, triggerConfig, vetoConfig } from "./configs"
import { benchPortFromDeviceId, boardIdFromDeviceId } from "../../../devs/core/board-id"

// ---- resend ring ----

/** What runRingScript uses of a ring (devs/core/seq-ring.ts or its generated copy in devs/ds-core/). */
export interface RingUnderTest {
    count: number
    bytes: number
    oldestSeq: number
    nextSeq(): number
    push(seq: number, item: number, size: number): void
    get(seq: number): number | undefined
    ack(ackSeq: number): number
    hasRoom(size: number, reserveFrames: number, reserveBytes: number): boolean
}

/** A scripted use of the ring; returns what was observed at each step, as one list of numbers. */
export function runRingScript(make?: (capacityLog2: number, maxBytes: number) => RingUnderTest): number[] {
    const out: number[] = []
    // 8 frames, 1000 bytes; items are offsets (any u16)
    const r: RingUnderTest = make ? make(3, 1000) : new SeqRing(3, 1000)
    for (let s = 1; s <= 5; s++) r.push(s, 100 * s, 100)
    out.push(r.count, r.bytes, r.oldestSeq, r.nextSeq())
    out.push(r.get(3) === 300 ? 1 : 0, r.get(0) === undefined ? 1 : 0, r.get(6) === undefined ? 1 : 0)
    out.push(r.ack(2), r.count, r.bytes, r.oldestSeq)
    out.push(r.get(2) === undefined ? 1 : 0, r.get(3) === 300 ? 1 : 0)
    out.push(r.ack(2)) // already acknowledged
    // Room: 3 frames held, capacity 8; keep 2 frames and 100 bytes in reserve.
    out.push(r.hasRoom(100, 2, 100) ? 1 : 0) // 4 + 2 <= 8, 400 + 100 <= 1000
    for (let s = 6; s <= 8; s++) r.push(s, 100 * s, 100)
    out.push(r.hasRoom(100, 2, 100) ? 1 : 0) // 7 + 2 > 8
    out.push(r.hasRoom(100, 0, 0) ? 1 : 0) // 7 + 1 <= 8
    r.push(9, 900, 100)
    r.push(10, 1000, 100)
    out.push(r.count, r.hasRoom(1, 0, 0) ? 1 : 0)
    let threw = 0
    try {
        r.push(11, 1100, 100) // full
    } catch (e) {
        threw = 1
    }
    out.push(threw)
    out.push(r.ack(100), r.count, r.bytes)
    // Empty ring: the next push may start anywhere (a new boot starts at 1 again).
    r.push(1, 1100, 600)
    out.push(r.oldestSeq, r.nextSeq(), r.hasRoom(401, 0, 0) ? 1 : 0, r.hasRoom(400, 0, 0) ? 1 : 0)
    threw = 0
    try {
        r.push(3, 1300, 10) // not contiguous
    } catch (e) {
        threw = 1
    }
    out.push(threw, r.count)
    return out
}

export const RING_EXPECT: number[] = [5, 500, 1, 6, 1, 1, 1, 2, 3, 300, 3, 1, 1, 0, 1, 0, 1, 8, 0, 1, 8, 0, 0, 1, 2, 0, 1, 1, 1]

// ---- run state ----

/** [action, runNumber, spillNumber, expectedHash] steps against applied hash 0xabc; returns [accepted, state] per step. */
export const RUN_STEPS: number[][] = [
    [RunAction.BEGIN_SPILL, 0, 1, 0xabc], // not running yet
    [RunAction.BEGIN_RUN, 12, 0, 0xdef], // wrong hash
    [RunAction.BEGIN_RUN, 12, 0, 0xabc],
    [RunAction.BEGIN_RUN, 13, 0, 0xabc], // already running
    [RunAction.END_SPILL, 12, 1, 0xabc], // no spill open
    [RunAction.BEGIN_SPILL, 12, 1, 0xdef], // wrong hash
    [RunAction.BEGIN_SPILL, 12, 1, 0xabc],
    [RunAction.END_SPILL, 12, 1, 0xabc],
    [RunAction.BEGIN_SPILL, 12, 2, 0xabc],
    [RunAction.END_RUN, 12, 2, 0xabc], // ends the spill too
    [RunAction.END_RUN, 12, 2, 0xabc], // not running
    [9, 0, 0, 0xabc], // unknown action
]

export const RUN_EXPECT: number[] = [
    0, BoardState.CONFIGURED,
    0, BoardState.CONFIGURED,
    1, BoardState.RUNNING,
    0, BoardState.RUNNING,
    0, BoardState.RUNNING,
    0, BoardState.RUNNING,
    1, BoardState.IN_SPILL,
    1, BoardState.RUNNING,
    1, BoardState.IN_SPILL,
    1, BoardState.CONFIGURED,
    0, BoardState.CONFIGURED,
    0, BoardState.CONFIGURED,
    // runNumber, spillNumber at the end
    12, 2,
]

export function runRunSteps(): number[] {
    const s = new RunState()
    const out: number[] = []
    s.configured()
    RUN_STEPS.forEach(st => {
        out.push(s.apply(st[0], st[1], st[2], st[3], 0xabc) ? 1 : 0)
        out.push(s.state)
    })
    out.push(s.runNumber, s.spillNumber)
    return out
}

// ---- trigger numbering ----

/** -1 marks a spill begin; other entries are trigger numbers. */
export const TRIGGER_SEQUENCE: number[] = [-1, 5, 6, 7, 9, 9, 4, -1, 1, 2, 5]
export const TRIGGER_SEQUENCE_EXPECT: number[] = [0, 0, 0, 1, -1, -6, 0, 0, 2]

export function runTriggerSequence(): number[] {
    const t = new TriggerSequence()
    const out: number[] = []
    TRIGGER_SEQUENCE.forEach(n => {
        if (n < 0) t.spillBegin()
        else out.push(t.next(n))
    })
    return out
}

// ---- scalers ----

export function spillEndRecord() {
    return {
        spillNumber: 17,
        spillTicks: 373250000,
        deadTicks: 18662500,
        busyTicks: 1200,
        beamCoincidences: 4100000,
        rawTriggers: [5000, 4100000, 480, 5],
        acceptedTriggers: [4990, 4100, 480, 5],
        inhibitedBusy: 3,
        inhibitedDead: 7,
        recordsWritten: 9577,
        fifoMaxDepth: 12,
        // The front end's hit counts: channel 4 had none (the list may stop before it).
        channelHits: [2, 1, 1, 1],
    }
}

function emptyScalers(): ScalersMessage {
    return {
        runNumber: 0,
        spillNumber: 0,
        spillTicks: 0,
        deadTicks: 0,
        beamCoincidences: 0,
        rawTriggers: [0, 0, 0, 0],
        acceptedTriggers: [0, 0, 0, 0],
        inhibitedBusy: 0,
        inhibitedDead: 0,
        fifoRecords: 0,
        fifoMaxDepth: 0,
        eventsSent: 0,
        hitsSent: 0,
        framesResent: 0,
        busyTicks: 0,
        channels: { n: 0, channel: [], hits: [] },
    }
}

/**
 * Veto board spill: 3 events (hits on channels 0 1 2, coincidence; 0 3, veto and coincidence;
 * none), counted as the digitiser role counts them, then SCALERS for 5 channels.
 */
export function runVetoScalers(): ScalersMessage {
    const k = new SpillCounters()
    k.eventsSent += 3
    k.hitsSent += 3 + 2 + 0
    k.coincidences += 2
    k.vetoed += 1
    k.framesResent = 2
    const out = emptyScalers()
    fillScalers(out, spillEndRecord(), k, BoardRole.VETO, 41, 5)
    return out
}

export const VETO_SCALERS_EXPECT: ScalersMessage = {
    runNumber: 41,
    spillNumber: 17,
    spillTicks: 373250000,
    deadTicks: 18662500,
    beamCoincidences: 2,
    rawTriggers: [5000, 4100000, 480, 5],
    acceptedTriggers: [4990, 4100, 480, 5],
    inhibitedBusy: 3,
    inhibitedDead: 7,
    fifoRecords: 9577,
    fifoMaxDepth: 12,
    eventsSent: 3,
    hitsSent: 5,
    framesResent: 2,
    busyTicks: 1200,
    channels: { n: 5, channel: [0, 1, 2, 3, 4], hits: [2, 1, 1, 1, 0] },
}

/** Trigger board spill: 4 triggers, SCALERS with the hardware beam coincidences. */
export function runTriggerScalers(): number[] {
    const k = new SpillCounters()
    k.countTrigger(1)
    k.countTrigger(2)
    k.countTrigger(2)
    k.countTrigger(4)
    const out = emptyScalers()
    fillScalers(out, spillEndRecord(), k, BoardRole.TRIGGER, 41, 0)
    const r = [out.beamCoincidences, out.eventsSent, out.channels.n]
    k.triggersByType.forEach(x => r.push(x))
    k.reset()
    r.push(k.eventsSent, k.triggersByType[1])
    return r
}

export const TRIGGER_SCALERS_EXPECT: number[] = [4100000, 4, 0, 1, 2, 0, 1, 0, 0]

/** [deadTicks, spillTicks, expected ppm]. */
export const DEAD_TIME_VECTORS: number[][] = [
    [18662500, 373250000, 50000],
    [0, 373250000, 0],
    [1, 3, 333333],
    [2, 3, 666667],
    [5, 0, 0],
    [400, 300, 1000000],
    [4294967295, 4294967295, 1000000],
]

// ---- link policy ----

export function runBackoff(): number[] {
    const out: number[] = []
    let ms = 0
    for (let i = 0; i < 8; i++) {
        ms = nextBackoffMs(ms)
        out.push(ms)
    }
    return out
}

export const BACKOFF_EXPECT: number[] = [100, 200, 400, 800, 1600, 3200, 5000, 5000]

/** [seq, hostAckSeq, hostWindow, ackSeen, expected 0/1]. */
export const UP_WINDOW_VECTORS: number[][] = [
    [10, 5, 5, 1, 1],
    [11, 5, 5, 1, 0],
    [1, 0, 64, 0, 0],
    [1, 0, 64, 1, 1],
    [6, 5, 0, 1, 0],
]

/** [queued, limit, expected window]. */
export const RX_WINDOW_VECTORS: number[][] = [
    [0, 2, 2],
    [1, 2, 1],
    [2, 2, 0],
    [5, 2, 0],
]

/** [maxPayloadBytes, rxWindowFrames]: the same for every configuration. */
export function runLinkLimits(): number[] {
    const l = linkLimitsFor()
    return [l.maxPayloadBytes, l.rxWindowFrames]
}

// One largest FIFO record (a waveform record of 1,152 samples of 72 channels: 4 + 10 + 1 + 72 + 2 +
// 2,304 = 2,393) and the INJECT length prefix (2).
export const LINK_LIMITS_EXPECT: number[] = [2395, 1]

// ---- board identity ----

export const BOARD_ID_VECTORS: any[][] = [
    ["a64e000000000003", 3],
    ["a64e00001940000c", 12],
    ["A64E00000000ABCD", 0xabcd],
    ["a64e000000000000", 0xa64e],
    ["a64e00000000ffff", (0xa64e ^ 0xffff) | 0x8000],
    ["22f7bb74bd7934ce", 36916],
    ["d5a7b8e21d22c76b", 46860],
    ["", 0x8000],
    ["zz", 0x8000],
]

/** [device id, DAQ host port it carries (0 = none)]. */
export const BENCH_PORT_VECTORS: any[][] = [
    ["a64e00001940000c", 6464],
    ["a64e0000ffff0001", 65535],
    ["a64e000000000003", 0],
    ["a64e00zz19400003", 0],
    ["a64e01001940000c", 0],
    ["22f7bb74bd7934ce", 0],
    ["a64e00001940", 0],
]

export function runBenchPorts(): number[] {
    const out: number[] = []
    BENCH_PORT_VECTORS.forEach(v => out.push(benchPortFromDeviceId(v[0])))
    return out
}

export function runBoardIds(): number[] {
    const out: number[] = []
    BOARD_ID_VECTORS.forEach(v => out.push(boardIdFromDeviceId(v[0])))
    return out
}

export function expectedBoardIds(): number[] {
    const out: number[] = []
    BOARD_ID_VECTORS.forEach(v => out.push(v[1]))
    return out
}

export function runUpWindow(): number[] {
    const out: number[] = []
    UP_WINDOW_VECTORS.forEach(v => out.push(upWindowOpen(v[0], v[1], v[2], v[3] === 1) ? 1 : 0))
    return out
}

export function runRxWindow(): number[] {
    const out: number[] = []
    RX_WINDOW_VECTORS.forEach(v => out.push(rxWindow(v[0], v[1])))
    return out
}

export function runDeadTime(): number[] {
    const out: number[] = []
    DEAD_TIME_VECTORS.forEach(v => out.push(deadTimePpm(v[0], v[1])))
    return out
}

/** The last column of a vector table. */
export function lastColumn(rows: number[][]): number[] {
    const out: number[] = []
    rows.forEach(r => out.push(r[r.length - 1]))
    return out
}
