// Sequencing bookkeeping without sockets: duplicates, gaps, overflow, restarts, windows.
import { describe, expect, it } from "vitest";
import { UpSequencer } from "../../src/link/up-sequencer";
import { DownChannel } from "../../src/link/down-channel";
import type { Frame } from "../../protocol/frame";

const f = (seq: number) => ({ name: "ACK", type: 15, source: 1, seq, major: 1, minor: 0, body: { ackSeq: 0, windowFrames: 0 }, bytes: 22 }) as Frame;
const seqs = (fs: Frame[]) => fs.map((x) => x.seq);

describe("UpSequencer", () => {
  it("delivers in order, holds early frames and drops duplicates", () => {
    const u = new UpSequencer();
    u.startConnection(1, false);
    expect(seqs(u.accept(f(1)))).toEqual([1]);
    expect(seqs(u.accept(f(3)))).toEqual([]);
    expect(u.gap()).toEqual({ from: 2, count: 1 });
    expect(seqs(u.accept(f(2)))).toEqual([2, 3]);
    expect(seqs(u.accept(f(2)))).toEqual([]);
    expect(u.stats.duplicates).toBe(1);
    expect(u.lastInOrder).toBe(3);
  });

  it("gives up on a gap when too much is held back, counting it as unexplained", () => {
    const u = new UpSequencer(3);
    u.startConnection(1, false);
    u.accept(f(1));
    for (const s of [5, 6, 7]) expect(u.accept(f(s))).toEqual([]);
    expect(seqs(u.accept(f(8)))).toEqual([5, 6, 7, 8]);
    expect(u.stats.lostUnexplained).toBe(3);
  });

  it("counts frames lost in a restart and numbers from the new HELLO", () => {
    const u = new UpSequencer();
    u.startConnection(1, false);
    u.accept(f(1));
    u.accept(f(4)); // 2, 3 missing; 4 held
    expect(u.startConnection(1, true)).toBe(3);
    expect(u.stats.lostInReboot).toBe(3);
    expect(seqs(u.accept(f(1)))).toEqual([1]);
  });

  it("an ignored seq (unknown type) counts as received, in order or held, once", () => {
    const u = new UpSequencer();
    u.startConnection(1, false);
    u.accept(f(1));
    expect(u.ignore(3)).toEqual([]); // held behind the gap at 2
    expect(u.gap()).toEqual({ from: 2, count: 1 });
    expect(u.ignore(3)).toBeUndefined(); // a replay: a duplicate, not a second frame
    expect(seqs(u.accept(f(2)))).toEqual([2]);
    expect(u.lastInOrder).toBe(3);
    expect(u.ignore(4)).toEqual([]);
    expect(u.lastInOrder).toBe(4);
    expect(u.receivedInOrder).toBe(4);
    expect(u.stats).toMatchObject({ delivered: 2, ignored: 2, duplicates: 1 });
  });

  it("only skips an unavailable range where delivery is stuck", () => {
    const u = new UpSequencer();
    u.startConnection(1, false);
    u.accept(f(1));
    u.accept(f(5));
    expect(u.markUnavailable(10, 2)).toEqual([]);
    expect(seqs(u.markUnavailable(2, 3))).toEqual([5]);
    expect(u.stats.lostExplained).toBe(3);
  });

  it("never skips past a held frame, and ignores an unavailable range when nothing is missing", () => {
    const u = new UpSequencer();
    u.startConnection(1, false);
    u.accept(f(1));
    expect(u.markUnavailable(2, 10)).toEqual([]); // no gap: nothing was asked for
    expect(u.lastInOrder).toBe(1);
    u.accept(f(3));
    expect(seqs(u.markUnavailable(2, 10))).toEqual([3]);
    expect(u.stats.lostExplained).toBe(1);
    expect(u.lastInOrder).toBe(3);
    expect(u.gap()).toBeUndefined();
    expect(seqs(u.accept(f(4)))).toEqual([4]);
  });
});

describe("DownChannel", () => {
  it("keeps within the window and requeues unacknowledged frames on reconnect", () => {
    const d = new DownChannel();
    d.startConnection(2);
    for (let i = 0; i < 5; i++) d.enqueue({ name: "CONFIG_READ", body: {} });
    expect(d.takeSendable().map((x) => x.seq)).toEqual([1, 2]);
    expect(d.takeSendable()).toEqual([]);
    d.onAck(1, 2);
    expect(d.takeSendable().map((x) => x.seq)).toEqual([3]);
    d.onAck(9, 9); // acknowledges frames never sent: ignored
    expect(d.unacknowledged).toBe(2);
    d.startConnection(3);
    expect(d.takeSendable().map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(d.resent).toBe(2);
    expect(d.queued).toBe(1);
  });
});
