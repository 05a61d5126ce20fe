// DeviceScript VM side of benchmarks/firmware.ts (run with `devs run --tcp`, no GC stress). The bench
// host sends, per workload, a CONFIG frame, INJECT frames with FIFO EVENT records and a
// RUN_CONTROL frame whose action picks the measurement:
//   1: time the firmware's per-event path (processChannels in the firmware's slices, event flags,
//      energy, EVENT frame encoded and sealed) over the records, repeated; the cost of the yields
//      alone is measured and subtracted; the median of 5 rounds of 0.4 s is reported.
//      Prints "FWBENCH <label> rounds=<us,...> us=<us per event>".
//   2: opcodes: K events in one slice for K = 1, 2, ... printing "FWOPS <label> ok <K>" after each;
//      the VM's 128 K-opcode watchdog ends the program at the first K that does not fit, which
//      brackets the opcodes per event. The host kills the VM afterwards.
// The board id and host port come from the device id, as for the firmware images.
import * as ds from "@devicescript/core"
import { connect } from "@devicescript/net"
import { HEADER_BYTES } from "../../protocol/schema/limits"
import { BoardRole, MsgType } from "../../protocol/schema/enums"
import { ConfigMsg, EventMsg, FifoEventRec, decodeConfig, decodeFifoEvent, decodeInject, decodeRunControl, encodeEvent, sizeEvent } from "../../protocol/generated/device-codec"
import { DigitiserEvent, energySumKeV, finishEvent, processChannels } from "../../devs/ds-core/digitiser"
import { SampleBlock, pulseWindowOf } from "../../devs/core/hits"
import { PulseWindow } from "../../devs/core/pulse"
import { benchPortFromDeviceId } from "../../devs/core/board-id"
import { allocFrame, sealFrame } from "../../devs/link/frame"
import { FrameReader } from "../../devs/link/frame-reader"

const YIELD_SAMPLES = 384 // as devs/board/board.ts
const TARGET_MS = 400
/** Timing rounds per workload (odd: the median is reported). */
const ROUNDS = 5

let config: ConfigMsg = undefined
let window: PulseWindow = undefined
let slice = 16
let records: FifoEventRec[] = []
let label = ""
const ev = new DigitiserEvent()
const block: SampleBlock = { channels: undefined, buf: undefined, off: 0 }
const msg: EventMsg = { spillNumber: 1, triggerNumber: 0, timestampTicks: 0, configHash: 0x5eadbeef, triggerType: 1, eventFlags: 0, energySumKeV: 0, hits: undefined }
let sink = 0

/** The firmware's per-event work for one record, with its yields between channel slices. */
function processOne(r: FifoEventRec): void {
    block.channels = r.channels
    block.buf = r.samples.buf
    block.off = r.samples.off
    ev.reset()
    const n = r.channels.length
    for (let from = 0; from < n; from += slice) processChannels(config, window, block, from, from + slice < n ? from + slice : n, ev)
    msg.eventFlags = finishEvent(config, ev)
    msg.energySumKeV = config.role === BoardRole.CALORIMETER ? energySumKeV(ev.energyEv) : 0
    msg.triggerNumber = r.triggerNumber
    msg.timestampTicks = r.timestampTicks
    msg.hits = ev.hits
    const f = allocFrame(MsgType.EVENT, 3, 1, sizeEvent(msg))
    encodeEvent(f, HEADER_BYTES, msg)
    sealFrame(f)
    sink += f.length
}

/** The same, yielding between slices as the firmware does (one yield per slice boundary). */
async function processYielding(r: FifoEventRec): Promise<number> {
    const n = r.channels.length
    const slices = Math.floor((n + slice - 1) / slice)
    processOne(r)
    for (let i = 1; i < slices; i++) await ds.sleep(0)
    return slices
}

/** One timing round of about TARGET_MS: us per event, the cost of the yields subtracted. */
async function timingRound(): Promise<number> {
    // Yield cost: one ds.sleep(0) per event plus one per extra slice, measured alone.
    let yields = 0
    let events = 0
    const t0 = ds.millis()
    while (ds.millis() - t0 < TARGET_MS) {
        for (let i = 0; i < records.length; i++) {
            yields += await processYielding(records[i])
            await ds.sleep(0)
            events++
        }
    }
    const busyMs = ds.millis() - t0
    const y0 = ds.millis()
    for (let i = 0; i < yields + events; i++) await ds.sleep(0)
    const yieldMs = ds.millis() - y0
    return ((busyMs - yieldMs) * 1000) / events
}

/** ROUNDS timing rounds; the median is reported (the VM shares the machine with the host). */
async function timing(): Promise<void> {
    const us: number[] = []
    for (let r = 0; r < ROUNDS; r++) us.push(await timingRound())
    us.sort((a, b) => a - b)
    let all = ""
    for (let r = 0; r < ROUNDS; r++) all += (r > 0 ? "," : "") + Math.round(us[r])
    console.log("FWBENCH " + label + " rounds=" + all + " us=" + Math.round(us[ROUNDS >> 1]))
}

async function opcodes(): Promise<void> {
    // Start each attempt at the beginning of a slice.
    for (let k = 1; k < 400; k++) {
        await ds.sleep(1)
        for (let i = 0; i < k; i++) processOne(records[i % records.length])
        console.log("FWOPS " + label + " ok " + k)
    }
}

const port = benchPortFromDeviceId(ds.deviceIdentifier("self"))
const sock = await connect({ host: "127.0.0.1", port: port, proto: "tcp" })
let mode = 0
const reader = new FrameReader(f => {
    const type = f.getAt(3, "u8")
    const end = HEADER_BYTES + f.getAt(6, "u16")
    if (type === MsgType.CONFIG) {
        config = decodeConfig(f, HEADER_BYTES, end)
        window = pulseWindowOf(config)
        slice = Math.floor(YIELD_SAMPLES / config.windowSamples)
        if (slice < 1) slice = 1
        records = []
    } else if (type === MsgType.INJECT) {
        const v = decodeInject(f, HEADER_BYTES, end)
        let o = v.records.off
        const stop = o + v.records.n
        while (o < stop) {
            const len = f.getAt(o + 2, "u16")
            records.push(decodeFifoEvent(f, o + 4, o + len))
            o += len
        }
    } else if (type === MsgType.RUN_CONTROL) {
        const r = decodeRunControl(f, HEADER_BYTES, end)
        mode = r.action
        label = "w" + r.runNumber
    }
})
await sock.send(Buffer.from("ready"))
for (;;) {
    const chunk = await sock.recv()
    if (!chunk) break
    reader.push(chunk)
    if (mode === 0) continue
    if (mode === 1) await timing()
    else await opcodes()
    mode = 0
    records = []
    await sock.send(Buffer.from("done"))
}
console.log("FWBENCH-END " + sink)
