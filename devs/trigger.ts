// Firmware image of the NA64 trigger board (ESP32-S3 readout controller, boards/na64_trigger_s3.board.json).
// The front end is SPI on hardware and the link (INJECT / FE_WRITE frames) in the simulator or
// when the setting "frontEnd" is "link"; see devs/README.md.
import { pins } from "@dsboard/na64_trigger_s3"
import { Board } from "./board/board"
import { TriggerRole } from "./roles/trigger"
import { SpiFrontEnd } from "./frontend/spi-frontend"
import { PinSpiBus, drive } from "./frontend/spi-bus"

const board = new Board({
    role: new TriggerRole(),
    spiFrontEnd: hz => new SpiFrontEnd(new PinSpiBus({ sck: pins.FE_SCK, mosi: pins.FE_MOSI, miso: pins.FE_MISO, cs: pins.FE_CS }, hz), on => drive(pins.BUSY_OUT, on)),
})
await board.start()
