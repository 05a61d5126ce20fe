// Calorimeter board role (ECAL preshower, ECAL main, HCAL): one EVENT per trigger, zero hits being
// an ordinary event; hits with pedestal-subtracted peak amplitude, sub-sample peak time and flags;
// energy sum of the SUM channels.
import * as ds from "@devicescript/core"
import { BoardRole, FifoKind } from "../../protocol/schema/enums"
import { FifoEventRec, FifoSpillEndRec, FifoTriggerRec } from "../../protocol/generated/device-codec"
import { CaloEvent, caloChannels, energySumKeV } from "../core/calorimeter"
import { SampleBlock } from "../core/hits"
import { Board, Role } from "../board/board"

export class CalorimeterRole implements Role {
    readonly role = BoardRole.CALORIMETER
    readonly recordKind = FifoKind.EVENT
    private ev = new CaloEvent()
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
            // Large events are processed in slices with a yield in between (128 K-opcode watchdog).
            if (from > 0) await ds.sleep(0)
            caloChannels(b.config, b.window, blk, from, from + slice < n ? from + slice : n, ev)
        }
        await b.sendEvent(rec, ev.hits, energySumKeV(ev.energyEv), ev.eventFlags, ev.strayChannels)
    }

    async onTrigger(b: Board, rec: FifoTriggerRec): Promise<void> {}

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {}
}
