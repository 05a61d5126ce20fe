import { describe, test, expect } from "@devicescript/test"
import { allocFrame, sealFrame, frameCheckOk } from "../../devs/link/frame"
import { CodecError, ConfigNackMsg, decodeFifoEvent, encodeConfigNack, encodeEvent, sizeEvent, EventMsg } from "../../protocol/generated/device-codec"
import { HEADER_BYTES } from "../../protocol/schema/limits"

describe("frame", () => {
    test("event frame", () => {
        const v: EventMsg = { spillNumber: 1, triggerNumber: 2, timestampTicks: 3, configHash: 4, triggerType: 1, eventFlags: 0, energySumKeV: 70000000, hits: { n: 2, channel: [1, 2], amplitudeAdc: [100, 4095], timeQ8: [256, 512], flags: [0, 1] } }
        const f = allocFrame(9, 3, 7, sizeEvent(v))
        encodeEvent(f, HEADER_BYTES, v)
        sealFrame(f)
        console.log(f.toString("hex"))
        expect(frameCheckOk(f)).toBe(true)
        expect(f.toString("hex")).toBe("4ea612090300230007000000808cce6c010000000200000003000000040000000100801d2c040201026400ff0f000100020001")
    })
})

/** What a codec call threw: "where = value" of a CodecError, "other error" or "no error". */
function whereOf(f: () => void): string {
    try {
        f()
    } catch (e) {
        if (e instanceof CodecError) return e.where + " = " + e.value
        return "other error"
    }
    return "no error"
}

describe("device encoder range checks", () => {
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
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#7 length = 1")
        ok.hits.n = 1
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("no error")
    })
    test("integers must be whole, floats finite", () => {
        const b = Buffer.alloc(64)
        ok.triggerNumber = 2.5
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#1 = 2.5")
        ok.triggerNumber = 2
        ok.hits.timeQ8[0] = -0.5
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#7 = -0.5")
        ok.hits.timeQ8[0] = 256
        const nack: ConfigNackMsg = { configVersion: 1, reason: 2, fieldId: 3, index: 4, value: Infinity }
        expect(whereOf(() => encodeConfigNack(b, 0, nack))).toBe("CONFIG_NACK#4 = Infinity")
        nack.value = 0.25
        expect(whereOf(() => encodeConfigNack(b, 0, nack))).toBe("no error")
    })
    test("a hit count above its bound is refused before anything is written", () => {
        const b = Buffer.alloc(64)
        ok.hits.n = 73
        expect(whereOf(() => encodeEvent(b, 0, ok))).toBe("EVENT#7 count = 73")
        ok.hits.n = 1
    })
})

describe("device decoder errors", () => {
    test("a short head, a count above its bound and a short column are told apart", () => {
        // FIFO_EVENT: triggerNumber u32, timestampTicks u32, triggerType u8, windowSamples u8,
        // channels (u8 count, at most 72), samples (u16 count).
        const rec = Buffer.alloc(14)
        expect(whereOf(() => decodeFifoEvent(rec, 0, 9))).toBe("FIFO_EVENT#0 truncated = 9")
        rec[10] = 73
        expect(whereOf(() => decodeFifoEvent(rec, 0, 14))).toBe("FIFO_EVENT#4 count = 73")
        rec[10] = 2
        expect(whereOf(() => decodeFifoEvent(rec, 0, 12))).toBe("FIFO_EVENT#4 truncated = 1")
        rec[10] = 1
        expect(whereOf(() => decodeFifoEvent(rec, 0, 14))).toBe("no error")
    })
})
