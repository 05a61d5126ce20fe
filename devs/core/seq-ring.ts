// The board's ring of sent frames, kept until the host acknowledges them (protocol/README.md link
// rules). Sequence numbers in the ring are contiguous: every sequenced up frame enters it in order.
// Generic over the frame type so the same bookkeeping is tested in Node and in the VM.

export class SeqRing<T> {
    private items: (T | undefined)[] = []
    private sizes: number[] = []
    private head = 0
    /** Frames held. */
    count = 0
    /** Bytes held. */
    bytes = 0
    /** Seq of the oldest frame held (meaningful when count > 0). */
    oldestSeq = 0
    private mask: number

    /** `capacityLog2`: the ring holds up to 2^capacityLog2 frames and `maxBytes` bytes. */
    constructor(capacityLog2: number, public maxBytes: number) {
        const cap = 1 << capacityLog2
        this.mask = cap - 1
        for (let i = 0; i < cap; i++) {
            this.items.push(undefined)
            this.sizes.push(0)
        }
    }

    capacity(): number {
        return this.mask + 1
    }

    /** Seq the next frame must carry. */
    nextSeq(): number {
        return this.oldestSeq + this.count
    }

    /** Room for a frame of `size` bytes while keeping `reserveFrames` and `reserveBytes` free. */
    hasRoom(size: number, reserveFrames: number, reserveBytes: number): boolean {
        return this.count + 1 + reserveFrames <= this.mask + 1 && this.bytes + size + reserveBytes <= this.maxBytes
    }

    /** Append the frame with seq nextSeq() (or any seq when empty, which restarts the numbering). */
    push(seq: number, item: T, size: number): void {
        if (this.count === 0) {
            this.oldestSeq = seq
        } else if (seq !== this.oldestSeq + this.count) {
            throw new RangeError("ring: seq " + seq + " does not follow " + (this.oldestSeq + this.count - 1))
        }
        if (this.count > this.mask) throw new RangeError("ring full")
        const i = (this.head + this.count) & this.mask
        this.items[i] = item
        this.sizes[i] = size
        this.count++
        this.bytes += size
    }

    /** Drop every frame with seq <= ackSeq; returns how many were dropped. */
    ack(ackSeq: number): number {
        let n = 0
        while (this.count > 0 && this.oldestSeq <= ackSeq) {
            this.bytes -= this.sizes[this.head]
            this.items[this.head] = undefined
            this.head = (this.head + 1) & this.mask
            this.oldestSeq++
            this.count--
            n++
        }
        return n
    }

    /** The frame with this seq, or undefined when it is not (or no longer) held. */
    get(seq: number): T | undefined {
        const k = seq - this.oldestSeq
        if (k < 0 || k >= this.count) return undefined
        return this.items[(this.head + k) & this.mask]
    }
}
