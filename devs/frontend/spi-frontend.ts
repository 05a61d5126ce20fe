// Front end over SPI (a real board). One transfer per command (protocol/README.md, SPI
// transactions); full duplex, little-endian:
//   0x01 write:     [01][addr u16][value u32]
//   0x02 read:      [02][addr u16][4 x 00]   -> the value arrives in the last 4 bytes
//   0x03 read FIFO: [03][n u16][n x 00]      -> n bytes of FIFO_DATA arrive after the 3-byte command
// The FIFO is read in bursts: FIFO_BURST_BYTES gives the bytes of the whole records at its head
// that fit one transfer of MAX_SPI_TRANSFER_BYTES (0 = empty), and one FIFO read takes them all.
// The bus is injected (spi-bus.ts): DeviceScript's SPI on a board, a fake bus in the VM tests.
import { FrontEndKind } from "../../protocol/schema/enums"
import { Reg } from "../../protocol/generated/registers"
import { MAX_SPI_TRANSFER_BYTES, SPI_COMMAND_BYTES } from "../../protocol/schema/limits"
import { View } from "../../protocol/generated/device-codec"
import { RegWrites } from "../ds-core/config-regs"
import { FIFO_HEADER_BYTES, FifoRecordError, FrontEnd } from "./frontend"
import { SpiBus } from "./spi-bus"

export const SPI_WRITE = 0x01
export const SPI_READ = 0x02
export const SPI_READ_FIFO = 0x03

export class SpiFrontEnd implements FrontEnd {
    readonly kind = FrontEndKind.SPI
    private cmd = Buffer.alloc(7)

    /** `busy` drives the board's BUSY line (nothing when it has none). */
    constructor(private bus: SpiBus, private busy: (on: boolean) => void) {
        busy(false)
    }

    async writeRegisters(w: RegWrites): Promise<void> {
        const c = this.cmd
        for (let i = 0; i < w.n; i++) {
            c.setAt(0, "u8", SPI_WRITE)
            c.setAt(1, "u16", w.addr[i])
            c.setAt(3, "u32", w.value[i])
            await this.bus.transfer(c)
        }
    }

    /** Read one register. */
    async readRegister(addr: number): Promise<number> {
        const c = this.cmd
        c.setAt(0, "u8", SPI_READ)
        c.setAt(1, "u16", addr)
        c.setAt(3, "u32", 0)
        return (await this.bus.transfer(c)).getAt(3, "u32")
    }

    async nextRecords(): Promise<View> {
        const n = await this.readRegister(Reg.FIFO_BURST_BYTES)
        if (n === 0) return undefined
        if (n < FIFO_HEADER_BYTES || n > MAX_SPI_TRANSFER_BYTES - SPI_COMMAND_BYTES) throw new FifoRecordError(0, n)
        const tx = Buffer.alloc(SPI_COMMAND_BYTES + n)
        tx.setAt(0, "u8", SPI_READ_FIFO)
        tx.setAt(1, "u16", n)
        const rx = await this.bus.transfer(tx)
        return { buf: rx, off: SPI_COMMAND_BYTES, n: n }
    }

    busyLine(on: boolean): void {
        this.busy(on)
    }
}
