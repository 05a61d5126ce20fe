// One readout board as the host sees it, across reconnects and restarts: in-order delivery of its
// frames (UpSequencer), RESEND of gaps, ACKs, flow-controlled sending (DownChannel), and the
// request/response helpers the run control uses. Link rules: protocol/README.md.
import type { Socket } from "node:net";
import { encodeFrame, type Frame } from "../../protocol/frame";
import { CODECS, messageName, type MessageBodies, type MessageName } from "../../protocol/codecs";
import { BoardState, LogCode, RunAction } from "../../protocol/schema/enums";
import type { ConfigAckMsg, ConfigMsg, HelloMsg, RunControlMsg, StatusMsg } from "../../protocol/schema/messages";
import { systemClock, sleepOn, type Clock, type TimerHandle } from "./clock";
import { hostTag, type AuthSession } from "./auth";
import { DownChannel } from "./down-channel";
import { UpSequencer } from "./up-sequencer";
import {
  BoardRestartedError,
  ConfigRejectedError,
  LinkClosedError,
  LinkTimeoutError,
  NotConfiguredError,
  PayloadTooLargeError,
  RunRefusedError,
  UnauthenticatedFrameError,
} from "./errors";

export interface LinkOptions {
  /** Send an ACK after this many delivered frames... */
  ackEveryFrames: number;
  /** ...or bytes (the board's resend ring is small: 4 KB)... */
  ackEveryBytes: number;
  /** ...or this long after the first unacknowledged one. */
  ackEveryMs: number;
  /** Repeat an unanswered RESEND after this long... */
  resendTimeoutMs: number;
  /** ...this many times, then record the gap as unexplained. */
  resendAttempts: number;
  /** Frames held back behind a gap before giving up on it. */
  maxHeldFrames: number;
  /** ...or bytes (a board's ring holds 4 KB: more than this held back is a misbehaving client). */
  maxHeldBytes: number;
  /** Window the host announces in its ACKs (it stores everything it receives). */
  hostWindowFrames: number;
  /** Default timeout of request/response helpers. */
  requestTimeoutMs: number;
  /** A board that owes an ACK this long is late (counted in stats.lateEpisodes, named by lateness()). */
  lateAfterMs: number;
  /** Time and timers (injected in tests). */
  clock: Clock;
  /**
   * Called right before an ACK goes out: hand delivered frames to storage here (e.g. flush the run
   * file), since an ACK lets the board forget them.
   */
  beforeAck?: () => void;
}

export const DEFAULT_LINK_OPTIONS: LinkOptions = {
  ackEveryFrames: 32,
  ackEveryBytes: 1024,
  ackEveryMs: 20,
  resendTimeoutMs: 200,
  resendAttempts: 5,
  maxHeldFrames: 1024,
  maxHeldBytes: 1 << 20,
  hostWindowFrames: 0xffff,
  requestTimeoutMs: 5000,
  lateAfterMs: 1000,
  clock: systemClock,
};

export interface LinkStats {
  connects: number;
  reboots: number;
  framesIn: number;
  /** Bytes received on this board's connections. */
  bytesIn: number;
  framesOut: number;
  bytesOut: number;
  acksSent: number;
  resendRequests: number;
  gaps: number;
  /** Down frames dropped because the board restarted before processing them. */
  framesDiscarded: number;
  /** Longest time the board owed an ACK for frames the host had sent it (ms). */
  maxLateMs: number;
  /** Times the board owed an ACK for longer than LinkOptions.lateAfterMs. */
  lateEpisodes: number;
}

export type FrameListener = (frame: Frame) => void;

interface Waiter {
  match: (f: Frame) => boolean;
  resolve: (f: Frame) => void;
  reject: (e: Error) => void;
  timer: TimerHandle;
  what: string;
}

export class BoardLink {
  hello: HelloMsg | undefined;
  bootCount: number | undefined;
  remote = "";
  readonly up: UpSequencer;
  readonly down = new DownChannel();
  readonly stats: LinkStats = { connects: 0, reboots: 0, framesIn: 0, bytesIn: 0, framesOut: 0, bytesOut: 0, acksSent: 0, resendRequests: 0, gaps: 0, framesDiscarded: 0, maxLateMs: 0, lateEpisodes: 0 };
  private socket: Socket | undefined;
  private readonly listeners = new Set<FrameListener>();
  private waiters: Waiter[] = [];
  private unacked = 0;
  private unackedBytes = 0;
  /** up.receivedInOrder when deliver() last looked: what it grew by since is not yet acknowledged. */
  private inOrderSeen = 0;
  private ackTimer: TimerHandle | undefined;
  private resend: { from: number; attempts: number; timer: TimerHandle } | undefined;
  private readonly clock: Clock;
  private paused = false;
  /** The keys and nonces of an authenticated connection: every sequenced host frame gets a tag. */
  private session: AuthSession | undefined;
  /** Since when the board owes an ACK (the oldest unacknowledged send, or its last ACK since). */
  private owedSince: number | undefined;
  /** Clock time of the last byte from the board (undefined before its first HELLO). */
  lastHeardAt: number | undefined;

  constructor(
    readonly boardId: number,
    readonly opts: LinkOptions = DEFAULT_LINK_OPTIONS,
  ) {
    this.up = new UpSequencer(opts.maxHeldFrames, opts.maxHeldBytes);
    this.clock = opts.clock ?? systemClock;
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  /** Subscribe to this board's frames, delivered in seq order, each exactly once. */
  onFrame(listener: FrameListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * A HELLO arrived on `socket`. Returns whether the board restarted since the last connection and
   * how many of its frames the restart lost.
   */
  attach(socket: Socket, frame: Extract<Frame, { name: "HELLO" }>, session?: AuthSession): { reconnect: boolean; restarted: boolean; lostInRestart: number } {
    const hello = frame.body;
    this.session = session;
    const reconnect = this.hello !== undefined;
    const restarted = this.bootCount !== undefined && hello.bootCount !== this.bootCount;
    if (this.socket && this.socket !== socket) this.socket.destroy();
    this.socket = socket;
    if (this.paused) socket.pause();
    this.remote = `${socket.remoteAddress}:${socket.remotePort}`;
    this.hello = hello;
    this.bootCount = hello.bootCount;
    this.stats.connects++;
    if (restarted) this.stats.reboots++;
    this.clearResend();
    const lostInRestart = this.up.startConnection(frame.seq, restarted);
    if (restarted) {
      // A restarted board has forgotten the conversation: frames for its previous boot are not
      // sent again, and requests waiting for its answers fail (the caller re-issues them).
      this.stats.framesDiscarded += this.down.discard();
      this.owedSince = undefined;
      this.failWaiters((w) => new BoardRestartedError(this.boardId, w.what, hello.bootCount));
    }
    this.down.startConnection(hello.rxWindowFrames);
    this.deliver(this.up.accept(frame));
    this.sendAck();
    this.checkGap();
    this.pump();
    return { reconnect, restarted, lostInRestart };
  }

  /**
   * Stop reading the board's connection (TCP flow control makes the board wait) until
   * resumeInput(): what a consumer does when it cannot store more of this board's frames yet.
   */
  pauseInput(): void {
    this.paused = true;
    this.socket?.pause();
  }

  resumeInput(): void {
    this.paused = false;
    this.socket?.resume();
  }

  /** True while pauseInput() holds the board's input back. */
  get inputPaused(): boolean {
    return this.paused;
  }

  /**
   * How long the board has owed an ACK for frames the host sent it (ms), or undefined when it owes
   * none: a stalled board is named with this (issue 11, defect 10).
   */
  lateMs(): number | undefined {
    return this.owedSince === undefined ? undefined : this.clock.now() - this.owedSince;
  }

  /** "board 3 at 127.0.0.1:5000 has not acknowledged 2 frames for 10.2 s", or undefined when it owes nothing. */
  lateness(): string | undefined {
    const ms = this.lateMs();
    if (ms === undefined) return undefined;
    const n = this.down.unacknowledged + this.down.queued;
    return `board ${this.boardId} at ${this.remote}${this.connected ? "" : " (disconnected)"} has not acknowledged ${n} frame${n === 1 ? "" : "s"} for ${(ms / 1000).toFixed(1)} s`;
  }

  /** The board acknowledged frames: it is on time again, or owes the rest from now. */
  private progress(): void {
    const late = this.lateMs();
    if (late !== undefined) {
      if (late > this.stats.maxLateMs) this.stats.maxLateMs = late;
      if (late >= this.opts.lateAfterMs) this.stats.lateEpisodes++;
    }
    this.owedSince = this.down.unacknowledged > 0 ? this.clock.now() : undefined;
  }

  /** Bytes arrived on this board's connection (counted before they are decoded). */
  heard(bytes: number): void {
    this.stats.bytesIn += bytes;
    this.lastHeardAt = this.clock.now();
  }

  /** The socket closed or failed. Pending requests keep waiting for a reconnect until their timeout. */
  detach(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.clearResend();
    this.clock.clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
  }

  /** A frame from the board (not its HELLO). */
  receive(frame: Frame): void {
    this.stats.framesIn++;
    if (frame.seq === 0) {
      if (frame.name === "ACK") {
        const before = this.down.unacknowledged;
        this.down.onAck(frame.body.ackSeq, frame.body.windowFrames);
        if (this.down.unacknowledged < before) this.progress();
        this.pump();
      } else if (frame.name === "LOG" && frame.body.code === LogCode.RESEND_UNAVAILABLE) {
        this.deliver(this.up.markUnavailable(frame.body.arg0, frame.body.arg1));
        this.checkGap();
      }
      return;
    }
    this.deliver(this.up.accept(frame));
    this.checkGap();
  }

  /**
   * A frame whose check matched but whose type this host does not know (a newer minor's message):
   * ignored, but a sequenced one counts as received and is acknowledged like any other, so it never
   * looks like a gap. Returns false when its seq was already received (a replay), which the caller
   * does not report again.
   */
  receiveIgnored(seq: number): boolean {
    this.stats.framesIn++;
    if (seq === 0) return true;
    const out = this.up.ignore(seq);
    if (!out) return false;
    this.deliver(out);
    this.checkGap();
    return true;
  }

  /** Queue a sequenced frame for the board; it goes out as the board's window allows. */
  send<K extends MessageName>(name: K, body: MessageBodies[K]): void {
    const max = this.hello?.maxPayloadBytes;
    if (max !== undefined) {
      const bytes = CODECS[name].size(body);
      if (bytes > max) throw new PayloadTooLargeError(this.boardId, name, bytes, max);
    }
    this.down.enqueue({ name, body } as never);
    this.pump();
  }

  /** Resolve with the first delivered frame that `match` accepts. */
  waitFor<F extends Frame>(match: (f: Frame) => f is F, what: string, timeoutMs?: number): Promise<F>;
  waitFor(match: (f: Frame) => boolean, what: string, timeoutMs?: number): Promise<Frame>;
  waitFor(match: (f: Frame) => boolean, what: string, timeoutMs = this.opts.requestTimeoutMs): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const w: Waiter = {
        match,
        resolve,
        reject,
        what,
        timer: this.clock.setTimeout(() => {
          this.waiters = this.waiters.filter((x) => x !== w);
          reject(new LinkTimeoutError(this.boardId, what, timeoutMs));
        }, timeoutMs),
      };
      this.waiters.push(w);
    });
  }

  /** Push a configuration; resolves with the board's CONFIG_ACK, rejects with ConfigRejectedError. */
  async configure(config: ConfigMsg, timeoutMs?: number): Promise<ConfigAckMsg> {
    const answer = this.waitFor(
      (f) => (f.name === "CONFIG_ACK" || f.name === "CONFIG_NACK") && f.body.configVersion === config.configVersion,
      `CONFIG_ACK for config version ${config.configVersion}`,
      timeoutMs,
    );
    this.send("CONFIG", config);
    const f = await answer;
    if (f.name === "CONFIG_NACK") throw new ConfigRejectedError(this.boardId, f.body);
    return (f as Extract<Frame, { name: "CONFIG_ACK" }>).body;
  }

  /** Read back the applied configuration (NotConfiguredError when the board has none). */
  async readConfig(timeoutMs?: number): Promise<ConfigMsg> {
    const answer = this.waitFor(
      (f) => f.name === "CONFIG" || (f.name === "LOG" && f.body.code === LogCode.NOT_CONFIGURED),
      "CONFIG read-back",
      timeoutMs,
    );
    this.send("CONFIG_READ", {});
    const f = await answer;
    if (f.name !== "CONFIG") throw new NotConfiguredError(this.boardId);
    return f.body;
  }

  /** Send a RUN_CONTROL and wait for the STATUS that shows it applied (or the LOG refusing it). */
  async runControl(rc: RunControlMsg, timeoutMs?: number): Promise<StatusMsg> {
    const wanted = stateAfter(rc.action);
    const answer = this.waitFor(
      (f) =>
        (f.name === "STATUS" && f.body.state === wanted && f.body.runNumber === rc.runNumber) ||
        (f.name === "LOG" && f.body.code === LogCode.RUN_REFUSED && f.body.arg0 === rc.action),
      `STATUS after RUN_CONTROL action ${rc.action}`,
      timeoutMs,
    );
    this.send("RUN_CONTROL", rc);
    const f = await answer;
    if (f.name === "LOG") throw new RunRefusedError(this.boardId, rc.action, f.body.arg1, f.body.text);
    return (f as Extract<Frame, { name: "STATUS" }>).body;
  }

  /** Resolves when every queued down frame has been acknowledged by the board. */
  async drained(timeoutMs = this.opts.requestTimeoutMs): Promise<void> {
    const t0 = this.clock.now();
    while (!this.down.idle) {
      if (this.clock.now() - t0 > timeoutMs) throw new LinkTimeoutError(this.boardId, "ACK of all queued frames", timeoutMs);
      await sleepOn(this.clock, 2);
    }
  }

  /**
   * Drop the connection (operator reset, fault injection). The board reconnects on its own;
   * nothing is lost: unacknowledged frames are resent in both directions.
   */
  dropConnection(): void {
    this.socket?.destroy();
  }

  private failWaiters(error: (w: Waiter) => Error): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) {
      this.clock.clearTimeout(w.timer);
      w.reject(error(w));
    }
  }

  /** Fail every pending request with `error` (a consumer gave up on this board). */
  failRequests(error: Error): void {
    this.failWaiters(() => error);
  }

  /** Fail every pending request (server shutting down). */
  close(): void {
    this.failWaiters((w) => new LinkClosedError(this.boardId, w.what));
    this.clearResend();
    this.clock.clearTimeout(this.ackTimer);
    this.socket?.destroy();
    this.socket = undefined;
  }

  private deliver(frames: Frame[]): void {
    // Seqs newly received in order: the delivered frames plus ignored ones (unknown types).
    const passed = this.up.receivedInOrder - this.inOrderSeen;
    this.inOrderSeen = this.up.receivedInOrder;
    if (!passed) return;
    for (const f of frames) {
      for (const l of this.listeners) l(f);
      // The board refused a host frame as not authenticated: nothing asked of it will be answered.
      if (f.name === "LOG" && f.body.code === LogCode.UNAUTHENTICATED)
        this.failWaiters(() => new UnauthenticatedFrameError(this.boardId, messageName(f.body.arg0), f.body.arg1, f.body.text));
      if (this.waiters.length) {
        const hit = this.waiters.find((w) => w.match(f));
        if (hit) {
          this.waiters = this.waiters.filter((w) => w !== hit);
          this.clock.clearTimeout(hit.timer);
          hit.resolve(f);
        }
      }
    }
    this.unacked += passed;
    for (const f of frames) this.unackedBytes += f.raw.length;
    if (this.unacked >= this.opts.ackEveryFrames || this.unackedBytes >= this.opts.ackEveryBytes) this.sendAck();
    else if (!this.ackTimer) this.ackTimer = this.clock.setTimeout(() => this.sendAck(), this.opts.ackEveryMs);
    if (this.resend && !this.up.gap()) this.clearResend();
  }

  private sendAck(): void {
    this.clock.clearTimeout(this.ackTimer);
    this.ackTimer = undefined;
    this.unacked = 0;
    this.unackedBytes = 0;
    this.opts.beforeAck?.();
    this.writeUnsequenced("ACK", { ackSeq: this.up.lastInOrder, windowFrames: this.opts.hostWindowFrames });
    this.stats.acksSent++;
  }

  private checkGap(): void {
    const g = this.up.gap();
    if (!g) return;
    if (this.resend && this.resend.from === g.from) return;
    this.clearResend();
    this.stats.gaps++;
    this.requestResend(g.from, g.count, 0);
  }

  private requestResend(from: number, count: number, attempts: number): void {
    if (count < 1) return;
    this.stats.resendRequests++;
    this.writeUnsequenced("RESEND", { fromSeq: from, count: Math.min(count, 0xffff) });
    const timer = this.clock.setTimeout(() => {
      const g = this.up.gap();
      if (!g || g.from !== from) return this.checkGap();
      if (attempts + 1 >= this.opts.resendAttempts) {
        this.resend = undefined;
        this.deliver(this.up.skipGap());
        this.checkGap();
      } else this.requestResend(g.from, g.count, attempts + 1);
    }, this.opts.resendTimeoutMs);
    this.resend = { from, attempts, timer };
  }

  private clearResend(): void {
    if (this.resend) this.clock.clearTimeout(this.resend.timer);
    this.resend = undefined;
  }

  private pump(): void {
    if (!this.connected) return;
    for (const item of this.down.takeSendable()) {
      this.owedSince ??= this.clock.now();
      const frame = encodeFrame(item.name, item.body as never, { source: 0, seq: item.seq });
      const a = this.session;
      if (a) this.writeUnsequenced("AUTH_TAG", { seq: item.seq, mac: [...hostTag(a.key, a.boardNonce, a.hostNonce, frame)] });
      this.write(frame);
    }
  }

  private writeUnsequenced<K extends MessageName>(name: K, body: MessageBodies[K]): void {
    if (this.connected) this.write(encodeFrame(name, body, { source: 0, seq: 0 }));
  }

  private write(buf: Buffer): void {
    this.stats.framesOut++;
    this.stats.bytesOut += buf.length;
    this.socket!.write(buf);
  }
}

function stateAfter(action: number): number {
  switch (action) {
    case RunAction.BEGIN_RUN:
    case RunAction.END_SPILL:
      return BoardState.RUNNING;
    case RunAction.BEGIN_SPILL:
      return BoardState.IN_SPILL;
    default:
      return BoardState.CONFIGURED;
  }
}
