// The board's SPI bus to its front end, as the SPI front end uses it: one full-duplex transfer per
// command with chip select held low around it. The real bus drives DeviceScript's global SPI and
// the chip-select pin; VM tests give the front end a fake bus that answers like the hardware.
import * as ds from "@devicescript/core"
import { spi } from "@devicescript/spi"

export interface SpiBus {
    /** Send `tx` with chip select low and return the bytes received meanwhile (same length). */
    transfer(tx: Buffer): Promise<Buffer>
}

/**
 * The runtime's GPIO pins have a native setMode; @devicescript/gpio only adds helpers on top, and
 * importing it also compiles in its polled pin subscriptions (a 100 ms interval timer).
 */
interface NativePin {
    setMode(mode: number): void
}

/** Drive an output pin high or low. */
export function drive(pin: ds.OutputPin, high: boolean): void {
    ;(pin as unknown as NativePin).setMode(high ? ds.GPIOMode.OutputHigh : ds.GPIOMode.OutputLow)
}

export interface SpiPins {
    sck: ds.OutputPin
    mosi: ds.OutputPin
    miso: ds.InputPin
    cs: ds.OutputPin
}

/** DeviceScript's SPI (one global bus) with a GPIO as chip select. */
export class PinSpiBus implements SpiBus {
    constructor(private pins: SpiPins, hz: number) {
        drive(pins.cs, true)
        spi.configure({ sck: pins.sck, mosi: pins.mosi, miso: pins.miso, mode: 0, hz: hz })
    }

    async transfer(tx: Buffer): Promise<Buffer> {
        drive(this.pins.cs, false)
        try {
            return await spi.transfer(tx)
        } finally {
            drive(this.pins.cs, true)
        }
    }
}
