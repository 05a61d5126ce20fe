// The checks every run gets (src/daq/checks.ts): what fails a run and what is only reported.
import { describe, expect, it } from "vitest";
import { linkChecks, type LinkFacts } from "../../src/daq/checks";
import type { BuilderStats } from "../../src/builder/builder";

const builder: BuilderStats = {
  frames: 10,
  events: 5,
  complete: 5,
  incomplete: 0,
  incompleteSample: [],
  zeroHitEvents: 1,
  missingByBoard: {},
  duplicates: 0,
  late: 0,
  hashMismatches: 0,
  unexpected: 0,
  unknownSource: 0,
  ignored: 0,
  pending: 0,
  pendingPeak: 0,
  spillsClosed: 1,
};

function facts(protocolErrors: Record<string, number>): LinkFacts {
  return { boards: [], protocolErrors, firmwareErrors: [], builder };
}

const protocolCheck = (f: LinkFacts) => linkChecks(f).find((c) => c.name === "no protocol errors")!;

describe("run checks", () => {
  it("frames of an unknown type (a newer board) are reported, not failed: nothing was lost", () => {
    const c = protocolCheck(facts({ UNKNOWN_TYPE: 2 }));
    expect(c.ok).toBe(true);
    expect(c.detail).toBe("every frame passed its check; 2 frames of unknown types ignored (newer board firmware?)");
  });

  it("a frame that failed its check fails the run, with the count of each kind", () => {
    const c = protocolCheck(facts({ CHECK_MISMATCH: 1, UNKNOWN_TYPE: 1 }));
    expect(c.ok).toBe(false);
    expect(c.detail).toBe("CHECK_MISMATCH x1; 1 frame of unknown types ignored (newer board firmware?)");
  });

  it("a clean run passes every check", () => {
    const checks = linkChecks(facts({}));
    expect(checks.map((c) => c.name)).toEqual(["no unexplained sequence gaps", "no protocol errors", "no firmware errors", "event building"]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });
});
