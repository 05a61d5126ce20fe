// Front end over SPI (a real board). One transaction per command with chip select held low
// (protocol/README.md, SPI transactions); full duplex, little-endian:
//   0x01 write:     [01][addr u16][value u32]
//   0x02 read:      [02][addr u16][4 x 00]   -> the value arrives in the last 4 bytes
//   0x03 read FIFO: [03][n u16][n x 00]      -> n bytes of FIFO_DATA arrive after the 3-byte command
// The FIFO is read one record at a time: FIFO_BYTES gives the next record's size (0 = empty).
// The DeviceScript simulator has no SPI or pins, so this is compiled into every image and selected
// on hardware only.
import * as ds from "@devicescript/core"
import { spi } from "@devicescript/spi"
import { FrontEndKind } from "../../protocol/schema/enums"
import { Reg } from "../../protocol/generated/registers"
import { View } from "../../protocol/generated/device-codec"
import { RegWrites } from "../ds-core/config-regs"
import { FIFO_HEADER_BYTES, FifoRecordError, FrontEnd } from "./frontend"

const CMD_WRITE = 0x01
const CMD_READ = 0x02
const CMD_READ_FIFO = 0x03
/** Largest FIFO record (a 72 x 48-sample event with its header). */
const MAX_RECORD_BYTES = 8192

/**
 * The runtime's GPIO pins have a native setMode; @devicescript/gpio only adds helpers on top, and
 * importing it also compiles in its polled pin subscriptions (a 100 ms interval timer).
 */
interface NativePin {
    setMode(mode: number): void
}

/** Drive an output pin high or low. */
function drive(pin: ds.OutputPin, high: boolean): void {
    ;(pin as unknown as NativePin).setMode(high ? ds.GPIOMode.OutputHigh : ds.GPIOMode.OutputLow)
}

export interface SpiPins {
    sck: ds.OutputPin
    mosi: ds.OutputPin
    miso: ds.InputPin
    cs: ds.OutputPin
    busy: ds.OutputPin
}

export class SpiFrontEnd implements FrontEnd {
    readonly kind = FrontEndKind.SPI
    private cmd = Buffer.alloc(7)

    constructor(private pins: SpiPins, hz: number) {
        drive(pins.cs, true)
        drive(pins.busy, false)
        spi.configure({ sck: pins.sck, mosi: pins.mosi, miso: pins.miso, mode: 0, hz: hz })
    }

    private async transfer(tx: Buffer): Promise<Buffer> {
        drive(this.pins.cs, false)
        try {
            return await spi.transfer(tx)
        } finally {
            drive(this.pins.cs, true)
        }
    }

    async writeRegisters(w: RegWrites): Promise<void> {
        const c = this.cmd
        for (let i = 0; i < w.n; i++) {
            c.setAt(0, "u8", CMD_WRITE)
            c.setAt(1, "u16", w.addr[i])
            c.setAt(3, "u32", w.value[i])
            await this.transfer(c)
        }
    }

    async nextRecord(): Promise<View> {
        // FIFO_BYTES: the size of the next record (0 = empty).
        const c = this.cmd
        c.setAt(0, "u8", CMD_READ)
        c.setAt(1, "u16", Reg.FIFO_BYTES)
        c.setAt(3, "u32", 0)
        const n = (await this.transfer(c)).getAt(3, "u32")
        if (n === 0) return undefined
        if (n < FIFO_HEADER_BYTES || n > MAX_RECORD_BYTES) throw new FifoRecordError(0, n)
        const tx = Buffer.alloc(3 + n)
        tx.setAt(0, "u8", CMD_READ_FIFO)
        tx.setAt(1, "u16", n)
        const rx = await this.transfer(tx)
        if (rx.getAt(3 + 2, "u16") !== n) throw new FifoRecordError(rx.getAt(3, "u8"), 0)
        return { buf: rx, off: 3, n: n }
    }

    busyLine(on: boolean): void {
        drive(this.pins.busy, on)
    }
}
