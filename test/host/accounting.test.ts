// The bench accounting, fed facts directly (no VM): when the hardware's triggers, the events built
// and the boards' own scalers agree, the report says PASS and the command exits 0; one board that
// sent a frame less, or a truth count that differs, is a FAIL naming the check, and exit code 1.
import { describe, expect, it } from "vitest";
import { loadSetup } from "../../boards/setup";
import { decodeFrame } from "../../protocol/frame";
import type { FifoSpillEndRec } from "../../protocol/schema/fifo";
import { loadPreset } from "../../src/presets/load";
import { convertPreset } from "../../src/config/convert";
import { EventBuilder, type SpillReport } from "../../src/builder/builder";
import { PhysicsSummary } from "../../src/analysis/physics-summary";
import { summaryCuts } from "../../src/analysis/cuts";
import { accountRun, type SpillAccount } from "../../src/bench/accounting";
import { benchBeam } from "../../src/config/beam";
import { resolveBenchOptions } from "../../src/bench/options";
import type { BenchResult, BoardResult } from "../../src/bench/result";
import { reportBench } from "../../src/cli/bench-cmd";
import { capturingOut } from "../support/cli";
import { interleave, synthesize, NA64_BOARDS, type SynthFrame } from "../../testkit/synthetic-boards";

const TRIGGERS = 20;

/** A one-spill bench result from synthetic frames; `change` edits the facts before the accounting. */
function benchResult(change: (s: SpillAccount) => void = () => undefined, multiTypeEvery = 0, drop: (f: SynthFrame) => boolean = () => false): BenchResult {
  const setup = loadSetup();
  const preset = loadPreset("e+70");
  const conversion = convertPreset(preset.name, preset.preset, setup);
  const reports: SpillReport[] = [];
  let summary: PhysicsSummary | undefined;
  const builder = new EventBuilder({ boards: setup.boards.map((b) => ({ id: b.id, kind: b.role === "trigger" ? "trigger" : "digitiser" })), onEvent: (e) => summary!.add(e), onSpill: (r) => reports.push(r) });
  summary = new PhysicsSummary(summaryCuts(preset.preset), { setup, configs: new Map(conversion.boards.map((b) => [b.boardId, b.config])) }, builder.boardIds);
  for (const f of interleave(synthesize({ boards: NA64_BOARDS, spills: 1, triggersPerSpill: TRIGGERS, multiTypeEvery }))) if (!drop(f)) builder.push(decodeFrame(f.bytes));
  const ids = setup.boards.map((b) => b.id);
  const trig = setup.boards.find((b) => b.role === "trigger")!;
  const alsoBeam = multiTypeEvery ? Math.floor(TRIGGERS / multiTypeEvery) : 0;
  const hw = { acceptedTriggers: [TRIGGERS, alsoBeam, 0, 0], inhibitedBusy: 0, inhibitedDead: 0, deadTicks: 0 } as unknown as FifoSpillEndRec;
  const spill: SpillAccount = {
    spill: 1,
    report: reports[0]!,
    uniqueFrames: Object.fromEntries(ids.map((id) => [id, TRIGGERS])),
    repeatedFrames: Object.fromEntries(ids.map((id) => [id, 0])),
    restartedBoards: [],
    truthTriggers: TRIGGERS,
    hardwareAccepted: TRIGGERS,
    inhibitedBusy: 0,
    inhibitedDead: 0,
    particles: { positron: TRIGGERS },
    hardware: { [trig.id]: hw },
  };
  change(spill);
  const hello = { role: 1, fwMajor: 1, fwMinor: 0, fwPatch: 0, protoMajor: 1, protoMinor: 0, channelCount: 5, frontEnd: 2, capabilities: 15, bootCount: 1, uptimeMs: 10, state: 2, configVersion: 1, configHash: 0, runNumber: 0, spillNumber: 0, ringOldestSeq: 1, rxWindowFrames: 8, maxPayloadBytes: 8176 };
  const link = { delivered: 0, duplicates: 0, lostExplained: 0, lostUnexplained: 0, lostInReboot: 0, maxHeld: 0, ignored: 0, reconnects: 0, restarts: 0, resendRequests: 0, maxLateMs: 0, lateEpisodes: 0 };
  const boards: BoardResult[] = setup.boards.map((b) => ({ id: b.id, name: b.name, role: b.role, hello, configHash: 0, frames: TRIGGERS + 1, bytes: 1000, link, image: b.role, imageBytes: 1000, remote: "127.0.0.1:40000", protocolErrors: {}, errorMessages: [] }));
  const checks = accountRun({ setup, spills: [spill], boards, strangerErrors: {}, firmwareErrors: [], builder: builder.stats });
  const options = resolveBenchOptions({});
  return {
    ok: checks.every((c) => c.ok),
    setup,
    options,
    preset: preset.name,
    beam: benchBeam(preset.preset, options),
    runNumber: 1,
    boards,
    spills: [spill],
    checks,
    summary,
    conversion,
    timing: { wallMs: 1000, startupMs: 500, simulatorMs: 1, waitBoardsMs: 1, hostMs: 1 },
    protocolErrors: {},
    events: builder.stats.events,
    builder: builder.stats,
  };
}

describe("bench accounting", () => {
  it("agreeing counts pass, and the scalers line shows the equality with every board's eventsSent", () => {
    const r = benchResult();
    const { out, lines } = capturingOut();
    expect(reportBench(out, r, {})).toBe(0);
    expect(lines).toContain(`  ok   firmware scalers agree: simulated triggers ${TRIGGERS} = events built ${TRIGGERS} = trigger board accepted ${TRIGGERS}; eventsSent trig ${TRIGGERS}, ecal-ps ${TRIGGERS}, ecal-main ${TRIGGERS}, hcal ${TRIGGERS}, veto ${TRIGGERS}`);
    expect(lines.at(-1)).toBe("PASS: every trigger is accounted for");
    expect(lines[0]).toMatch(/^bench run \(not recorded\): e\+70, 1 spill of 4.8 s/);
  });

  it("a trigger of two types (physics and prescaled beam) is one accepted trigger, not two: the checks pass", () => {
    const r = benchResult(() => undefined, 4);
    expect(r.spills[0]!.report.multiTypeTriggers).toBe(TRIGGERS / 4);
    expect(r.spills[0]!.report.scalers[1]!.acceptedTriggers).toEqual([TRIGGERS, TRIGGERS / 4, 0, 0]);
    const { out, lines } = capturingOut();
    expect(reportBench(out, r, {})).toBe(0);
    expect(lines).toContain(
      `  ok   firmware scalers agree: simulated triggers ${TRIGGERS} = events built ${TRIGGERS} = trigger board accepted ${TRIGGERS} (${TRIGGERS / 4} of them of several types, counted once); ` +
        `eventsSent trig ${TRIGGERS}, ecal-ps ${TRIGGERS}, ecal-main ${TRIGGERS}, hcal ${TRIGGERS}, veto ${TRIGGERS}`,
    );
    expect(r.checks.length).toBeGreaterThan(0);
    expect(r.checks.filter((c) => !c.ok)).toEqual([]);
  });

  it("a board that sent a frame less than its scalers say: FAIL and exit code 1", () => {
    const r = benchResult((s) => void (s.uniqueFrames[4] = TRIGGERS - 1));
    const { out, lines } = capturingOut();
    expect(reportBench(out, r, {})).toBe(1);
    expect(lines).toContain(`  FAIL every board sent one frame per trigger: expected ${TRIGGERS}: hcal ${TRIGGERS - 1}`);
    expect(lines.find((l) => l.includes("firmware scalers agree"))).toMatch(/^  FAIL firmware scalers agree: spill 1: hcal says it sent 20, the host received 19 \(/);
    expect(lines.at(-1)).toBe("FAIL: every board sent one frame per trigger; firmware scalers agree");
  });

  it("a hardware truth count that differs from the events built: FAIL and exit code 1", () => {
    const r = benchResult((s) => void (s.truthTriggers = TRIGGERS + 1));
    const { out, lines } = capturingOut();
    expect(reportBench(out, r, {})).toBe(1);
    expect(lines).toContain(`  FAIL simulated triggers = events built: trigger logic counted ${TRIGGERS}, truth records ${TRIGGERS + 1}, events built ${TRIGGERS}, complete ${TRIGGERS}`);
    expect(lines.at(-1)).toBe("FAIL: simulated triggers = events built; every board sent one frame per trigger; firmware scalers agree");
  });

  it("a FAIL names the events that are missing a board's part: spill, trigger number and board", () => {
    const r = benchResult(() => undefined, 0, (f) => f.board === 4 && f.kind === "EVENT" && (f.trigger === 7 || f.trigger === 9));
    const { out, lines } = capturingOut();
    expect(reportBench(out, r, {})).toBe(1);
    expect(r.builder.incompleteSample).toEqual([
      { spill: 1, trigger: 7, missing: [4] },
      { spill: 1, trigger: 9, missing: [4] },
    ]);
    expect(lines.at(-1)).toMatch(/^FAIL: .*event building.*; incomplete events: spill 1 trigger 7 \(no hcal\), spill 1 trigger 9 \(no hcal\)$/);
  });

  it("warns when most triggers were inhibited, even when every accepted trigger is accounted for", () => {
    const r = benchResult((s) => void (s.inhibitedBusy = 3 * TRIGGERS));
    const { out, lines } = capturingOut();
    reportBench(out, r, {});
    expect(lines.at(-2)).toBe(`warning: 75.00% of the triggers were inhibited (${3 * TRIGGERS} by BUSY, 0 by dead time; ${TRIGGERS} accepted): every accepted trigger is accounted for, but the boards did not keep up with this rate`);
    const quiet = capturingOut();
    reportBench(quiet.out, benchResult(), {});
    expect(quiet.lines.some((l) => l.startsWith("warning:"))).toBe(false);
  });
});
