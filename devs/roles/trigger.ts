// Trigger board role: the configuration becomes the TRIG_* registers (coincidence and veto masks
// and windows, preshower minimum and ECAL maximum sums, prescales, random/calibration periods,
// dead time); each FIFO TRIGGER record becomes a TRIGGER frame numbered with its spill; the
// per-spill scalers carry the dead time, and its fraction is logged at the end of every spill.
import { BoardRole, FifoKind, LogCode, LogLevel, MsgType } from "../../protocol/schema/enums"
import { ConfigMsg, FifoSpillEndRec, TriggerMsg, decodeFifoTrigger, encodeTrigger, sizeTrigger } from "../../protocol/generated/device-codec"
import { deadTimePpm } from "../core/scalers"
import { ConfigProblem, checkTriggerConfig } from "../ds-core/config-check"
import { RegWrites, triggerRegisters } from "../ds-core/config-regs"
import { Board, Role } from "../board/board"

export class TriggerRole implements Role {
    readonly role = BoardRole.TRIGGER
    readonly recordKind = FifoKind.TRIGGER
    /**
     * A turn (one INJECT frame of ~20-byte records) makes up to ~115 TRIGGER frames of 42 bytes:
     * 4 KB keeps that to one or two writes (with 4 KB frames, 1 KB made it ten writes: 4,051
     * against 12,019 triggers/s end to end).
     */
    readonly outBytes = 4096
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

    check(c: ConfigMsg): ConfigProblem | undefined {
        return checkTriggerConfig(c)
    }

    registers(c: ConfigMsg, out: RegWrites): void {
        triggerRegisters(c, out)
    }

    configure(b: Board): void {}

    async onRecord(b: Board, buf: Buffer, body: number, end: number, at: number): Promise<void> {
        const rec = decodeFifoTrigger(buf, body, end)
        b.checkTriggerNumber(rec.triggerNumber)
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
        await b.sendData(MsgType.TRIGGER, m, sizeTrigger(m), encodeTrigger)
        b.counters.countTrigger(m.triggerType)
        await b.pace(16)
    }

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {
        b.link.log(LogLevel.INFO, LogCode.SPILL_DEAD_TIME, rec.spillNumber, deadTimePpm(rec.deadTicks, rec.spillTicks), "")
    }
}
