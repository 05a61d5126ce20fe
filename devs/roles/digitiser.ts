// Digitiser board roles: calorimeter (ECAL preshower, ECAL main, HCAL) and veto/counter (S0-S2,
// V0/V1, SRD, VETO). One EVENT per FIFO EVENT record, zero hits being an ordinary event; the
// physics per channel is in devs/core/digitiser.ts (run as its generated copy devs/ds-core/).
// Large events are processed in slices with a yield in between (the VM's watchdog fires after
// 128 K opcodes without an await).
import * as ds from "@devicescript/core"
import { BoardRole, FifoKind, LogCode, LogLevel, MsgType } from "../../protocol/schema/enums"
import { ConfigMsg, EventMsg, FifoSpillEndRec, decodeFifoEvent, encodeEvent, sizeEvent } from "../../protocol/generated/device-codec"
import { DigitiserEvent, energySumKeV, finishEvent, processChannels } from "../ds-core/digitiser"
import { SampleBlock, pulseWindowOf } from "../core/hits"
import { PulseWindow } from "../core/pulse"
import { ConfigProblem, checkDigitiserConfig } from "../ds-core/config-check"
import { RegWrites, digitiserRegisters } from "../ds-core/config-regs"
import { Board, Role, YIELD_SAMPLES } from "../board/board"

export class DigitiserRole implements Role {
    readonly recordKind = FifoKind.EVENT
    /** A turn (one INJECT frame of at most 2,359 bytes) makes about 2 EVENT frames of ~150 bytes. */
    readonly outBytes = 1024
    private ev = new DigitiserEvent()
    private block: SampleBlock = { channels: undefined, buf: undefined, off: 0 }
    private window: PulseWindow = undefined
    /** Channels per slice of a large event (about YIELD_SAMPLES samples). */
    private slice = 16
    /** Record channels that are not configured or not enabled, this spill (logged once per spill). */
    private strayChannels = 0
    private straySpill = -1
    private msg: EventMsg = {
        spillNumber: 0,
        triggerNumber: 0,
        timestampTicks: 0,
        configHash: 0,
        triggerType: 0,
        eventFlags: 0,
        energySumKeV: 0,
        hits: undefined,
    }

    /** BoardRole.CALORIMETER or BoardRole.VETO. */
    constructor(public readonly role: number) {}

    check(c: ConfigMsg): ConfigProblem | undefined {
        return checkDigitiserConfig(c, this.role)
    }

    registers(c: ConfigMsg, out: RegWrites): void {
        digitiserRegisters(c, out)
    }

    configure(b: Board): void {
        const c = b.config
        this.window = pulseWindowOf(c)
        const per = Math.floor(YIELD_SAMPLES / c.windowSamples)
        this.slice = per < 1 ? 1 : per
    }

    async onRecord(b: Board, buf: Buffer, body: number, end: number, at: number): Promise<void> {
        const rec = decodeFifoEvent(buf, body, end)
        const c = b.config
        const n = rec.channels.length
        if (rec.windowSamples !== c.windowSamples || rec.samples.n !== n * rec.windowSamples) {
            b.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, FifoKind.EVENT, at, "window")
            return
        }
        b.checkTriggerNumber(rec.triggerNumber)
        const ev = this.ev
        const blk = this.block
        blk.channels = rec.channels
        blk.buf = rec.samples.buf
        blk.off = rec.samples.off
        ev.reset()
        const slice = this.slice
        for (let from = 0; from < n; from += slice) {
            if (from > 0) await ds.sleep(0)
            processChannels(c, this.window, blk, from, from + slice < n ? from + slice : n, ev)
        }
        // The record's buffer (a whole INJECT frame on the link front end) is not kept past the event.
        blk.buf = undefined
        blk.channels = undefined
        const flags = finishEvent(c, ev)
        // EVENT
        const v = this.msg
        v.spillNumber = b.spillNumber
        v.triggerNumber = rec.triggerNumber
        v.timestampTicks = rec.timestampTicks
        v.configHash = b.configHash
        v.triggerType = rec.triggerType
        v.eventFlags = flags
        v.energySumKeV = this.role === BoardRole.CALORIMETER ? energySumKeV(ev.energyEv) : 0
        v.hits = ev.hits
        await b.sendData(MsgType.EVENT, v, sizeEvent(v), encodeEvent)
        b.counters.countEvent(ev.hits.channel, ev.hits.n, flags)
        const stray = ev.strayChannels
        if (stray > 0) {
            // Logged once per spill (the first such event); SCALERS only count configured channels.
            if (this.straySpill !== b.spillNumber) {
                this.straySpill = b.spillNumber
                this.strayChannels = 0
            }
            if (this.strayChannels === 0)
                b.link.log(LogLevel.WARN, LogCode.STRAY_CHANNELS, rec.triggerNumber, stray, "")
            this.strayChannels += stray
        }
        await b.pace(rec.samples.n)
    }

    onSpillEnd(b: Board, rec: FifoSpillEndRec): void {}
}
