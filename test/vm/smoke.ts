import { describe, test, expect } from "@devicescript/test"
import { allocFrame, sealFrame, frameCheckOk } from "../../devs/link/frame"
import { encodeEvent, sizeEvent, EventMsg } from "../../protocol/generated/device-codec"
import { HEADER_BYTES } from "../../protocol/schema/limits"

describe("frame", () => {
    test("event frame", () => {
        const v: EventMsg = { spillNumber: 1, triggerNumber: 2, timestampTicks: 3, configHash: 4, triggerType: 1, eventFlags: 0, energySumKeV: 70000000, hits: { n: 2, channel: [1, 2], amplitudeAdc: [100, 4095], timeQ8: [256, 512], flags: [0, 1] } }
        const f = allocFrame(9, 3, 7, sizeEvent(v))
        encodeEvent(f, HEADER_BYTES, v)
        sealFrame(f)
        console.log(f.toString("hex"))
        expect(frameCheckOk(f)).toBe(true)
        expect(f.toString("hex")).toBe("4ea61009030023000700000040747187010000000200000003000000040000000100801d2c040201026400ff0f000100020001")
    })
})
