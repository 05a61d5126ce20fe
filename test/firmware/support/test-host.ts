// A DAQ host for firmware tests: a TCP server speaking the real protocol (protocol/frame.ts,
// protocol/stream.ts) to a firmware image running in the VM. It records every frame the board
// sends, acknowledges them unless told not to, and lets a test send host frames and wait for
// answers. It is deliberately explicit (no hidden retries) so tests see exactly what the board did.
import { createServer, type Server, type Socket } from "node:net";
import { encodeFrame, frameCheck, type Frame } from "../../../protocol/frame";
import { ENV_OFF } from "../../../protocol/schema/envelope";
import { FrameStream } from "../../../protocol/stream";
import type { MessageBodies, MessageName } from "../../../protocol/codecs";

export type FrameOf<K extends MessageName> = Extract<Frame, { name: K }>;

export class TestHost {
  /** Every frame received from the board, in order, over all connections. */
  readonly frames: Frame[] = [];
  /** Stream errors (bad frames from the board); a healthy board produces none. */
  readonly errors: string[] = [];
  connections = 0;
  /** Acknowledge sequenced board frames as they arrive. */
  autoAck = true;
  /** Window granted to the board in ACKs (up frames beyond the acknowledged one). */
  window = 64;
  /** Last in-order up seq received on the current connection (what ACK acknowledges). */
  lastUpSeq = 0;
  /** The board's last cumulative ACK of host frames on this connection, and its window. */
  boardAck = 0;
  boardWindow = 0;
  private sock: Socket | undefined;
  private downSeq = 0;
  private waiters: Array<() => void> = [];

  private constructor(
    private server: Server,
    readonly port: number,
  ) {}

  static listen(port = 0): Promise<TestHost> {
    return new Promise((resolve, reject) => {
      let host: TestHost;
      const server = createServer((s) => host.accept(s));
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        const a = server.address();
        host = new TestHost(server, typeof a === "object" && a ? a.port : port);
        resolve(host);
      });
    });
  }

  private accept(s: Socket): void {
    this.sock?.destroy();
    this.sock = s;
    this.connections++;
    this.downSeq = 0;
    this.boardAck = 0;
    this.boardWindow = 0;
    const stream = new FrameStream();
    s.setNoDelay(true);
    s.on("data", (chunk) => {
      for (const item of stream.push(chunk)) {
        if (!item.ok) {
          this.errors.push(item.error.message);
          continue;
        }
        const f = item.frame;
        this.frames.push(f);
        if (f.name === "HELLO") this.boardWindow = f.body.rxWindowFrames;
        if (f.name === "ACK") {
          this.boardAck = Math.max(this.boardAck, f.body.ackSeq);
          this.boardWindow = f.body.windowFrames;
        }
        if (f.seq !== 0) {
          // In order: the next seq. A HELLO starts the count on a first connection or after a
          // restart (its seq is not above what was seen); a HELLO after a gap waits for RESEND.
          if (f.seq === this.lastUpSeq + 1) this.lastUpSeq = f.seq;
          else if (f.name === "HELLO" && (this.lastUpSeq === 0 || f.seq <= this.lastUpSeq)) this.lastUpSeq = f.seq;
          if (this.autoAck && s === this.sock) this.ack(this.lastUpSeq);
        }
      }
      this.wake();
    });
    s.on("error", () => {});
    s.on("close", () => {
      if (this.sock === s) this.sock = undefined;
      this.wake();
    });
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  connected(): boolean {
    return this.sock !== undefined && !this.sock.destroyed;
  }

  /** Wait until `pred` holds (checked after every arrival), or fail after `timeoutMs`. */
  async until<T>(pred: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = pred();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; received: ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The first frame named `name` at index >= `from` of `frames` matching `pred`. */
  find<K extends MessageName>(name: K, from = 0, pred: (f: FrameOf<K>) => boolean = () => true): FrameOf<K> | undefined {
    for (let i = from; i < this.frames.length; i++) {
      const f = this.frames[i]!;
      if (f.name === name && pred(f as FrameOf<K>)) return f as FrameOf<K>;
    }
    return undefined;
  }

  /** Wait for a frame named `name` received at index >= `from`. */
  next<K extends MessageName>(name: K, from: number, pred: (f: FrameOf<K>) => boolean = () => true, timeoutMs = 20_000): Promise<FrameOf<K>> {
    return this.until(() => this.find(name, from, pred), name, timeoutMs);
  }

  all<K extends MessageName>(name: K, from = 0): FrameOf<K>[] {
    return this.frames.slice(from).filter((f) => f.name === name) as FrameOf<K>[];
  }

  /** Send a sequenced host frame on the current connection; returns its seq. */
  send<K extends MessageName>(name: K, body: MessageBodies[K]): number {
    const seq = ++this.downSeq;
    this.write(encodeFrame(name, body, { source: 0, seq }));
    return seq;
  }

  /**
   * Send a sequenced host frame after `patch` changed its bytes (type, version...), sealed again
   * with a valid check; returns its seq.
   */
  sendPatched<K extends MessageName>(name: K, body: MessageBodies[K], patch: (frame: Buffer) => void): number {
    const seq = ++this.downSeq;
    const f = encodeFrame(name, body, { source: 0, seq });
    patch(f);
    f.writeUInt32LE(frameCheck(f), ENV_OFF.check);
    this.write(f);
    return seq;
  }

  /**
   * Send a sequenced host frame preceded by the bytes `before(frame)` returns (an AUTH_TAG frame,
   * made from the sealed frame with its seq); returns both, e.g. to replay them later.
   */
  sendAfter<K extends MessageName>(name: K, body: MessageBodies[K], before: (frame: Buffer, seq: number) => Uint8Array): { seq: number; frame: Buffer; first: Uint8Array } {
    const seq = ++this.downSeq;
    const frame = encodeFrame(name, body, { source: 0, seq });
    const first = before(frame, seq);
    this.write(Buffer.concat([first, frame]));
    return { seq, frame, first };
  }

  /** The seq the next sequenced host frame gets on this connection. */
  get nextDownSeq(): number {
    return this.downSeq + 1;
  }

  /** Count a sequenced frame written with write() (a replay): returns its seq. */
  claimSeq(): number {
    return ++this.downSeq;
  }

  /** Send a sequenced host frame once the board's window admits it (the rule hosts follow). */
  async sendInWindow<K extends MessageName>(name: K, body: MessageBodies[K], timeoutMs = 20_000): Promise<number> {
    await this.until(() => this.downSeq < this.boardAck + this.boardWindow, `the board's window to open for ${name}`, timeoutMs);
    return this.send(name, body);
  }

  /** Wait until the board acknowledged every host frame sent on this connection. */
  drained(timeoutMs = 20_000): Promise<boolean> {
    return this.until(() => this.boardAck >= this.downSeq, "the board to acknowledge every host frame", timeoutMs);
  }

  /** Cumulative ACK of up frames (seq 0: unsequenced link control). */
  ack(ackSeq: number, windowFrames = this.window): void {
    this.write(encodeFrame("ACK", { ackSeq, windowFrames }, { source: 0, seq: 0 }));
  }

  resend(fromSeq: number, count: number): void {
    this.write(encodeFrame("RESEND", { fromSeq, count }, { source: 0, seq: 0 }));
  }

  write(bytes: Uint8Array): void {
    if (!this.sock) throw new Error("no board connected");
    this.sock.write(bytes);
  }

  /** Drop the board's connection (it reconnects). */
  disconnect(): void {
    this.sock?.destroy();
    this.sock = undefined;
  }

  summary(): string {
    const counts = new Map<string, number>();
    for (const f of this.frames) counts.set(f.name, (counts.get(f.name) ?? 0) + 1);
    const logs = this.all("LOG").map((f) => `LOG(code ${f.body.code}, ${f.body.arg0}, ${f.body.arg1}${f.body.text ? `, "${f.body.text}"` : ""})`);
    return `${[...counts].map(([k, v]) => `${k} x${v}`).join(", ") || "nothing"}${logs.length ? `; ${logs.slice(-8).join("; ")}` : ""}${this.errors.length ? `; stream errors: ${this.errors.slice(-3).join("; ")}` : ""}`;
  }

  close(): Promise<void> {
    this.sock?.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}
