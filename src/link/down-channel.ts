// Host -> board sequencing: seqs restart at 1 per connection, at most `window` unacknowledged
// sequenced frames in flight, unacknowledged frames go out again (with new seqs) after a reconnect.
// Pure bookkeeping; the BoardLink encodes and writes what takeSendable() returns.
import type { MessageBodies, MessageName } from "../../protocol/codecs";

export interface DownItem<K extends MessageName = MessageName> {
  name: K;
  body: MessageBodies[K];
}

export interface SentItem extends DownItem {
  seq: number;
}

export class DownChannel {
  private queue: DownItem[] = [];
  private inFlight: SentItem[] = [];
  private nextSeq = 1;
  private acked = 0;
  private window = 0;
  /** Frames sent again after a reconnect. */
  resent = 0;

  /** A new connection: numbering restarts, unacknowledged frames are queued again in order. */
  startConnection(initialWindow: number): void {
    if (this.inFlight.length) {
      this.resent += this.inFlight.length;
      this.queue = [...this.inFlight.map(({ name, body }) => ({ name, body })), ...this.queue];
    }
    this.inFlight = [];
    this.nextSeq = 1;
    this.acked = 0;
    this.window = initialWindow;
  }

  /** The board restarted: what was queued or in flight belonged to its previous life. Returns how many frames were dropped. */
  discard(): number {
    const n = this.queue.length + this.inFlight.length;
    this.queue = [];
    this.inFlight = [];
    return n;
  }

  enqueue(item: DownItem): void {
    this.queue.push(item);
  }

  /** Frames that may be sent now, each with its seq; they count as in flight until acknowledged. */
  takeSendable(): SentItem[] {
    const out: SentItem[] = [];
    while (this.queue.length && this.nextSeq <= this.acked + this.window) {
      const item = { ...this.queue.shift()!, seq: this.nextSeq++ };
      this.inFlight.push(item);
      out.push(item);
    }
    return out;
  }

  /** Board ACK: everything up to ackSeq processed; room for windowFrames more. */
  onAck(ackSeq: number, windowFrames: number): void {
    if (ackSeq >= this.nextSeq) return; // acknowledges frames never sent on this connection: ignore
    if (ackSeq > this.acked) this.acked = ackSeq;
    this.window = windowFrames;
    this.inFlight = this.inFlight.filter((f) => f.seq > this.acked);
  }

  get queued(): number {
    return this.queue.length;
  }

  get unacknowledged(): number {
    return this.inFlight.length;
  }

  /** True when nothing is waiting or in flight. */
  get idle(): boolean {
    return this.queue.length === 0 && this.inFlight.length === 0;
  }
}
