// The board's resend ring in one byte buffer allocated at start: sent frames are copied into it
// (contiguously, wrapping to the start when the end is too short) and kept until the host
// acknowledges them. Keeping them in one preallocated block instead of as many small buffers
// keeps the 64 KB heap unfragmented, so the 8 KB frames from the host always find room.
// Sequence bookkeeping (count, bytes, oldestSeq, ack) is devs/core/seq-ring.ts (run as its
// generated copy devs/ds-core/seq-ring.ts); its items here
// are the frames' offsets in the block.
import { SeqRing } from "../ds-core/seq-ring"

export class FrameRing extends SeqRing {
    private store: Buffer
    /** Where the next frame goes. */
    private writeAt = 0

    constructor(capacityLog2: number, bytes: number) {
        super(capacityLog2, bytes)
        this.store = Buffer.alloc(bytes)
    }

    /** Offset where `len` bytes fit contiguously, or -1. */
    private placeFor(len: number): number {
        if (this.count === 0) return len <= this.maxBytes ? 0 : -1
        const tail = this.get(this.oldestSeq)
        if (this.writeAt > tail) {
            if (this.maxBytes - this.writeAt >= len) return this.writeAt
            return tail >= len ? 0 : -1
        }
        return tail - this.writeAt >= len ? this.writeAt : -1
    }

    /**
     * Room for a frame of `len` bytes keeping `reserveFrames` frames and `reserveBytes` bytes free,
     * in one contiguous piece of the block (SeqRing.hasRoom counts only).
     */
    fits(len: number, reserveFrames: number, reserveBytes: number): boolean {
        return this.hasRoom(len, reserveFrames, reserveBytes) && this.placeFor(len + reserveBytes) >= 0
    }

    /** Keep a copy of frame `f` with seq `seq` (the next one; fits() was checked). */
    keep(seq: number, f: Buffer): void {
        const len = f.length
        const at = this.placeFor(len)
        if (at < 0) throw new RangeError("ring full")
        this.store.blitAt(at, f, 0, len)
        this.push(seq, at, len)
        this.writeAt = at + len
    }

    /** Drop every frame with seq <= ackSeq (SeqRing.ack) and free their bytes; returns how many. */
    release(ackSeq: number): number {
        const n = this.ack(ackSeq)
        if (this.count === 0) this.writeAt = 0
        return n
    }

    /** A copy of the frame with this seq, or undefined when it is not (or no longer) held. */
    frame(seq: number): Buffer {
        const at = this.get(seq)
        if (at === undefined) return undefined
        const len = this.sizeOf(seq)
        const f = Buffer.alloc(len)
        f.blitAt(0, this.store, at, len)
        return f
    }
}
