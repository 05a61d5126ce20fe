// Pile-up end to end: for prescaled BEAM triggers (an unbiased sample of beam particles), the
// fraction whose truth records other beam particles within +-W of the trigger particle is
// 1 - exp(-rate * 2W), W the readout window the digitiser boards' WINDOW_SAMPLES register sets (not
// the simulator's power-on option). Tolerance: 5 binomial standard deviations of the number of
// triggers.
import { describe, expect, it } from "vitest";
import { Reg } from "../../protocol/generated/registers";
import { TriggerType } from "../../protocol/schema/enums";
import { programmedSim, runSpill, SETUP, shortBeam } from "./support";

const ECAL_MAIN = 3;
/** 0.1 s at the full 70 GeV e+ rate: about 87500 beam particles. */
const BEAM = shortBeam(1e8);
/** Beam particles per ns (the halo is not counted as pile-up). */
const RATE = BEAM.intensityPerSpill / BEAM.spillNs;

function beamTriggers(windowSamples: number) {
  const sim = programmedSim(BEAM, { seed: 21, fifoDepth: 1 << 16 }, { trigger: { enabledTypes: ["beam"], prescaleBeam: 20, deadTimeNs: 0 }, readout: { windowSamples } });
  expect(sim.readRegister(ECAL_MAIN, Reg.WINDOW_SAMPLES)).toBe(windowSamples);
  return runSpill(sim, 1).truth;
}

describe("pile-up in the truth records", () => {
  for (const windowSamples of [32, 48]) {
    it(`with ${windowSamples}-sample windows, the fraction of beam triggers with pile-up is 1 - exp(-rate * 2W)`, () => {
      const truth = beamTriggers(windowSamples);
      const n = truth.length;
      expect(n).toBeGreaterThan(3000);
      const W = windowSamples * SETUP.clockNs;
      const p = 1 - Math.exp(-RATE * 2 * W);
      const piled = truth.filter((t) => t.pileup > 0).length / n;
      expect(Math.abs(piled - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
      // Mean number of pile-up particles: Poisson of mean rate * 2W, standard error sqrt(mu / n).
      const mu = RATE * 2 * W;
      const mean = truth.reduce((a, t) => a + t.pileup, 0) / n;
      expect(Math.abs(mean - mu)).toBeLessThan(5 * Math.sqrt(mu / n));
    });
  }

  it("counts the particles of the readout that lie within +-WINDOW_SAMPLES of the trigger", () => {
    const W = 48 * SETUP.clockNs;
    for (const t of beamTriggers(48).slice(0, 500)) {
      const near = t.inWindow.filter((p) => p.serial !== t.particle!.serial && p.species !== "halo" && Math.abs(p.timeNs - t.timeNs) <= W);
      expect(t.pileup).toBe(near.length);
    }
  });
});
