// Decisions of the firmware's link to the DAQ host that do not depend on sockets: reconnect
// backoff, the flow-control window in both directions and the largest frame the board takes
// (protocol/README.md, link rules).
import { MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits"
import { BoardRole } from "../../protocol/schema/enums"
import { BoardConfig } from "./config"

export const BACKOFF_FIRST_MS = 100
export const BACKOFF_MAX_MS = 5000

/** Wait before the next connection attempt after one that waited `prevMs` (0 = first failure). */
export function nextBackoffMs(prevMs: number): number {
    if (prevMs < BACKOFF_FIRST_MS) return BACKOFF_FIRST_MS
    const next = prevMs * 2
    return next > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : next
}

/**
 * May the board send its up frame `seq` now? The host accepts `hostWindow` frames beyond the last
 * one it acknowledged. Before the host's first ACK on a connection only HELLO goes out.
 */
export function upWindowOpen(seq: number, hostAckSeq: number, hostWindow: number, ackSeen: boolean): boolean {
    return ackSeen && seq <= hostAckSeq + hostWindow
}

/**
 * Window the board grants the host: down frames it can take beyond the last one it acknowledged.
 * `queued` sequenced frames are waiting to be processed; `limit` is the most it ever holds.
 */
export function rxWindow(queued: number, limit: number): number {
    return queued >= limit ? 0 : limit - queued
}

/** Bytes of the FIFO EVENT record of `channels` x `windowSamples` (header, fields, channel list, samples). */
export function fifoEventBytes(channels: number, windowSamples: number): number {
    return 4 + 13 + channels + 2 * channels * windowSamples
}

/**
 * Largest host payload the board announces when its records are no larger: an INJECT frame with
 * one record of a 36-channel board at the standard 32-sample window (2,359 bytes; the largest
 * CONFIG, 72 channels, is 1,130), so an unconfigured board and every board of the standard setup
 * announce the same limit and never reconnect to change it. The VM heap is 64 KB and its
 * allocator does not move objects: the board takes one host frame at a time (window 1), and a
 * frame arrives in one block of its size. Larger frames carry more records per round trip but
 * cost heap: measured with the calorimeter image, 4,096 bytes gave 1,136 ECAL-main events/s end
 * to end and 33.5 KB of heap through a realistic run, 2,359 bytes 738 events/s and 28.7 KB
 * (`npm run bench:firmware`).
 */
export const SMALL_PAYLOAD_BYTES = 2 + fifoEventBytes(36, 32)

export interface LinkLimits {
    /** HELLO.maxPayloadBytes. */
    maxPayloadBytes: number
    /** HELLO.rxWindowFrames and the window of the board's ACKs. */
    rxWindowFrames: number
}

/**
 * What the board can take from the host under configuration `c` (undefined: not configured):
 * an INJECT frame must hold the largest FIFO record the configuration produces, so the limit is
 * SMALL_PAYLOAD_BYTES, or more (up to 8 KB for 72 x 48) when the records need it. One
 * frame at a time: the host sends the next one when the board acknowledges (about 1.5 ms later).
 */
export function linkLimitsFor(c: BoardConfig | undefined): LinkLimits {
    let need = 0
    if (c && c.role !== BoardRole.TRIGGER) need = 2 + fifoEventBytes(c.channels.n, c.windowSamples)
    const max = need <= SMALL_PAYLOAD_BYTES ? SMALL_PAYLOAD_BYTES : need > MAX_PAYLOAD_BYTES ? MAX_PAYLOAD_BYTES : need
    return { maxPayloadBytes: max, rxWindowFrames: 1 }
}
