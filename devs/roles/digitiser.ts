// Digitiser board roles: calorimeter (ECAL preshower, ECAL main, HCAL) and veto/counter (S0-S2,
// V0/V1, SRD, VETO). One EVENT per FIFO EVENT record, zero hits being an ordinary event; the
// physics per channel is in devs/core/digitiser.ts. Large events are processed in slices with a
// yield in between (the VM's watchdog fires after 128 K opcodes without an await).
import * as ds from "@devicescript/core"
import { BoardRole, FifoKind } from "../../protocol/schema/enums"
import { FifoEventRec, FifoSpillEndRec, FifoTriggerRec } from "../../protocol/generated/device-codec"
import { DigitiserEvent, energySumKeV, finishEvent, processChannels } from "../ds-core/digitiser"
import { SampleBlock } from "../core/hits"
import { Board, Role } from "../board/board"

export class DigitiserRole implements Role {
    readonly recordKind = FifoKind.EVENT
    private ev = new DigitiserEvent()
    private block: SampleBlock = { channels: undefined, buf: undefined, off: 0 }

    /** BoardRole.CALORIMETER or BoardRole.VETO. */
    constructor(public readonly role: number) {}

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
            processChannels(b.config, b.window, blk, from, from + slice < n ? from + slice : n, ev)
        }
        const flags = finishEvent(b.config, ev)
        await b.sendEvent(rec, ev.hits, this.role === BoardRole.CALORIMETER ? energySumKeV(ev.energyEv) : 0, flags, ev.strayChannels)
    }

    async onTrigger(b: Board, rec: FifoTriggerRec): Promise<void> {}

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {}
}
