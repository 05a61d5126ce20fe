// One readout board: identity, configuration (validate, apply, persist, restore), run control, the
// readout loop over the front-end FIFO and the frames it sends. Role-specific processing of FIFO
// EVENT / TRIGGER records is in devs/roles/; the link rules are in devs/link/host-link.ts.
import * as ds from "@devicescript/core"
import { DEFAULT_PORT, HEADER_BYTES, MAX_FIFO_RECORD_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits"
import {
    BoardRole,
    BoardState,
    Capability,
    FifoKind,
    FrameFault,
    FrontEndKind,
    LogCode,
    LogLevel,
    MsgType,
    NackReason,
    RunAction,
} from "../../protocol/schema/enums"
import { ConfigField } from "../../protocol/generated/config-fields"
import { Reg } from "../../protocol/generated/registers"
import {
    CodecError,
    ConfigMsg,
    FifoSpillEndRec,
    ReadoutMsg,
    ScalersMsg,
    View,
    decodeConfig,
    decodeFifoSpillBegin,
    decodeFifoSpillEnd,
    decodeInject,
    decodeRunControl,
    encodeConfigAck,
    encodeConfigNack,
    encodeHello,
    encodeReadout,
    encodeScalers,
    encodeStatus,
    sizeConfig,
    sizeReadout,
    sizeScalers,
    sizeStatus,
} from "../../protocol/generated/device-codec"
import { ConfigProblem, channelCapacity, NO_INDEX } from "../ds-core/config-check"
import { RegWrites, ctrlValue, zeroSuppression } from "../ds-core/config-regs"
import { RunState } from "../core/run-control"
import { SpillCounters, deadTimePpm, fillScalers } from "../core/scalers"
import { TriggerSequence } from "../core/trigger-sequence"
import { benchPortFromDeviceId, boardIdFromDeviceId, validBoardId } from "../core/board-id"
import { HostLink } from "../link/host-link"
import { LinkLimits, linkLimitsFor } from "../core/link-policy"
import { allocFrame, sealFrame } from "../link/frame"
import { FifoRecordError, FrontEnd, FIFO_HEADER_BYTES } from "../frontend/frontend"
import { LinkFrontEnd } from "../frontend/link-frontend"
import { boardKey } from "../link/auth"
import { KEY_AUTH, KEY_BOARD_ID, KEY_FRONT_END, KEY_HOST, KEY_PORT, countBoot, loadStoredConfig, readNumber, readString, storeConfig } from "./flash"
import { configHashOf } from "./config-hash"

export const FW_MAJOR = 1
export const FW_MINOR = 0
export const FW_PATCH = 0

/**
 * Resend ring: 64 frames, 8 KB, of which 4 frames / 1 KB are kept for control frames. The host
 * acknowledges every 1 KB (and every 32 frames or 20 ms), so data frames rarely wait for room; a
 * READOUT frame is at most 2.4 KB (one waveform record).
 */
const RING_LOG2 = 6
const RING_BYTES = 8192
const RESERVE_FRAMES = 4
const RESERVE_BYTES = 1024
/**
 * FIFO records forwarded between two yields. A record costs under a hundred VM operations and a
 * READOUT frame a few hundred, far below the VM's 128 K-operation watchdog.
 */
const YIELD_RECORDS = 200
/** Bytes of forwarded records one READOUT frame carries at most: one largest record. */
const READOUT_STAGE_BYTES = MAX_FIFO_RECORD_BYTES
const HEARTBEAT_MS = 1000
/** SPI front end: bursts read per turn of the worker, and the wait when the FIFO is empty. */
const SPI_BURSTS_PER_TURN = 4
const SPI_IDLE_MS = 2
const SPI_HZ = 8000000
const STATUS_BYTES = 30

/**
 * What is particular to a board role: its configuration checks and registers, and what it does
 * with the FIFO records that carry data. An image links only its own role's code.
 */
export interface Role {
    /** BoardRole. */
    readonly role: number
    /** The FIFO record kind carrying one trigger: FEATURES (digitisers) or TRIGGER (trigger board). */
    readonly dataKind: number
    /** The link's output buffer (LinkOptions.outBytes): what one turn of this role's work sends. */
    readonly outBytes: number
    /** The first problem of a configuration for this role (config-check.ts), or undefined. */
    check(c: ConfigMsg): ConfigProblem | undefined
    /** Append the registers of a configuration (CTRL excluded; config-regs.ts). */
    registers(c: ConfigMsg, out: RegWrites): void
    /** A configuration was applied. */
    configure(b: Board): void
    /**
     * One FIFO record other than the spill boundaries (the board configured), `len` bytes at `at`
     * of `buf`, header included: check it, decide, count it and forward it (Board.forward). False
     * when this role does not take records of this kind.
     */
    onRecord(b: Board, kind: number, buf: Buffer, at: number, len: number): Promise<boolean>
    /** Per-spill work at SPILL_END after SCALERS went out. */
    onSpillEnd(b: Board, rec: FifoSpillEndRec): void
}

/** How the entry point of an image builds its board. */
export interface BoardSpec {
    role: Role
    /** The SPI front end on hardware (its pins come from the board definition). */
    spiFrontEnd: (hz: number) => FrontEnd
}

export class Board {
    readonly role: Role
    id = 0
    bootCount = 0
    link: HostLink
    fe: FrontEnd
    linkFe: LinkFrontEnd = null
    run = new RunState()
    /** The applied configuration, its encoded payload and hash; undefined until configured. */
    config: ConfigMsg = undefined
    configPayload: Buffer = undefined
    configHash = 0
    /** Largest host frame and receive window announced on the current connection. */
    limits: LinkLimits = linkLimitsFor()
    spillNumber = 0
    counters = new SpillCounters()
    /** Trigger numbering of the current spill (the roles check each record against it). */
    triggers = new TriggerSequence()
    /** Records forwarded since the last READOUT frame (Board.forward), in wire format. */
    batch: Buffer = Buffer.alloc(READOUT_STAGE_BYTES)
    private batchBytes = 0
    private readout: ReadoutMsg = { spillNumber: 0, configHash: 0, records: { buf: undefined, off: 0, n: 0 } }
    /** The one-register write of CTRL (the full register list is built when needed, then dropped). */
    private ctrlRegs = new RegWrites()
    private busy = false
    private workRecords = 0
    private resentAtSpillStart = 0
    errorCount = 0
    lastErrorCode = 0
    private droppedUnconfigured = 0
    private scalers: ScalersMsg = {
        runNumber: 0,
        spillNumber: 0,
        spillTicks: 0,
        deadTicks: 0,
        beamCoincidences: 0,
        rawTriggers: [0, 0, 0, 0],
        acceptedTriggers: [0, 0, 0, 0],
        inhibitedBusy: 0,
        inhibitedDead: 0,
        fifoRecords: 0,
        fifoMaxDepth: 0,
        eventsSent: 0,
        hitsSent: 0,
        framesResent: 0,
        busyTicks: 0,
        channels: { n: 0, channel: [], hits: [] },
    }

    constructor(private spec: BoardSpec) {
        this.role = spec.role
    }

    // ---- start-up ----

    async start(): Promise<void> {
        const devId = ds.deviceIdentifier("self")
        const stored = await readNumber(KEY_BOARD_ID, 0)
        this.id = validBoardId(stored) ? stored : boardIdFromDeviceId(devId)
        this.bootCount = await countBoot()
        const host = await readString(KEY_HOST, "127.0.0.1")
        const benchPort = benchPortFromDeviceId(devId)
        const port = await readNumber(KEY_PORT, benchPort > 0 ? benchPort : DEFAULT_PORT)
        const key = boardKey(await readString(KEY_AUTH, ""))
        this.link = new HostLink({
            host: host,
            port: port,
            boardId: this.id,
            ringLog2: RING_LOG2,
            ringBytes: RING_BYTES,
            reserveFrames: RESERVE_FRAMES,
            reserveBytes: RESERVE_BYTES,
            rxLimit: linkLimitsFor().rxWindowFrames,
            outBytes: this.role.outBytes,
            key: key,
        })
        // DeviceScript closures cannot use `this`.
        const self = this
        this.link.helloSource = this
        const feSetting = await readString(KEY_FRONT_END, ds.isSimulator() ? "link" : "spi")
        if (feSetting === "spi") {
            this.fe = this.spec.spiFrontEnd(SPI_HZ)
        } else {
            this.linkFe = new LinkFrontEnd(this.link)
            this.fe = this.linkFe
        }
        // The configuration in flash is adopted before the first HELLO (which carries its hash);
        // its register writes follow the HELLO on the link front end, so HELLO is the first frame
        // of a boot (seq 1) and the host sees every frame after it.
        const restored = await this.loadConfig()
        if (restored && this.fe.kind === FrontEndKind.SPI) await this.restoreRegisters(restored)
        const linkRun = async () => {
            await self.link.run()
        }
        linkRun.start()
        const beat = async () => {
            for (;;) {
                await ds.sleep(HEARTBEAT_MS)
                if (self.link.connected() && self.link.hasRoom(HEADER_BYTES + STATUS_BYTES, true)) {
                    self.sendStatus()
                    self.link.flush()
                }
            }
        }
        beat.start()
        if (ds.isSimulator()) {
            // The WASM VM runs its loop on timers and socket data does not wake it: a short timer
            // keeps the latency of host frames at about a millisecond instead of ~10 ms.
            const tick = async () => {
                for (;;) await ds.sleep(1)
            }
            tick.start()
        }
        if (restored) {
            await this.link.firstHello()
            if (this.fe.kind !== FrontEndKind.SPI) await this.restoreRegisters(restored)
            if (this.config) this.link.log(LogLevel.INFO, LogCode.CONFIG_RESTORED, restored.configVersion, this.configHash, "")
        }
        await this.work()
    }

    /** The persisted configuration, adopted (not yet written to the front end), or undefined. */
    private async loadConfig(): Promise<ConfigMsg> {
        const payload = await loadStoredConfig()
        if (!payload) return undefined
        let c: ConfigMsg
        try {
            c = decodeConfig(payload, 0, payload.length)
        } catch (e) {
            return undefined
        }
        if (this.role.check(c)) return undefined
        this.adopt(c, payload)
        return c
    }

    /** Write the restored configuration's registers; on failure the board stays unconfigured. */
    private async restoreRegisters(c: ConfigMsg): Promise<void> {
        try {
            await this.fe.writeRegisters(this.registersOf(c))
        } catch (e) {
            this.config = undefined
            this.configPayload = undefined
            this.configHash = 0
            this.run.state = BoardState.UNCONFIGURED
            this.error(ConfigField.NONE, "front end refused the restored configuration: " + e)
        }
    }

    // ---- main loop ----

    private async work(): Promise<void> {
        for (;;) {
            const link = this.link
            const spi = this.fe.kind === FrontEndKind.SPI && this.config !== undefined && this.run.running()
            if (link.inbox.length === 0 && spi) {
                if ((await this.drainFifo(SPI_BURSTS_PER_TURN)) === 0) {
                    link.flush()
                    await ds.sleep(SPI_IDLE_MS)
                }
                continue
            }
            let f = await link.nextHostFrame(1000)
            if (!f) continue
            const epoch = link.epoch
            const seq = f.getAt(8, "u32")
            // A board with a key acts only on authenticated host frames (devs/link/auth.ts).
            if (link.authentic(f)) {
                try {
                    await this.onHostFrame(f)
                } catch (e) {
                    this.error(0xffff, "host frame: " + e)
                }
            } else this.errorCount++
            // Drop the (up to 8 KB) frame before acknowledging it: the host's next frame follows
            // the ACK, and both must not be on the heap at once.
            f = undefined
            link.ackHost(seq, epoch)
        }
    }

    private async onHostFrame(f: Buffer): Promise<void> {
        const type = f.getAt(3, "u8")
        const minor = f.getAt(2, "u8") & 0x0f
        const end = HEADER_BYTES + f.getAt(6, "u16")
        switch (type) {
            case MsgType.CONFIG:
                await this.onConfig(f, HEADER_BYTES, end, minor)
                break
            case MsgType.CONFIG_READ:
                await this.onConfigRead()
                break
            case MsgType.RUN_CONTROL:
                await this.onRunControl(f, end)
                break
            case MsgType.INJECT:
                await this.onInject(f, end)
                break
            default:
                // A type this firmware does not take (a newer host): acknowledged and ignored.
                this.link.fault(FrameFault.TYPE, type)
        }
    }

    // ---- configuration ----

    private async nack(version: number, reason: number, fieldId: number, index: number, value: number): Promise<void> {
        await this.link.waitRoom(HEADER_BYTES + 13, true)
        const f = this.link.frame(MsgType.CONFIG_NACK, 13)
        encodeConfigNack(f, HEADER_BYTES, { configVersion: version, reason: reason, fieldId: fieldId, index: index, value: value })
        this.link.commit(f)
    }

    private async onConfig(f: Buffer, off: number, end: number, minor: number): Promise<void> {
        const version = end - off >= 4 ? f.getAt(off, "u32") : 0
        if (this.run.running()) return await this.nack(version, NackReason.BUSY_IN_RUN, ConfigField.NONE, NO_INDEX, this.run.state)
        let c: ConfigMsg
        try {
            c = decodeConfig(f, off, end)
        } catch (e) {
            return await this.nack(version, NackReason.MALFORMED, ConfigField.NONE, NO_INDEX, end - off)
        }
        // A payload of our own (or an older) minor version must be exactly the CONFIG layout.
        if (minor <= PROTO_MINOR && sizeConfig(c) !== end - off) return await this.nack(version, NackReason.MALFORMED, ConfigField.NONE, NO_INDEX, end - off)
        const p = this.role.check(c)
        if (p) return await this.nack(version, p.reason, p.fieldId, p.index, p.value)
        const payload = f.slice(off, end)
        if (!(await this.applyConfig(c, payload, true))) return await this.nack(version, NackReason.STORAGE_FAILED, ConfigField.NONE, NO_INDEX, 0)
    }

    /**
     * Write the front-end registers, then switch to the new configuration; with `persist`, save it
     * and answer CONFIG_ACK. Returns false (nothing changed) when the front end refused the writes.
     */
    private async applyConfig(c: ConfigMsg, payload: Buffer, persist: boolean): Promise<boolean> {
        try {
            await this.fe.writeRegisters(this.registersOf(c))
        } catch (e) {
            this.error(ConfigField.NONE, "front end refused the configuration: " + e)
            if (this.config) {
                try {
                    await this.fe.writeRegisters(this.registersOf(this.config))
                } catch (e2) {}
            }
            return false
        }
        this.adopt(c, payload)
        if (!persist) return true
        const saved = await storeConfig(payload)
        await this.link.waitRoom(HEADER_BYTES + 10, true)
        const f = this.link.frame(MsgType.CONFIG_ACK, 10)
        encodeConfigAck(f, HEADER_BYTES, { configVersion: c.configVersion, configHash: this.configHash, channelCount: c.channels.n, persisted: saved ? 1 : 0 })
        this.link.commit(f)
        return true
    }

    /** Every register `c` sets, CTRL first (run enable off: a configuration is applied outside runs). */
    private registersOf(c: ConfigMsg): RegWrites {
        const w = new RegWrites()
        w.add(Reg.CTRL, ctrlValue(false, this.busy, zeroSuppression(c)))
        this.role.registers(c, w)
        return w
    }

    /** Switch to configuration `c` (its registers are written). */
    private adopt(c: ConfigMsg, payload: Buffer): void {
        this.config = c
        this.configPayload = payload
        this.configHash = configHashOf(payload)
        this.run.configured()
        this.role.configure(this)
    }

    private async onConfigRead(): Promise<void> {
        const p = this.configPayload
        if (!p) {
            this.link.log(LogLevel.WARN, LogCode.NOT_CONFIGURED, 0, 0, "")
            return
        }
        await this.link.waitRoom(HEADER_BYTES + p.length, true)
        const f = this.link.frame(MsgType.CONFIG, p.length)
        f.blitAt(HEADER_BYTES, p, 0, p.length)
        this.link.commit(f)
    }

    // ---- run control ----

    private async onRunControl(f: Buffer, end: number): Promise<void> {
        const r = decodeRunControl(f, HEADER_BYTES, end)
        const wasRunning = this.run.running()
        if (!this.run.apply(r.action, r.runNumber, r.spillNumber, r.configHash, this.configHash)) {
            this.link.log(LogLevel.WARN, LogCode.RUN_REFUSED, r.action, this.run.state, r.configHash === this.configHash ? "" : "config hash differs")
        } else {
            if (r.action === RunAction.BEGIN_RUN) {
                this.triggers.spillBegin()
                this.counters.reset()
            }
            if (this.run.running() !== wasRunning) await this.writeCtrl()
        }
        await this.link.waitRoom(HEADER_BYTES + STATUS_BYTES, true)
        this.sendStatus()
    }

    private async writeCtrl(): Promise<void> {
        const w = this.ctrlRegs
        w.clear()
        w.add(Reg.CTRL, ctrlValue(this.run.running(), this.busy, this.config ? zeroSuppression(this.config) : false))
        await this.fe.writeRegisters(w)
    }

    // ---- readout ----

    private async onInject(f: Buffer, end: number): Promise<void> {
        if (!this.linkFe) {
            this.link.log(LogLevel.WARN, LogCode.INJECT_IGNORED, 0, 0, "")
            return
        }
        const v = decodeInject(f, HEADER_BYTES, end)
        this.linkFe.feed(v.records)
        await this.drainFifo(1)
        if (this.droppedUnconfigured > 0) {
            this.link.log(LogLevel.WARN, LogCode.RECORDS_UNCONFIGURED, this.droppedUnconfigured, 0, "")
            this.droppedUnconfigured = 0
        }
    }

    /**
     * Read and process up to `max` bursts of FIFO records (an SPI read, or an INJECT frame's
     * records), then send what they produced; returns how many bursts were read.
     */
    private async drainFifo(max: number): Promise<number> {
        let n = 0
        while (n < max) {
            let v: View
            try {
                v = await this.fe.nextRecords()
            } catch (e) {
                if (e instanceof FifoRecordError) this.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, e.kind, e.offset, "")
                else this.error(0xfffe, "front end: " + e)
                break
            }
            if (!v) break
            n++
            await this.processRecords(v)
        }
        await this.flushReadout()
        return n
    }

    /** Every whole record of `v`, in order; a record that does not fit what is left ends the burst. */
    private async processRecords(v: View): Promise<void> {
        const b = v.buf
        const end = v.off + v.n
        let at = v.off
        while (at < end) {
            const len = end - at >= FIFO_HEADER_BYTES ? b.getAt(at + 2, "u16") : 0
            const kind = b.getAt(at, "u8")
            if (len < FIFO_HEADER_BYTES || at + len > end) {
                this.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, kind, at - v.off, "")
                return
            }
            try {
                await this.processRecord(kind, b, at, len)
            } catch (e) {
                if (e instanceof CodecError) this.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, kind, at - v.off, e.where)
                else throw e
            }
            at += len
            if (++this.workRecords >= YIELD_RECORDS) {
                this.workRecords = 0
                await ds.sleep(0)
            }
        }
    }

    private async processRecord(kind: number, b: Buffer, at: number, len: number): Promise<void> {
        if (kind === FifoKind.SPILL_BEGIN) return await this.onSpillBegin(decodeFifoSpillBegin(b, at + FIFO_HEADER_BYTES, at + len).spillNumber)
        if (kind === FifoKind.SPILL_END) return await this.onSpillEnd(decodeFifoSpillEnd(b, at + FIFO_HEADER_BYTES, at + len))
        if (!this.config) {
            this.droppedUnconfigured++
            return
        }
        if (!(await this.role.onRecord(this, kind, b, at, len))) this.link.log(LogLevel.ERROR, LogCode.BAD_FIFO_RECORD, kind, at, kind === FifoKind.EVENT || kind === FifoKind.TRIGGER || kind === FifoKind.FEATURES ? "role" : "")
    }

    /**
     * Forward `len` bytes of a FIFO record at `at` of `buf` in the READOUT frame being filled (sent
     * first when the record does not fit); returns the record's offset in `batch`.
     */
    async forward(buf: Buffer, at: number, len: number): Promise<number> {
        if (this.batchBytes + len > READOUT_STAGE_BYTES) await this.flushReadout()
        const o = this.batchBytes
        this.batch.blitAt(o, buf, at, len)
        this.batchBytes = o + len
        return o
    }

    /** Send the forwarded records as one READOUT frame of the current spill. */
    async flushReadout(): Promise<void> {
        const n = this.batchBytes
        if (n === 0) return
        const v = this.readout
        v.spillNumber = this.spillNumber
        v.configHash = this.configHash
        v.records.buf = this.batch
        v.records.n = n
        await this.sendData(MsgType.READOUT, v, sizeReadout(v), encodeReadout)
        this.batchBytes = 0
    }

    /** Count and log a jump in the trigger numbering (FIFO EVENT / TRIGGER records). */
    checkTriggerNumber(n: number): void {
        const d = this.triggers.next(n)
        if (d === 0) return
        if (d > 0) this.counters.triggerGaps += d
        this.link.log(LogLevel.WARN, LogCode.TRIGGER_GAP, n, d, "")
    }

    /** The spill whose SPILL_END was processed last (-1: none this boot). */
    private spillEnded = -1

    private async onSpillBegin(spill: number): Promise<void> {
        // Host frames are delivered at least once: an INJECT processed just before a reconnect comes
        // again, and its SPILL_BEGIN must not restart the spill's counters (issue 11, defect 5).
        if (spill !== 0 && spill === this.spillNumber) return
        await this.flushReadout()
        if (this.role.role === BoardRole.TRIGGER && this.spillNumber !== 0 && spill !== this.spillNumber + 1)
            this.link.log(LogLevel.WARN, LogCode.SPILL_GAP, spill, this.spillNumber, "")
        this.spillNumber = spill
        this.counters.reset()
        this.triggers.spillBegin()
        this.resentAtSpillStart = this.link.framesResent
    }

    private async onSpillEnd(r: FifoSpillEndRec): Promise<void> {
        if (r.spillNumber === this.spillEnded) return // the same SPILL_END again (see onSpillBegin)
        this.spillEnded = r.spillNumber
        // SCALERS come after the spill's last data frame.
        await this.flushReadout()
        const k = this.counters
        k.framesResent = this.link.framesResent - this.resentAtSpillStart
        const n = this.config ? this.config.channels.n : 0
        fillScalers(this.scalers, r, k, this.role.role, this.run.runNumber, n)
        await this.sendData(MsgType.SCALERS, this.scalers, sizeScalers(this.scalers), encodeScalers)
        this.role.onSpillEnd(this, r)
        k.reset()
        this.resentAtSpillStart = this.link.framesResent
    }

    // ---- data frames ----

    /**
     * Send a data frame (EVENT, TRIGGER, SCALERS) of `size` payload bytes: wait for room in the
     * resend ring (BUSY meanwhile), encode `v` into it, commit it to the link.
     */
    async sendData<T>(type: number, v: T, size: number, encode: (f: Buffer, o: number, v: T) => number): Promise<void> {
        await this.reserve(HEADER_BYTES + size)
        const f = this.link.frame(type, size)
        encode(f, HEADER_BYTES, v)
        this.link.commit(f)
    }

    /**
     * Make ring room for a data frame of `bytes`. While the ring holds only unacknowledged frames
     * the board is BUSY: CTRL.BUSY and the busy line are set (the trigger logic inhibits triggers)
     * and no FIFO record is read; it clears once the host's ACKs have emptied half of the ring.
     */
    private async reserve(bytes: number): Promise<void> {
        const link = this.link
        if (link.hasRoom(bytes, false)) return
        await this.setBusy(true)
        const ring = link.ring
        while (!link.hasRoom(bytes, false) || ring.count * 2 > ring.capacity() || ring.bytes * 2 > ring.maxBytes) await link.waitAck(1000)
        await this.setBusy(false)
    }

    private async setBusy(on: boolean): Promise<void> {
        if (this.busy === on) return
        this.busy = on
        this.fe.busyLine(on)
        this.link.log(LogLevel.INFO, LogCode.BUSY, on ? 1 : 0, this.link.ring.count, "")
        await this.writeCtrl()
    }

    // ---- status ----

    /** The sealed HELLO of a new connection (HostLink calls it). */
    hello(seq: number, ringOldestSeq: number): Buffer {
        // The limits of this connection follow the configuration applied now.
        this.limits = linkLimitsFor()
        this.link.opts.rxLimit = this.limits.rxWindowFrames
        const f = allocFrame(MsgType.HELLO, this.id, seq, 45)
        const c = this.config
        encodeHello(f, HEADER_BYTES, {
            role: this.role.role,
            fwMajor: FW_MAJOR,
            fwMinor: FW_MINOR,
            fwPatch: FW_PATCH,
            protoMajor: PROTO_MAJOR,
            protoMinor: PROTO_MINOR,
            channelCount: channelCapacity(this.role.role),
            frontEnd: this.fe.kind,
            capabilities:
                Capability.RESEND_RING |
                Capability.PERSISTENT_CONFIG |
                Capability.FLOW_CONTROL |
                (this.fe.kind === FrontEndKind.LINK ? Capability.FE_WRITE_MIRROR : 0) |
                (this.link.keyed() ? Capability.AUTH : 0),
            bootCount: this.bootCount,
            uptimeMs: ds.millis(),
            state: this.run.state,
            configVersion: c ? c.configVersion : 0,
            configHash: this.configHash,
            runNumber: this.run.runNumber,
            spillNumber: this.spillNumber,
            ringOldestSeq: ringOldestSeq,
            rxWindowFrames: this.limits.rxWindowFrames,
            maxPayloadBytes: this.limits.maxPayloadBytes,
        })
        return sealFrame(f)
    }

    sendStatus(): void {
        const v = {
            state: this.run.state,
            runNumber: this.run.runNumber,
            spillNumber: this.spillNumber,
            configHash: this.configHash,
            uptimeMs: ds.millis(),
            bootCount: this.bootCount,
            eventsPending: this.linkFe ? (this.linkFe.pendingBytes() > 0 ? 1 : 0) : 0,
            ringUsed: this.link.ring.count,
            busy: this.busy ? 1 : 0,
            errorCount: this.errorCount > 0xffff ? 0xffff : this.errorCount,
            lastErrorCode: this.lastErrorCode,
        }
        const f = this.link.frame(MsgType.STATUS, sizeStatus(v))
        encodeStatus(f, HEADER_BYTES, v)
        this.link.commit(f)
    }

    private error(code: number, text: string): void {
        this.errorCount++
        this.lastErrorCode = code
        this.link.log(LogLevel.ERROR, LogCode.TEXT, code, 0, text.length > 200 ? text.slice(0, 200) : text)
    }
}
