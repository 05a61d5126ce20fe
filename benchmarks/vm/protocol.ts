// DeviceScript VM side of benchmarks/protocol.ts (run by it with `devs run --tcp`, no GC stress).
// Measures, per operation: one 36-hit EVENT frame encoded and sealed (SHA-256 check), with hit
// columns as number[] and as wire-format Buffers (what the firmware keeps), the same without the
// check, the check alone, decoding, and a table-driven CRC-32 in bytecode for the record; and the
// link authentication (HMAC-SHA256): a host frame's tag checked (CONFIG and INJECT sizes), the HELLO proof.
// ds.millis() only advances when the fiber yields, so each repetition is a run of slices
// with `await ds.sleep(0)` between them; the cost of the yields alone is measured and subtracted.
// Prints "VMBENCH <name> reps=<r> ops=<n> us=<us per op per repetition,...>", then VMBENCH-END,
// then restarts; the host script kills the VM after reading.
import * as ds from "@devicescript/core"
import { digest } from "@devicescript/crypto"
import { allocFrame, sealFrame, frameCheckOk } from "../../devs/link/frame"
import { encodeEvent, decodeEvent, sizeEvent, EventMsg } from "../../protocol/generated/device-codec"
import { HEADER_BYTES } from "../../protocol/schema/limits"
import { AuthState, answerChallenge, checkTag, newAuthState, takeTag } from "../../devs/link/auth"

const REPS = 5
const TARGET_MS = 250
const EVENT_TYPE = 9

/** An event with n hits; columns as number[] (each value range-checked on encode). */
function makeEvent(n: number): EventMsg {
    const channel: number[] = []
    const amplitudeAdc: number[] = []
    const timeQ8: number[] = []
    const flags: number[] = []
    for (let i = 0; i < n; i++) {
        channel.push(i)
        amplitudeAdc.push(5 + ((i * 997) & 4095))
        timeQ8.push(3328 + ((i * 61) & 511))
        flags.push(4)
    }
    return {
        spillNumber: 17,
        triggerNumber: 123456 + n,
        timestampTicks: 0x12345678,
        configHash: 0x5eadbeef,
        triggerType: 1,
        eventFlags: 0,
        energySumKeV: 70000000,
        hits: { n: n, channel: channel, amplitudeAdc: amplitudeAdc, timeQ8: timeQ8, flags: flags },
    }
}

/** The same event with its columns already in wire format (Buffers, blitted), as the firmware keeps them. */
function withBufferColumns(v: EventMsg): EventMsg {
    const h = v.hits
    const n = h.n
    const channel = Buffer.alloc(n)
    const amplitudeAdc = Buffer.alloc(2 * n)
    const timeQ8 = Buffer.alloc(2 * n)
    const flags = Buffer.alloc(n)
    for (let i = 0; i < n; i++) {
        channel.setAt(i, "u8", h.channel[i])
        amplitudeAdc.setAt(2 * i, "u16", h.amplitudeAdc[i])
        timeQ8.setAt(2 * i, "u16", h.timeQ8[i])
        flags.setAt(i, "u8", h.flags[i])
    }
    return {
        spillNumber: v.spillNumber,
        triggerNumber: v.triggerNumber,
        timestampTicks: v.timestampTicks,
        configHash: v.configHash,
        triggerType: v.triggerType,
        eventFlags: v.eventFlags,
        energySumKeV: v.energySumKeV,
        hits: { n: n, channel: channel, amplitudeAdc: amplitudeAdc, timeQ8: timeQ8, flags: flags },
    }
}

function encodeFrameOf(v: EventMsg, seal: boolean): Buffer {
    const f = allocFrame(EVENT_TYPE, 3, 7, sizeEvent(v))
    encodeEvent(f, HEADER_BYTES, v)
    return seal ? sealFrame(f) : f
}

const CRC_TABLE: number[] = []
function initCrc() {
    for (let n = 0; n < 256; n++) {
        let c = n
        for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
        CRC_TABLE.push(c)
    }
}
/** The same table in a Buffer, read with getAt (native u32 loads instead of array indexing). */
const CRC_BUF = Buffer.alloc(1024)
function initCrcBuf() {
    for (let n = 0; n < 256; n++) CRC_BUF.setAt(n * 4, "i32", CRC_TABLE[n])
}
function crc32buf(b: Buffer): number {
    let c = 0xffffffff
    for (let i = 0; i < b.length; i++) c = CRC_BUF.getAt(((c ^ b[i]) & 0xff) << 2, "i32") ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
}
function crc32(b: Buffer): number {
    let c = 0xffffffff
    for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8)
    return (c ^ 0xffffffff) >>> 0
}

/** Milliseconds for `slices` yields with no work. */
async function yieldMs(slices: number): Promise<number> {
    const t0 = ds.millis()
    for (let s = 0; s < slices; s++) await ds.sleep(0)
    return ds.millis() - t0
}

async function runMs(fn: () => void, perSlice: number, slices: number): Promise<number> {
    const t0 = ds.millis()
    for (let s = 0; s < slices; s++) {
        for (let i = 0; i < perSlice; i++) fn()
        await ds.sleep(0)
    }
    return ds.millis() - t0
}

/** perSlice keeps each slice far below the VM's 128 K-opcode watchdog. */
async function bench(name: string, perSlice: number, fn: () => void) {
    // Warm-up, then size the run to about TARGET_MS.
    await runMs(fn, perSlice, 4)
    let slices = 4
    let ms = await runMs(fn, perSlice, slices)
    while (ms < 40) {
        slices = slices * 4
        ms = await runMs(fn, perSlice, slices)
    }
    slices = Math.max(4, Math.round((slices * TARGET_MS) / ms))
    const us: number[] = []
    for (let r = 0; r < REPS; r++) {
        const y = await yieldMs(slices)
        const t = await runMs(fn, perSlice, slices)
        us.push(Math.round(((t - y) * 1000000) / (slices * perSlice)) / 1000)
    }
    console.log("VMBENCH " + name + " reps=" + REPS + " ops=" + slices * perSlice + " us=" + us.join(","))
}

async function main() {
    initCrc()
    initCrcBuf()
    const nine = Buffer.from("123456789", "utf-8")
    if (crc32(nine) !== 0xcbf43926 || crc32buf(nine) !== 0xcbf43926) throw new Error("crc32 self-test failed: " + crc32(nine) + " " + crc32buf(nine))
    const ev0 = makeEvent(0)
    const ev36 = makeEvent(36)
    const ev72 = makeEvent(72)
    const ev36buf = withBufferColumns(ev36)
    const frame36 = encodeFrameOf(ev36, true)
    if (encodeFrameOf(ev36buf, true).toString("hex") !== frame36.toString("hex")) throw new Error("Buffer and number[] columns encode differently")
    console.log("VMBENCH-INFO frame36Bytes=" + frame36.length + " ok=" + frameCheckOk(frame36))
    let sink = 0
    // number[] columns are range-checked value by value (~7 K opcodes for 36 hits): 4 per slice.
    await bench("event36.encode+check", 4, () => {
        sink += encodeFrameOf(ev36, true).length
    })
    await bench("event36.encode+check-buffer-columns", 10, () => {
        sink += encodeFrameOf(ev36buf, true).length
    })
    await bench("event36.encode-no-check", 4, () => {
        sink += encodeFrameOf(ev36, false).length
    })
    await bench("event0.encode+check", 20, () => {
        sink += encodeFrameOf(ev0, true).length
    })
    await bench("event72.encode+check", 2, () => {
        sink += encodeFrameOf(ev72, true).length
    })
    await bench("event36.check-verify+decode", 10, () => {
        if (frameCheckOk(frame36)) sink += decodeEvent(frame36, HEADER_BYTES, frame36.length).hits.n
    })
    await bench("check.seal-sha256-" + frame36.length + "B", 20, () => {
        sink += sealFrame(frame36).length
    })
    await bench("check.sha256-digest-" + frame36.length + "B", 20, () => {
        sink += digest("sha256", frame36).length
    })
    await bench("check.crc32-table-bytecode-" + frame36.length + "B", 10, () => {
        sink += crc32(frame36) & 1
    })
    await bench("check.crc32-buftable-bytecode-" + frame36.length + "B", 10, () => {
        sink += crc32buf(frame36) & 1
    })
    // Authentication (devs/link/auth.ts): the tag of every sequenced host frame, and the proof.
    const key = Buffer.alloc(32)
    for (let i = 0; i < 32; i++) key[i] = i * 7
    const a: AuthState = newAuthState(key)
    const challenge = allocFrame(0x10, 0, 0, 16)
    const hello = allocFrame(0x01, 3, 1, 45)
    answerChallenge(a, sealFrame(challenge), sealFrame(hello), 3)
    const tagFrame = allocFrame(0x12, 0, 0, 20)
    const config = sealFrame(allocFrame(0x02, 0, 1, 1130))
    const inject = sealFrame(allocFrame(0x07, 0, 1, 2359))
    await bench("auth.tag-check-config-" + config.length + "B", 10, () => {
        takeTag(a, tagFrame)
        sink += checkTag(a, config, 0).length
    })
    await bench("auth.tag-check-inject-" + inject.length + "B", 10, () => {
        takeTag(a, tagFrame)
        sink += checkTag(a, inject, 0).length
    })
    await bench("auth.hello-proof", 10, () => {
        a.boardNonce = undefined
        sink += answerChallenge(a, challenge, hello, 3).length
    })
    console.log("VMBENCH-END sink=" + sink)
    ds.restart()
}

main.start()
