// Digitiser board roles: calorimeter (ECAL preshower, ECAL main, HCAL) and veto/counter (S0-S2,
// V0/V1, SRD, VETO). The front end extracts every channel's features (FIFO FEATURES records; the
// firmware wrote its FEX_* and CH_* registers from the CONFIG): per event the board checks the
// trigger numbering, decides the veto (an in-time veto hit) and the counter coincidence (at least
// coincMinCounters in-time counters), counts the event, and forwards the record with its decision
// in eventFlags; a waveform event's EVENT records (the samples) go out as they are. Nothing is done
// per sample or per hit: the budget of an ESP32-S3 at the nominal trigger rate is a few hundred VM
// operations per event (benchmarks/REPORT.md).
import { BoardRole, EventFlag, FifoKind, LogCode, LogLevel } from "../../protocol/schema/enums"
import { ConfigMsg, FifoSpillEndRec } from "../../protocol/generated/device-codec"
import { ConfigProblem, checkDigitiserConfig } from "../ds-core/config-check"
import { RegWrites, digitiserRegisters } from "../ds-core/config-regs"
import { FEATURES_COUNTER_HITS_OFF, FEATURES_FIXED_BYTES, FEATURES_FLAGS_OFF, FEATURES_HITS_OFF, FEATURES_TRIGGER_OFF, FEATURES_VETO_HITS_OFF, HIT_BYTES } from "../core/record-layout"
import { Board, Role } from "../board/board"

export class DigitiserRole implements Role {
    readonly dataKind = FifoKind.FEATURES
    /** A turn makes one or two READOUT frames. */
    readonly outBytes = 1024
    /** Counters in time for a coincidence (veto board; 0: no coincidence decision). */
    private coincMin = 0

    /** BoardRole.CALORIMETER or BoardRole.VETO. */
    constructor(public readonly role: number) {}

    check(c: ConfigMsg): ConfigProblem | undefined {
        return checkDigitiserConfig(c, this.role)
    }

    registers(c: ConfigMsg, out: RegWrites): void {
        digitiserRegisters(c, out)
    }

    configure(b: Board): void {
        this.coincMin = this.role === BoardRole.VETO ? b.config.coincMinCounters : 0
    }

    async onRecord(b: Board, kind: number, buf: Buffer, at: number, len: number): Promise<boolean> {
        if (kind === FifoKind.EVENT) {
            // A waveform event's samples: forwarded before its FEATURES record.
            await b.forward(buf, at, len)
            return true
        }
        if (kind !== FifoKind.FEATURES) return false
        const hits = buf.getAt(at + FEATURES_HITS_OFF, "u8")
        if (len !== FEATURES_FIXED_BYTES + hits * HIT_BYTES) {
            b.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, kind, len, "length")
            return true
        }
        const trig = buf.getAt(at + FEATURES_TRIGGER_OFF, "u32")
        const seq = b.triggers
        if (seq.last >= 0 && trig === seq.last + 1) seq.last = trig
        else b.checkTriggerNumber(trig)
        const k = b.counters
        k.eventsSent++
        k.hitsSent += hits
        let flags = buf.getAt(at + FEATURES_FLAGS_OFF, "u8")
        const feFlags = flags
        if (buf.getAt(at + FEATURES_VETO_HITS_OFF, "u8") > 0) {
            flags |= EventFlag.VETOED
            k.vetoed++
        }
        const min = this.coincMin
        if (min > 0 && buf.getAt(at + FEATURES_COUNTER_HITS_OFF, "u8") >= min) {
            flags |= EventFlag.COINCIDENCE
            k.coincidences++
        }
        const o = await b.forward(buf, at, len)
        if (flags !== feFlags) b.batch.setAt(o + FEATURES_FLAGS_OFF, "u8", flags)
        return true
    }

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {}
}
