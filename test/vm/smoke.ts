import { describe, test, expect } from "@devicescript/test"
import { allocFrame, sealFrame, frameCheckOk } from "../../devs/link/frame"
import { CodecError, encodeEvent, sizeEvent, EventMsg } from "../../protocol/generated/device-codec"
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

describe("device encoder range checks", () => {
    function whereOf(f: () => void): string {
        try {
            f()
        } catch (e) {
            if (e instanceof CodecError) return e.where + " = " + e.value
            return "other error"
        }
        return "no error"
    }
    const ok: EventMsg = { spillNumber: 1, triggerNumber: 2, timestampTicks: 3, configHash: 4, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits: { n: 1, channel: [1], amplitudeAdc: [100], timeQ8: [256], flags: [0] } }
    test("a scalar out of range names the message and field number", () => {
        const b = Buffer.alloc(64)
        ok.triggerType = 300
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#4 = 300")
        ok.triggerType = 1
        ok.spillNumber = -1
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#0 = -1")
        ok.spillNumber = 1
    })
    test("a structure-of-arrays column value out of range, or missing", () => {
        const b = Buffer.alloc(64)
        ok.hits.amplitudeAdc[0] = 70000
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#7 = 70000")
        ok.hits.amplitudeAdc[0] = 100
        ok.hits.n = 2
        expect(whereOf(() => encodeEvent(b, 0, ok)).indexOf("EVENT#7 = ")).toBe(0)
        ok.hits.n = 1
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("no error")
    })
})
