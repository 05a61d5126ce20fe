// Decisions of the firmware's link to the DAQ host that do not depend on sockets: reconnect
// backoff and the flow-control window in both directions (protocol/README.md, link rules).

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
