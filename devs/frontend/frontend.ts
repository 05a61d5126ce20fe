// The front end (ADC + FPGA) as the firmware sees it: registers to write and a FIFO of records to
// read. Two implementations carry the same bytes: SPI on a board (spi-frontend.ts) and the link in
// a bench or playback run (link-frontend.ts: records arrive in INJECT frames, register writes go
// to the host in FE_WRITE frames).
import { View } from "../../protocol/generated/device-codec"
import { RegWrites } from "../ds-core/config-regs"

export interface FrontEnd {
    /** FrontEndKind. */
    readonly kind: number
    /** Write the registers in order. */
    writeRegisters(w: RegWrites): Promise<void>
    /**
     * The next whole FIFO records, one or more, concatenated (headers included), or undefined when
     * the FIFO is empty: one SPI burst (FIFO_BURST_BYTES), or the records of one INJECT frame.
     */
    nextRecords(): Promise<View>
    /** Drive the hardware BUSY line, if the board has one (CTRL.BUSY is written separately). */
    busyLine(on: boolean): void
}

/** A FIFO record whose header does not fit the bytes available: the rest cannot be trusted. */
export class FifoRecordError extends Error {
    constructor(public kind: number, public offset: number) {
        super("bad FIFO record kind " + kind + " at offset " + offset)
    }
}

/** Bytes of the FIFO record header: kind u8, flags u8, length u16 (whole record). */
export const FIFO_HEADER_BYTES = 4
