// Front end over the link (bench and playback): FIFO records come from INJECT frames, register
// writes are mirrored to the host, which applies them to its front-end model.
import { FrontEndKind, MsgType } from "../../protocol/schema/enums"
import { HEADER_BYTES } from "../../protocol/schema/limits"
import { View, encodeFeWrite, sizeFeWrite } from "../../protocol/generated/device-codec"
import { RegWrites } from "../ds-core/config-regs"
import { HostLink } from "../link/host-link"
import { FIFO_HEADER_BYTES, FifoRecordError, FrontEnd } from "./frontend"

export class LinkFrontEnd implements FrontEnd {
    readonly kind = FrontEndKind.LINK
    private buf: Buffer = null
    private pos = 0
    private end = 0

    constructor(private link: HostLink) {}

    /** Records of one INJECT frame: nextRecord() hands them out in order. */
    feed(records: View): void {
        this.buf = records.buf
        this.pos = records.off
        this.end = records.off + records.n
    }

    /** Records left of the current INJECT frame (STATUS.eventsPending counts bytes as records > 0). */
    pendingBytes(): number {
        return this.buf ? this.end - this.pos : 0
    }

    async nextRecord(): Promise<View> {
        const b = this.buf
        if (!b || this.pos >= this.end) {
            this.buf = null
            return undefined
        }
        const at = this.pos
        const len = this.end - at >= FIFO_HEADER_BYTES ? b.getAt(at + 2, "u16") : 0
        if (len < FIFO_HEADER_BYTES || at + len > this.end) {
            const kind = b.getAt(at, "u8")
            this.buf = null
            throw new FifoRecordError(kind, at)
        }
        this.pos = at + len
        return { buf: b, off: at, n: len }
    }

    async writeRegisters(w: RegWrites): Promise<void> {
        const v = { regs: w }
        const n = sizeFeWrite(v)
        await this.link.waitRoom(HEADER_BYTES + n, true)
        const f = this.link.frame(MsgType.FE_WRITE, n)
        encodeFeWrite(f, HEADER_BYTES, v)
        this.link.commit(f)
    }

    busyLine(on: boolean): void {}
}
