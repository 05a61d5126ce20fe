// The board's resend ring in one byte buffer allocated at start: sent frames are copied into it
// (contiguously, wrapping to the start when the end is too short) and kept until the host
// acknowledges them. Keeping them in one preallocated block instead of as many small buffers
// keeps the 64 KB heap unfragmented, so the 8 KB frames from the host always find room.
// Sequence bookkeeping is devs/core/seq-ring.ts.
import { SeqRing } from "../core/seq-ring"

export class FrameRing {
    private store: Buffer
    /** Item = offset of the frame in `store`. */
    private seqs: SeqRing<number>
    /** Where the next frame goes. */
    private head = 0
    readonly maxBytes: number

    constructor(capacityLog2: number, bytes: number) {
        this.store = Buffer.alloc(bytes)
        this.maxBytes = bytes
        this.seqs = new SeqRing<number>(capacityLog2, bytes)
    }

    count(): number {
        return this.seqs.count
    }
    bytes(): number {
        return this.seqs.bytes
    }
    capacity(): number {
        return this.seqs.capacity()
    }
    oldestSeq(): number {
        return this.seqs.oldestSeq
    }

    /** Offset where `len` bytes fit contiguously, or -1. */
    private placeFor(len: number): number {
        if (this.seqs.count === 0) return len <= this.maxBytes ? 0 : -1
        const tail = this.seqs.get(this.seqs.oldestSeq)
        if (this.head > tail) {
            if (this.maxBytes - this.head >= len) return this.head
            return tail >= len ? 0 : -1
        }
        return tail - this.head >= len ? this.head : -1
    }

    /** Room for a frame of `len` bytes keeping `reserveFrames` frames and `reserveBytes` bytes free. */
    hasRoom(len: number, reserveFrames: number, reserveBytes: number): boolean {
        return this.seqs.hasRoom(len, reserveFrames, reserveBytes) && this.placeFor(len + reserveBytes) >= 0
    }

    /** Keep a copy of frame `f` with seq `seq` (the next one; hasRoom was checked). */
    push(seq: number, f: Buffer): void {
        const len = f.length
        const at = this.placeFor(len)
        if (at < 0) throw new RangeError("ring full")
        this.store.blitAt(at, f, 0, len)
        this.seqs.push(seq, at, len)
        this.head = at + len
    }

    /** Drop every frame with seq <= ackSeq; returns how many. */
    ack(ackSeq: number): number {
        const n = this.seqs.ack(ackSeq)
        if (this.seqs.count === 0) this.head = 0
        return n
    }

    /** A copy of the frame with this seq, or undefined when it is not (or no longer) held. */
    get(seq: number): Buffer {
        const at = this.seqs.get(seq)
        if (at === undefined) return undefined
        const len = this.seqs.sizeOf(seq)
        const f = Buffer.alloc(len)
        f.blitAt(0, this.store, at, len)
        return f
    }
}
