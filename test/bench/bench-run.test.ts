// End-to-end: the built firmware images in the DeviceScript VM, the simulator as detector and
// front end, the host's run session. Every hardware trigger must become one frame from every board
// and one complete event, also when a board loses its link or restarts in the middle of a spill.
import { beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runBench } from "../../src/bench/run";
import { BenchOptionError } from "../../src/bench/options";
import { UnknownPresetError } from "../../src/presets/errors";
import { openRun } from "../../src/runfile/reader";
import { listRuns } from "../../src/cli/runs-cmd";
import { ensureFirmware } from "../../src/firmware/images";

// Building the images (when the firmware changed) is not part of any one test's time.
beforeAll(() => ensureFirmware(), 300_000);

const small = { intensity: 0.01, timeoutMs: 30_000 };

function failed(r: Awaited<ReturnType<typeof runBench>>): string {
  return r.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`).join("\n");
}

describe("bench run", () => {
  it("accounts for every trigger of a small 70 GeV e+ spill and records the run", async () => {
    const out = mkdtempSync(join(tmpdir(), "na64-bench-"));
    const r = await runBench({ ...small, outDir: out, upstreamPerParticle: 1e-7, comment: "first light", operator: "shift crew", massMeV: 150, signalPerPositron: 0.01 });
    expect(failed(r)).toBe("");
    // Dark photons of 150 MeV: E_R = 22 GeV goes missing, so they trigger as physics events and most
    // land in the expected ECAL window; every count is bounded by the one before it.
    const sig = r.signalEfficiency!;
    expect(sig.injected).toBeGreaterThan(100);
    expect(sig.triggered).toBeLessThanOrEqual(sig.injected);
    expect(sig.physicsTriggered).toBeLessThanOrEqual(sig.triggered);
    expect(sig.selected).toBeLessThanOrEqual(sig.physicsTriggered);
    expect(sig.selectedInWindow).toBeLessThanOrEqual(sig.selected);
    expect(sig.selectedInWindow).toBeGreaterThan(0);
    // The upstream interaction rate of the simulated beam is the option's, and the run records it.
    expect(r.beam.upstreamPerPot).toBe(1e-7);
    expect(r.ok).toBe(true);
    const sp = r.spills[0]!;
    expect(sp.truthTriggers).toBeGreaterThan(300);
    expect(r.events).toBe(sp.truthTriggers);
    // Physics and beam triggers both happened; random triggers give zero-hit events, which are normal.
    expect(r.summary.triggersByType.physics).toBeGreaterThan(0);
    expect(r.summary.triggersByType.beam).toBeGreaterThan(0);
    expect(r.summary.ecalBeam.mean).toBeGreaterThan(0.85 * 70);
    expect(r.summary.ecalBeam.mean).toBeLessThan(1.1 * 70);
    // The run file holds every frame the boards sent, indexed per spill, closed with a trailer.
    const run = openRun(r.runFile!);
    expect(run.header.runNumber).toBe(r.runNumber);
    expect(run.ok).toBe(true);
    expect(run.spills.map((s) => s.spillNumber)).toEqual([1]);
    expect([...run.frames()].length).toBe(r.boards.reduce((a, b) => a + b.frames, 0));
    expect(run.snapshot?.bench?.seed).toBe(1);
    // The run database: header comment and operator, and the checks' verdict in the trailer.
    expect(run.trailer?.verdict).toEqual({ ok: true, failed: [], events: r.events });
    expect(listRuns(out)).toEqual([
      expect.objectContaining({ runNumber: r.runNumber, preset: "e+70", comment: "first light", operator: "shift crew", spills: 1, events: r.events, status: "complete", checks: "ok" }),
    ]);
    expect(run.snapshot?.preset.settings.beam.upstreamNuclearPerParticle).toEqual({ value: 1e-7, src: expect.stringMatching(/--upstream-rate/) });
  });

  it("loses nothing when, in one spill, a board's link drops, another board restarts and the trigger board restarts", async () => {
    const r = await runBench({
      ...small,
      faults: [
        { kind: "disconnect", board: "ecal-main", afterSlice: 10 },
        { kind: "restart", board: "hcal", afterSlice: 12 },
        { kind: "restart", board: "trig", afterSlice: 14 },
      ],
    });
    expect(failed(r)).toBe("");
    expect(r.boards.find((b) => b.name === "ecal-main")!.link.reconnects).toBe(1);
    const hcal = r.boards.find((b) => b.name === "hcal")!;
    const trig = r.boards.find((b) => b.name === "trig")!;
    expect(hcal.link.restarts).toBe(1);
    expect(trig.link.restarts).toBe(1);
    expect([...r.spills[0]!.restartedBoards].sort((a, b) => a - b)).toEqual([trig.id, hcal.id]);
    // Its configuration survived in flash: it came back with the hash the host pushed.
    expect(hcal.hello.configHash).toBe(hcal.configHash);
    // Every trigger became one complete event, numbered as the hardware numbered it.
    expect(r.events).toBe(r.spills[0]!.truthTriggers);
  });

  it("rejects bad options and unknown presets before starting anything", async () => {
    await expect(runBench({ spills: 0 })).rejects.toThrowError(BenchOptionError);
    await expect(runBench({ intensity: -1 })).rejects.toThrowError(/--intensity -1: expected a fraction/);
    await expect(runBench({ beam: "e+55" })).rejects.toThrowError(UnknownPresetError);
    await expect(runBench({ upstreamPerParticle: 2 })).rejects.toThrowError(/--upstream-rate 2: expected interactions per beam particle/);
  });
});
