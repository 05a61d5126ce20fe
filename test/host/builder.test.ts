// Event builder: complete events across boards, missing boards (by SCALERS, depth, spill end),
// zero-hit events, duplicates and late frames, any arrival order, config-hash mismatches, bounded
// memory.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { decodeFrame, type Frame } from "../../protocol/frame";
import { EventBuilder, BuilderConfigError, type BuiltEvent, type SpillReport, type BuilderOptions, type ExpectedBoard } from "../../src/builder/builder";
import { synthesize, interleave, NA64_BOARDS, type SynthFrame, type SynthBoard } from "../../testkit/synthetic-boards";

const EXPECTED: ExpectedBoard[] = NA64_BOARDS.map((b) => ({ id: b.id, kind: b.kind }));

function harness(opts: Partial<BuilderOptions> = {}, boards = EXPECTED) {
  const events: BuiltEvent[] = [];
  const spills: SpillReport[] = [];
  const b = new EventBuilder({ boards, onEvent: (e) => events.push(e), onSpill: (s) => spills.push(s), ...opts });
  return { b, events, spills, feed: (fs: SynthFrame[]) => fs.forEach((f) => b.push(decodeFrame(f.bytes))) };
}

function frames(spills = 2, triggers = 20, boards: readonly SynthBoard[] = NA64_BOARDS, seed = 7) {
  return interleave(synthesize({ boards, spills, triggersPerSpill: triggers, seed }));
}

const key = (e: { spill: number; trigger: number }) => `${e.spill}/${e.trigger}`;

describe("event builder", () => {
  it("builds one complete event per trigger when every board contributes, and closes spills on SCALERS", () => {
    const h = harness();
    h.feed(frames(2, 20));
    expect(h.events).toHaveLength(40);
    expect(h.events).toAllSatisfy((e) => e.complete && e.completion === "complete" && e.missing.length === 0);
    expect(new Set(h.events.map(key)).size).toBe(40);
    expect(h.spills.map((s) => [s.spill, s.closedBy, s.events, s.complete, s.triggerGaps])).toEqual([
      [1, "scalers", 20, 20, 0],
      [2, "scalers", 20, 20, 0],
    ]);
    expect(Object.keys(h.spills[0]!.scalers).map(Number)).toEqual([1, 2, 3, 4, 5]);
    expect(h.b.stats.pending).toBe(0);
    // The parts are the frames' bodies, in board order: trigger record first, then digitisers.
    const e = h.events[0]!;
    expect(e.parts[0]).toMatchObject({ triggerNumber: e.trigger, spillNumber: e.spill });
    expect(e.hits).toBe(e.parts.slice(1).reduce((s, p) => s + (p && "hits" in p ? p.hits.n : 0), 0));
  });

  it("treats zero-hit events as normal complete events and counts them", () => {
    const boards: SynthBoard[] = [{ id: 1, kind: "trigger" }, { id: 2, kind: "digitiser", meanHits: 0 }, { id: 3, kind: "digitiser", meanHits: 0 }];
    const h = harness({}, boards.map((b) => ({ id: b.id, kind: b.kind })));
    h.feed(frames(1, 10, boards));
    expect(h.events).toHaveLength(10);
    expect(h.events).toAllSatisfy((e) => e.complete && e.hits === 0);
    expect(h.b.stats.zeroHitEvents).toBe(10);
  });

  it("reports a board missing from one event as soon as that board has finished the spill", () => {
    const all = frames(1, 20);
    const dropped = all.filter((f) => !(f.board === 3 && f.trigger === 7 && f.kind === "EVENT"));
    const h = harness();
    h.feed(dropped);
    const e7 = h.events.find((e) => e.trigger === 7)!;
    expect(e7).toMatchObject({ complete: false, completion: "board-done", missing: [3] });
    expect(e7.parts[2]).toBeUndefined();
    expect(h.events).toHaveLength(20);
    expect(h.spills[0]).toMatchObject({ spill: 1, closedBy: "scalers", events: 20, complete: 19, incomplete: 1, missingByBoard: { 3: 1 } });
    expect(h.b.stats.missingByBoard[3]).toBe(1);
  });

  it("emits an event at once when the only boards it lacks have already finished the spill", () => {
    const all = frames(1, 20).filter((f) => !(f.board === 3 && f.trigger === 7 && f.kind === "EVENT"));
    const h = harness();
    h.feed(all.filter((f) => f.board === 3)); // board 3 is fast: all its frames and its SCALERS first
    h.feed(all.filter((f) => f.board !== 3 && f.kind !== "SCALERS" && f.trigger <= 7));
    expect(h.events.map((e) => [e.trigger, e.completion])).toEqual([1, 2, 3, 4, 5, 6, 7].map((t) => [t, t === 7 ? "board-done" : "complete"]));
    expect(h.events[6]!.missing).toEqual([3]);
    expect(h.spills).toHaveLength(0);
  });

  it("reports a missing board when the event is late beyond the configured depth", () => {
    const all = frames(1, 50).filter((f) => f.kind !== "SCALERS");
    const h = harness({ lateDepth: 8 });
    h.feed(all.filter((f) => !(f.board === 4 && f.trigger === 3)));
    const e3 = h.events.find((e) => e.trigger === 3)!;
    expect(e3).toMatchObject({ complete: false, completion: "late", missing: [4] });
    // Emitted once trigger 3 + 8 = 11 had been seen, i.e. before the events after 11 completed.
    const at = h.events.indexOf(e3);
    expect(h.events.slice(0, at)).toAllSatisfy((e) => e.trigger <= 11);
    expect(h.events.slice(at + 1)).toAllSatisfy((e) => e.trigger >= 10);
    expect(h.events).toHaveLength(50);
  });

  it("emits everything still waiting at endSpill, naming the silent board", () => {
    const all = frames(1, 5).filter((f) => f.board !== 5);
    const h = harness();
    h.feed(all);
    expect(h.events).toHaveLength(0); // board 5 may still send: nothing decided yet
    h.b.endSpill(1);
    expect(h.events.map((e) => [e.trigger, e.completion, e.missing])).toEqual([1, 2, 3, 4, 5].map((t) => [t, "spill-end", [5]]));
    expect(h.spills[0]).toMatchObject({ closedBy: "endSpill", incomplete: 5, missingByBoard: { 5: 5 } });
  });

  it("counts resent frames as duplicates and never builds an event twice", () => {
    const all = frames(1, 10);
    const data = all.filter((f) => f.kind !== "SCALERS");
    const h = harness();
    h.feed(data.slice(0, 25)); // 5 complete events
    h.feed(data.slice(20, 30)); // 5 frames repeated (resend after a reconnect), 5 new
    h.feed(data.slice(30));
    h.feed(all.filter((f) => f.kind === "SCALERS"));
    expect(h.events).toHaveLength(10);
    expect(h.events).toAllSatisfy((e) => e.complete);
    expect(h.b.stats.duplicates).toBe(5);
    expect(h.spills[0]!.duplicates).toBe(5);
    // A frame for a closed spill: duplicate if that board had contributed.
    h.feed(data.slice(0, 1));
    expect(h.b.stats.duplicates).toBe(6);
    expect(h.events).toHaveLength(10);
  });

  it("ignores a repeated frame while its event is still waiting, keeping the first copy", () => {
    const all = frames(1, 3).filter((f) => f.kind !== "SCALERS");
    const first = all.find((f) => f.board === 2 && f.trigger === 1)!;
    const h = harness();
    h.feed([first, first, first]);
    expect(h.b.stats.duplicates).toBe(2);
    expect(h.events).toHaveLength(0);
    h.feed(all.filter((f) => f !== first));
    expect(h.events).toHaveLength(3);
    expect(h.events).toAllSatisfy((e) => e.complete);
    expect(h.spills).toHaveLength(0);
  });

  it("counts a frame arriving after its event was emitted without it as late", () => {
    const all = frames(1, 30).filter((f) => f.kind !== "SCALERS");
    const late = all.find((f) => f.board === 2 && f.trigger === 2)!;
    const h = harness({ lateDepth: 4 });
    h.feed(all.filter((f) => f !== late));
    expect(h.events.find((e) => e.trigger === 2)).toMatchObject({ completion: "late", missing: [2] });
    h.feed([late]);
    expect(h.b.stats.late).toBe(1);
    expect(h.events.filter((e) => e.trigger === 2)).toHaveLength(1);
  });

  it("builds every event exactly once, complete, for any arrival order of the data frames", () => {
    const all = frames(2, 12, NA64_BOARDS, 3);
    const data = all.filter((f) => f.kind !== "SCALERS");
    const sc = all.filter((f) => f.kind === "SCALERS");
    fc.assert(
      fc.property(fc.shuffledSubarray(data, { minLength: data.length, maxLength: data.length }), (order) => {
        const h = harness();
        h.feed(order);
        h.feed(sc);
        expect(h.events).toHaveLength(24);
        expect(h.events).toAllSatisfy((e) => e.complete);
        expect(new Set(h.events.map(key)).size).toBe(24);
        expect(h.b.stats.pending).toBe(0);
      }),
      { numRuns: 40 },
    );
  });

  it("flags frames whose config hash differs from the one pushed to that board", () => {
    const boards: SynthBoard[] = [{ id: 1, kind: "trigger", configHash: 0xaaaa }, { id: 2, kind: "digitiser", meanHits: 2, configHash: 0xbbbb }];
    const h = harness({}, [
      { id: 1, kind: "trigger", configHash: 0xaaaa },
      { id: 2, kind: "digitiser", configHash: 0xcccc },
    ]);
    h.feed(frames(1, 3, boards));
    expect(h.events).toAllSatisfy((e) => e.complete && e.hashMismatch.length === 1 && e.hashMismatch[0] === 2);
    expect(h.b.stats.hashMismatches).toBe(3);
  });

  it("keeps memory bounded when a board is dead: waiting events never exceed the depth", () => {
    const all = frames(1, 3000).filter((f) => f.board !== 3 && f.kind !== "SCALERS");
    const h = harness({ lateDepth: 64 });
    h.feed(all);
    expect(h.b.stats.pendingPeak).toBeLessThanOrEqual(65);
    expect(h.events.length).toBeGreaterThanOrEqual(3000 - 64);
    expect(h.events).toAllSatisfy((e) => e.missing.join() === "3");
    h.b.finish();
    expect(h.events).toHaveLength(3000);
    expect(h.b.stats.pending).toBe(0);
  });

  it("evicts the oldest waiting event on overflow", () => {
    const all = frames(1, 20).filter((f) => f.board === 1);
    const h = harness({ lateDepth: 1000, maxPending: 5 });
    h.feed(all);
    expect(h.b.stats.pending).toBe(5);
    expect(h.events.map((e) => [e.trigger, e.completion])).toEqual(Array.from({ length: 15 }, (_, i) => [i + 1, "overflow"]));
  });

  it("counts frames from unknown boards, wrong message kinds and unused types without building", () => {
    const h = harness({}, [{ id: 1, kind: "trigger" }, { id: 2, kind: "digitiser" }]);
    const stray = frames(1, 2).filter((f) => f.board === 9 || f.board === 3);
    h.feed(stray);
    expect(h.b.stats.unknownSource).toBe(stray.length);
    const wrong = synthesize({ boards: [{ id: 1, kind: "digitiser" }], spills: 1, triggersPerSpill: 2 }).get(1)!.filter((f) => f.kind === "EVENT");
    h.feed(wrong);
    expect(h.b.stats.unexpected).toBe(2);
    h.b.push({ name: "LOG", type: 0x0d, source: 1, seq: 1, major: 1, minor: 0, bytes: 0, body: { level: 1, code: 0, arg0: 0, arg1: 0, text: "hi" } } as Frame);
    expect(h.b.stats.ignored).toBe(1);
    expect(h.events).toHaveLength(0);
  });

  it("counts trigger numbers that no board reported as gaps in the spill report", () => {
    const all = frames(1, 10).filter((f) => f.trigger !== 4 && f.trigger !== 5);
    const h = harness();
    h.feed(all);
    expect(h.spills[0]).toMatchObject({ events: 8, firstTrigger: 1, lastTrigger: 10, triggerGaps: 2 });
  });

  it("rejects a bad builder configuration with a typed error", () => {
    expect(() => new EventBuilder({ boards: [], onEvent: () => {} })).toThrow(BuilderConfigError);
    expect(() => new EventBuilder({ boards: [{ id: 1, kind: "trigger" }, { id: 1, kind: "digitiser" }], onEvent: () => {} })).toThrow(/boards.id/);
    expect(() => new EventBuilder({ boards: EXPECTED, lateDepth: 0, onEvent: () => {} })).toThrow(/lateDepth/);
  });
});
