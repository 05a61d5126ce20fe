// A client that speaks whatever it is told to, for the rogue-client tests: any source, any seq,
// raw bytes, slow writes. It records what the host sends back and when the host closes it.
import { connect, type Socket } from "node:net";
import { encodeFrame, type Frame } from "../../protocol/frame";
import { FrameStream } from "../../protocol/stream";
import type { MessageBodies, MessageName } from "../../protocol/codecs";
import { BoardRole, BoardState } from "../../protocol/schema/enums";
import type { HelloMsg } from "../../protocol/schema/messages";
import { PROTO_MAJOR, PROTO_MINOR } from "../../protocol/schema/limits";

export class RawClient {
  readonly received: Frame[] = [];
  /** Resolves when the host closed (or reset) the connection. */
  readonly closed: Promise<void>;
  private readonly stream = new FrameStream();
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: Socket) {
    this.localPort = socket.localPort!;
    socket.on("data", (chunk) => {
      for (const item of this.stream.push(chunk)) if (item.ok) this.received.push(item.frame);
      this.wake();
    });
    socket.on("error", () => undefined);
    this.closed = new Promise((r) => socket.once("close", () => r()));
    void this.closed.then(() => this.wake());
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, host);
      s.once("connect", () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  /** This client's port (the host names it in errors as 127.0.0.1:<port>). */
  readonly localPort: number;

  /** One frame with the given envelope fields. */
  send<K extends MessageName>(name: K, body: MessageBodies[K], source: number, seq: number): void {
    this.write(encodeFrame(name, body, { source, seq }));
  }

  hello(source: number, seq = 1, over: Partial<HelloMsg> = {}): void {
    this.send("HELLO", helloBody(over), source, seq);
  }

  write(bytes: Uint8Array): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Wait until `pred` holds (checked on every arrival and on close), or fail after `ms`. */
  async until(pred: () => boolean, what: string, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function helloBody(over: Partial<HelloMsg> = {}): HelloMsg {
  return {
    role: BoardRole.CALORIMETER,
    fwMajor: 0,
    fwMinor: 1,
    fwPatch: 0,
    protoMajor: PROTO_MAJOR,
    protoMinor: PROTO_MINOR,
    channelCount: 4,
    frontEnd: 2,
    capabilities: 0x0f,
    bootCount: 1,
    uptimeMs: 0,
    state: BoardState.UNCONFIGURED,
    configVersion: 0,
    configHash: 0,
    runNumber: 0,
    spillNumber: 0,
    ringOldestSeq: 1,
    rxWindowFrames: 4,
    maxPayloadBytes: 8176,
    ...over,
  };
}
