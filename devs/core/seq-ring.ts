// The board's ring of sent frames, kept until the host acknowledges them (protocol/README.md link
// rules). Sequence numbers in the ring are contiguous: every sequenced up frame enters it in order.
// Each frame is an item (its offset in the firmware's frame block, 0..65535) and a size; both are
// kept as little-endian u16 in one byte column each (a number array costs 8 bytes per element of
// the 64 KB heap, these 2), and the same bookkeeping is tested in Node and in the VM.
import { setU16At, u16At } from "./bytes"

export class SeqRing {
    private items: Buffer
    private sizes: Buffer
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
        this.items = Buffer.alloc(2 * cap)
        this.sizes = Buffer.alloc(2 * cap)
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
    push(seq: number, item: number, size: number): void {
        if (this.count === 0) {
            this.oldestSeq = seq
        } else if (seq !== this.oldestSeq + this.count) {
            throw new RangeError("ring: seq " + seq + " does not follow " + (this.oldestSeq + this.count - 1))
        }
        if (this.count > this.mask) throw new RangeError("ring full")
        const i = (this.head + this.count) & this.mask
        setU16At(this.items, 2 * i, item)
        setU16At(this.sizes, 2 * i, size)
        this.count++
        this.bytes += size
    }

    /** Drop every frame with seq <= ackSeq; returns how many were dropped. */
    ack(ackSeq: number): number {
        let n = 0
        while (this.count > 0 && this.oldestSeq <= ackSeq) {
            this.bytes -= u16At(this.sizes, 2 * this.head)
            this.head = (this.head + 1) & this.mask
            this.oldestSeq++
            this.count--
            n++
        }
        return n
    }

    /** Size of the frame with this seq (0 when it is not held). */
    sizeOf(seq: number): number {
        const k = seq - this.oldestSeq
        if (k < 0 || k >= this.count) return 0
        return u16At(this.sizes, 2 * ((this.head + k) & this.mask))
    }

    /** The item of the frame with this seq, or undefined when it is not (or no longer) held. */
    get(seq: number): number | undefined {
        const k = seq - this.oldestSeq
        if (k < 0 || k >= this.count) return undefined
        return u16At(this.items, 2 * ((this.head + k) & this.mask))
    }
}
