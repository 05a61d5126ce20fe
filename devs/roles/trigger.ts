// Trigger board role: the configuration becomes the TRIG_* registers (coincidence and veto masks
// and windows, preshower minimum and ECAL maximum sums, prescales, random/calibration periods,
// dead time); each FIFO TRIGGER record becomes a TRIGGER frame numbered with its spill; the
// per-spill scalers carry the dead time, and its fraction is logged at the end of every spill.
import { BoardRole, FifoKind, LogCode, LogLevel } from "../../protocol/schema/enums"
import { FifoEventRec, FifoSpillEndRec, FifoTriggerRec, TriggerMsg } from "../../protocol/generated/device-codec"
import { deadTimePpm } from "../core/scalers"
import { Board, Role } from "../board/board"

export class TriggerRole implements Role {
    readonly role = BoardRole.TRIGGER
    readonly recordKind = FifoKind.TRIGGER
    private msg: TriggerMsg = {
        spillNumber: 0,
        triggerNumber: 0,
        timestampTicks: 0,
        configHash: 0,
        triggerType: 0,
        typeMask: 0,
        inputPattern: 0,
        psSumAdc: 0,
        ecalSumAdc: 0,
    }

    configure(b: Board): void {}

    async onEvent(b: Board, rec: FifoEventRec): Promise<void> {}

    async onTrigger(b: Board, rec: FifoTriggerRec): Promise<void> {
        const m = this.msg
        m.spillNumber = b.spillNumber
        m.triggerNumber = rec.triggerNumber
        m.timestampTicks = rec.timestampTicks
        m.configHash = b.configHash
        m.triggerType = rec.triggerType
        m.typeMask = rec.typeMask
        m.inputPattern = rec.inputPattern
        m.psSumAdc = rec.psSumAdc
        m.ecalSumAdc = rec.ecalSumAdc
        await b.sendTrigger(m)
    }

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {
        b.link.log(LogLevel.INFO, LogCode.TEXT, rec.spillNumber, deadTimePpm(rec.deadTicks, rec.spillTicks), "spill end: arg1 = dead-time fraction in ppm")
    }
}
