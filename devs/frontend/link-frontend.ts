// Front end over the link (bench and playback): FIFO records come from INJECT frames, register
// writes are mirrored to the host, which applies them to its front-end model.
import { FrontEndKind, MsgType } from "../../protocol/schema/enums"
import { HEADER_BYTES, MAX_REG_WRITES } from "../../protocol/schema/limits"
import { View, encodeFeWrite, sizeFeWrite } from "../../protocol/generated/device-codec"
import { RegWrites } from "../ds-core/config-regs"
import { HostLink } from "../link/host-link"
import { FrontEnd } from "./frontend"

export class LinkFrontEnd implements FrontEnd {
    readonly kind = FrontEndKind.LINK
    private records: View = undefined
    /** One FE_WRITE frame's worth of a longer register list. */
    private part = new RegWrites()

    constructor(private link: HostLink) {}

    /** Records of one INJECT frame: nextRecords() hands them out. */
    feed(records: View): void {
        this.records = records
    }

    /** Bytes of records fed and not yet handed out (STATUS.eventsPending counts them as records > 0). */
    pendingBytes(): number {
        return this.records ? this.records.n : 0
    }

    async nextRecords(): Promise<View> {
        const r = this.records
        this.records = undefined
        return r
    }

    /** The writes in FE_WRITE frames of at most MAX_REG_WRITES each, in order. */
    async writeRegisters(w: RegWrites): Promise<void> {
        if (w.n <= MAX_REG_WRITES) return await this.send(w)
        const p = this.part
        for (let from = 0; from < w.n; from += MAX_REG_WRITES) {
            p.clear()
            const to = from + MAX_REG_WRITES < w.n ? from + MAX_REG_WRITES : w.n
            for (let i = from; i < to; i++) p.add(w.addr[i], w.value[i])
            await this.send(p)
        }
    }

    private async send(w: RegWrites): Promise<void> {
        const v = { regs: w }
        const n = sizeFeWrite(v)
        await this.link.waitRoom(HEADER_BYTES + n, true)
        const f = this.link.frame(MsgType.FE_WRITE, n)
        encodeFeWrite(f, HEADER_BYTES, v)
        this.link.commit(f)
    }

    busyLine(on: boolean): void {}
}
