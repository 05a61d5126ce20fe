// Delivers a board's sequenced up frames in order, exactly once, and knows which seqs are missing.
// A frame of a type this host does not know (a newer minor's) fills its seq without being delivered.
// Pure bookkeeping (no sockets, no timers) so every gap/duplicate/reboot case is unit-testable.
import type { Frame } from "../../protocol/frame";

export interface UpSequencerStats {
  delivered: number;
  /** Sequenced frames of a type this host does not know: received (their seq counts), not delivered. */
  ignored: number;
  duplicates: number;
  /** Frames skipped after the board said they are gone (LOG RESEND_UNAVAILABLE). */
  lostExplained: number;
  /** Frames skipped after RESEND attempts ran out with no answer. */
  lostUnexplained: number;
  /** Frames the board had sent before it restarted and the host never received. */
  lostInReboot: number;
  /** Largest number of frames held back waiting for a gap to fill. */
  maxHeld: number;
}

export interface Gap {
  from: number;
  count: number;
}

export class UpSequencer {
  /** Next seq to deliver; undefined until the first HELLO. */
  private expected: number | undefined;
  /** Frames received ahead of a gap; null for an ignored frame (unknown type). */
  private readonly held = new Map<number, Frame | null>();
  private highestSeen = 0;
  private passed = 0;
  readonly stats: UpSequencerStats = {
    delivered: 0,
    ignored: 0,
    duplicates: 0,
    lostExplained: 0,
    lostUnexplained: 0,
    lostInReboot: 0,
    maxHeld: 0,
  };

  /** Bytes of the frames held back. */
  private heldBytes = 0;

  /**
   * A board's resend ring is small (64 frames, 4 KB on the firmware), so a real gap never holds
   * back more than that; these bounds only stop a misbehaving client from filling the host's memory.
   */
  constructor(
    private readonly maxHeld = 1024,
    private readonly maxHeldBytes = 1 << 20,
  ) {}

  /** Last seq delivered in order (what the host ACKs); 0 before anything was delivered. */
  get lastInOrder(): number {
    return this.expected === undefined ? 0 : this.expected - 1;
  }

  get heldCount(): number {
    return this.held.size;
  }

  /** Seqs received in order so far, delivered or ignored (grows by what an ACK newly covers). */
  get receivedInOrder(): number {
    return this.passed;
  }

  /**
   * A HELLO opened a connection. `restarted` (new boot count, or a seq that went backwards) means
   * the board's ring is gone: whatever was not delivered is lost and numbering starts again at the
   * HELLO's seq. Returns how many frames the restart lost (known from seqs seen, at least).
   */
  startConnection(helloSeq: number, restarted: boolean): number {
    if (this.expected === undefined) {
      this.expected = helloSeq;
      return 0;
    }
    if (restarted || helloSeq < this.expected) {
      const lost = Math.max(0, this.highestSeen - this.expected + 1);
      this.stats.lostInReboot += lost;
      this.held.clear();
      this.heldBytes = 0;
      this.expected = helloSeq;
      this.highestSeen = helloSeq - 1;
      return lost;
    }
    return 0;
  }

  /** Accept a sequenced frame; returns the frames now deliverable, in order. */
  accept(frame: Frame): Frame[] {
    return this.take(frame.seq, frame) ?? [];
  }

  /**
   * A sequenced frame this host cannot read (unknown type, check matched) arrived: its seq counts as
   * received, nothing is delivered for it. Returns the frames now deliverable, or undefined when the
   * seq was a duplicate (already received or held).
   */
  ignore(seq: number): Frame[] | undefined {
    return this.take(seq, null);
  }

  private take(seq: number, frame: Frame | null): Frame[] | undefined {
    if (this.expected === undefined) throw new Error("UpSequencer: frame before HELLO");
    if (seq < this.expected || this.held.has(seq)) {
      this.stats.duplicates++;
      return undefined;
    }
    if (!frame) this.stats.ignored++;
    if (seq > this.highestSeen) this.highestSeen = seq;
    this.held.set(seq, frame);
    if (frame) this.heldBytes += frame.bytes;
    if (seq !== this.expected) {
      if (this.held.size > this.stats.maxHeld) this.stats.maxHeld = this.held.size;
      if (this.held.size > this.maxHeld || this.heldBytes > this.maxHeldBytes) return this.skipGap("unexplained");
      return [];
    }
    const out: Frame[] = [];
    this.drainHeld(out);
    return out;
  }

  /** The first missing range, if frames are held back behind it. */
  gap(): Gap | undefined {
    if (this.expected === undefined || this.held.size === 0) return undefined;
    let next = Infinity;
    for (const s of this.held.keys()) if (s < next) next = s;
    return { from: this.expected, count: next - this.expected };
  }

  /**
   * The board says [from, from+count) is gone: skip it if it is where delivery is stuck, but never
   * past a frame the host holds (a claim about seqs that arrived is wrong) and never when nothing is
   * held back (no gap was asked about).
   */
  markUnavailable(from: number, count: number): Frame[] {
    const g = this.gap();
    if (!g || from > g.from || from + count <= g.from) return [];
    const end = Math.min(from + count, g.from + g.count);
    this.stats.lostExplained += end - this.expected!;
    this.expected = end;
    const out: Frame[] = [];
    this.drainHeld(out);
    return out;
  }

  /** Give up on the current gap (RESEND attempts exhausted, or too much held back). */
  skipGap(kind: "unexplained" = "unexplained"): Frame[] {
    const g = this.gap();
    if (!g) return [];
    if (kind === "unexplained") this.stats.lostUnexplained += g.count;
    this.expected = g.from + g.count;
    const out: Frame[] = [];
    this.drainHeld(out);
    return out;
  }

  private drainHeld(out: Frame[]): void {
    for (;;) {
      const f = this.held.get(this.expected!);
      if (f === undefined) break;
      this.held.delete(this.expected!);
      if (f) {
        this.heldBytes -= f.bytes;
        out.push(f);
        this.stats.delivered++;
      }
      this.expected!++;
      this.passed++;
    }
  }
}
