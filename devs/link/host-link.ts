// The board's TCP link to the DAQ host (protocol/README.md, link rules). DeviceScript has one
// socket; the board connects, speaks first with HELLO and reconnects with backoff. Every sequenced
// frame it sends stays in a ring until the host acknowledges it, is sent only inside the host's
// window, and is replayed unchanged on RESEND. Frames from the host are checked, ordered and queued
// for the board's worker, which acknowledges them after processing; the window it grants bounds
// the heap the host can fill.
import * as ds from "@devicescript/core"
import { HEADER_BYTES, PROTO_MAJOR } from "../../protocol/schema/limits"
import { FrameFault, LogCode, LogLevel, MsgType } from "../../protocol/schema/enums"
import { decodeAck, decodeResend, encodeAck, encodeLog, sizeLog } from "../../protocol/generated/device-codec"
import { nextBackoffMs, rxWindow, upWindowOpen } from "../core/link-policy"
import { allocFrame, frameCheckOk, sealFrame } from "./frame"
import { FrameReader } from "./frame-reader"
import { FrameRing } from "./frame-ring"
import { AuthState, answerChallenge, checkTag, newAuthState, takeTag } from "./auth"

const SEQ_OFF = 8
const ACK_PAYLOAD = 6
/** A HELLO is about this size; one ring slot of this size is kept for it. */
const HELLO_RESERVE_BYTES = 64
const BACKOFF_AFTER_CLOSE_MS = 100
const CONNECT_TIMEOUT_MS = 3000

/**
 * The runtime's one TCP socket. Its events start a fiber that calls ds._socketOnEvent with "open",
 * "data" (a Buffer; null when the runtime had no heap for it), "close" or "error". After
 * _socketClose() the closed socket sends no more events. _socketWrite queues the bytes (0 = done).
 */
type DsSockets = typeof ds & {
    _socketOpen(host: string, port: number): number
    _socketClose(): number
    _socketWrite(buf: Buffer): number
    _socketOnEvent: (event: string, arg: Buffer | string) => void
}
const sockets = ds as DsSockets

/** Socket states. */
const enum Sock {
    DOWN = 0,
    CONNECTING = 1,
    UP = 2,
}

/** Builds the sealed HELLO frame of a new connection (the board). */
export interface HelloSource {
    hello(seq: number, ringOldestSeq: number): Buffer
}

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
    /**
     * Frames waiting for the socket are copied into one buffer of this size, written when it is
     * full and at the end of each turn of work (the frames an INJECT frame produced and its ACK go
     * out in one write): the VM's socket has Nagle's algorithm on, so a second small write in a
     * turn waits for the host's TCP acknowledgement of the first. Larger frames go out on their own.
     */
    outBytes: number
    /** The board's key (devs/link/auth.ts boardKey); undefined: the board does not authenticate. */
    key: Buffer
}

export class HostLink {
    readonly ring: FrameRing
    /** Frames sent again on the host's RESEND (SCALERS.framesResent counts them per spill). */
    framesResent = 0
    /** Builds the HELLO of each new connection (set by the board). */
    helloSource: HelloSource = null

    private sock = Sock.DOWN
    private sockSignal = ds.emitter<number>()
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
    /** Sequenced host frames waiting for the worker (nextHostFrame). */
    inbox: Buffer[] = []
    /** Frames waiting to be written (see write() and OUT_BYTES). */
    private out: Buffer
    private outN = 0
    private inboxSignal = ds.emitter<number>()
    private helloSignal = ds.emitter<number>()
    private hellos = 0
    private roomSignal = ds.emitter<number>()
    /** This connection's authentication (a board with a key), its HELLO, and why each queued frame was refused ("" = authentic). */
    private auth: AuthState = undefined
    private helloFrame: Buffer = undefined
    private inboxRefusal: string[] = []
    /** Why the frame nextHostFrame() returned last was refused ("" = authentic, or the board has no key). */
    refusal = ""
    /** Sequenced host frames refused as not authenticated, since boot. */
    refused = 0

    constructor(public opts: LinkOptions) {
        this.ring = new FrameRing(opts.ringLog2, opts.ringBytes)
        this.out = Buffer.alloc(opts.outBytes)
        // DeviceScript closures cannot use `this`.
        const self = this
        this.reader = new FrameReader(f => self.onFrame(f))
        sockets._socketOnEvent = (ev, arg) => self.onSocket(ev, arg)
    }

    connected(): boolean {
        return this.sock === Sock.UP
    }

    /** True when the board has a key (HELLO announces Capability.AUTH). */
    keyed(): boolean {
        return this.opts.key !== undefined
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
        return control ? this.ring.fits(bytes, 1, HELLO_RESERVE_BYTES) : this.ring.fits(bytes, o.reserveFrames, o.reserveBytes)
    }

    /** Resolves once the first HELLO of this boot was sent. */
    async firstHello(): Promise<void> {
        while (this.hellos === 0) await ds.wait(this.helloSignal, 1000)
    }

    /** Wait for the host's next ACK that frees ring frames (at most `ms`). */
    async waitAck(ms: number): Promise<void> {
        this.flush()
        await ds.wait(this.roomSignal, ms)
    }

    /** Wait until hasRoom(bytes, control); the host's ACKs make room. */
    async waitRoom(bytes: number, control: boolean): Promise<void> {
        while (!this.hasRoom(bytes, control)) {
            this.flush()
            await ds.wait(this.roomSignal, 1000)
        }
    }

    /**
     * Give a filled frame its seq, seal it, keep it in the ring and send it when the host's window
     * allows. The caller made sure there is room (hasRoom/waitRoom).
     */
    commit(f: Buffer): number {
        const seq = this.nextSeq++
        f.setAt(SEQ_OFF, "u32", seq)
        sealFrame(f)
        this.ring.keep(seq, f)
        // The usual case: next in order and inside the window; written now, without a copy.
        if (this.sock === Sock.UP && this.sentSeq + 1 === seq && upWindowOpen(seq, this.hostAckSeq, this.hostWindow, this.ackSeen)) {
            if (this.write(f)) {
                this.sentSeq = seq
            }
            return seq
        }
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
        if (this.sock !== Sock.UP) return
        while (this.sentSeq + 1 < this.nextSeq && upWindowOpen(this.sentSeq + 1, this.hostAckSeq, this.hostWindow, this.ackSeen)) {
            const f = this.ring.frame(this.sentSeq + 1)
            if (!f) break
            if (!this.write(f)) return
            this.sentSeq++
        }
    }

    /** Queue `f` for the socket (see OUT_BYTES); false when the connection is gone. */
    private write(f: Buffer): boolean {
        if (this.sock !== Sock.UP) return false
        const n = f.length
        const max = this.out.length
        if (this.outN + n > max && !this.flush()) return false
        if (n > max) return this.send(f)
        this.out.blitAt(this.outN, f, 0, n)
        this.outN += n
        return true
    }

    /** Write the queued frames in one go. */
    flush(): boolean {
        const n = this.outN
        if (n === 0) return true
        this.outN = 0
        return this.send(n === this.out.length ? this.out : this.out.slice(0, n))
    }

    private send(data: Buffer): boolean {
        if (this.sock !== Sock.UP) return false
        if (sockets._socketWrite(data) === 0) return true
        this.drop()
        return false
    }

    // ---- down direction ----

    /**
     * The next sequenced host frame in order, or undefined after `timeoutMs`. Read `epoch` right
     * after: the frame belongs to that connection.
     */
    async nextHostFrame(timeoutMs: number): Promise<Buffer> {
        this.flush()
        if (this.inbox.length === 0) await ds.wait(this.inboxSignal, timeoutMs)
        this.refusal = this.inboxRefusal.length > 0 ? this.inboxRefusal.shift() : ""
        return this.inbox.shift()
    }

    /**
     * The board's hook before it acts on a host frame: true when the frame nextHostFrame() returned
     * may be processed. A board with a key refuses a frame without a valid tag: logged (LOG
     * UNAUTHENTICATED: type, seq, why), counted; the frame is still acknowledged, never acted on.
     */
    authentic(f: Buffer): boolean {
        if (this.refusal === "") return true
        this.refused++
        this.log(LogLevel.WARN, LogCode.UNAUTHENTICATED, f.getAt(3, "u8"), f.getAt(SEQ_OFF, "u32"), this.refusal)
        return false
    }

    /** Connection counter; host seqs are only meaningful within one connection. */
    epoch = 0

    /** The worker processed host frame `seq` of connection `epoch`: acknowledge it with the window left. */
    ackHost(seq: number, epoch: number): void {
        if (epoch === this.epoch) this.sendAck(seq)
        this.flush()
    }

    private sendAck(seq: number): void {
        if (this.sock !== Sock.UP) return
        const f = allocFrame(MsgType.ACK, this.opts.boardId, 0, ACK_PAYLOAD)
        encodeAck(f, HEADER_BYTES, { ackSeq: seq, windowFrames: rxWindow(this.inbox.length, this.opts.rxLimit) })
        sealFrame(f)
        this.write(f)
    }

    /** Count and log a problem with bytes from the host (LOG BAD_FRAME, arg1 = FrameFault). */
    fault(code: number, arg0: number): void {
        this.log(LogLevel.WARN, LogCode.BAD_FRAME, arg0, code, "")
    }

    /**
     * A complete frame from the host. Its check comes first (a corrupt length or version byte is a
     * corrupt frame: the stream starts over). ACK and RESEND are acted on at once; every other
     * sequenced frame goes to the worker in order, whatever its type: one this firmware does not
     * know (a newer host) is acknowledged and ignored there, so it never looks like a gap.
     */
    private onFrame(f: Buffer): void {
        const seq = f.getAt(SEQ_OFF, "u32")
        if (!frameCheckOk(f)) {
            // The host sends its unacknowledged frames again on the next connection.
            this.fault(FrameFault.CHECK, seq)
            this.drop()
            return
        }
        if (f.getAt(2, "u8") >> 4 !== PROTO_MAJOR) {
            this.fault(FrameFault.VERSION, seq)
            return
        }
        const type = f.getAt(3, "u8")
        const end = HEADER_BYTES + f.getAt(6, "u16")
        if (type === MsgType.AUTH_CHALLENGE || type === MsgType.AUTH_TAG) {
            const a = this.auth
            if (!a) return // a board without a key has nothing to prove or check
            if (type === MsgType.AUTH_TAG) takeTag(a, f)
            else {
                const proof = answerChallenge(a, f, this.helloFrame, this.opts.boardId)
                if (proof) this.write(proof)
            }
            return
        }
        if (type === MsgType.ACK || type === MsgType.RESEND) {
            try {
                if (type === MsgType.ACK) {
                    const a = decodeAck(f, HEADER_BYTES, end)
                    if (a.ackSeq >= this.hostAckSeq) this.hostAckSeq = a.ackSeq
                    this.hostWindow = a.windowFrames
                    this.ackSeen = true
                    if (this.ring.release(this.hostAckSeq) > 0) this.roomSignal.emit(0)
                    this.pump()
                } else {
                    const r = decodeResend(f, HEADER_BYTES, end)
                    this.resend(r.fromSeq, r.count)
                }
            } catch (e) {
                this.fault(FrameFault.PAYLOAD, seq)
            }
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
        this.inboxRefusal.push(this.auth ? checkTag(this.auth, f, seq) : "")
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
            const f = ring.frame(s)
            if (!f || !this.write(f)) return
            this.framesResent++
        }
        if (end > stop) {
            const from = fromSeq > stop ? fromSeq : stop
            this.unavailable(from, end - from)
        }
    }

    /** Frames gone from the ring: one unsequenced LOG (seq 0, not in the ring) explains the gap. */
    private unavailable(fromSeq: number, n: number): void {
        const v = { level: LogLevel.WARN, code: LogCode.RESEND_UNAVAILABLE, arg0: fromSeq, arg1: n, text: "" }
        const f = allocFrame(MsgType.LOG, this.opts.boardId, 0, sizeLog(v))
        encodeLog(f, HEADER_BYTES, v)
        this.write(sealFrame(f))
    }

    // ---- connection ----

    /** Close the current connection; run() connects again. */
    drop(): void {
        if (this.sock === Sock.DOWN) return
        // Frames already numbered go out first (best effort); the ring keeps them for RESEND.
        if (this.sock === Sock.UP) this.flush()
        this.outN = 0
        this.sock = Sock.DOWN
        sockets._socketClose()
        this.sockSignal.emit(0)
    }

    /** Connect, say HELLO, read; forever, with backoff between failed attempts. */
    async run(): Promise<void> {
        let backoffMs = 0
        for (;;) {
            if (!(await this.open())) {
                backoffMs = nextBackoffMs(backoffMs)
                await ds.sleep(backoffMs)
                continue
            }
            backoffMs = 0
            while (this.sock === Sock.UP) await ds.wait(this.sockSignal, 1000)
            await ds.sleep(BACKOFF_AFTER_CLOSE_MS)
        }
    }

    /** Open the socket; true once it is connected (at most CONNECT_TIMEOUT_MS). */
    private async open(): Promise<boolean> {
        this.sock = Sock.CONNECTING
        try {
            sockets._socketOpen(this.opts.host, this.opts.port)
        } catch (e) {
            // No network (yet), or a bad address: tried again after the backoff.
            this.sock = Sock.DOWN
            return false
        }
        const t0 = ds.millis()
        // onSocket() changes the state while this fiber waits.
        let st = this.sock as Sock
        while (st === Sock.CONNECTING && ds.millis() - t0 < CONNECT_TIMEOUT_MS) {
            await ds.wait(this.sockSignal, CONNECT_TIMEOUT_MS)
            st = this.sock
        }
        if (st === Sock.UP) return true
        if (st === Sock.CONNECTING) sockets._socketClose()
        this.sock = Sock.DOWN
        return false
    }

    /** Events of the runtime's socket, each in a fiber of its own (no await here). */
    private onSocket(ev: string, arg: Buffer | string): void {
        if (ev === "open") {
            // The new connection's state is set before any of its data can arrive.
            if (this.sock === Sock.CONNECTING) this.session()
        } else if (ev === "data") {
            if (this.sock !== Sock.UP) return
            if (!(arg instanceof Buffer)) {
                // The runtime had no heap for the bytes: the stream has a hole. Start over; the host
                // sends its unacknowledged frames again on the next connection.
                this.fault(FrameFault.LOST_BYTES, 0)
                this.drop()
                return
            }
            this.reader.push(arg)
            if (this.reader.skipped > 0) {
                this.fault(FrameFault.GARBAGE, this.reader.skipped)
                this.reader.skipped = 0
            }
            this.flush()
            return
        } else {
            // "close" or "error": the runtime closed the socket.
            this.sock = Sock.DOWN
            this.outN = 0
        }
        this.sockSignal.emit(0)
    }

    /** A new connection: reset the per-connection state and speak first with HELLO. */
    private session(): void {
        this.sock = Sock.UP
        this.epoch++
        this.reader.reset()
        this.rxSeq = 0
        this.inbox = []
        this.inboxRefusal = []
        this.auth = this.opts.key ? newAuthState(this.opts.key) : undefined
        this.outN = 0
        this.ackSeen = false
        this.hostAckSeq = 0
        this.hostWindow = 0
        // Everything already numbered counts as sent: what the host misses it asks for by RESEND
        // (HELLO's seq shows it the gap). Unprocessed frames of the last connection are dropped;
        // the host sends its unacknowledged frames again.
        this.sentSeq = this.nextSeq - 1
        const oldest = this.ring.count > 0 ? this.ring.oldestSeq : this.nextSeq
        const hello = this.helloSource.hello(this.nextSeq, oldest)
        this.helloFrame = hello
        this.ring.keep(this.nextSeq, hello)
        this.nextSeq++
        this.write(hello)
        this.flush()
        this.sentSeq++
        this.hellos++
        this.helloSignal.emit(this.hellos)
    }
}
