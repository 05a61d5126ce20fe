// A readout board's side of the link, written in Node for host tests (the role uHAL's
// DummyHardware plays for IPbus): speaks first, keeps a ring of unacknowledged frames, answers
// RESEND from it, acknowledges host frames with a window, and answers CONFIG / CONFIG_READ /
// RUN_CONTROL. Faults are injected on purpose: dropped frames, corrupt bytes, disconnects,
// restarts. The real firmware is tested against the same host code in test/firmware.
import { connect, type Socket } from "node:net";
import { encodeFrame, type Frame } from "../../protocol/frame";
import { FrameStream } from "../../protocol/stream";
import type { MessageBodies, MessageName } from "../../protocol/codecs";
import { configHash } from "../../protocol/config-hash";
import { BoardRole, BoardState, LogCode, LogLevel, RunAction } from "../../protocol/schema/enums";
import type { ConfigMsg, HelloMsg } from "../../protocol/schema/messages";
import { HEADER_BYTES, PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";
import { reseal } from "../protocol/frames";
import { boardProof, freshNonce, hostTag, macEqual } from "../../src/link/auth";

export interface SoftwareBoardOptions {
  boardId: number;
  port: number;
  role?: number;
  channelCount?: number;
  rxWindowFrames?: number;
  ringFrames?: number;
  bootCount?: number;
  maxPayloadBytes?: number;
  /** Return a NACK for configs this rejects. */
  rejectConfig?: (c: ConfigMsg) => { reason: number; fieldId: number; index: number; value: number } | undefined;
  /** Acknowledge host frames as soon as they arrive (default) or only when ackHost() is called. */
  autoAck?: boolean;
  /** Major version to put on the wire (tests of the version check). */
  major?: number;
  /** Answer RESEND requests (default) or ignore them. */
  answerResend?: boolean;
  /**
   * The board's key: it offers to authenticate in HELLO, answers the host's challenge and takes
   * only sequenced host frames with a valid tag (others are refused with LOG UNAUTHENTICATED).
   */
  key?: Buffer;
}

export class SoftwareBoard {
  readonly opts: Required<Omit<SoftwareBoardOptions, "rejectConfig" | "major" | "key">> & Pick<SoftwareBoardOptions, "rejectConfig" | "major" | "key">;
  private socket: Socket | undefined;
  private stream = new FrameStream();
  private seq = 1;
  private ring: { seq: number; bytes: Buffer }[] = [];
  private hostAcked = 0;
  private rxProcessed = 0;
  private rxAckSent = 0;
  private config: ConfigMsg | undefined;
  private state: number = BoardState.UNCONFIGURED;
  private runNumber = 0;
  private spillNumber = 0;
  /** Every sequenced frame the host sent, in arrival order. */
  readonly received: Frame[] = [];
  /** Unsequenced frames (ACK, RESEND) from the host. */
  readonly control: Frame[] = [];
  /** Largest number of unacknowledged host frames ever seen at once. */
  maxUnackedSeen = 0;
  private dropNext = 0;
  private corruptNext = 0;
  /** This connection's HELLO bytes, nonces and the tag announced for the next host frame. */
  private helloBytes: Buffer | undefined;
  private nonces: { host: Buffer; board: Buffer } | undefined;
  private tag: { seq: number; mac: Buffer } | undefined;
  /** Sequenced host frames taken with a valid tag, and refused (no tag, or a wrong one). */
  authenticated = 0;
  readonly refused: Frame[] = [];

  constructor(opts: SoftwareBoardOptions) {
    this.opts = {
      role: BoardRole.CALORIMETER,
      channelCount: 4,
      rxWindowFrames: 4,
      ringFrames: 64,
      bootCount: 1,
      maxPayloadBytes: 8176,
      autoAck: true,
      answerResend: true,
      ...opts,
    };
  }

  get nextSeq(): number {
    return this.seq;
  }

  get ringOldest(): number {
    return this.ring.length ? this.ring[0]!.seq : this.seq;
  }

  /** Connect and say HELLO. */
  async connect(): Promise<void> {
    this.stream = new FrameStream();
    this.rxProcessed = 0;
    this.rxAckSent = 0;
    const s = connect(this.opts.port, "127.0.0.1");
    await new Promise<void>((resolve, reject) => {
      s.once("connect", resolve);
      s.once("error", reject);
    });
    s.on("error", () => undefined);
    s.on("data", (chunk) => this.onData(chunk));
    this.socket = s;
    this.nonces = undefined;
    this.tag = undefined;
    const seq = this.sendSequenced("HELLO", this.helloBody());
    this.helloBytes = this.ring.find((r) => r.seq === seq)!.bytes;
  }

  disconnect(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  /** Lose RAM: ring, sequence numbers; the boot counter goes up. Stays disconnected. */
  reboot(): void {
    this.disconnect();
    this.opts.bootCount++;
    this.seq = 1;
    this.ring = [];
    this.hostAcked = 0;
    this.state = this.config ? BoardState.CONFIGURED : BoardState.UNCONFIGURED;
  }

  /** The next `n` sequenced frames are taken from the ring but never written (lost on the wire). */
  dropFrames(n: number): void {
    this.dropNext += n;
  }

  /** The next `n` sequenced frames are written with one payload bit flipped (the ring keeps them intact). */
  corruptFrames(n: number): void {
    this.corruptNext += n;
  }

  /** Write raw bytes (garbage injection). */
  writeRaw(bytes: Uint8Array): void {
    this.socket?.write(bytes);
  }

  /** Send a sequenced frame; it stays in the ring until the host ACKs it. Returns its seq. */
  sendSequenced<K extends MessageName>(name: K, body: MessageBodies[K]): number {
    const seq = this.seq++;
    return this.sendInRing(seq, encodeFrame(name, body, { source: this.opts.boardId, seq, major: this.opts.major }));
  }

  /**
   * Send a sequenced frame of a message type the host does not know, as a board speaking a newer
   * minor version would (correct check, kept in the ring like any other). Returns its seq.
   */
  sendUnknownType(type: number, payload: Uint8Array): number {
    const seq = this.seq++;
    const f = encodeFrame("ACK", { ackSeq: 0, windowFrames: 0 }, { source: this.opts.boardId, seq, major: this.opts.major, minor: PROTO_MINOR + 1 });
    return this.sendInRing(seq, reseal(f, { type, cut: f.length - HEADER_BYTES, append: payload }));
  }

  private sendInRing(seq: number, bytes: Buffer): number {
    this.ring.push({ seq, bytes });
    if (this.ring.length > this.opts.ringFrames) this.ring.shift();
    if (this.dropNext > 0) this.dropNext--;
    else if (this.corruptNext > 0) {
      this.corruptNext--;
      const bad = Buffer.from(bytes);
      bad[bad.length - 1]! ^= 0x10;
      this.socket?.write(bad);
    } else this.socket?.write(bytes);
    return seq;
  }

  /** Acknowledge every host frame processed so far. */
  ackHost(): void {
    this.rxAckSent = this.rxProcessed;
    const bytes = encodeFrame("ACK", { ackSeq: this.rxProcessed, windowFrames: this.opts.rxWindowFrames }, { source: this.opts.boardId, seq: 0 });
    this.socket?.write(bytes);
  }

  private helloBody(): HelloMsg {
    return {
      role: this.opts.role,
      fwMajor: 0,
      fwMinor: 1,
      fwPatch: 0,
      protoMajor: this.opts.major ?? PROTO_MAJOR,
      protoMinor: PROTO_MINOR,
      channelCount: this.opts.channelCount,
      frontEnd: 2,
      capabilities: this.opts.key ? 0x1f : 0x0f,
      bootCount: this.opts.bootCount,
      uptimeMs: 0,
      state: this.state,
      configVersion: this.config?.configVersion ?? 0,
      configHash: this.config ? configHash(this.config) : 0,
      runNumber: this.runNumber,
      spillNumber: this.spillNumber,
      ringOldestSeq: this.ringOldest,
      rxWindowFrames: this.opts.rxWindowFrames,
      maxPayloadBytes: this.opts.maxPayloadBytes,
    };
  }

  private onData(chunk: Buffer): void {
    for (const item of this.stream.push(chunk)) {
      if (!item.ok) continue;
      const f = item.frame;
      if (f.seq === 0) {
        this.control.push(f);
        if (f.name === "ACK") {
          this.hostAcked = Math.max(this.hostAcked, f.body.ackSeq);
          this.ring = this.ring.filter((r) => r.seq > this.hostAcked);
        } else if (f.name === "RESEND" && this.opts.answerResend) this.resend(f.body.fromSeq, f.body.count);
        else if (f.name === "AUTH_CHALLENGE" && this.opts.key && !this.nonces) this.prove(Buffer.from(f.body.hostNonce));
        else if (f.name === "AUTH_TAG") this.tag = { seq: f.body.seq, mac: Buffer.from(f.body.mac) };
        continue;
      }
      this.received.push(f);
      if (this.opts.key && !this.tagValid(f)) {
        this.refused.push(f);
        this.sendSequenced("LOG", { level: LogLevel.WARN, code: LogCode.UNAUTHENTICATED, arg0: f.type, arg1: f.seq, text: this.nonces ? "tag" : "no challenge" });
      } else this.handle(f);
      this.rxProcessed = f.seq;
      this.maxUnackedSeen = Math.max(this.maxUnackedSeen, f.seq - this.rxAckSent);
      if (this.opts.autoAck) this.ackHost();
    }
  }

  private prove(hostNonce: Buffer): void {
    const board = freshNonce();
    this.nonces = { host: hostNonce, board };
    const mac = boardProof(this.opts.key!, hostNonce, board, this.helloBytes!);
    this.socket?.write(encodeFrame("AUTH_PROOF", { boardNonce: [...board], mac: [...mac] }, { source: this.opts.boardId, seq: 0 }));
  }

  private tagValid(f: Frame): boolean {
    const t = this.tag;
    this.tag = undefined;
    if (!t || !this.nonces || t.seq !== f.seq) return false;
    const ok = macEqual(hostTag(this.opts.key!, this.nonces.board, this.nonces.host, f.raw), t.mac);
    if (ok) this.authenticated++;
    return ok;
  }

  private resend(from: number, count: number): void {
    const oldest = this.ringOldest;
    if (from < oldest) {
      const gone = Math.min(count, oldest - from);
      const log = { level: LogLevel.ERROR, code: LogCode.RESEND_UNAVAILABLE, arg0: from, arg1: gone, text: "frames no longer in the ring" };
      this.socket?.write(encodeFrame("LOG", log, { source: this.opts.boardId, seq: 0 }));
    }
    for (const r of this.ring) if (r.seq >= from && r.seq < from + count) this.socket?.write(r.bytes);
  }

  private handle(f: Frame): void {
    switch (f.name) {
      case "CONFIG": {
        const nack = this.opts.rejectConfig?.(f.body);
        if (nack) {
          this.sendSequenced("CONFIG_NACK", { configVersion: f.body.configVersion, ...nack });
          return;
        }
        this.config = f.body;
        this.state = BoardState.CONFIGURED;
        this.sendSequenced("CONFIG_ACK", { configVersion: f.body.configVersion, configHash: configHash(f.body), channelCount: f.body.channels.n, persisted: 1 });
        return;
      }
      case "CONFIG_READ":
        if (this.config) this.sendSequenced("CONFIG", this.config);
        return;
      case "RUN_CONTROL": {
        const rc = f.body;
        if (rc.action === RunAction.BEGIN_RUN && (!this.config || configHash(this.config) !== rc.configHash)) {
          this.sendSequenced("LOG", { level: LogLevel.ERROR, code: LogCode.RUN_REFUSED, arg0: rc.action, arg1: this.state, text: "config hash differs" });
          return;
        }
        this.runNumber = rc.runNumber;
        this.spillNumber = rc.spillNumber;
        this.state =
          rc.action === RunAction.BEGIN_SPILL ? BoardState.IN_SPILL : rc.action === RunAction.END_RUN ? BoardState.CONFIGURED : BoardState.RUNNING;
        this.sendSequenced("STATUS", {
          state: this.state,
          runNumber: this.runNumber,
          spillNumber: this.spillNumber,
          configHash: this.config ? configHash(this.config) : 0,
          uptimeMs: 0,
          bootCount: this.opts.bootCount,
          eventsPending: 0,
          ringUsed: this.ring.length,
          busy: 0,
          errorCount: 0,
          lastErrorCode: 0,
        });
        return;
      }
      default:
        return;
    }
  }
}
