// Veto / counter board role (S0-S2, V0/V1, SRD, VETO): leading-edge time and amplitude per channel,
// in-time windows, the veto decision and the counter coincidence, one EVENT per trigger; per-spill
// hit counts per channel in SCALERS (rates = hits / spill length).
import * as ds from "@devicescript/core"
import { BoardRole, FifoKind } from "../../protocol/schema/enums"
import { FifoEventRec, FifoSpillEndRec, FifoTriggerRec } from "../../protocol/generated/device-codec"
import { VetoEvent, finishVetoEvent, vetoChannels } from "../core/veto"
import { SampleBlock } from "../core/hits"
import { Board, Role } from "../board/board"

export class VetoRole implements Role {
    readonly role = BoardRole.VETO
    readonly recordKind = FifoKind.EVENT
    private ev = new VetoEvent()
    private block: SampleBlock = { channels: undefined, buf: undefined, off: 0 }

    configure(b: Board): void {}

    async onEvent(b: Board, rec: FifoEventRec): Promise<void> {
        const ev = this.ev
        const blk = this.block
        blk.channels = rec.channels
        blk.buf = rec.samples.buf
        blk.off = rec.samples.off
        ev.reset()
        const n = rec.channels.length
        const slice = b.sliceChannels
        for (let from = 0; from < n; from += slice) {
            if (from > 0) await ds.sleep(0)
            vetoChannels(b.config, b.window, blk, from, from + slice < n ? from + slice : n, ev)
        }
        const flags = finishVetoEvent(b.config, ev)
        await b.sendEvent(rec, ev.hits, 0, flags, ev.strayChannels)
    }

    async onTrigger(b: Board, rec: FifoTriggerRec): Promise<void> {}

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {}
}
