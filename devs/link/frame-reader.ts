// Cuts the byte stream from the DAQ host into frames. Chunks arrive in any size; a frame that is
// exactly one chunk is handed on without a copy, others are copied out into a buffer of their own
// size (at most one partial frame is held). Garbage before a frame is skipped up to the next magic.
import { HEADER_BYTES, MAX_PAYLOAD_BYTES } from "../../protocol/schema/limits"

const MAGIC_LO = 0x4e
const MAGIC_HI = 0xa6
const LENGTH_OFF = 6

export class FrameReader {
    private frame: Buffer = null
    private have = 0
    /** Up to HEADER_BYTES bytes of a frame whose length is not known yet. */
    private head = Buffer.alloc(HEADER_BYTES)
    private headN = 0
    /** Bytes skipped since the last frame start (reported once, when the next frame starts). */
    skipped = 0

    constructor(private onFrame: (frame: Buffer) => void) {}

    /** Forget any partial frame (the connection was lost). */
    reset(): void {
        this.frame = null
        this.have = 0
        this.headN = 0
        this.skipped = 0
    }

    push(chunk: Buffer): void {
        const n = chunk.length
        let i = 0
        while (i < n) {
            if (this.frame) {
                let k = this.frame.length - this.have
                if (k > n - i) k = n - i
                this.frame.blitAt(this.have, chunk, i, k)
                this.have += k
                i += k
                if (this.have === this.frame.length) this.complete()
                continue
            }
            if (this.headN > 0) {
                i = this.fillHead(chunk, i)
                continue
            }
            // At a frame start?
            if (chunk[i] !== MAGIC_LO || (i + 1 < n && chunk[i + 1] !== MAGIC_HI)) {
                this.skipped++
                i++
                continue
            }
            if (n - i < HEADER_BYTES) {
                i = this.fillHead(chunk, i)
                continue
            }
            const len = chunk.getAt(i + LENGTH_OFF, "u16")
            if (len > MAX_PAYLOAD_BYTES) {
                this.skipped++
                i++
                continue
            }
            const total = HEADER_BYTES + len
            if (i === 0 && total === n) {
                // The whole chunk is one frame: no copy.
                this.frame = chunk
                this.have = n
                this.complete()
                return
            }
            this.frame = Buffer.alloc(total)
            this.have = 0
        }
    }

    /** Collect header bytes across chunks; returns the next index in `chunk`. */
    private fillHead(chunk: Buffer, i: number): number {
        const n = chunk.length
        while (i < n && this.headN < HEADER_BYTES) {
            const v = chunk[i]
            if (this.headN === 1 && v !== MAGIC_HI) {
                // The 0x4E was garbage; rescan from this byte.
                this.skipped++
                this.headN = 0
                return i
            }
            this.head[this.headN++] = v
            i++
        }
        if (this.headN < HEADER_BYTES) return i
        const len = this.head.getAt(LENGTH_OFF, "u16")
        this.headN = 0
        if (len > MAX_PAYLOAD_BYTES) {
            // Not a frame after all; the header bytes are lost to the scan (TCP does not corrupt).
            this.skipped += HEADER_BYTES
            return i
        }
        this.frame = Buffer.alloc(HEADER_BYTES + len)
        this.frame.blitAt(0, this.head, 0, HEADER_BYTES)
        this.have = HEADER_BYTES
        if (this.have === this.frame.length) this.complete()
        return i
    }

    private complete(): void {
        const f = this.frame
        this.frame = null
        this.have = 0
        this.onFrame(f)
    }
}
