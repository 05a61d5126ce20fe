// Trigger board role: the configuration becomes the TRIG_* registers (coincidence and veto masks
// and windows, preshower minimum and ECAL maximum sums, prescales, random/calibration periods,
// dead time); each FIFO TRIGGER record is checked (numbering), counted by type and forwarded in
// READOUT frames with its spill number; the per-spill scalers carry the dead time, and its
// fraction is logged at the end of every spill.
import { BoardRole, FifoKind, LogCode, LogLevel } from "../../protocol/schema/enums"
import { ConfigMsg, FifoSpillEndRec } from "../../protocol/generated/device-codec"
import { deadTimePpm } from "../core/scalers"
import { ConfigProblem, checkTriggerConfig } from "../ds-core/config-check"
import { RegWrites, triggerRegisters } from "../ds-core/config-regs"
import { TRIGGER_NUMBER_OFF, TRIGGER_RECORD_BYTES, TRIGGER_TYPE_OFF } from "../core/record-layout"
import { Board, Role } from "../board/board"

export class TriggerRole implements Role {
    readonly role = BoardRole.TRIGGER
    readonly dataKind = FifoKind.TRIGGER
    /** A turn makes one or two READOUT frames. */
    readonly outBytes = 1024

    check(c: ConfigMsg): ConfigProblem | undefined {
        return checkTriggerConfig(c)
    }

    registers(c: ConfigMsg, out: RegWrites): void {
        triggerRegisters(c, out)
    }

    configure(b: Board): void {}

    async onRecord(b: Board, kind: number, buf: Buffer, at: number, len: number): Promise<boolean> {
        if (kind !== FifoKind.TRIGGER) return false
        if (len !== TRIGGER_RECORD_BYTES) {
            b.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, kind, len, "length")
            return true
        }
        const trig = buf.getAt(at + TRIGGER_NUMBER_OFF, "u32")
        const seq = b.triggers
        if (seq.last >= 0 && trig === seq.last + 1) seq.last = trig
        else b.checkTriggerNumber(trig)
        b.counters.countTrigger(buf.getAt(at + TRIGGER_TYPE_OFF, "u8"))
        await b.forward(buf, at, len)
        return true
    }

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {
        b.link.log(LogLevel.INFO, LogCode.SPILL_DEAD_TIME, rec.spillNumber, deadTimePpm(rec.deadTicks, rec.spillTicks), "")
    }
}
