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

const hello = { role: 2, fwMajor: 1, fwMinor: 0, fwPatch: 0, protoMajor: 1, protoMinor: 0, channelCount: 36, frontEnd: 2, capabilities: 15, bootCount: 1, uptimeMs: 10, state: 2, configVersion: 1, configHash: 0, runNumber: 0, spillNumber: 0, ringOldestSeq: 1, rxWindowFrames: 8, maxPayloadBytes: 8176 };
const link = { delivered: 0, duplicates: 0, lostExplained: 0, lostUnexplained: 0, lostInReboot: 0, maxHeld: 0, ignored: 0, reconnects: 0, restarts: 0, resendRequests: 0, maxLateMs: 0, lateEpisodes: 0 };

/** One board, ecal-main (id 3) at 127.0.0.1:40000, with these errors on its own connection. */
function facts(protocolErrors: Record<string, number>, strangerErrors: Record<string, number> = {}, errorMessages: string[] = []): LinkFacts {
  const board = { id: 3, name: "ecal-main", role: "calorimeter", hello, configHash: 0, frames: 10, bytes: 1000, link, remote: "127.0.0.1:40000", protocolErrors, errorMessages };
  return { boards: [board], strangerErrors, firmwareErrors: [], builder };
}

const protocolCheck = (f: LinkFacts) => linkChecks(f).find((c) => c.name === "no protocol errors")!;

describe("run checks", () => {
  it("frames of an unknown type (a newer board) are reported, not failed: nothing was lost", () => {
    const c = protocolCheck(facts({ UNKNOWN_TYPE: 2 }));
    expect(c.ok).toBe(true);
    expect(c.detail).toBe("every frame passed its check; 2 frames of unknown types ignored (newer board firmware?)");
  });

  it("a frame that failed its check fails the run, naming the board, its address, the count of each kind and the last error", () => {
    const c = protocolCheck(facts({ CHECK_MISMATCH: 1, UNKNOWN_TYPE: 1 }, {}, ["check mismatch on EVENT seq 17"]));
    expect(c.ok).toBe(false);
    expect(c.detail).toBe(
      "ecal-main (id 3) at 127.0.0.1:40000: CHECK_MISMATCH x1 (last: check mismatch on EVENT seq 17); 1 frame of unknown types ignored (newer board firmware?)",
    );
  });

  it("what other clients did (stray bytes, claimed ids, no HELLO) is reported, not failed (issue 11, defect 5)", () => {
    const c = protocolCheck(facts({}, { BAD_MAGIC: 1, IDLE: 1, CLAIMED_ID: 2 }));
    expect(c.ok).toBe(true);
    expect(c.detail).toBe("every frame passed its check; not the run's boards: BAD_MAGIC x1, IDLE x1, CLAIMED_ID x2 from other clients (refused or closed)");
  });

  it("a board that stalled is named with how long, though nothing was lost (issue 11, defect 10)", () => {
    const f = facts({});
    f.boards[0]!.link = { ...link, lateEpisodes: 1, maxLateMs: 10_200 };
    const c = linkChecks(f).find((x) => x.name === "no unexplained sequence gaps")!;
    expect(c.ok).toBe(true);
    expect(c.detail).toBe("0 gaps left; 0 RESEND requests; late: ecal-main (id 3) at 127.0.0.1:40000 1 time, longest 10.2 s");
  });

  it("a clean run passes every check", () => {
    const checks = linkChecks(facts({}));
    expect(checks.map((c) => c.name)).toEqual(["no unexplained sequence gaps", "no protocol errors", "no firmware errors", "event building"]);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
  });
});
