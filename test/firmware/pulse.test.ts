// devs/core/pulse.ts against its golden vectors (the same ones test/vm/core-pulse.ts runs in the VM)
// and against the independent reference model, on the vectors and on random pulses.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PULSE_VECTORS, runPulseVector, type PulseVector } from "./golden/pulse";
import { diff } from "./golden/support";
import { referencePulse } from "./reference-pulse";
import { runVmTests, vmFailure } from "../support/devs";

describe("pulse features: golden vectors", () => {
  for (const v of PULSE_VECTORS) {
    it(v.name, () => {
      expect(diff(runPulseVector(v), v.expect)).toBe("");
    });
    it(`${v.name} (reference model agrees)`, () => {
      expect(referencePulse(v.samples, v.window, v.configuredQ4, v.toleranceAdc)).toEqual(v.expect);
    });
  }
});

describe("pulse features: random windows against the reference model", () => {
  const window = fc.record({
    windowSamples: fc.constantFrom(16, 32, 48, 64),
    pedestalSamples: fc.integer({ min: 2, max: 6 }),
    startGap: fc.integer({ min: 0, max: 4 }),
    signalLength: fc.integer({ min: 1, max: 40 }),
    pileupRiseAdc: fc.integer({ min: 0, max: 200 }),
    pedestalFromPresamples: fc.boolean(),
  });
  it("every feature matches for 2000 random windows", () => {
    fc.assert(
      fc.property(
        window,
        fc.integer({ min: 0, max: 4095 * 16 }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 4095 }), { minLength: 64, maxLength: 64 }),
        (w, configuredQ4, toleranceAdc, raw) => {
          const start = Math.min(w.pedestalSamples + w.startGap, w.windowSamples - 1);
          const end = Math.min(start + w.signalLength, w.windowSamples);
          const pw = {
            windowSamples: w.windowSamples,
            pedestalSamples: w.pedestalSamples,
            signalStartSample: start,
            signalEndSample: end,
            pileupRiseAdc: w.pileupRiseAdc,
            pedestalFromPresamples: w.pedestalFromPresamples,
          };
          const samples = raw.slice(0, w.windowSamples);
          const v: PulseVector = { name: "random", window: pw, configuredQ4, toleranceAdc, samples, expect: referencePulse(samples, pw, configuredQ4, toleranceAdc) };
          expect(diff(runPulseVector(v), v.expect)).toBe("");
        },
      ),
      { numRuns: 2000, seed: 64 },
    );
  });
});

describe("pulse features in the DeviceScript VM", () => {
  it("the same golden vectors pass in the VM", async () => {
    const r = await runVmTests("test/vm/core-pulse.ts");
    expect(vmFailure(r)).toBeUndefined();
    expect(r.tests).toBe(PULSE_VECTORS.length);
  });
});
