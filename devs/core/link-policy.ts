// Decisions of the firmware's link to the DAQ host that do not depend on sockets: reconnect
// backoff, the flow-control window in both directions and the largest frame the board takes
// (protocol/README.md, link rules).
import { MAX_FIFO_RECORD_BYTES } from "../../protocol/schema/limits"

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

/**
 * Largest host payload the board announces: an INJECT frame holding one largest FIFO record
 * (MAX_FIFO_RECORD_BYTES, a waveform record of the feature readout), whatever the configuration,
 * so a board never reconnects to change it. The VM heap is 64 KB and its allocator does not move
 * objects: the board takes one host frame at a time (window 1), and a frame arrives in one block
 * of its size.
 */
export const MAX_HOST_PAYLOAD_BYTES = 2 + MAX_FIFO_RECORD_BYTES

export interface LinkLimits {
    /** HELLO.maxPayloadBytes. */
    maxPayloadBytes: number
    /** HELLO.rxWindowFrames and the window of the board's ACKs. */
    rxWindowFrames: number
}

/** What the board can take from the host: one frame of MAX_HOST_PAYLOAD_BYTES at a time. */
export function linkLimitsFor(): LinkLimits {
    return { maxPayloadBytes: MAX_HOST_PAYLOAD_BYTES, rxWindowFrames: 1 }
}
