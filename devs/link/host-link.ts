// The board's TCP link to the DAQ host (protocol/README.md, link rules). DeviceScript has one
// socket; the board connects, speaks first with HELLO and reconnects with backoff. Every sequenced
// frame it sends stays in a ring until the host acknowledges it, is sent only inside the host's
// window, and is replayed unchanged on RESEND. Frames from the host are checked, ordered and queued
// for the board's worker, which acknowledges them after processing; the window it grants bounds
// the heap the host can fill.
import * as ds from "@devicescript/core"
import { connect, Socket } from "@devicescript/net"
import { HEADER_BYTES, PROTO_MAJOR } from "../../protocol/schema/limits"
import { LogCode, LogLevel, MsgType } from "../../protocol/schema/enums"
import { decodeAck, decodeResend, encodeAck, encodeLog, sizeLog } from "../../protocol/generated/device-codec"
import { SeqRing } from "../core/seq-ring"
import { nextBackoffMs, rxWindow, upWindowOpen } from "../core/link-policy"
import { allocFrame, frameCheckOk, sealFrame } from "./frame"
import { FrameFault, FrameReader } from "./frame-reader"

const SEQ_OFF = 8
const ACK_PAYLOAD = 6
/** A HELLO is about this size; one ring slot of this size is kept for it. */
const HELLO_RESERVE_BYTES = 64
const BACKOFF_AFTER_CLOSE_MS = 100
const RECV_POLL_MS = 500
// The runtime's socket write is synchronous (it queues the bytes); @devicescript/net wraps it in an
// async send() that only adds error handling. Frames are written from the reader's callbacks, so
// the firmware calls it directly; it writes to the one socket the runtime has.
type DsSocketWrite = typeof ds & { _socketWrite(buf: Buffer): number }

export interface LinkOptions {
    host: string
    port: number
    boardId: number
    /** Resend ring: 2^ringLog2 frames, at most ringBytes bytes. */
    ringLog2: number
    ringBytes: number
    /** Frames and bytes kept free for control frames (HELLO, LOG, STATUS, CONFIG_ACK, FE_WRITE). */
    reserveFrames: number
    reserveBytes: number
    /** Sequenced host frames queued at most (the window granted to the host). */
    rxLimit: number
}

/** Counters of the link, for STATUS and SCALERS. */
export class LinkStats {
    connects = 0
    framesSent = 0
    framesResent = 0
    resendUnavailable = 0
    badFrames = 0
    lastFault = 0
}

export class HostLink {
    readonly ring: SeqRing<Buffer>
    readonly stats = new LinkStats()
    /** Builds the HELLO payload-carrying frame for a new connection (set by the board). */
    makeHello: (seq: number, ringOldestSeq: number) => Buffer = null

    private sock: Socket = null
    private reader: FrameReader
    /** Highest up seq written to the current connection. */
    private sentSeq = 0
    private hostAckSeq = 0
    private hostWindow = 0
    private ackSeen = false
    /** Next seq to assign; the ring's numbering continues across reconnects (starts at 1 per boot). */
    private nextSeq = 1
    /** Last sequenced host frame queued (per connection; host seqs restart at 1). */
    private rxSeq = 0
    private inbox: Buffer[] = []
    private inboxSignal = ds.emitter<number>()
    private helloSignal = ds.emitter<number>()
    private hellos = 0
    private roomSignal = ds.emitter<number>()

    constructor(public opts: LinkOptions) {
        this.ring = new SeqRing<Buffer>(opts.ringLog2, opts.ringBytes)
        // DeviceScript closures cannot use `this`.
        const self = this
        this.reader = new FrameReader(f => self.onFrame(f))
    }

    connected(): boolean {
        return this.sock !== null
    }

    /** Sequenced host frames waiting for the worker. */
    queued(): number {
        return this.inbox.length
    }

    // ---- up direction ----

    /** A frame buffer for a payload of `payloadBytes`; fill it at HEADER_BYTES, then commit(). */
    frame(type: number, payloadBytes: number): Buffer {
        return allocFrame(type, this.opts.boardId, 0, payloadBytes)
    }

    /**
     * Is there ring room for a frame of `bytes`? Data frames leave the control reserve free; control
     * frames leave one slot for the HELLO of the next connection.
     */
    hasRoom(bytes: number, control: boolean): boolean {
        const o = this.opts
        return control ? this.ring.hasRoom(bytes, 1, HELLO_RESERVE_BYTES) : this.ring.hasRoom(bytes, o.reserveFrames, o.reserveBytes)
    }

    /** Resolves once the first HELLO of this boot was sent. */
    async firstHello(): Promise<void> {
        while (this.hellos === 0) await ds.wait(this.helloSignal, 1000)
    }

    /** Wait for the host's next ACK that frees ring frames (at most `ms`). */
    async waitAck(ms: number): Promise<void> {
        await ds.wait(this.roomSignal, ms)
    }

    /** Wait until hasRoom(bytes, control); the host's ACKs make room. */
    async waitRoom(bytes: number, control: boolean): Promise<void> {
        while (!this.hasRoom(bytes, control)) await ds.wait(this.roomSignal, 1000)
    }

    /**
     * Give a filled frame its seq, seal it, keep it in the ring and send it when the host's window
     * allows. The caller made sure there is room (hasRoom/waitRoom).
     */
    commit(f: Buffer): number {
        const seq = this.nextSeq++
        f.setAt(SEQ_OFF, "u32", seq)
        sealFrame(f)
        this.ring.push(seq, f, f.length)
        this.pump()
        return seq
    }

    /** Queue a LOG frame (control reserve; dropped only if even the reserve is full). */
    log(level: number, code: number, arg0: number, arg1: number, text: string): void {
        const v = { level: level, code: code, arg0: arg0 >>> 0, arg1: arg1 >>> 0, text: text }
        const n = sizeLog(v)
        if (!this.hasRoom(HEADER_BYTES + n, true)) return
        const f = this.frame(MsgType.LOG, n)
        encodeLog(f, HEADER_BYTES, v)
        this.commit(f)
    }

    /** Send ring frames the host's window now admits, in seq order. */
    private pump(): void {
        const s = this.sock
        if (!s) return
        while (this.sentSeq + 1 < this.nextSeq && upWindowOpen(this.sentSeq + 1, this.hostAckSeq, this.hostWindow, this.ackSeen)) {
            const f = this.ring.get(this.sentSeq + 1)
            if (!f) break
            if (!this.write(f)) return
            this.sentSeq++
            this.stats.framesSent++
        }
    }

    private write(f: Buffer): boolean {
        if (!this.sock) return false
        if ((ds as DsSocketWrite)._socketWrite(f) === 0) return true
        this.drop()
        return false
    }

    // ---- down direction ----

    /**
     * The next sequenced host frame in order, or undefined after `timeoutMs`. Read `epoch` right
     * after: the frame belongs to that connection.
     */
    async nextHostFrame(timeoutMs: number): Promise<Buffer> {
        if (this.inbox.length === 0) await ds.wait(this.inboxSignal, timeoutMs)
        return this.inbox.shift()
    }

    /** Connection counter; host seqs are only meaningful within one connection. */
    epoch = 0

    /** The worker processed host frame `seq` of connection `epoch`: acknowledge it with the window left. */
    ackHost(seq: number, epoch: number): void {
        if (epoch === this.epoch) this.sendAck(seq)
    }

    private sendAck(seq: number): void {
        if (!this.sock) return
        const f = allocFrame(MsgType.ACK, this.opts.boardId, 0, ACK_PAYLOAD)
        encodeAck(f, HEADER_BYTES, { ackSeq: seq, windowFrames: rxWindow(this.inbox.length, this.opts.rxLimit) })
        sealFrame(f)
        this.write(f)
    }

    private fault(code: number, arg0: number): void {
        this.stats.badFrames++
        this.stats.lastFault = code
        this.log(LogLevel.WARN, LogCode.BAD_FRAME, arg0, code, "")
    }

    private onFrame(f: Buffer): void {
        if (f.getAt(2, "u8") >> 4 !== PROTO_MAJOR) {
            this.fault(FrameFault.VERSION, f.getAt(SEQ_OFF, "u32"))
            return
        }
        if (!frameCheckOk(f)) {
            // The length itself may be corrupt: start the stream over; the host sends its
            // unacknowledged frames again on the next connection.
            this.fault(FrameFault.CHECK, f.getAt(SEQ_OFF, "u32"))
            this.drop()
            return
        }
        const type = f.getAt(3, "u8")
        const seq = f.getAt(SEQ_OFF, "u32")
        const end = HEADER_BYTES + f.getAt(6, "u16")
        try {
            if (type === MsgType.ACK) {
                const a = decodeAck(f, HEADER_BYTES, end)
                if (a.ackSeq >= this.hostAckSeq) this.hostAckSeq = a.ackSeq
                this.hostWindow = a.windowFrames
                this.ackSeen = true
                if (this.ring.ack(this.hostAckSeq) > 0) this.roomSignal.emit(0)
                this.pump()
                return
            }
            if (type === MsgType.RESEND) {
                const r = decodeResend(f, HEADER_BYTES, end)
                this.resend(r.fromSeq, r.count)
                return
            }
        } catch (e) {
            this.fault(FrameFault.PAYLOAD, seq)
            return
        }
        if (type !== MsgType.CONFIG && type !== MsgType.CONFIG_READ && type !== MsgType.RUN_CONTROL && type !== MsgType.INJECT) {
            this.fault(FrameFault.TYPE, type)
            return
        }
        if (seq <= this.rxSeq) return // already queued on this connection: never process twice
        if (seq !== this.rxSeq + 1) {
            this.fault(FrameFault.SEQ_GAP, seq)
            this.drop()
            return
        }
        this.rxSeq = seq
        this.inbox.push(f)
        this.inboxSignal.emit(seq)
    }

    /**
     * Replay [fromSeq, fromSeq + count) from the ring. Seqs before the ring's oldest frame (already
     * acknowledged, or lost in a restart) and seqs never used are reported as unavailable.
     */
    private resend(fromSeq: number, count: number): void {
        const end = fromSeq + count
        const ring = this.ring
        const first = ring.count > 0 ? ring.oldestSeq : this.nextSeq
        const stop = this.nextSeq
        if (fromSeq < first) this.unavailable(fromSeq, (end < first ? end : first) - fromSeq)
        for (let s = fromSeq > first ? fromSeq : first; s < end && s < stop; s++) {
            const f = ring.get(s)
            if (!f || !this.write(f)) return
            this.stats.framesResent++
        }
        if (end > stop) {
            const from = fromSeq > stop ? fromSeq : stop
            this.unavailable(from, end - from)
        }
    }

    /** Frames gone from the ring: one unsequenced LOG (seq 0, not in the ring) explains the gap. */
    private unavailable(fromSeq: number, n: number): void {
        this.stats.resendUnavailable += n
        const v = { level: LogLevel.WARN, code: LogCode.RESEND_UNAVAILABLE, arg0: fromSeq, arg1: n, text: "" }
        const f = allocFrame(MsgType.LOG, this.opts.boardId, 0, sizeLog(v))
        encodeLog(f, HEADER_BYTES, v)
        this.write(sealFrame(f))
    }

    // ---- connection ----

    /** Close the current connection; run() connects again. */
    drop(): void {
        const s = this.sock
        this.sock = null
        if (!s) return
        const close = async () => {
            await s.close()
        }
        close.start()
    }

    /** Connect, say HELLO, read; forever, with backoff between failed attempts. */
    async run(): Promise<void> {
        let backoffMs = 0
        for (;;) {
            let s: Socket = null
            try {
                s = await connect({ host: this.opts.host, port: this.opts.port, proto: "tcp", timeout: 3000 })
            } catch (e) {
                s = null
            }
            if (!s) {
                backoffMs = nextBackoffMs(backoffMs)
                await ds.sleep(backoffMs)
                continue
            }
            backoffMs = 0
            this.stats.connects++
            await this.session(s)
            await ds.sleep(BACKOFF_AFTER_CLOSE_MS)
        }
    }

    private async session(s: Socket): Promise<void> {
        this.sock = s
        this.epoch++
        this.reader.reset()
        this.rxSeq = 0
        this.inbox = []
        this.ackSeen = false
        this.hostAckSeq = 0
        this.hostWindow = 0
        // Everything already numbered counts as sent: what the host misses it asks for by RESEND
        // (HELLO's seq shows it the gap). Unprocessed frames of the last connection are dropped;
        // the host sends its unacknowledged frames again.
        this.sentSeq = this.nextSeq - 1
        const oldest = this.ring.count > 0 ? this.ring.oldestSeq : this.nextSeq
        const hello = this.makeHello(this.nextSeq, oldest)
        this.ring.push(this.nextSeq, hello, hello.length)
        this.nextSeq++
        this.write(hello)
        this.sentSeq++
        this.stats.framesSent++
        this.hellos++
        this.helloSignal.emit(this.hellos)
        for (;;) {
            let chunk: Buffer = null
            try {
                // A timeout (undefined) only lets the loop notice a drop() made elsewhere.
                chunk = await s.recv(RECV_POLL_MS)
            } catch (e) {
                chunk = null
            }
            if (this.sock !== s || chunk === null) break
            if (chunk === undefined) continue
            this.reader.push(chunk)
            if (this.reader.skipped > 0) {
                this.fault(FrameFault.GARBAGE, this.reader.skipped)
                this.reader.skipped = 0
            }
        }
        if (this.sock === s) this.drop()
    }
}
